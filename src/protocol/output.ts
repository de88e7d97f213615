import type { Writable } from 'node:stream';
import { SerializedRecord } from './serialized.ts';
import type { AirbyteMessage } from './types.ts';

/**
 * Writes AirbyteMessages as JSON lines. Lines are gathered into chunks of about 32 K characters, so that a
 * million records cost tens of thousands of write calls, not a million, and the writer waits for 'drain' so
 * memory stays flat. Not more: one name with a character beyond Latin-1 makes the whole chunk two bytes a
 * character, and past 128 KB a string is a large object in V8, mapped and unmapped on its own (64 K-character
 * chunks did that ~250 times a second in a report read, and their mappings raised the peak RSS).
 */
export class MessageWriter {
  private buffer: string[] = [];
  private size = 0;
  private readonly out: Writable;
  private readonly chunkSize: number;

  constructor(out: Writable = process.stdout, chunkSize = 32 * 1024) {
    this.out = out;
    this.chunkSize = chunkSize;
  }

  /** Resolves at once unless the output is backed up. */
  write(message: AirbyteMessage): Promise<void> | undefined {
    const line = (message instanceof SerializedRecord ? message.json : JSON.stringify(message)) + '\n';
    this.buffer.push(line);
    this.size += line.length;
    // STATE must reach the platform promptly: it is the checkpoint.
    if (this.size >= this.chunkSize || message.type !== 'RECORD') return this.flush();
    return undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.buffer.length === 0) return undefined;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (this.out.write(chunk)) return undefined;
    return new Promise((resolve, reject) => {
      const onDrain = () => { this.out.off('error', onError); resolve(); };
      const onError = (error: Error) => { this.out.off('drain', onDrain); reject(error); };
      this.out.once('drain', onDrain);
      this.out.once('error', onError);
    });
  }

  /** Flushes and waits until everything written so far is handed to the OS. */
  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => {
      if (this.out.writableNeedDrain) this.out.once('drain', () => resolve());
      else resolve();
    });
  }
}

/** Drains a message stream into a writer. */
export async function writeAll(messages: AsyncIterable<AirbyteMessage>, writer: MessageWriter): Promise<void> {
  for await (const message of messages) {
    const pending = writer.write(message);
    if (pending) await pending;
  }
  await writer.end();
}
