// Encoded rows waiting for their COPY, as UTF-8 bytes in reused 1 MiB buffers. Holding bytes outside the
// JS heap (rather than long strings built by concatenation) lets every row's strings die young, so V8's
// young generation stays small and memory stays flat however many rows pass.

const CHUNK_BYTES = 1024 * 1024;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit. */
const MAX_BYTES_PER_UNIT = 3;

export class BufferPool {
  readonly #free: Buffer[] = [];

  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
  }

  give(buffers: readonly Buffer[]): void {
    for (const buffer of buffers) {
      // Only whole pool chunks come back; an oversized one-off buffer is left to the GC.
      if (buffer.length === CHUNK_BYTES && this.#free.length < 16) this.#free.push(buffer);
    }
  }
}

/** One table's pending text: filled chunks plus the one being filled. */
export class CopyBuffer {
  readonly #pool: BufferPool;
  #filled: { buffer: Buffer; length: number }[] = [];
  #current: Buffer | undefined;
  #offset = 0;
  #bytes = 0;

  constructor(pool: BufferPool) {
    this.#pool = pool;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Chunks filled so far (a new one means another MiB is ready). */
  get filledChunks(): number {
    return this.#filled.length;
  }

  append(text: string): number {
    const room = text.length * MAX_BYTES_PER_UNIT;
    if (this.#current === undefined || this.#offset + room > this.#current.length) {
      this.#seal();
      this.#current = room > CHUNK_BYTES ? Buffer.allocUnsafe(room) : this.#pool.take();
    }
    const written = this.#current.write(text, this.#offset);
    this.#offset += written;
    this.#bytes += written;
    return written;
  }

  /**
   * Hands over everything held: the views to send, and the buffers to give back to the pool once the COPY
   * no longer needs them.
   */
  take(): { views: Buffer[]; buffers: Buffer[] } {
    this.#seal();
    const filled = this.#filled;
    this.#filled = [];
    this.#bytes = 0;
    return { views: filled.map(({ buffer, length }) => buffer.subarray(0, length)), buffers: filled.map(({ buffer }) => buffer) };
  }

  #seal(): void {
    if (this.#current === undefined) return;
    if (this.#offset > 0) {
      this.#filled.push({ buffer: this.#current, length: this.#offset });
    } else {
      this.#pool.give([this.#current]);
    }
    this.#current = undefined;
    this.#offset = 0;
  }
}
