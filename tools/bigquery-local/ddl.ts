// The DDL clauses DuckDB does not have — PARTITION BY, CLUSTER BY, OPTIONS(…) — are table metadata in BigQuery:
// they are cut out of the statement here and kept, so tables.get answers timePartitioning, clustering, description.

import { type Token, closingParen, isPunct, isWord, nextSignificant, previousSignificant, render } from './tokens.ts';
import { nameParts } from './translate.ts';

export type OptionValue = string | number | boolean | null | OptionValue[];

export interface TimePartitioning {
  type: 'DAY' | 'HOUR' | 'MONTH' | 'YEAR';
  field?: string;
  expirationMs?: string;
  requirePartitionFilter?: boolean;
}

export interface RangePartitioning {
  field: string;
  range: { start: string; end: string; interval: string };
}

export interface TableDdl {
  /** The statement without the metadata clauses. */
  readonly tokens: Token[];
  readonly name: string[];
  readonly timePartitioning?: TimePartitioning;
  readonly rangePartitioning?: RangePartitioning;
  readonly clustering?: string[];
  readonly options: Record<string, OptionValue>;
  readonly columnOptions: Map<string, Record<string, OptionValue>>;
}

const TRUNC_UNITS: Readonly<Record<string, TimePartitioning['type']>> = { DAY: 'DAY', HOUR: 'HOUR', MONTH: 'MONTH', YEAR: 'YEAR' };

/** Parses `OPTIONS(` … `)` whose `(` is at `open`: `key = literal` pairs (strings, numbers, booleans, arrays, tuples). */
export function parseOptions(tokens: readonly Token[], open: number): { options: Record<string, OptionValue>; end: number } {
  const close = closingParen(tokens, open);
  const options: Record<string, OptionValue> = {};
  let i = nextSignificant(tokens, open + 1);
  while (i < close) {
    const key = tokens[i]!.text.toLowerCase();
    i = nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1); // skip `=`
    const value = parseValue(tokens, i);
    options[key] = value.value;
    i = nextSignificant(tokens, value.end);
    if (isPunct(tokens[i], ',')) i = nextSignificant(tokens, i + 1);
  }
  return { options, end: close + 1 };
}

function parseValue(tokens: readonly Token[], i: number): { value: OptionValue; end: number } {
  const token = tokens[i]!;
  if (token.kind === 'string') return { value: token.value!, end: i + 1 };
  if (token.kind === 'number') return { value: Number(token.text), end: i + 1 };
  if (isPunct(token, '-') && tokens[i + 1]?.kind === 'number') return { value: -Number(tokens[i + 1]!.text), end: i + 2 };
  if (isWord(token, 'TRUE', 'FALSE')) return { value: token.text.toUpperCase() === 'TRUE', end: i + 1 };
  if (isWord(token, 'NULL')) return { value: null, end: i + 1 };
  if (isPunct(token, '[') || isPunct(token, '(')) {
    const closer = token.text === '[' ? ']' : ')';
    const items: OptionValue[] = [];
    let j = nextSignificant(tokens, i + 1);
    while (j < tokens.length && !isPunct(tokens[j], closer)) {
      const item = parseValue(tokens, j);
      items.push(item.value);
      j = nextSignificant(tokens, item.end);
      if (isPunct(tokens[j], ',')) j = nextSignificant(tokens, j + 1);
    }
    return { value: items, end: j + 1 };
  }
  if (token.kind === 'word') {
    // STRUCT("k","v") in labels or a TIMESTAMP '…' literal: the parenthesised or quoted part is the value.
    const after = nextSignificant(tokens, i + 1);
    if (isPunct(tokens[after], '(') || tokens[after]?.kind === 'string') return parseValue(tokens, after);
  }
  return { value: render([token]), end: i + 1 };
}

/** CREATE TABLE / VIEW: removes PARTITION BY / CLUSTER BY / OPTIONS (table and column level) and reads them. */
export function stripCreateTable(input: readonly Token[]): TableDdl {
  const tokens = [...input];
  const table = tokens.findIndex((t) => isWord(t, 'TABLE', 'VIEW'));
  let nameAt = nextSignificant(tokens, table + 1);
  if (isWord(tokens[nameAt], 'IF')) nameAt = nextSignificant(tokens, nextSignificant(tokens, nextSignificant(tokens, nameAt + 1) + 1) + 1);
  const name = nameParts(tokens, nameAt).parts;
  const out: Token[] = [];
  const options: Record<string, OptionValue> = {};
  const columnOptions = new Map<string, Record<string, OptionValue>>();
  let clustering: string[] | undefined;
  let partitionTokens: Token[] | undefined;
  let depth = 0;
  let inQuery = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isPunct(token, '(')) depth++;
    if (isPunct(token, ')')) depth--;
    if (depth === 0 && isWord(token, 'AS')) inQuery = true;
    if (inQuery) {
      out.push(token);
      continue;
    }
    const next = nextSignificant(tokens, i + 1);
    if (isWord(token, 'OPTIONS') && isPunct(tokens[next], '(')) {
      const parsed = parseOptions(tokens, next);
      if (depth === 0) Object.assign(options, parsed.options);
      else {
        // Column options: the column name is the first token of this column definition.
        let k = previousSignificant(tokens, i);
        let d = 0;
        while (k > 0) {
          if (isPunct(tokens[k], ')')) d++;
          if (isPunct(tokens[k], '(')) d--;
          if (d < 0 || (d === 0 && isPunct(tokens[k], ','))) break;
          k--;
        }
        const column = tokens[nextSignificant(tokens, k + 1)]!;
        columnOptions.set(column.value ?? column.text, parsed.options);
      }
      i = parsed.end - 1;
      continue;
    }
    if (depth === 0 && isWord(token, 'PARTITION', 'CLUSTER') && isWord(tokens[next], 'BY')) {
      let end = nextSignificant(tokens, next + 1);
      const start = end;
      let d = 0;
      while (end < tokens.length) {
        const t = tokens[end]!;
        if (isPunct(t, '(')) d++;
        if (isPunct(t, ')')) d--;
        if (d === 0 && (isWord(t, 'CLUSTER', 'OPTIONS', 'AS', 'PARTITION') || isPunct(t, ';'))) break;
        end++;
      }
      const clause = tokens.slice(start, end);
      if (isWord(token, 'CLUSTER')) {
        clustering = clause.filter((t) => t.kind === 'word' || t.kind === 'quoted').map((t) => t.value ?? t.text);
      } else partitionTokens = clause;
      i = end - 1;
      continue;
    }
    out.push(token);
  }
  const partitioning = partitionTokens ? readPartitioning(partitionTokens, options) : {};
  return { tokens: out, name, ...partitioning, ...(clustering ? { clustering } : {}), options, columnOptions };
}

function readPartitioning(
  clause: readonly Token[],
  options: Record<string, OptionValue>,
): { timePartitioning?: TimePartitioning; rangePartitioning?: RangePartitioning } {
  const words = clause.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const texts = words.map((t) => t.value ?? t.text);
  const upper = texts.map((t) => t.toUpperCase());
  const expiration = options['partition_expiration_days'];
  const extra = {
    ...(typeof expiration === 'number' ? { expirationMs: String(Math.round(expiration * 86_400_000)) } : {}),
    ...(options['require_partition_filter'] === true ? { requirePartitionFilter: true } : {}),
  };
  if (upper[0] === 'RANGE_BUCKET') {
    const numbers = texts.filter((_, i) => words[i]!.kind === 'number');
    return { rangePartitioning: { field: texts[2]!, range: { start: numbers[0] ?? '0', end: numbers[1] ?? '0', interval: numbers[2] ?? '1' } } };
  }
  if (upper[0] === '_PARTITIONDATE' || upper[0] === '_PARTITIONTIME') return { timePartitioning: { type: 'DAY', ...extra } };
  if (upper.length === 1) return { timePartitioning: { type: 'DAY', field: texts[0]!, ...extra } };
  if (upper[0] === 'DATE') return { timePartitioning: { type: 'DAY', field: texts[2]!, ...extra } };
  // TIMESTAMP_TRUNC(col, HOUR), DATETIME_TRUNC(col, MONTH), DATE_TRUNC(col, YEAR)
  const unit = TRUNC_UNITS[upper[4] ?? ''] ?? 'DAY';
  return { timePartitioning: { type: unit, field: texts[2]!, ...extra } };
}

/** ALTER TABLE name action, action…: DuckDB takes one action per statement. */
export function splitAlterTable(tokens: readonly Token[]): { name: string[]; head: Token[]; actions: Token[][] } {
  const table = tokens.findIndex((t) => isWord(t, 'TABLE'));
  let nameAt = nextSignificant(tokens, table + 1);
  if (isWord(tokens[nameAt], 'IF')) nameAt = nextSignificant(tokens, nextSignificant(tokens, nameAt + 1) + 1);
  const { parts, end } = nameParts(tokens, nameAt);
  const head = tokens.slice(0, end);
  const actions: Token[][] = [[]];
  let depth = 0;
  for (let i = end; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isPunct(token, '(') || isPunct(token, '<')) depth++;
    if (isPunct(token, ')') || isPunct(token, '>')) depth--;
    if (isPunct(token, '>>')) depth -= 2;
    if (depth === 0 && isPunct(token, ',')) actions.push([]);
    else actions[actions.length - 1]!.push(token);
  }
  return { name: parts, head, actions };
}
