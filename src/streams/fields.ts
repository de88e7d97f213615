import type { JsonSchema } from '../protocol/types.ts';

/**
 * A compact vocabulary for field types, turned into JSON schema and used to coerce values.
 * `id`: TikTok's numeric ids (16–19 digits) as exact JSON integers; `ts`: "YYYY-MM-DD HH:MM:SS".
 */
export type FieldType = 'id' | 'int' | 'num' | 'str' | 'bool' | 'ts' | 'str[]' | 'id[]' | 'int[]' | 'obj' | 'obj[]';

export type FieldTable = Readonly<Record<string, FieldType>>;

const TIMESTAMP: JsonSchema = { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' };

export function fieldSchema(type: FieldType): JsonSchema {
  switch (type) {
    case 'id':
    case 'int':
      return { type: ['null', 'integer'] };
    case 'num':
      return { type: ['null', 'number'] };
    case 'str':
      return { type: ['null', 'string'] };
    case 'bool':
      return { type: ['null', 'boolean'] };
    case 'ts':
      return TIMESTAMP;
    case 'str[]':
      return { type: ['null', 'array'], items: { type: ['null', 'string'] } };
    case 'id[]':
    case 'int[]':
      return { type: ['null', 'array'], items: { type: ['null', 'integer'] } };
    case 'obj':
      return { type: ['null', 'object'], additionalProperties: true };
    case 'obj[]':
      return { type: ['null', 'array'], items: { type: ['null', 'object'], additionalProperties: true } };
  }
}

export function objectSchema(fields: FieldTable, extra: Record<string, JsonSchema> = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, type] of Object.entries(fields)) properties[name] = fieldSchema(type);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: true,
    properties: { ...properties, ...extra },
  };
}

const DIGITS = /^-?\d+$/;

/** An id as an exact JSON integer; anything that is not digits is kept as it came. */
export function toId(value: unknown): unknown {
  if (typeof value === 'string' && DIGITS.test(value)) return JSON.rawJSON(value);
  if (typeof value === 'number' && Number.isInteger(value)) return JSON.rawJSON(String(value));
  return value;
}

/** Rewrites the id fields (and id arrays) of a record in place. */
export function coerceIds(record: Record<string, unknown>, idFields: readonly string[], idArrayFields: readonly string[]): void {
  for (const field of idFields) {
    const value = record[field];
    if (value !== undefined && value !== null) record[field] = toId(value);
  }
  for (const field of idArrayFields) {
    const value = record[field];
    if (Array.isArray(value)) record[field] = value.map(toId);
  }
}

export function fieldsOfType(fields: FieldTable, type: FieldType): string[] {
  return Object.entries(fields)
    .filter(([, t]) => t === type)
    .map(([name]) => name);
}
