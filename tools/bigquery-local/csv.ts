// CSV uploads (BigQuery's default sourceFormat, and what table.load picks for a .csv file) become NDJSON rows
// keyed by the schema's column order, so one row checker and one insert path serve both formats. The options are
// BigQuery's: skipLeadingRows, fieldDelimiter, quote, nullMarker, allowJaggedRows; extra values are bad rows
// unless ignoreUnknownValues.

import { parse } from 'csv-parse/sync';
import { type BadRow } from './ndjson.ts';
import { invalid } from './errors.ts';
import { type FieldSchema, canonicalMode, canonicalType } from './types.ts';

export interface CsvOptions {
  skipLeadingRows?: number | string;
  fieldDelimiter?: string;
  quote?: string;
  nullMarker?: string;
  allowJaggedRows?: boolean;
  ignoreUnknownValues?: boolean;
}

export interface CsvRows {
  /** One NDJSON line per CSV record that has the right shape. */
  readonly ndjson: Buffer;
  /** Byte offset in the CSV of each NDJSON line's record. */
  readonly origin: number[];
  /** Records of the wrong shape (too many or too few values, JSON that does not parse). */
  readonly bad: BadRow[];
  readonly rows: number;
}

interface Parsed {
  record: (string | null)[];
  info: { bytes: number };
}

function delimiter(text: string | undefined): string {
  if (text === undefined || text === '') return ',';
  if (text === '\\t' || text.toLowerCase() === 'tab') return '\t';
  return text;
}

export function csvRows(data: Buffer, fields: readonly FieldSchema[], options: CsvOptions): CsvRows {
  if (fields.some((f) => canonicalType(f.type) === 'RECORD' || canonicalMode(f.mode) === 'REPEATED')) {
    throw invalid('CSV import is not supported for nested or repeated fields; load NEWLINE_DELIMITED_JSON instead.');
  }
  const skip = Number(options.skipLeadingRows ?? 0);
  const nullMarker = options.nullMarker ?? '';
  let records: Parsed[];
  try {
    records = parse(data, {
      delimiter: delimiter(options.fieldDelimiter),
      quote: options.quote === '' ? false : options.quote ?? '"',
      from_line: skip + 1,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      // An unquoted nullMarker (empty by default) is NULL; a quoted "" stays an empty string.
      cast: (value: string, context: { quoting: boolean }) => (!context.quoting && value === nullMarker ? null : value),
    }) as unknown as Parsed[];
  } catch (error) {
    throw invalid(`Error while reading data, error message: ${(error as Error).message}`);
  }
  let start = 0;
  for (let i = 0; i < skip; i++) start = data.indexOf(10, start) + 1;
  const lines: string[] = [];
  const origin: number[] = [];
  const bad: BadRow[] = [];
  records.forEach(({ record, info }, index) => {
    const position = start;
    start = info.bytes;
    if (record.length > fields.length && options.ignoreUnknownValues !== true) {
      bad.push({ index, position, message: `Too many values in row starting at position: ${position}. Found ${record.length} column(s) while expected ${fields.length}.` });
      return;
    }
    if (record.length < fields.length && options.allowJaggedRows !== true) {
      bad.push({ index, position, message: `CSV table references column position ${fields.length - 1}, but line contains only ${record.length} columns.` });
      return;
    }
    const row: Record<string, unknown> = {};
    for (const [i, field] of fields.entries()) {
      const value = record[i] ?? null;
      if (value !== null && canonicalType(field.type) === 'JSON') {
        try {
          row[field.name] = JSON.parse(value);
        } catch {
          bad.push({ index, position, message: `Invalid JSON for field ${field.name}: ${value}` });
          return;
        }
      } else row[field.name] = value;
    }
    lines.push(JSON.stringify(row));
    origin.push(position);
  });
  return { ndjson: Buffer.from(lines.join('\n')), origin, bad, rows: records.length };
}
