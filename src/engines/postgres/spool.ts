// A stream's uncommitted rows, kept on disk: the encoded COPY bytes sent since the stream's last commit, written
// to an unlinked temporary file (no name on disk, removed by the kernel when the process ends, however it ends).
// If the connection is lost, the rows it held in an open transaction or a temporary staging table are gone with
// it; the sink reconnects and sends them again from here. Memory stays flat whatever the batch's size: only the
// file grows, to the largest batch of the sync (an overwrite stream's batch is the whole stream).

import { randomUUID } from 'node:crypto';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READ_BYTES = 1024 * 1024;

export class Spool {
  #file: Promise<FileHandle> | undefined;
  #bytes = 0;

  /** Bytes of uncommitted rows held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Adds a batch's bytes (resolves once written; the caller may then reuse the buffers). */
  async append(chunks: readonly Buffer[]): Promise<void> {
    const file = await (this.#file ??= openAnonymous());
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset, this.#bytes);
        offset += bytesWritten;
        this.#bytes += bytesWritten;
      }
    }
  }

  /** The bytes held, in order, a MiB at a time. */
  async *chunks(): AsyncGenerator<Buffer> {
    if (this.#file === undefined) return;
    const file = await this.#file;
    const end = this.#bytes;
    for (let position = 0; position < end; ) {
      const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, end - position));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) throw new Error(`The spool file ended at byte ${position} of ${end}.`);
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  }

  /** The rows were committed: forgets them (the file is overwritten from its start, never shrunk). */
  reset(): void {
    this.#bytes = 0;
  }

  async close(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    this.#bytes = 0;
    if (file !== undefined) await (await file).close().catch(() => undefined);
  }
}

/** A file only this process can reach: created 0600 in the temporary folder ($TMPDIR), and unlinked at once. */
async function openAnonymous(): Promise<FileHandle> {
  const path = join(tmpdir(), `tiktok-postgres-spool-${process.pid}-${randomUUID()}`);
  const file = await open(path, 'wx+', 0o600);
  await unlink(path).catch(() => undefined);
  return file;
}
