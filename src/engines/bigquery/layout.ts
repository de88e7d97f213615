// A stream's table as this sink writes it: names, types, key, cursor, partitioning and clustering, and the
// columns the table still lacks. Pure: it compares the stream schema with the table BigQuery reports, the
// DDL acts on the result.

import { configError } from '../../errors.ts';
import type { SinkStream } from '../../load/sink.ts';
import { encoderFor, type Encoder } from './encode.ts';
import { bigQueryName, distinctColumnNames, MAX_TABLE_LENGTH } from './names.ts';
import { bigQueryTypeOf, standardType } from './types.ts';
import { propertiesOf } from './schema.ts';

export const STATE_TABLE = '_sync_state';
/** The staging table's arrival number: among rows of one key and cursor, the last received wins. */
export const SEQUENCE_COLUMN = '_ab_seq';

export interface ColumnDefinition {
  name: string;
  type: string;
  /** REQUIRED columns are created NOT NULL. */
  required: boolean;
}

/** Airbyte's V2 columns as its BigQuery destination makes them, so dbt models written for it work. */
export const AIRBYTE_COLUMNS: readonly ColumnDefinition[] = [
  { name: '_airbyte_raw_id', type: 'STRING', required: true },
  { name: '_airbyte_extracted_at', type: 'TIMESTAMP', required: true },
  { name: '_airbyte_meta', type: 'JSON', required: true },
  { name: '_airbyte_generation_id', type: 'INT64', required: false },
];

/** A data column as loaded: the record field that feeds it and how its values are written. */
export interface LoadedColumn {
  property: string;
  name: string;
  /** The column's type in the table (which wins over the schema's wish), in standard spelling. */
  type: string;
  encode: Encoder;
}

/** A key or cursor: a column, or a path inside a JSON column when the stream's key is nested. */
export interface FieldRef {
  column: string;
  path: string[];
}

/** A table as tables.get reports it. */
export interface ExistingTable {
  /** Lower-cased column name → the column as BigQuery spells it, with its standard type. */
  fields: Map<string, { name: string; type: string }>;
}

export interface TableLayout {
  stream: SinkStream;
  table: string;
  columns: LoadedColumn[];
  airbyteColumns: ColumnDefinition[];
  key: FieldRef[];
  cursor: FieldRef | undefined;
  /** The DATE/DATETIME/TIMESTAMP key column the table is partitioned by, by day. */
  partition: { column: string; type: string } | undefined;
  /** Up to four top-level columns, most selective first. */
  clustering: string[];
  create: boolean;
  /** Columns to add to an existing table. */
  missing: ColumnDefinition[];
}

const PARTITION_TYPES = new Set(['DATE', 'DATETIME', 'TIMESTAMP']);
const CLUSTER_TYPES = new Set(['INT64', 'STRING', 'DATE', 'DATETIME', 'TIMESTAMP', 'BOOL', 'NUMERIC', 'BIGNUMERIC']);
const MAX_CLUSTER_COLUMNS = 4;

export function planTable(stream: SinkStream, existing: ExistingTable | undefined): TableLayout {
  const table = bigQueryName(stream.name, MAX_TABLE_LENGTH);
  if (table.toLowerCase() === STATE_TABLE) {
    throw configError(`Stream "${stream.name}" would share its table with the sync state table ${STATE_TABLE}; rename the stream.`);
  }
  const reserved = new Set([...AIRBYTE_COLUMNS.map((column) => column.name), SEQUENCE_COLUMN]);
  const properties = propertiesOf(stream.jsonSchema);
  const names = distinctColumnNames(properties.map(([property]) => property), reserved);
  const missing: ColumnDefinition[] = [];
  const airbyteColumns = AIRBYTE_COLUMNS.map((column) => {
    const found = existing?.fields.get(column.name.toLowerCase());
    if (found === undefined && existing !== undefined) missing.push({ ...column, required: false });
    return { ...column, type: found?.type ?? column.type };
  });
  const columns: LoadedColumn[] = properties.map(([property, schema]) => {
    const wanted = names.get(property) ?? bigQueryName(property);
    const found = existing?.fields.get(wanted.toLowerCase());
    const type = found === undefined ? bigQueryTypeOf(schema) : standardType(found.type);
    if (found === undefined && existing !== undefined) missing.push({ name: wanted, type, required: false });
    return { property, name: found?.name ?? wanted, type, encode: encoderFor(type) };
  });
  const byProperty = new Map(columns.map((column) => [column.property, column]));
  const fieldRef = (path: readonly string[], what: string): FieldRef => {
    const [first, ...rest] = path;
    const column = first === undefined ? undefined : byProperty.get(first);
    if (column === undefined) throw configError(`The ${what} ${JSON.stringify(path)} of stream "${stream.name}" is not a property of its schema.`);
    if (rest.length > 0 && column.type !== 'JSON') {
      throw configError(`The ${what} ${JSON.stringify(path)} of stream "${stream.name}" points inside "${first}", which is not an object.`);
    }
    return { column: column.name, path: rest };
  };
  const key = stream.primaryKey.map((path) => fieldRef(path, 'primary key field'));
  const cursorPath = stream.cursorField;
  const cursor = cursorPath.length > 0 && byProperty.has(cursorPath[0] ?? '') ? fieldRef(cursorPath, 'cursor field') : undefined;
  const typeOf = (name: string): string | undefined => columns.find((column) => column.name === name)?.type;
  const topLevelKeys = key.filter((ref) => ref.path.length === 0).map((ref) => ref.column);
  // Reports: their date is part of the key (stat_time_day / stat_time_hour); daily partitions, since hourly
  // ones would reach BigQuery's 10,000 partitions per table in 14 months.
  const partitionColumn = topLevelKeys.find((name) => PARTITION_TYPES.has(typeOf(name) ?? ''));
  const partition = partitionColumn === undefined ? undefined : { column: partitionColumn, type: typeOf(partitionColumn) ?? 'DATE' };
  // The ids of the key first (a query by campaign reads few blocks), then the advertiser, which most queries name.
  const candidates = [...topLevelKeys.filter((name) => name !== partitionColumn), ...(byProperty.has('advertiser_id') ? [byProperty.get('advertiser_id')!.name] : [])];
  const clustering = [...new Set(candidates)].filter((name) => CLUSTER_TYPES.has(typeOf(name) ?? '')).slice(0, MAX_CLUSTER_COLUMNS);
  return { stream, table, columns, airbyteColumns, key, cursor, partition, clustering, create: existing === undefined, missing };
}

/** The table's columns in load order: Airbyte's first, then the data columns. */
export function columnNames(layout: TableLayout): string[] {
  return [...layout.airbyteColumns.map((column) => column.name), ...layout.columns.map((column) => column.name)];
}

/** The table's full column list with types, as CREATE TABLE and the staging table want it. */
export function columnDefinitions(layout: TableLayout): ColumnDefinition[] {
  return [...layout.airbyteColumns, ...layout.columns.map((column) => ({ name: column.name, type: column.type, required: false }))];
}
