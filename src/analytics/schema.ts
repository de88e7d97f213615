// Reading stream JSON schemas for the analytics views: which streams are reports, and the logical type of a
// property (the same rules as the sinks' column types, so a view column has the type its table column has).

import type { JsonSchema } from '../protocol/types.ts';
import type { LogicalType } from './model.ts';

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Properties of an object schema, in schema order. */
export function propertiesOf(schema: unknown): [string, JsonSchema][] {
  if (!isObject(schema)) return [];
  const properties = schema['properties'];
  if (!isObject(properties)) return [];
  return Object.entries(properties).map(([name, value]) => [name, isObject(value) ? value : {}]);
}

function typesOf(schema: JsonSchema): string[] {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string' && t !== 'null');
  return [];
}

/** The logical type of a scalar property, or undefined for objects, arrays and unions (left as JSON). */
export function logicalTypeOf(schema: JsonSchema): LogicalType | undefined {
  const variants = schema['oneOf'] ?? schema['anyOf'];
  if (Array.isArray(variants)) {
    const types = new Set(variants.filter(isObject).filter((v) => typesOf(v).length > 0).map(logicalTypeOf));
    const [only] = types;
    return types.size === 1 ? only : undefined;
  }
  const types = typesOf(schema);
  if (types.length !== 1) return undefined;
  const airbyteType = schema['airbyte_type'];
  switch (types[0]) {
    case 'integer':
      return 'bigint';
    case 'number':
      return airbyteType === 'integer' ? 'bigint' : 'numeric';
    case 'boolean':
      return 'boolean';
    case 'string': {
      const format = schema['format'];
      if (format === 'date') return 'date';
      if (format === 'date-time' || airbyteType === 'timestamp_without_timezone' || airbyteType === 'timestamp_with_timezone') {
        return airbyteType === 'timestamp_without_timezone' ? 'timestamp' : 'timestamptz';
      }
      return 'text';
    }
    default:
      return undefined;
  }
}

/** A report stream carries its metrics in an object property `metrics` whose keys the schema lists. */
export function metricsOf(schema: JsonSchema): [string, JsonSchema][] | undefined {
  const metrics = propertiesOf(schema).find(([name]) => name === 'metrics')?.[1];
  if (metrics === undefined || !typesOf(metrics).includes('object')) return undefined;
  return propertiesOf(metrics);
}
