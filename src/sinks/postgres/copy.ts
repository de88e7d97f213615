// The loading path: records → COPY text format → a staging table, streamed through pg-copy-streams with
// backpressure. One COPY per batch, no per-row statements, and only one chunk of text in memory at a time.

import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AirbyteRecordMessage } from '../../protocol/types.ts';
import { escapeCopyText, INVALID, type Encoder } from './encode.ts';

/** A data column as loaded: which record field feeds it, and how its values are written. */
export interface LoadedColumn {
  /** The record's field name. */
  property: string;
  /** The Postgres column name. */
  name: string;
  /** The column's type in the table (which wins over the schema's wish). */
  type: string;
  encode: Encoder;
}

/** What the encoder needs to know about a table: its data columns and the constant parts of each row. */
export interface RowShape {
  columns: readonly LoadedColumn[];
  generationId: number;
  syncId: number | undefined;
}

const CHUNK_CHARS = 512 * 1024;

/** The column list of every COPY, in this order: staging sequence, Airbyte columns, data columns. */
export const STAGE_SEQUENCE_COLUMN = '_ab_seq';

interface MetaChange {
  field: string;
  change: 'NULLED';
  reason: 'DESTINATION_TYPECAST_ERROR';
}

/**
 * COPY text for a batch, in chunks of about 512 K characters. `sequence` numbers rows in arrival order, so
 * that among rows with the same key and cursor the last one received wins the merge.
 */
export function* copyText(shape: RowShape, records: readonly AirbyteRecordMessage[], sequence: { next: number }): Generator<string> {
  const columns = shape.columns;
  const width = columns.length;
  const generation = String(shape.generationId);
  const syncIdPart = shape.syncId === undefined ? '' : `,"sync_id":${shape.syncId}`;
  const cleanMeta = `{"changes":[]${syncIdPart}}`;
  let lastEmittedAt = Number.NaN;
  let extractedAt = '';
  let chunk = '';
  for (const record of records) {
    const data = record.data;
    let fields = '';
    let changes: MetaChange[] | undefined;
    for (let i = 0; i < width; i++) {
      const column = columns[i]!;
      const value = data[column.property];
      if (value === undefined || value === null) {
        fields += '\t\\N';
        continue;
      }
      const encoded = column.encode(value);
      if (encoded === INVALID) {
        fields += '\t\\N';
        (changes ??= []).push({ field: column.property, change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' });
      } else {
        fields += '\t' + encoded;
      }
    }
    if (record.emitted_at !== lastEmittedAt) {
      lastEmittedAt = record.emitted_at;
      const date = new Date(lastEmittedAt);
      extractedAt = Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
    }
    const meta = changes === undefined ? cleanMeta : escapeCopyText(`{"changes":${JSON.stringify(changes)}${syncIdPart}}`);
    chunk += `${sequence.next++}\t${randomUUID()}\t${extractedAt}\t${meta}\t${generation}${fields}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** Streams text into `COPY … FROM STDIN`; resolves when Postgres has taken every row. */
export async function copyInto(client: pg.Client, statement: string, text: Iterable<string>): Promise<void> {
  const stream = client.query(copyFrom(statement));
  await pipeline(Readable.from(text, { objectMode: false, highWaterMark: 2 }), stream);
}
