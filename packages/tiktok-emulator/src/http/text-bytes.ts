// Text encoded into one growing buffer as it is made. A report page built as one string of 1,000 rows is a rope
// of ~100,000 pieces; encoding it to UTF-8 walked the rope and took longer than building it (and a single
// character beyond Latin-1 anywhere made the whole page a two-byte string). Written row by row, each row is
// encoded while it is small and fresh, and the page is bytes from the start.

export class TextBytes {
  #buffer: Buffer;
  #length = 0;

  constructor(capacity = 64 * 1024) {
    this.#buffer = Buffer.allocUnsafe(capacity);
  }

  write(text: string): void {
    // UTF-8 takes at most three bytes for each UTF-16 unit.
    const needed = this.#length + text.length * 3;
    if (needed > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    this.#length += this.#buffer.write(text, this.#length);
  }

  /** What was written, without a copy: a view of the buffer, valid until the next write. */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }
}
