// BigQuery column types in their three spellings: the REST schema (legacy names, as tables.get returns them),
// DuckDB's storage type, and ZetaSQL's TypeProto for the analyzer's catalog. DuckDB's INTEGER and FLOAT are 32-bit and
// its bare NUMERIC is DECIMAL(18,3), so every type is mapped explicitly.

import { invalid } from './errors.ts';

export interface FieldSchema {
  name: string;
  type: string;
  mode?: string;
  fields?: FieldSchema[];
  description?: string;
  precision?: string;
  scale?: string;
  maxLength?: string;
}

export type BaseType =
  | 'STRING' | 'BYTES' | 'INTEGER' | 'FLOAT' | 'BOOLEAN' | 'TIMESTAMP' | 'DATE' | 'TIME' | 'DATETIME' | 'NUMERIC'
  | 'BIGNUMERIC' | 'JSON' | 'RECORD' | 'GEOGRAPHY';

const ALIASES: Readonly<Record<string, BaseType>> = {
  STRING: 'STRING', BYTES: 'BYTES', INTEGER: 'INTEGER', INT64: 'INTEGER', FLOAT: 'FLOAT', FLOAT64: 'FLOAT',
  BOOLEAN: 'BOOLEAN', BOOL: 'BOOLEAN', TIMESTAMP: 'TIMESTAMP', DATE: 'DATE', TIME: 'TIME', DATETIME: 'DATETIME',
  NUMERIC: 'NUMERIC', DECIMAL: 'NUMERIC', BIGNUMERIC: 'BIGNUMERIC', BIGDECIMAL: 'BIGNUMERIC', JSON: 'JSON',
  RECORD: 'RECORD', STRUCT: 'RECORD', GEOGRAPHY: 'GEOGRAPHY',
};

export function canonicalType(type: string, field = ''): BaseType {
  const base = ALIASES[type.toUpperCase()];
  if (base === undefined) throw invalid(`Invalid field type ${type}${field ? ` for field ${field}` : ''}.`);
  return base;
}

export function canonicalMode(mode: string | undefined): 'NULLABLE' | 'REQUIRED' | 'REPEATED' {
  const upper = (mode ?? 'NULLABLE').toUpperCase();
  if (upper === 'NULLABLE' || upper === 'REQUIRED' || upper === 'REPEATED') return upper;
  throw invalid(`Invalid field mode ${mode}.`);
}

/** The field as tables.get returns it: legacy type names, explicit mode, nested fields canonical too. */
export function canonicalField(field: FieldSchema): FieldSchema {
  const type = canonicalType(field.type, field.name);
  return {
    name: field.name,
    type,
    mode: canonicalMode(field.mode),
    ...(type === 'RECORD' ? { fields: (field.fields ?? []).map(canonicalField) } : {}),
    ...(field.description !== undefined ? { description: field.description } : {}),
    ...(field.precision !== undefined ? { precision: String(field.precision) } : {}),
    ...(field.scale !== undefined ? { scale: String(field.scale) } : {}),
    ...(field.maxLength !== undefined ? { maxLength: String(field.maxLength) } : {}),
  };
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** DuckDB type for a field; BIGNUMERIC is held as DECIMAL(38,9) (DuckDB's widest decimal: lossy beyond it). */
export function duckType(field: FieldSchema): string {
  const type = canonicalType(field.type, field.name);
  const element = (() => {
    switch (type) {
      case 'STRING': return 'VARCHAR';
      case 'BYTES': return 'BLOB';
      case 'INTEGER': return 'BIGINT';
      case 'FLOAT': return 'DOUBLE';
      case 'BOOLEAN': return 'BOOLEAN';
      case 'TIMESTAMP': return 'TIMESTAMPTZ';
      case 'DATE': return 'DATE';
      case 'TIME': return 'TIME';
      case 'DATETIME': return 'TIMESTAMP';
      case 'NUMERIC': return field.precision !== undefined ? `DECIMAL(${field.precision},${field.scale ?? 0})` : 'DECIMAL(38,9)';
      case 'BIGNUMERIC': return 'DECIMAL(38,9)';
      case 'JSON': return 'JSON';
      case 'GEOGRAPHY': return 'VARCHAR';
      case 'RECORD': return `STRUCT(${(field.fields ?? []).map((f) => `${quoteIdent(f.name)} ${duckType(f)}`).join(', ')})`;
    }
  })();
  return canonicalMode(field.mode) === 'REPEATED' ? `${element}[]` : element;
}

/** Column definition for CREATE TABLE / ADD COLUMN. */
export function duckColumn(field: FieldSchema): string {
  return `${quoteIdent(field.name)} ${duckType(field)}${canonicalMode(field.mode) === 'REQUIRED' ? ' NOT NULL' : ''}`;
}

/** DuckDB type text (from duckdb_columns() or a result) back to a BigQuery field. */
export function fieldFromDuck(name: string, duck: string, notNull: boolean): FieldSchema {
  const text = duck.trim();
  if (text.endsWith('[]')) {
    const element = fieldFromDuck(name, text.slice(0, -2), false);
    return { ...element, mode: 'REPEATED' };
  }
  const upper = text.toUpperCase();
  const mode = notNull ? 'REQUIRED' : 'NULLABLE';
  if (upper.startsWith('STRUCT(')) {
    return { name, type: 'RECORD', mode, fields: splitStruct(text.slice(7, -1)).map(([n, t]) => fieldFromDuck(n, t, false)) };
  }
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(upper);
  if (decimal) {
    const standard = decimal[1] === '38' && decimal[2] === '9';
    return { name, type: 'NUMERIC', mode, ...(standard ? {} : { precision: decimal[1]!, scale: decimal[2]! }) };
  }
  const type = DUCK_TO_BQ[upper];
  if (type === undefined) return { name, type: 'STRING', mode };
  return { name, type, mode };
}

const DUCK_TO_BQ: Readonly<Record<string, BaseType>> = {
  VARCHAR: 'STRING', BLOB: 'BYTES', BIGINT: 'INTEGER', INTEGER: 'INTEGER', SMALLINT: 'INTEGER', TINYINT: 'INTEGER',
  HUGEINT: 'INTEGER', UBIGINT: 'INTEGER', UINTEGER: 'INTEGER', USMALLINT: 'INTEGER', UTINYINT: 'INTEGER',
  DOUBLE: 'FLOAT', FLOAT: 'FLOAT', BOOLEAN: 'BOOLEAN', 'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP', TIMESTAMPTZ: 'TIMESTAMP',
  DATE: 'DATE', TIME: 'TIME', TIMESTAMP: 'DATETIME', JSON: 'JSON', UUID: 'STRING', INTERVAL: 'STRING',
};

/** `a BIGINT, "b c" STRUCT(x INT)` → [['a','BIGINT'], ['b c','STRUCT(x INT)']] (commas inside parentheses kept). */
function splitStruct(body: string): [string, string][] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  if (body.trim() !== '') parts.push(body.slice(start));
  return parts.map((part) => {
    const trimmed = part.trim();
    const match = /^"((?:[^"]|"")*)"\s+(.*)$/s.exec(trimmed) ?? /^(\S+)\s+(.*)$/s.exec(trimmed);
    if (!match) return [trimmed, 'VARCHAR'];
    return [match[1]!.replaceAll('""', '"'), match[2]!];
  });
}
