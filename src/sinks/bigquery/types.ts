// JSON schema → BigQuery column type. Written as BigQuery's standard names (INT64, FLOAT64, BOOL); the API
// may answer with the legacy ones (INTEGER, FLOAT, BOOLEAN), which `standardType` folds back.

import type { JsonSchema } from '../../protocol/types.ts';

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
  if (!isObject(schema)) return 'JSON';
  const variants = schema['oneOf'] ?? schema['anyOf'];
  if (Array.isArray(variants)) {
    const types = new Set(variants.filter((variant) => !isNullSchema(variant)).map(bigQueryTypeOf));
    const [only] = types;
    return types.size === 1 && only !== undefined ? only : 'JSON';
  }
  const types = typesOf(schema).filter((type) => type !== 'null');
  if (types.length !== 1) return 'JSON';
  const airbyteType = schema['airbyte_type'];
  const format = schema['format'];
  switch (types[0]) {
    case 'integer':
      return 'INT64';
    case 'number':
      if (airbyteType === 'integer') return 'INT64';
      return isFloat(format) || isFloat(airbyteType) ? 'FLOAT64' : 'NUMERIC';
    case 'boolean':
      return 'BOOL';
    case 'string':
      return stringType(format, airbyteType);
    default:
      return 'JSON';
  }
}

const isFloat = (value: unknown): boolean => value === 'float' || value === 'double';

function stringType(format: unknown, airbyteType: unknown): BigQueryType {
  if (format === 'date') return 'DATE';
  if (format === 'date-time' || airbyteType === 'timestamp_without_timezone' || airbyteType === 'timestamp_with_timezone') {
    return airbyteType === 'timestamp_without_timezone' ? 'DATETIME' : 'TIMESTAMP';
  }
  if (format === 'time') return 'TIME';
  if (airbyteType === 'integer') return 'INT64';
  return 'STRING';
}

const LEGACY: Record<string, string> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL', RECORD: 'STRUCT', DECIMAL: 'NUMERIC', BIGDECIMAL: 'BIGNUMERIC' };

/** A type as tables.get reports it, in the standard spelling (INTEGER → INT64, …). */
export function standardType(apiType: string): string {
  const upper = apiType.toUpperCase();
  return LEGACY[upper] ?? upper;
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
