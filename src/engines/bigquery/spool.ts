// A stream's staged rows on their way to a load job: NDJSON appended to a temporary file, so memory stays flat
// however many rows a load job carries (hundreds of MB), and the upload streams from disk.

import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Text gathered in memory before one write to the file (fewer, larger writes). */
const CHUNK_CHARS = 1024 * 1024;

export interface SpoolFile {
  path: string;
  bytes: number;
  rows: number;
}

export class Spool {
  readonly #dir: string;
  readonly #name: string;
  #file: WriteStream | undefined;
  #path = '';
  #number = 0;
  #chunk = '';
  #error: Error | undefined;
  /** Bytes and rows appended since the last `take`. */
  bytes = 0;
  rows = 0;

  constructor(dir: string, name: string) {
    this.#dir = dir;
    this.#name = name;
  }

  /** Appends a row; returns a promise only when the file is behind and the caller must wait. */
  append(line: string): Promise<void> | undefined {
    this.#chunk += line;
    this.bytes += Buffer.byteLength(line, 'utf8');
    this.rows++;
    if (this.#chunk.length < CHUNK_CHARS) return undefined;
    return this.#flush();
  }

  #flush(): Promise<void> | undefined {
    if (this.#error !== undefined) throw this.#error;
    if (this.#chunk === '') return undefined;
    const file = this.#open();
    const ok = file.write(this.#chunk);
    this.#chunk = '';
    return ok ? undefined : new Promise((resolve) => file.once('drain', resolve));
  }

  #open(): WriteStream {
    if (this.#file !== undefined) return this.#file;
    this.#path = join(this.#dir, `${this.#name}-${++this.#number}.ndjson`);
    const file = createWriteStream(this.#path);
    file.on('error', (error) => (this.#error = error));
    this.#file = file;
    return file;
  }

  /** The rows appended since the last take, closed in a file of their own (undefined when there are none). */
  async take(): Promise<SpoolFile | undefined> {
    if (this.rows === 0) return undefined;
    await this.#flush();
    const file = this.#open();
    await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.#error !== undefined) throw this.#error;
    const taken = { path: this.#path, bytes: this.bytes, rows: this.rows };
    this.#file = undefined;
    this.bytes = 0;
    this.rows = 0;
    return taken;
  }

  /** Forgets what is buffered (close without commit). */
  async discard(): Promise<void> {
    this.#chunk = '';
    this.bytes = 0;
    this.rows = 0;
    const file = this.#file;
    this.#file = undefined;
    if (file !== undefined) await new Promise<void>((resolve) => file.end(() => resolve()));
    if (this.#path !== '') await rm(this.#path, { force: true });
  }
}
