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

