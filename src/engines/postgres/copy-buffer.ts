// Encoded rows waiting for their COPY, as UTF-8 bytes in reused 1 MiB buffers. Holding bytes outside the
// JS heap (rather than long strings built by concatenation) lets every row's strings die young, so V8's
// young generation stays small and memory stays flat however many rows pass.

import { freeMemory } from '../../free-memory.ts';

const CHUNK_BYTES = 1024 * 1024;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit. */
const MAX_BYTES_PER_UNIT = 3;

/** Chunks kept for reuse: a 4 MiB batch being filled and one being sent. */
const KEPT_CHUNKS = 8;

export class BufferPool {
  readonly #free: Buffer[] = [];

  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
  }

  /**
   * Takes back buffers a COPY no longer needs. Whole chunks are kept up to KEPT_CHUNKS; any other (an oversized
   * one-off, or a chunk beyond what is kept) is freed at once: left to the collector, the memory of a long sync's
   * spare chunks waited for a full GC, and the peak RSS rose with the run's length.
   */
  give(buffers: readonly Buffer[]): void {
    for (const buffer of buffers) {
      if (buffer.length === CHUNK_BYTES && this.#free.length < KEPT_CHUNKS) this.#free.push(buffer);
      else freeMemory(buffer);
    }
  }

  /** Buffers held for reuse. */
  get kept(): number {
    return this.#free.length;
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
