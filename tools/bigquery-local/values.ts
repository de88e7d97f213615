// DuckDB values → BigQuery's REST cells: every scalar is a string (`{v:"1234567890123456789"}`), so 19-digit INT64
// stay exact; TIMESTAMP is int64 microseconds when the client asks for useInt64Timestamp (the Node client always
// does and parses it with BigInt()); REPEATED is `v:[{v}]`, RECORD is `v:{f:[…]}`.

import { type FieldSchema, canonicalMode, canonicalType } from './types.ts';

export type Cell = { v: CellValue };
export type CellValue = string | null | Cell[] | { f: Cell[] };

export interface FormatOptions {
  /** micros: int64 microseconds (useInt64Timestamp / INT64); iso: ISO8601_STRING; float: BigQuery's legacy seconds. */
  readonly timestamp: 'micros' | 'iso' | 'float';
}

/** Reads formatOptions from a jobs.query body or getQueryResults/tabledata.list query string. */
export function formatOptions(useInt64Timestamp: unknown, timestampOutputFormat: unknown): FormatOptions {
  if (timestampOutputFormat === 'ISO8601_STRING') return { timestamp: 'iso' };
  if (useInt64Timestamp === true || useInt64Timestamp === 'true' || timestampOutputFormat === 'INT64') return { timestamp: 'micros' };
  return { timestamp: 'float' };
}

interface WithMicros { micros: bigint }
interface WithBytes { bytes: Uint8Array }
interface WithItems { items: readonly unknown[] }
interface WithEntries { entries: Record<string, unknown> }

export function rowCells(values: readonly unknown[], fields: readonly FieldSchema[], options: FormatOptions): { f: Cell[] } {
  return { f: fields.map((field, i) => ({ v: cellValue(values[i], field, options) })) };
}

export function cellValue(value: unknown, field: FieldSchema, options: FormatOptions): CellValue {
  if (value === null || value === undefined) return null;
  if (canonicalMode(field.mode) === 'REPEATED') {
    const element = { ...field, mode: 'NULLABLE' };
    return (value as WithItems).items.map((item) => ({ v: cellValue(item, element, options) }));
  }
  switch (canonicalType(field.type)) {
    case 'RECORD': {
      const entries = (value as WithEntries).entries;
      return { f: (field.fields ?? []).map((f) => ({ v: cellValue(entries[f.name], f, options) })) };
    }
    case 'BOOLEAN':
      return value === true ? 'true' : 'false';
    case 'FLOAT':
      return formatFloat(Number(value));
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return trimDecimal(String(value));
    case 'BYTES':
      return Buffer.from((value as WithBytes).bytes).toString('base64');
    case 'TIMESTAMP': {
      const micros = (value as WithMicros).micros;
      if (options.timestamp === 'micros') return micros.toString();
      if (options.timestamp === 'iso') return `${formatDatetime(micros)}Z`;
      return (Number(micros) / 1e6).toExponential().replace('e+', 'E');
    }
    case 'DATETIME':
      return formatDatetime((value as WithMicros).micros);
    default:
      return String(value);
  }
}

function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

/** BigQuery writes NUMERIC without trailing zeros: DuckDB's DECIMAL(38,9) "1.500000000" is "1.5". */
function trimDecimal(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** DATETIME as BigQuery writes it: `2024-01-02T03:04:05` with `.ffffff` only when there is a fraction. */
export function formatDatetime(micros: bigint): string {
  const seconds = micros / 1_000_000n - (micros % 1_000_000n < 0n ? 1n : 0n);
  const fraction = micros - seconds * 1_000_000n;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return fraction === 0n ? base : `${base}.${fraction.toString().padStart(6, '0')}`;
}
