// JSON schema → Postgres column type. The rules follow Airbyte's Postgres destination (V2) so that dbt models
// written for it read these tables unchanged; where the schema says nothing precise, jsonb keeps the value whole.

import type { JsonSchema } from '../../protocol/types.ts';
import { type ColumnKind, columnKindOf } from '../../load/column-kind.ts';

/** The column types this sink creates, spelled as `format_type` reports them, so created and found types compare equal. */
export type PostgresType =
  | 'bigint'
  | 'numeric'
  | 'boolean'
  | 'text'
  | 'date'
  | 'timestamp without time zone'
  | 'timestamp with time zone'
  | 'time without time zone'
  | 'time with time zone'
  | 'jsonb';

/**
 * - integer (or number with airbyte_type integer) → bigint: TikTok ids are 19 digits, beyond a double, within a bigint.
 * - number → numeric: money (spend, cpc) stays decimal-exact, as in Airbyte's destination.
 * - string with format date → date; date-time → timestamp with time zone unless airbyte_type says
 *   timestamp_without_timezone (TikTok's `stat_time_day` is local to the advertiser and should say so);
 *   time → time without time zone unless airbyte_type says time_with_timezone.
 * - boolean → boolean; object, array, unions of several types and schemas without a type → jsonb.
 */
export function postgresTypeOf(schema: unknown): PostgresType {
  return POSTGRES_TYPE[columnKindOf(schema)];
}

/** Floats stay numeric: Airbyte's Postgres destination keeps every number decimal. */
const POSTGRES_TYPE: Record<ColumnKind, PostgresType> = {
  integer: 'bigint',
  decimal: 'numeric',
  float: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  time: 'time without time zone',
  timetz: 'time with time zone',
  text: 'text',
  json: 'jsonb',
};

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The top-level properties of a stream schema, in schema order. */
export function propertiesOf(schema: JsonSchema): [string, unknown][] {
  const properties = schema['properties'];
  return isObject(properties) ? Object.entries(properties) : [];
}
