// Reading stream JSON schemas for the analytics views: which streams are reports, and the logical type of a
// property (the same rules as the sinks' column types, so a view column has the type its table column has).

import type { JsonSchema } from '../protocol/types.ts';
import { type ColumnKind, columnKindOf } from '../load/column-kind.ts';
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

/** The logical type of a scalar property (the sinks' column kind), or undefined for what the sinks keep as JSON. */
export function logicalTypeOf(schema: JsonSchema): LogicalType | undefined {
  return LOGICAL_TYPE[columnKindOf(schema)];
}

const LOGICAL_TYPE: Record<ColumnKind, LogicalType | undefined> = {
  integer: 'bigint',
  decimal: 'numeric',
  float: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  time: 'text',
  timetz: 'text',
  text: 'text',
  json: undefined,
};

/** A report stream carries its metrics in an object property `metrics` whose keys the schema lists. */
export function metricsOf(schema: JsonSchema): [string, JsonSchema][] | undefined {
  const metrics = propertiesOf(schema).find(([name]) => name === 'metrics')?.[1];
  if (metrics === undefined || !typesOf(metrics).includes('object')) return undefined;
  return propertiesOf(metrics);
}
