// Records → newline-delimited JSON rows for a load job. Only the table's columns are written (BigQuery fails
// a load on an unknown field), NULLs are left out (a missing field is NULL), and a JSON column gets the
// producer's own JSON text where the record carries it, never rebuilt from the object.

import { randomUUID } from 'node:crypto';
import { fieldJsonOf } from '../../protocol/serialized.ts';
import type { AirbyteRecordMessage } from '../../protocol/types.ts';
import { encoderFor, INVALID, jsonValueText } from './encode.ts';
import { SEQUENCE_COLUMN, type LoadedColumn, type TableLayout } from './layout.ts';
import { widerTypeFor, type Widening } from './widening.ts';

interface MetaChange {
  field: string;
  change: 'NULLED';
  reason: 'DESTINATION_TYPECAST_ERROR';
}

/**
 * The span of partition dates among the rows written since the last `reset`: the MERGE names it as constants,
 * so BigQuery reads only those partitions of the table (a subquery would not prune). Kept for DATE and
 * DATETIME, whose canonical text sorts as time does; a NULL anywhere gives up (a NULL key matches NULL).
 */
export class PartitionSpan {
  min: string | undefined;
  max: string | undefined;
  sawNull = false;

  note(text: string | undefined): void {
    if (text === undefined) {
      this.sawNull = true;
      return;
    }
    if (this.min === undefined || text < this.min) this.min = text;
    if (this.max === undefined || text > this.max) this.max = text;
  }

  /** The span, when it can be used. */
  get range(): { min: string; max: string } | undefined {
    return this.sawNull || this.min === undefined || this.max === undefined ? undefined : { min: this.min, max: this.max };
  }

  reset(): void {
    this.min = undefined;
    this.max = undefined;
    this.sawNull = false;
  }
}

export class RowWriter {
  /** Undefined when the table has no DATE/DATETIME partition column. */
  readonly span: PartitionSpan | undefined;
  readonly #partitionIndex: number;
  readonly #columns: readonly LoadedColumn[];
  /** `"name":` of each column, built once. */
  readonly #keys: readonly string[];
  readonly #generation: string;
  readonly #syncIdPart: string;
  readonly #cleanMeta: string;
  #lastEmittedAt = Number.NaN;
  #extractedAt = '';
  /** Columns widened by values written since the sink last took them (see `takeWidenings`). */
  #widenings: Widening[] = [];
  /**
   * Columns whose type stays as it is: the key, the partitioning and the clustering columns, which the table's
   * layout and every MERGE rely on (a value that does not fit them is NULL with a note).
   */
  readonly #fixed: ReadonlySet<string>;

  constructor(layout: Pick<TableLayout, 'columns' | 'stream' | 'partition' | 'key' | 'clustering'>) {
    this.#columns = layout.columns;
    this.#fixed = new Set([...layout.key.map((ref) => ref.column), ...layout.clustering, ...(layout.partition === undefined ? [] : [layout.partition.column])]);
    const partition = layout.partition;
    this.#partitionIndex = partition !== undefined && partition.type !== 'TIMESTAMP' ? layout.columns.findIndex((c) => c.name === partition.column) : -1;
    this.span = this.#partitionIndex >= 0 ? new PartitionSpan() : undefined;
    this.#keys = layout.columns.map((column) => `,${JSON.stringify(column.name)}:`);
    this.#generation = String(layout.stream.generationId);
    this.#syncIdPart = layout.stream.syncId === undefined ? '' : `,"sync_id":${layout.stream.syncId}`;
    this.#cleanMeta = `{"changes":[]${this.#syncIdPart}}`;
  }

  /**
   * The column types changed since the last call: the sink widens the tables before it loads rows written
   * under the new types. Rows written before stay valid (a wider type holds every value of the narrower).
   */
  takeWidenings(): Widening[] {
    const widenings = this.#widenings;
    this.#widenings = [];
    return widenings;
  }

  /** A numeric value its column cannot hold: the column (shared with the layout) takes the narrowest type that can. */
  #widen(column: LoadedColumn, value: unknown): string | typeof INVALID {
    const to = this.#fixed.has(column.name) ? undefined : widerTypeFor(column.type, value);
    if (to === undefined) return INVALID;
    const pending = this.#widenings.find((widening) => widening.column === column.name);
    if (pending === undefined) this.#widenings.push({ column: column.name, from: column.type, to });
    else pending.to = to;
    column.type = to;
    column.encode = encoderFor(to);
    return column.encode(value);
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
      let encoded = value === undefined || value === null ? undefined : column.encode(value);
      if (encoded === INVALID) encoded = this.#widen(column, value);
      if (encoded === INVALID) (changes ??= []).push({ field: column.property, change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' });
      else if (encoded !== undefined) fields += this.#keys[i] + encoded;
      if (i === this.#partitionIndex) this.span!.note(encoded === undefined || encoded === INVALID ? undefined : encoded.slice(1, -1));
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
