import type { RecordData } from './types.ts';

/**
 * A RECORD message whose JSON line was written by the producer (see streams/report-codec.ts); MessageWriter
 * uses the line as it is. JSON.stringify of the object gives the same values (TikTok's decimal text, such as
 * "10.50", may be written as 10.5 there).
 */
export class SerializedRecord {
  readonly type = 'RECORD' as const;
  readonly record: { stream: string; readonly data: RecordData; emitted_at: number };
  readonly json: string;

  constructor(record: SerializedRecord['record'], json: string) {
    this.record = record;
    this.json = json;
  }

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
