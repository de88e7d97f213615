// JSON schema → Postgres column type. The rules follow Airbyte's Postgres destination (V2) so that dbt models
// written for it read these tables unchanged; where the schema says nothing precise, jsonb keeps the value whole.

import type { JsonSchema } from '../../protocol/types.ts';

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
  if (!isObject(schema)) return 'jsonb';
  const variants = schema['oneOf'] ?? schema['anyOf'];
  if (Array.isArray(variants)) {
    const types = new Set(variants.filter((variant) => !isNullSchema(variant)).map(postgresTypeOf));
    const [only] = types;
    return types.size === 1 && only !== undefined ? only : 'jsonb';
  }
  const types = typesOf(schema).filter((type) => type !== 'null');
  if (types.length !== 1) return 'jsonb';
  const airbyteType = schema['airbyte_type'];
  switch (types[0]) {
    case 'integer':
      return 'bigint';
    case 'number':
      return airbyteType === 'integer' ? 'bigint' : 'numeric';
    case 'boolean':
      return 'boolean';
    case 'string':
      return stringType(schema['format'], airbyteType);
    default:
      return 'jsonb';
  }
}

function stringType(format: unknown, airbyteType: unknown): PostgresType {
  if (format === 'date') return 'date';
  if (format === 'date-time') {
    return airbyteType === 'timestamp_without_timezone' ? 'timestamp without time zone' : 'timestamp with time zone';
  }
  if (format === 'time') return airbyteType === 'time_with_timezone' ? 'time with time zone' : 'time without time zone';
  if (airbyteType === 'timestamp_without_timezone') return 'timestamp without time zone';
  if (airbyteType === 'timestamp_with_timezone') return 'timestamp with time zone';
  if (airbyteType === 'integer') return 'bigint';
  return 'text';
}

function typesOf(schema: JsonSchema): string[] {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

function isNullSchema(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const types = typesOf(schema);
  return types.length === 1 && types[0] === 'null';
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The top-level properties of a stream schema, in schema order. */
export function propertiesOf(schema: JsonSchema): [string, unknown][] {
  const properties = schema['properties'];
  return isObject(properties) ? Object.entries(properties) : [];
}
