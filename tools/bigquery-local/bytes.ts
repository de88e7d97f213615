// totalBytesProcessed and totalBytesBilled of a statement, from what it reads: the tables its resolved AST scans
// (ZetaSQL prunes each scan to the columns referenced), over the rows of the partitions scanned, sized the way
// BigQuery sizes data (INT64 8 bytes, STRING 2 + its UTF-8 bytes, NULL 0…). A table partitioned on a DATE column
// is read only in the partitions a constant predicate on that column selects (BETWEEN, >=, >, <=, <, =, IN, with
// literals or @parameters, in WHERE, JOIN … ON or a MERGE's ON). Billed is per table referenced: rounded up to the
// MiB, at least 10 MiB, as BigQuery bills on demand.

import type { Connection } from './engine.ts';
import type { Store } from './store.ts';
import { tablePath } from './store.ts';
import { type FieldSchema, canonicalMode, canonicalType, quoteIdent } from './types.ts';
import type { CatalogTable } from './zeta-catalog.ts';

export interface StatementBytes {
  processed: number;
  billed: number;
}

export const NO_BYTES: StatementBytes = { processed: 0, billed: 0 };

const MIB = 1024 * 1024;
const MINIMUM_BILLED = 10 * MIB;

type Json = Record<string, unknown>;

/** The node inside ZetaSQL's one-of wrappers (`{node: 'resolvedX', resolvedX: {…}}`), with its kind. */
function leaf(value: unknown): { kind: string; body: Json } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let node = value as Json;
  let kind = '';
  for (;;) {
    const next = node['node'];
    if (typeof next !== 'string' || typeof node[next] !== 'object' || node[next] === null) return { kind, body: node };
    kind = next;
    node = node[next] as Json;
  }
}

const idOf = (value: unknown): number => Number((value as { low?: number } | undefined)?.low ?? 0);

interface Scan {
  /** Index+1 of the table in the catalog list (its serializationId). */
  readonly table: number;
  /** Referenced columns: name by columnId. */
  readonly columns: Map<number, string>;
}

/** Every table scan in the statement, and every conjunct of its filter, join, MERGE ON and WHERE conditions. */
function collect(node: unknown, scans: Scan[], conjuncts: unknown[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, scans, conjuncts);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const object = node as Json;
  if (typeof object['table'] === 'object' && object['table'] !== null && Array.isArray(object['columnIndexList'])) {
    const list = ((object['parent'] as Json | undefined)?.['columnList'] ?? []) as { columnId?: unknown; name?: string }[];
    scans.push({ table: idOf((object['table'] as Json)['serializationId']), columns: new Map(list.map((c) => [idOf(c.columnId), String(c.name)])) });
  }
  for (const key of ['filterExpr', 'joinExpr', 'mergeExpr', 'whereExpr']) {
    if (object[key]) conjuncts.push(...flattenAnd(object[key]));
  }
  for (const value of Object.values(object)) collect(value, scans, conjuncts);
}

function flattenAnd(expression: unknown): unknown[] {
  const call = functionCall(expression);
  if (call?.name === '$and') return call.args.flatMap(flattenAnd);
  return [expression];
}

function functionCall(expression: unknown): { name: string; args: unknown[] } | undefined {
  const node = leaf(expression);
  if (node?.kind !== 'resolvedFunctionCallNode') return undefined;
  const base = node.body['parent'] as Json | undefined;
  const name = String((base?.['function'] as Json | undefined)?.['name'] ?? '').replace(/^ZetaSQL:/, '');
  return { name, args: (base?.['argumentList'] ?? []) as unknown[] };
}

function columnRef(expression: unknown): number | undefined {
  const node = leaf(expression);
  return node?.kind === 'resolvedColumnRefNode' ? idOf((node.body['column'] as Json | undefined)?.['columnId']) : undefined;
}

const DAY_MS = 86_400_000;

/** A constant DATE as days since 1970-01-01: a literal, a parameter, or either under a cast. */
function constantDay(expression: unknown, parameters: Record<string, unknown>): number | undefined {
  const node = leaf(expression);
  if (!node) return undefined;
  if (node.kind === 'resolvedCastNode') return constantDay(node.body['expr'], parameters);
  if (node.kind === 'resolvedLiteralNode') {
    const value = (node.body['value'] as Json | undefined)?.['value'] as Json | undefined;
    if (typeof value?.['dateValue'] === 'number') return value['dateValue'];
    if (typeof value?.['stringValue'] === 'string') return parseDay(value['stringValue']);
    return undefined;
  }
  if (node.kind === 'resolvedParameterNode') {
    const value = parameters[String(node.body['name'])];
    return typeof value === 'string' ? parseDay(value) : undefined;
  }
  return undefined;
}

function parseDay(text: string): number | undefined {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS);
}

/** Sets of days as sorted closed intervals; undefined bounds are open ends. */
type Interval = [number, number];
const ALL: Interval[] = [[-Infinity, Infinity]];

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [lo1, hi1] of a) {
    for (const [lo2, hi2] of b) {
      const lo = Math.max(lo1, lo2);
      const hi = Math.min(hi1, hi2);
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  return out;
}

/** The days a conjunct allows for column `id`, or undefined when it says nothing (constant) about that column. */
function daysAllowed(conjunct: unknown, id: number, parameters: Record<string, unknown>): Interval[] | undefined {
  const call = functionCall(conjunct);
  if (!call) return undefined;
  const [first, ...rest] = call.args;
  const flipped: Readonly<Record<string, string>> = { $less: '$greater', $greater: '$less', $less_or_equal: '$greater_or_equal', $greater_or_equal: '$less_or_equal', $equal: '$equal' };
  let name = call.name;
  let values = rest;
  if (columnRef(first) !== id) {
    // `DATE '…' <= col`: the same bound written the other way round.
    if (call.args.length !== 2 || columnRef(rest[0]) !== id || flipped[name] === undefined) return undefined;
    name = flipped[name]!;
    values = [first];
  }
  const days = values.map((v) => constantDay(v, parameters));
  if (days.some((d) => d === undefined)) return undefined;
  const [a, b] = days as number[];
  switch (name) {
    case '$between': return [[a!, b!]];
    case '$equal': return [[a!, a!]];
    case '$greater_or_equal': return [[a!, Infinity]];
    case '$greater': return [[a! + 1, Infinity]];
    case '$less_or_equal': return [[-Infinity, a!]];
    case '$less': return [[-Infinity, a! - 1]];
    case '$in': return [...new Set(days as number[])].sort((x, y) => x - y).map((d): Interval => [d, d]);
    default: return undefined;
  }
}

const dateText = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** DuckDB condition selecting the rows of the allowed partitions (undefined: every partition). */
function partitionCondition(column: string, allowed: readonly Interval[]): string | undefined {
  if (allowed.length === 1 && allowed[0]![0] === -Infinity && allowed[0]![1] === Infinity) return undefined;
  if (allowed.length === 0) return 'FALSE';
  const col = quoteIdent(column);
  return allowed.map(([lo, hi]) => {
    const parts = [lo === -Infinity ? '' : `${col} >= DATE '${dateText(lo)}'`, hi === Infinity ? '' : `${col} <= DATE '${dateText(hi)}'`].filter(Boolean);
    return `(${parts.join(' AND ')})`;
  }).join(' OR ');
}

/** The logical bytes of one value of `field` (DuckDB expression on `value`), NULL counting 0. */
export function sizeExpression(field: FieldSchema, value: string): string {
  if (canonicalMode(field.mode) === 'REPEATED') {
    const element = sizeExpression({ ...field, mode: 'NULLABLE' }, 'x');
    return `COALESCE(list_sum(list_transform(${value}, x -> ${element})), 0)`;
  }
  const type = canonicalType(field.type);
  const fixed = (bytes: number) => `(CASE WHEN ${value} IS NULL THEN 0 ELSE ${bytes} END)`;
  switch (type) {
    case 'INTEGER': case 'FLOAT': case 'DATE': case 'TIMESTAMP': case 'DATETIME': case 'TIME':
      return fixed(8);
    case 'NUMERIC':
      return fixed(16);
    case 'BIGNUMERIC':
      return fixed(32);
    case 'BOOLEAN':
      return fixed(1);
    case 'STRING': case 'GEOGRAPHY':
      return `COALESCE(2 + strlen(${value}), 0)`;
    case 'BYTES':
      return `COALESCE(2 + octet_length(${value}), 0)`;
    case 'JSON':
      return `COALESCE(strlen(CAST(${value} AS VARCHAR)), 0)`;
    case 'RECORD': {
      const fields = (field.fields ?? []).map((f) => sizeExpression(f, `struct_extract(${value}, '${f.name.replaceAll("'", "''")}')`));
      return fields.length === 0 ? '0' : `(CASE WHEN ${value} IS NULL THEN 0 ELSE ${fields.join(' + ')} END)`;
    }
  }
}

/** Bytes a statement (its resolved AST) reads, by table, and billed as BigQuery bills them. */
export async function statementBytes(
  c: Connection,
  node: Json,
  tables: readonly CatalogTable[],
  store: Store,
  parameters: Record<string, unknown>,
): Promise<StatementBytes> {
  const scans: Scan[] = [];
  const conjuncts: unknown[] = [];
  collect(node, scans, conjuncts);
  const byTable = new Map<string, number>();
  for (const scan of scans) {
    const table = tables[scan.table - 1];
    if (!table) continue;
    const key = `${table.projectId}:${table.datasetId}.${table.tableId}`;
    const referenced = new Set([...scan.columns.values()].map((n) => n.toLowerCase()));
    const fields = table.fields.filter((f) => referenced.has(f.name.toLowerCase()));
    let bytes = 0;
    if (fields.length > 0) {
      const meta = store.findTable(table.projectId, table.datasetId, table.tableId);
      const partitionField = meta?.timePartitioning?.field;
      const partitionColumn = partitionField === undefined ? undefined : table.fields.find((f) => f.name.toLowerCase() === partitionField.toLowerCase());
      let condition: string | undefined;
      if (partitionColumn && canonicalType(partitionColumn.type) === 'DATE') {
        const id = [...scan.columns].find(([, name]) => name.toLowerCase() === partitionColumn.name.toLowerCase())?.[0];
        let allowed = ALL;
        if (id !== undefined) {
          for (const conjunct of conjuncts) {
            const days = daysAllowed(conjunct, id, parameters);
            if (days) allowed = intersect(allowed, days);
          }
        }
        condition = partitionCondition(partitionColumn.name, allowed);
      }
      const sum = fields.map((f) => sizeExpression(f, quoteIdent(f.name))).join(' + ');
      const reader = await c.runAndReadAll(
        `SELECT CAST(COALESCE(SUM(${sum}), 0) AS BIGINT) FROM ${tablePath(table.projectId, table.datasetId, table.tableId)}${condition ? ` WHERE ${condition}` : ''}`,
      );
      bytes = Number(reader.getRows()[0]?.[0] ?? 0);
    }
    byTable.set(key, (byTable.get(key) ?? 0) + bytes);
  }
  let processed = 0;
  let billed = 0;
  for (const bytes of byTable.values()) {
    processed += bytes;
    billed += Math.max(MINIMUM_BILLED, Math.ceil(bytes / MIB) * MIB);
  }
  return { processed, billed };
}
