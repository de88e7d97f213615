// JSON schema → BigQuery column type. Written as BigQuery's standard names (INT64, FLOAT64, BOOL); the API
// may answer with the legacy ones (INTEGER, FLOAT, BOOLEAN), which `standardType` folds back.

import { type ColumnKind, columnKindOf } from '../../load/column-kind.ts';

export type BigQueryType = 'INT64' | 'NUMERIC' | 'FLOAT64' | 'BOOL' | 'STRING' | 'DATE' | 'DATETIME' | 'TIMESTAMP' | 'TIME' | 'JSON';

/**
 * - integer (or number with airbyte_type integer) → INT64: TikTok's 19-digit ids fit (up to 9.22e18);
 * - number → NUMERIC (decimal-exact money, as Airbyte's BigQuery destination), or FLOAT64 when the schema says
 *   the number is a float (`format`/`airbyte_type` float or double);
 * - string with format date → DATE; date-time → DATETIME when airbyte_type says timestamp_without_timezone
 *   (TikTok's `stat_time_*`, local to the advertiser), else TIMESTAMP; time → TIME;
 * - boolean → BOOL; object, array, unions of several types and schemas without a type → JSON.
 */
export function bigQueryTypeOf(schema: unknown): BigQueryType {
  return BIGQUERY_TYPE[columnKindOf(schema)];
}

const BIGQUERY_TYPE: Record<ColumnKind, BigQueryType> = {
  integer: 'INT64',
  decimal: 'NUMERIC',
  float: 'FLOAT64',
  boolean: 'BOOL',
  date: 'DATE',
  timestamp: 'DATETIME',
  timestamptz: 'TIMESTAMP',
  time: 'TIME',
  timetz: 'TIME',
  text: 'STRING',
  json: 'JSON',
};

const LEGACY: Record<string, string> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL', RECORD: 'STRUCT', DECIMAL: 'NUMERIC', BIGDECIMAL: 'BIGNUMERIC' };

/** A type as tables.get reports it, in the standard spelling (INTEGER → INT64, …). */
export function standardType(apiType: string): string {
  const upper = apiType.toUpperCase();
  return LEGACY[upper] ?? upper;
}
