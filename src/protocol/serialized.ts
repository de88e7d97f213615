import { parseJsonLossless, rawInteger } from '../json.ts';
import type { RecordData } from './types.ts';

/**
 * A RECORD message that can write its own JSON line (see streams/report-codec.ts); MessageWriter uses the line
 * as it is. JSON.stringify of the object gives the same values (TikTok's decimal text, such as "10.50", may be
 * written as 10.5 there). The line is a getter so that a producer can build it only when it is written: a sink
 * in the same process never asks for it, and a line built early is held (and promoted by the GC) for nothing.
 */
export abstract class SerializedRecord {
  readonly type = 'RECORD' as const;
  abstract readonly record: { stream: string; readonly data: RecordData; emitted_at: number };
  /** The message as one JSON line, without the newline. */
  abstract get json(): string;

  toJSON(): { type: 'RECORD'; record: SerializedRecord['record'] } {
    return { type: this.type, record: this.record };
  }
}

/**
 * A record may carry, under this symbol, the JSON text of some of its object fields (report `metrics` and
 * `dimensions`), so a sink writing them to a JSON column copies the text instead of stringifying the object
 * again. Symbol keys are invisible to JSON.stringify and Object.keys.
 */
export const FIELD_JSON: unique symbol = Symbol('fieldJson');

export function fieldJsonOf(data: RecordData, property: string): string | undefined {
  const texts = (data as { [FIELD_JSON]?: Record<string, string> })[FIELD_JSON];
  return texts?.[property];
}

/**
 * A string built by `+` is a tree of pieces (a cons string in V8) until something reads it whole: for a report
 * line, ~160 pieces of ~32 bytes each around ~1 KB of text. A line that waits a few milliseconds to be written
 * outlives the young generation, and the collector then copies every piece twice and promotes it. Reading one
 * character makes V8 copy the text into one flat string at once, and the pieces die young.
 */
export function flattened(text: string): string {
  // Folded into a module variable, so the optimiser cannot drop the read as unused.
  readCodes ^= text.charCodeAt(text.length - 1);
  return text;
}
let readCodes = 0;

/** The RECORD of a LineMessage: stream and time at hand, `data` parsed back from the line only if asked for. */
class LineRecordBody {
  readonly stream: string;
  readonly emitted_at: number;
  readonly #line: string;
  #data: RecordData | undefined;

  constructor(stream: string, emittedAt: number, line: string) {
    this.stream = stream;
    this.emitted_at = emittedAt;
    this.#line = line;
  }

  /** The whole RECORD message as one JSON line. */
  get line(): string {
    return this.#line;
  }

  get data(): RecordData {
    this.#data ??= (parseJsonLossless(this.#line, rawInteger) as { record: { data: RecordData } }).record.data;
    return this.#data;
  }

  toJSON(): { stream: string; data: RecordData; emitted_at: number } {
    return { stream: this.stream, data: this.data, emitted_at: this.emitted_at };
  }
}

/**
 * A RECORD kept as nothing but its JSON line, built (and flattened) when the record is made: for the `read`
 * command, whose records are only ever written out, so the row they come from dies at once instead of waiting
 * with them to be written.
 */
export class LineMessage extends SerializedRecord {
  readonly record: LineRecordBody;

  constructor(stream: string, emittedAt: number, line: string) {
    super();
    this.record = new LineRecordBody(stream, emittedAt, flattened(line));
  }

  get json(): string {
    return this.record.line;
  }
}
