// Table digests that leave out Airbyte's own columns (`_airbyte_*`: raw ids and extraction times differ per run),
// so two syncs of the same data compare equal exactly when their rows do. Postgres has `digest()` on a
// TestSchema (test/support/postgres.ts); this is the BigQuery equivalent, read through the official client, and
// the same idea for a source's record stream.

import { createHash } from 'node:crypto';
import type { BigQuery } from '@google-cloud/bigquery';
import { parseJsonLossless } from '../../src/json.ts';
import type { AirbyteMessage } from '../../src/protocol/types.ts';

export interface BigQueryTableRows {
  /** One canonical JSON line per row (data columns in table order), sorted. */
  lines: string[];
  /** `count:md5` of the lines: equal digests, equal rows (duplicates included). */
  digest: string;
}

/** A BigQuery table's rows without the `_airbyte_*` columns; an absent table has no rows. */
export async function bigQueryRows(client: BigQuery, dataset: string, table: string): Promise<BigQueryTableRows> {
  const handle = client.dataset(dataset).table(table);
  const [exists] = await handle.exists();
  if (!exists) return { lines: [], digest: digestOf([]) };
  const [metadata] = await handle.getMetadata();
  const fields = ((metadata as { schema?: { fields?: { name: string }[] } }).schema?.fields ?? [])
    .map((field) => field.name)
    .filter((name) => !name.startsWith('_airbyte_'));
  if (fields.length === 0) throw new Error(`${dataset}.${table} has no data columns`);
  const list = fields.map((name) => `\`${name}\``).join(', ');
  const [job] = await client.createQueryJob({ query: `SELECT ${list} FROM \`${client.projectId}.${dataset}.${table}\`` });
  const [rows] = await job.getQueryResults({ wrapIntegers: { integerTypeCastFunction: String } });
  const lines = (rows as Record<string, unknown>[]).map((row) => JSON.stringify(fields.map((name) => canonical(row[name])))).sort();
  return { lines, digest: digestOf(lines) };
}

export async function bigQueryDigest(client: BigQuery, dataset: string, table: string): Promise<string> {
  return (await bigQueryRows(client, dataset, table)).digest;
}

/** Rows of `subset` that `superset` does not hold (as many times): what a table has that a clean run does not. */
export function extraLines(subset: readonly string[], superset: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of superset) counts.set(line, (counts.get(line) ?? 0) + 1);
  const extra: string[] = [];
  for (const line of subset) {
    const left = counts.get(line) ?? 0;
    if (left === 0) extra.push(line);
    else counts.set(line, left - 1);
  }
  return extra;
}

/**
 * The records of one stream as a deduplicating destination keeps them (one per primary key, the last one
 * winning), as sorted canonical lines, with `count:md5`.
 */
export function recordDigest(messages: readonly AirbyteMessage[], stream: string, key: readonly string[]): { digest: string; rows: Map<string, string> } {
  const rows = new Map<string, string>();
  for (const message of messages) {
    if (message.type !== 'RECORD' || message.record.stream !== stream) continue;
    const data = message.record.data;
    rows.set(key.map((k) => String(canonical(data[k]))).join('|'), JSON.stringify(canonical(data)));
  }
  const lines = [...rows.entries()].map(([k, v]) => `${k}\t${v}`).sort();
  return { digest: digestOf(lines), rows };
}

function digestOf(lines: readonly string[]): string {
  return `${lines.length}:${createHash('md5').update(lines.join('\n')).digest('hex')}`;
}

/**
 * One spelling per value whatever the client hands back: BigQuery's wrapped values and Big numbers as text,
 * DATETIME/TIMESTAMP as ISO instants, JSON columns parsed (ids kept exact) and re-serialised with sorted keys.
 */
function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (JSON.isRawJSON(value)) return value.rawJSON;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    if ('value' in value && Object.keys(value).length === 1) return canonical((value as { value: unknown }).value);
    if (typeof (value as { toFixed?: unknown }).toFixed === 'function') return String(value);
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  if (typeof value === 'string' && /^\s*[{[]/.test(value)) {
    try {
      return canonical(parseJsonLossless(value));
    } catch {
      return value;
    }
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/.test(value)) {
    const iso = `${value.replace(' ', 'T').replace(/(\.\d{3})\d*/, '$1')}${/Z|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'}`;
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? value : date.toISOString();
  }
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
}
