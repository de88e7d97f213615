// Records → newline-delimited JSON rows for a load job. Only the table's columns are written (BigQuery fails
// a load on an unknown field), NULLs are left out (a missing field is NULL), and a JSON column gets the
// producer's own JSON text where the record carries it, never rebuilt from the object.

import { randomUUID } from 'node:crypto';
import { fieldJsonOf } from '../../protocol/serialized.ts';
import type { AirbyteRecordMessage } from '../../protocol/types.ts';
import { INVALID, jsonValueText } from './encode.ts';
import { SEQUENCE_COLUMN, type LoadedColumn, type TableLayout } from './layout.ts';

interface MetaChange {
  field: string;
  change: 'NULLED';
  reason: 'DESTINATION_TYPECAST_ERROR';
}

export class RowWriter {
  readonly #columns: readonly LoadedColumn[];
  /** `"name":` of each column, built once. */
  readonly #keys: readonly string[];
  readonly #generation: string;
  readonly #syncIdPart: string;
  readonly #cleanMeta: string;
  #lastEmittedAt = Number.NaN;
  #extractedAt = '';

  constructor(layout: Pick<TableLayout, 'columns' | 'stream'>) {
    this.#columns = layout.columns;
    this.#keys = layout.columns.map((column) => `,${JSON.stringify(column.name)}:`);
    this.#generation = String(layout.stream.generationId);
    this.#syncIdPart = layout.stream.syncId === undefined ? '' : `,"sync_id":${layout.stream.syncId}`;
    this.#cleanMeta = `{"changes":[]${this.#syncIdPart}}`;
  }

  /** One row, newline included; `sequence` numbers rows in arrival order. */
  write(record: AirbyteRecordMessage, sequence: number): string {
    const data = record.data;
    const columns = this.#columns;
    let fields = '';
    let changes: MetaChange[] | undefined;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      if (column.type === 'JSON') {
        const text = fieldJsonOf(data, column.property);
        if (text !== undefined) {
          fields += this.#keys[i] + jsonValueText(text);
          continue;
        }
      }
      const value = data[column.property];
      if (value === undefined || value === null) continue;
      const encoded = column.encode(value);
      if (encoded === INVALID) (changes ??= []).push({ field: column.property, change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' });
      else fields += this.#keys[i] + encoded;
    }
    if (record.emitted_at !== this.#lastEmittedAt) {
      this.#lastEmittedAt = record.emitted_at;
      const date = new Date(record.emitted_at);
      this.#extractedAt = (Number.isNaN(date.getTime()) ? new Date() : date).toISOString();
    }
    const meta = changes === undefined ? this.#cleanMeta : `{"changes":${JSON.stringify(changes)}${this.#syncIdPart}}`;
    return `{"${SEQUENCE_COLUMN}":${sequence},"_airbyte_raw_id":"${randomUUID()}","_airbyte_extracted_at":"${this.#extractedAt}","_airbyte_meta":${meta},"_airbyte_generation_id":"${this.#generation}"${fields}}\n`;
  }
}
