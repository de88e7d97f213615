// What a stream's JSON schema says a value is, independent of any warehouse: one reading of `type`, `format`,
// `airbyte_type` and unions that every engine's sink (and the analytics views over its tables) spells in its own
// types, so a column means the same thing in every engine's tables and in the views.

import type { JsonSchema } from '../protocol/types.ts';

export type ColumnKind =
  | 'integer' // integer, or number/string with airbyte_type integer: TikTok's 19-digit ids fit a 64-bit integer
  | 'decimal' // number: money (spend, cpc) stays decimal-exact, as in Airbyte's destinations
  | 'float' // number whose format or airbyte_type says float/double
  | 'boolean'
  | 'date' // string, format date
  | 'timestamp' // date-time local to someone (airbyte_type timestamp_without_timezone: TikTok's stat_time_*)
  | 'timestamptz' // date-time, an instant
  | 'time'
  | 'timetz' // time with airbyte_type time_with_timezone
  | 'text'
  | 'json'; // object, array, unions of several kinds and schemas without a type: the value kept whole

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFloat = (value: unknown): boolean => value === 'float' || value === 'double';

export function columnKindOf(schema: unknown): ColumnKind {
  if (!isObject(schema)) return 'json';
  const variants = schema['oneOf'] ?? schema['anyOf'];
  if (Array.isArray(variants)) {
    const kinds = new Set(variants.filter((variant) => !isNullSchema(variant)).map(columnKindOf));
    const [only] = kinds;
    return kinds.size === 1 && only !== undefined ? only : 'json';
  }
  const types = typesOf(schema).filter((type) => type !== 'null');
  if (types.length !== 1) return 'json';
  const airbyteType = schema['airbyte_type'];
  const format = schema['format'];
  switch (types[0]) {
    case 'integer':
      return 'integer';
    case 'number':
      if (airbyteType === 'integer') return 'integer';
      return isFloat(format) || isFloat(airbyteType) ? 'float' : 'decimal';
    case 'boolean':
      return 'boolean';
    case 'string':
      return stringKind(format, airbyteType);
    default:
      return 'json';
  }
}

function stringKind(format: unknown, airbyteType: unknown): ColumnKind {
  if (format === 'date') return 'date';
  if (format === 'date-time' || airbyteType === 'timestamp_without_timezone' || airbyteType === 'timestamp_with_timezone') {
    return airbyteType === 'timestamp_without_timezone' ? 'timestamp' : 'timestamptz';
  }
  if (format === 'time') return airbyteType === 'time_with_timezone' ? 'timetz' : 'time';
  if (airbyteType === 'integer') return 'integer';
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
