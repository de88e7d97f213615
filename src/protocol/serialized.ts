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
