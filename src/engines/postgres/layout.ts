// A stream's table as this sink will write it: names, types, key and cursor, and the columns the table still
// lacks. Pure: it compares the stream schema with what introspection found and decides, the DDL acts.

import { configError } from '../../errors.ts';
import type { SinkStream } from '../../load/sink.ts';
import { type LoadedColumn, type RowShape, STAGE_SEQUENCE_COLUMN } from './copy.ts';
import { encoderFor } from './encode.ts';
import { derivedName, distinctNames, postgresName } from './identifiers.ts';
import { STATE_TABLE } from './state.ts';
import { postgresTypeOf, propertiesOf } from './types.ts';

/** Airbyte's V2 columns, first in every table, so dbt models written for Airbyte's Postgres destination work. */
export const AIRBYTE_COLUMNS: readonly { name: string; type: string }[] = [
  { name: '_airbyte_raw_id', type: 'uuid' },
  { name: '_airbyte_extracted_at', type: 'timestamp with time zone' },
  { name: '_airbyte_meta', type: 'jsonb' },
  { name: '_airbyte_generation_id', type: 'bigint' },
];

/** A key or cursor: a column, or a path inside a jsonb column when the stream's key is nested. */
export interface FieldRef {
  column: string;
  path: string[];
}

export interface TableLayout extends RowShape {
  stream: SinkStream;
  table: string;
  /** The temporary table batches are copied into before a commit merges them. */
  stage: string;
  key: FieldRef[];
  cursor: FieldRef | undefined;
  /** The Airbyte columns with the types the table has (an Airbyte-made table may differ from ours). */
  airbyteColumns: { name: string; type: string }[];
  /** True when the table must be created. */
  create: boolean;
  /** Columns to create or add, in order. */
  missing: { name: string; type: string }[];
}

export function planTable(stream: SinkStream, index: number, existing: ReadonlyMap<string, string> | undefined): TableLayout {
  const table = postgresName(stream.name);
  if (table === STATE_TABLE) throw configError(`Stream "${stream.name}" would share its table with the sync state table ${STATE_TABLE}; rename the stream.`);
  const reserved = new Set([...AIRBYTE_COLUMNS.map((column) => column.name), STAGE_SEQUENCE_COLUMN]);
  const properties = propertiesOf(stream.jsonSchema);
  const names = distinctNames(properties.map(([property]) => property), reserved);
  const missing: { name: string; type: string }[] = [];
  const airbyteColumns = AIRBYTE_COLUMNS.map((column) => {
    const found = existing?.get(column.name);
    if (found === undefined) missing.push(column);
    return { name: column.name, type: found ?? column.type };
  });
  const columns: LoadedColumn[] = properties.map(([property, schema]) => {
    const name = names.get(property) ?? postgresName(property);
    const found = existing?.get(name);
    const type = found ?? postgresTypeOf(schema);
    if (found === undefined) missing.push({ name, type });
    return { property, name, type, encode: encoderFor(type), json: /^jsonb?$/.test(type.trim()) };
  });
  const fieldRef = (path: readonly string[], what: string): FieldRef => {
    const [first, ...rest] = path;
    const column = first === undefined ? undefined : names.get(first);
    if (column === undefined) {
      throw configError(`The ${what} ${JSON.stringify(path)} of stream "${stream.name}" is not a property of its schema.`);
    }
    return { column, path: rest };
  };
  const key = stream.primaryKey.map((path) => fieldRef(path, 'primary key field'));
  const cursorPath = stream.cursorField;
  const cursor = cursorPath.length > 0 && names.has(cursorPath[0] ?? '') ? fieldRef(cursorPath, 'cursor field') : undefined;
  return {
    stream,
    table,
    stage: `_ab_stage_${index}`,
    columns,
    generationId: stream.generationId,
    syncId: stream.syncId,
    key,
    cursor,
    airbyteColumns,
    create: existing === undefined,
    missing,
  };
}

/** The name of a table's key index; it changes with the key, so a changed key gets a new index. */
export function keyIndexName(layout: TableLayout): string {
  const signature = layout.key.map((ref) => [ref.column, ...ref.path].join('\u0001')).join('\u0002');
  return derivedName(layout.table, `_ab_key_${shortSignature(signature)}`);
}

function shortSignature(text: string): string {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
