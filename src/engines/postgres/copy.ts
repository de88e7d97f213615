// The loading path: records → COPY text format → a staging table, streamed through pg-copy-streams with
// backpressure. One COPY per batch of rows, never a statement per row.

import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AirbyteRecordMessage } from '../../protocol/types.ts';
import { fieldJsonOf } from '../../protocol/serialized.ts';
import { escapeCopyText, INVALID, type Encoder, jsonbSafe } from './encode.ts';

/** A data column as loaded: which record field feeds it, and how its values are written. */
export interface LoadedColumn {
  /** The record's field name. */
  property: string;
  /** The Postgres column name. */
  name: string;
  /** The column's type in the table (which wins over the schema's wish). */
  type: string;
  encode: Encoder;
  /** The column holds json/jsonb. */
  json?: boolean;
}

/** What the encoder needs to know about a table: its data columns and the constant parts of each row. */
export interface RowShape {
  columns: readonly LoadedColumn[];
  generationId: number;
  syncId: number | undefined;
}

/** The column list of every COPY, in this order: staging sequence, Airbyte columns, data columns. */
export const STAGE_SEQUENCE_COLUMN = '_ab_seq';

interface MetaChange {
  field: string;
  change: 'NULLED';
  reason: 'DESTINATION_TYPECAST_ERROR';
}

/**
 * Encodes rows of one table as COPY text lines. Holds the parts that are the same for every row, and the
 * last `emitted_at` converted, since a source stamps whole pages with one time.
 */
export class RowEncoder {
  readonly #columns: readonly LoadedColumn[];
  readonly #generation: string;
  readonly #syncIdPart: string;
  readonly #cleanMeta: string;
  #lastEmittedAt = Number.NaN;
  #extractedAt = '';

  constructor(shape: RowShape) {
    this.#columns = shape.columns;
    this.#generation = String(shape.generationId);
    this.#syncIdPart = shape.syncId === undefined ? '' : `,"sync_id":${shape.syncId}`;
    this.#cleanMeta = `{"changes":[]${this.#syncIdPart}}`;
  }

  /**
   * One line, newline included. `sequence` (staged rows only) numbers rows in arrival order: among equals,
   * the last received wins the merge.
   */
  encode(record: AirbyteRecordMessage, sequence: number | undefined): string {
    const data = record.data;
    const columns = this.#columns;
    let fields = '';
    let changes: MetaChange[] | undefined;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      if (column.json) {
        // JSON text the producer already wrote: copied, never rebuilt from the object.
        const text = fieldJsonOf(data, column.property);
        if (text !== undefined) {
          fields += '\t' + escapeCopyText(jsonbSafe(text));
          continue;
        }
      }
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
    if (record.emitted_at !== this.#lastEmittedAt) {
      this.#lastEmittedAt = record.emitted_at;
      const date = new Date(record.emitted_at);
      this.#extractedAt = Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
    }
    const meta = changes === undefined ? this.#cleanMeta : escapeCopyText(`{"changes":${JSON.stringify(changes)}${this.#syncIdPart}}`);
    const prefix = sequence === undefined ? '' : `${sequence}\t`;
    return `${prefix}${randomUUID()}\t${this.#extractedAt}\t${meta}\t${this.#generation}${fields}\n`;
  }
}

/** COPY text: a batch's buffers, or a spool read back. */
export type CopyChunks = Iterable<Buffer> | AsyncIterable<Buffer>;

/** Streams chunks of COPY text into `COPY … FROM STDIN`, with backpressure; resolves when Postgres has taken every row. */
export async function copyInto(client: pg.Client, statement: string, chunks: CopyChunks): Promise<void> {
  const stream = client.query(copyFrom(statement));
  await pipeline(Readable.from(chunks, { objectMode: false, highWaterMark: 1 }), stream);
}
