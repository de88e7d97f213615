// GoogleSQL → DuckDB, token by token, changing only what DuckDB spells differently (the list is in
// docs/bigquery-local.md): backticked and double-quoted spellings, type names in type positions, typed literals,
// `@param`, a few functions, `MERGE`/`INSERT`/`DELETE` without INTO/FROM, `INSERT ROW`, `* EXCEPT`. Statement-level
// clauses DuckDB lacks (PARTITION BY, CLUSTER BY, OPTIONS) are cut out by ddl.ts before this runs.

import { type Token, closingParen, isPunct, isWord, nextSignificant, previousSignificant, render, tokenize } from './tokens.ts';
import { nullSafeEquality } from './null-safe.ts';
import { quoteIdent } from './types.ts';

export interface TranslateOptions {
  /** DuckDB type of each named query parameter: `@p` becomes `CAST($p AS T)`. */
  readonly parameterTypes?: ReadonlyMap<string, string>;
  /** SQL to put in place of a table path (INFORMATION_SCHEMA views), or undefined to keep it. */
  readonly replaceTable?: (parts: string[]) => string | undefined;
}

const SIMPLE_TYPES: Readonly<Record<string, string>> = {
  INT64: 'BIGINT', INTEGER: 'BIGINT', INT: 'BIGINT', SMALLINT: 'BIGINT', TINYINT: 'BIGINT', BYTEINT: 'BIGINT', BIGINT: 'BIGINT',
  FLOAT64: 'DOUBLE', BOOL: 'BOOLEAN', BOOLEAN: 'BOOLEAN', STRING: 'VARCHAR', BYTES: 'BLOB', DATE: 'DATE', TIME: 'TIME',
  DATETIME: 'TIMESTAMP', TIMESTAMP: 'TIMESTAMPTZ', JSON: 'JSON', GEOGRAPHY: 'VARCHAR',
  NUMERIC: 'DECIMAL(38,9)', DECIMAL: 'DECIMAL(38,9)', BIGNUMERIC: 'DECIMAL(38,9)', BIGDECIMAL: 'DECIMAL(38,9)',
};

/** BigQuery functions DuckDB has under another name or argument order; the rest are macros (engine.ts). */
const CURRENT: Readonly<Record<string, string>> = {
  CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP',
  CURRENT_DATE: 'CURRENT_DATE',
  CURRENT_DATETIME: 'CAST(CURRENT_TIMESTAMP AS TIMESTAMP)',
  CURRENT_TIME: 'CAST(CURRENT_TIMESTAMP AS TIME)',
};

const TRUNC: Readonly<Record<string, string>> = { TIMESTAMP_TRUNC: '', DATETIME_TRUNC: '', DATE_TRUNC: 'DATE', TIME_TRUNC: '' };

/** X_ADD/X_SUB(a, INTERVAL n PART) → (a ± INTERVAL n PART); DuckDB's DATE + INTERVAL is a TIMESTAMP, so DATE's is cast back. */
const ADD_SUB: Readonly<Record<string, [string, string]>> = {
  DATE_ADD: ['+', 'DATE'], DATE_SUB: ['-', 'DATE'], DATETIME_ADD: ['+', ''], DATETIME_SUB: ['-', ''],
  TIMESTAMP_ADD: ['+', ''], TIMESTAMP_SUB: ['-', ''], TIME_ADD: ['+', ''], TIME_SUB: ['-', ''],
};

/** X_DIFF(a, b, PART) → date_diff('part', b, a): DuckDB takes the part first and the operands the other way round. */
const DIFF = new Set(['TIMESTAMP_DIFF', 'DATETIME_DIFF', 'DATE_DIFF', 'TIME_DIFF']);

/** A table or column path written as BigQuery allows (`a.b.c`, `` `a.b.c` ``, `` `a`.`b` ``), split into parts. */
export function nameParts(tokens: readonly Token[], start: number): { parts: string[]; end: number } {
  const parts: string[] = [];
  let i = start;
  for (;;) {
    const token = tokens[i];
    if (token?.kind === 'quoted') parts.push(...token.value!.split('.'));
    else if (token?.kind === 'word') parts.push(token.text);
    else break;
    // Hyphenated project ids may be written unquoted (my-project.dataset.table).
    while (isPunct(tokens[i + 1], '-') && (tokens[i + 2]?.kind === 'word' || tokens[i + 2]?.kind === 'number')) {
      parts[parts.length - 1] += `-${tokens[i + 2]!.text}`;
      i += 2;
    }
    if (!isPunct(tokens[i + 1], '.')) return { parts, end: i + 1 };
    i += 2;
  }
  return { parts, end: i };
}

export function translate(sql: string, options: TranslateOptions = {}): string {
  return render(translateTokens(tokenize(sql), options));
}

export function translateTokens(input: readonly Token[], options: TranslateOptions = {}): Token[] {
  return nullSafeEquality(translateOnce(input, options));
}

/**
 * What a rewrite sees: the tokens (copied, so type parsing may split a `>>`), the output so far, and the token at
 * `i` with its upper-cased word and next significant index. A rewrite that applies pushes its output and returns
 * the index of the last token it consumed; otherwise it returns undefined and leaves `out` alone.
 */
interface RewriteState {
  readonly tokens: Token[];
  readonly out: Token[];
  readonly options: TranslateOptions;
  readonly typeStarts: ReadonlySet<number>;
}

interface At {
  readonly i: number;
  readonly token: Token;
  /** The word upper-cased ('' for any other kind of token). */
  readonly upper: string;
  /** Index of the next significant token. */
  readonly next: number;
}

type Rewrite = (state: RewriteState, at: At) => number | undefined;

/** Rewrites tried in order at each token; the first that applies wins, else the token is copied. */
const REWRITES: readonly Rewrite[] = [
  typeOrTypedLiteral,
  informationSchemaTable,
  backtickName,
  stringToken,
  parameter,
  currentFunction,
  truncFunction,
  diffFunction,
  addSubFunction,
  structConstructor,
  inUnnest,
  fromUnnestAlias,
  safeCast,
  starExcept,
  insertRow,
  missingIntoOrFrom,
];

function translateOnce(input: readonly Token[], options: TranslateOptions): Token[] {
  const tokens = input.map((t) => ({ ...t }));
  const state: RewriteState = { tokens, out: [], options, typeStarts: typePositions(tokens) };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const at: At = { i, token, upper: token.kind === 'word' ? token.text.toUpperCase() : '', next: nextSignificant(tokens, i + 1) };
    let consumed: number | undefined;
    for (const rewrite of REWRITES) {
      consumed = rewrite(state, at);
      if (consumed !== undefined) break;
    }
    if (consumed === undefined) state.out.push(token);
    else i = consumed;
  }
  return state.out;
}

const sub = (tokens: readonly Token[], options: TranslateOptions): string => render(translateTokens(tokens, options));
const callOpen = (state: RewriteState, at: At): boolean => isPunct(state.tokens[at.next], '(');
const previousIs = (state: RewriteState, at: At, ...words: string[]): boolean => isWord(state.tokens[previousSignificant(state.tokens, at.i)], ...words);

/** A type where one is written (CAST … AS T, column lists) and typed literals: TIMESTAMP '…' → CAST('…' AS TIMESTAMPTZ). */
function typeOrTypedLiteral({ tokens, out, typeStarts }: RewriteState, { i, upper, next }: At): number | undefined {
  const literalType = upper in SIMPLE_TYPES && tokens[next]?.kind === 'string' && !isPunct(tokens[previousSignificant(tokens, i)], '.');
  if (!typeStarts.has(i) && !literalType) return undefined;
  const type = translateType(tokens, i);
  if (tokens[nextSignificant(tokens, type.end)]?.kind === 'string' && !typeStarts.has(i)) {
    const literal = nextSignificant(tokens, type.end);
    out.push({ kind: 'word', text: `CAST(${stringLiteral(tokens[literal]!)} AS ${type.text})` });
    return literal;
  }
  out.push({ kind: 'word', text: type.text });
  return type.end - 1;
}

/** A table path the caller replaces (INFORMATION_SCHEMA views). */
function informationSchemaTable({ tokens, out, options }: RewriteState, { i, token }: At): number | undefined {
  if (!options.replaceTable || (token.kind !== 'word' && token.kind !== 'quoted') || isPunct(tokens[previousSignificant(tokens, i)], '.')) return undefined;
  const path = nameParts(tokens, i);
  const replacement = path.parts.length > 1 ? options.replaceTable(path.parts) : undefined;
  if (replacement === undefined) return undefined;
  out.push({ kind: 'word', text: replacement });
  return path.end - 1;
}

/** `` `a.b.c` `` → "a"."b"."c". */
function backtickName({ out }: RewriteState, { i, token }: At): number | undefined {
  if (token.kind !== 'quoted') return undefined;
  out.push({ kind: 'word', text: token.value!.split('.').map(quoteIdent).join('.') });
  return i;
}

/** Any string literal in DuckDB's single-quoted spelling (b'…' as BLOB). */
function stringToken({ out }: RewriteState, { i, token }: At): number | undefined {
  if (token.kind !== 'string') return undefined;
  out.push({ kind: 'string', text: stringLiteral(token) });
  return i;
}

/** `@p` → `CAST($p AS T)`; arrays are bound as JSON text (DuckDB's binding cannot infer a list's type), then cast. */
function parameter({ out, options }: RewriteState, { i, token }: At): number | undefined {
  if (token.kind !== 'param') return undefined;
  const name = token.text.slice(1);
  const type = options.parameterTypes?.get(name);
  const value = type?.endsWith('[]') ? `CAST($${name} AS JSON)` : `$${name}`;
  out.push({ kind: 'word', text: type === undefined ? value : `CAST(${value} AS ${type})` });
  return i;
}

/** CURRENT_TIMESTAMP() and friends. */
function currentFunction(state: RewriteState, at: At): number | undefined {
  const { tokens, out } = state;
  if (!(at.upper in CURRENT) || !callOpen(state, at) || !isPunct(tokens[nextSignificant(tokens, at.next + 1)], ')')) return undefined;
  out.push({ kind: 'word', text: CURRENT[at.upper]! });
  return nextSignificant(tokens, at.next + 1);
}

/** The arguments of the call at `at` when there are `count` of them, with the closing parenthesis. */
function callArgs(state: RewriteState, at: At, count: number): { args: Token[][]; close: number } | undefined {
  if (!callOpen(state, at)) return undefined;
  const close = closingParen(state.tokens, at.next);
  const args = splitArgs(state.tokens, at.next + 1, close);
  return args.length === count ? { args, close } : undefined;
}

/** X_TRUNC(v, PART) → date_trunc('part', v) (DATE_TRUNC cast back to DATE). */
function truncFunction(state: RewriteState, at: At): number | undefined {
  if (!(at.upper in TRUNC)) return undefined;
  const call = callArgs(state, at, 2);
  if (!call) return undefined;
  const value = sub(call.args[0]!, state.options);
  const text = `date_trunc('${render(call.args[1]!).trim().toLowerCase()}', ${value})`;
  state.out.push({ kind: 'word', text: TRUNC[at.upper] ? `CAST(${text} AS ${TRUNC[at.upper]})` : text });
  return call.close;
}

/** X_DIFF(a, b, PART) → date_diff('part', b, a). */
function diffFunction(state: RewriteState, at: At): number | undefined {
  if (!DIFF.has(at.upper)) return undefined;
  const call = callArgs(state, at, 3);
  if (!call) return undefined;
  const [a, b] = [sub(call.args[0]!, state.options).trim(), sub(call.args[1]!, state.options).trim()];
  state.out.push({ kind: 'word', text: `date_diff('${render(call.args[2]!).trim().toLowerCase()}', ${b}, ${a})` });
  return call.close;
}

/** X_ADD/X_SUB(a, INTERVAL n PART) → (a ± INTERVAL n PART). */
function addSubFunction(state: RewriteState, at: At): number | undefined {
  if (!(at.upper in ADD_SUB)) return undefined;
  const call = callArgs(state, at, 2);
  if (!call) return undefined;
  const [operator, cast] = ADD_SUB[at.upper]!;
  const expression = `(${sub(call.args[0]!, state.options).trim()} ${operator} ${sub(call.args[1]!, state.options).trim()})`;
  state.out.push({ kind: 'word', text: cast ? `CAST(${expression} AS ${cast})` : expression });
  return call.close;
}

/** STRUCT(1 AS a, 'x' AS b) → struct_pack(a := 1, b := 'x'); unnamed fields → row(…). */
function structConstructor(state: RewriteState, at: At): number | undefined {
  if (at.upper !== 'STRUCT' || !callOpen(state, at)) return undefined;
  const close = closingParen(state.tokens, at.next);
  const fields = splitArgs(state.tokens, at.next + 1, close).map((arg) => {
    const as = arg.findLastIndex((t) => isWord(t, 'AS'));
    const name = as >= 0 ? arg[nextSignificant(arg, as + 1)] : undefined;
    const value = sub(as >= 0 ? arg.slice(0, as) : arg, state.options).trim();
    return name ? `${quoteIdent(name.value ?? name.text)} := ${value}` : value;
  });
  const named = fields.every((f) => f.includes(' := '));
  state.out.push({ kind: 'word', text: `${named ? 'struct_pack' : 'row'}(${fields.join(', ')})` });
  return close;
}

/** x IN UNNEST(a): DuckDB takes IN over a subquery. */
function inUnnest(state: RewriteState, at: At): number | undefined {
  if (at.upper !== 'UNNEST' || !callOpen(state, at) || !previousIs(state, at, 'IN')) return undefined;
  const close = closingParen(state.tokens, at.next);
  state.out.push({ kind: 'word', text: `(SELECT UNNEST(${sub(state.tokens.slice(at.next + 1, close), state.options)}))` });
  return close;
}

const NOT_AN_ALIAS = ['WITH', 'WHERE', 'JOIN', 'LEFT', 'CROSS', 'INNER', 'ON', 'GROUP', 'ORDER', 'LIMIT', 'UNION', 'QUALIFY', 'HAVING', 'WINDOW'];

/** FROM UNNEST(a) AS x: in BigQuery x is the element; in DuckDB an alias names a table, so the column is named too. */
function fromUnnestAlias(state: RewriteState, at: At): number | undefined {
  const { tokens } = state;
  const fromPosition = previousIs(state, at, 'FROM', 'JOIN') || isPunct(tokens[previousSignificant(tokens, at.i)], ',');
  if (at.upper !== 'UNNEST' || !callOpen(state, at) || !fromPosition) return undefined;
  const close = closingParen(tokens, at.next);
  let after = nextSignificant(tokens, close + 1);
  if (isWord(tokens[after], 'AS')) after = nextSignificant(tokens, after + 1);
  const alias = tokens[after];
  if (!alias || !(alias.kind === 'quoted' || (alias.kind === 'word' && !isWord(alias, ...NOT_AN_ALIAS)))) return undefined;
  const name = alias.value ?? alias.text;
  state.out.push({ kind: 'word', text: `UNNEST(${sub(tokens.slice(at.next + 1, close), state.options)}) AS ${quoteIdent(`_unnest_${name}`)}(${quoteIdent(name)})` });
  return after;
}

function safeCast({ out }: RewriteState, { i, upper }: At): number | undefined {
  if (upper !== 'SAFE_CAST') return undefined;
  out.push({ kind: 'word', text: 'TRY_CAST' });
  return i;
}

/** SELECT * EXCEPT (c) → * EXCLUDE (c). */
function starExcept(state: RewriteState, at: At): number | undefined {
  if (at.upper !== 'EXCEPT' || !isPunct(state.tokens[previousSignificant(state.tokens, at.i)], '*')) return undefined;
  state.out.push({ kind: 'word', text: 'EXCLUDE' });
  return at.i;
}

/** MERGE … WHEN NOT MATCHED THEN INSERT ROW: DuckDB's bare INSERT is the same positional insert. */
function insertRow(state: RewriteState, at: At): number | undefined {
  if (at.upper !== 'ROW' || !previousIs(state, at, 'INSERT')) return undefined;
  state.out.pop();
  return at.i;
}

/** MERGE t / INSERT t / DELETE t at a statement's start → MERGE INTO / INSERT INTO / DELETE FROM. */
function missingIntoOrFrom(state: RewriteState, at: At): number | undefined {
  if (!isStatementStart(state.tokens, at.i)) return undefined;
  const keyword = at.upper === 'MERGE' || at.upper === 'INSERT' ? 'INTO' : at.upper === 'DELETE' ? 'FROM' : undefined;
  if (keyword === undefined || isWord(state.tokens[at.next], keyword)) return undefined;
  state.out.push(at.token, { kind: 'space', text: ' ' }, { kind: 'word', text: keyword });
  return at.i;
}

function isStatementStart(tokens: readonly Token[], i: number): boolean {
  const previous = previousSignificant(tokens, i);
  return previous < 0 || isPunct(tokens[previous], ';');
}

function stringLiteral(token: Token): string {
  const literal = `'${token.value!.replaceAll("'", "''")}'`;
  return /^[rR]?[bB]/.test(token.text) ? `${literal}::BLOB` : literal;
}

/** Arguments of a call between `(` at start-1 and `)` at end, split at top-level commas. */
function splitArgs(tokens: readonly Token[], start: number, end: number): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let i = start; i < end; i++) {
    const token = tokens[i]!;
    if (isPunct(token, '(') || isPunct(token, '[')) depth++;
    if (isPunct(token, ')') || isPunct(token, ']')) depth--;
    if (depth === 0 && isPunct(token, ',')) args.push([]);
    else args[args.length - 1]!.push(token);
  }
  return args;
}

/**
 * Token indexes where a type is written: after AS inside CAST/SAFE_CAST, and after the column name in CREATE TABLE
 * column lists and ADD COLUMN. Only there are INT64, TIMESTAMP, STRING… types rather than names or functions.
 */
function typePositions(tokens: Token[]): Set<number> {
  const starts = new Set<number>();
  const stack: { word: string; open: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isPunct(token, '(')) {
      const before = tokens[previousSignificant(tokens, i)];
      stack.push({ word: before?.kind === 'word' ? before.text.toUpperCase() : '', open: i });
    } else if (isPunct(token, ')')) stack.pop();
    else if (isWord(token, 'AS') && stack.length > 0 && ['CAST', 'SAFE_CAST'].includes(stack[stack.length - 1]!.word)) {
      starts.add(nextSignificant(tokens, i + 1));
    } else if (isWord(token, 'COLUMN')) {
      // ADD COLUMN [IF NOT EXISTS] name TYPE; ALTER COLUMN name SET DATA TYPE T is handled by the TYPE below.
      let j = nextSignificant(tokens, i + 1);
      if (isWord(tokens[j], 'IF')) j = nextSignificant(tokens, nextSignificant(tokens, nextSignificant(tokens, j + 1) + 1) + 1);
      if (isWord(tokens[previousSignificant(tokens, i)], 'ADD')) starts.add(nextSignificant(tokens, nameParts(tokens, j).end));
    } else if (isWord(token, 'TYPE') && isWord(tokens[previousSignificant(tokens, i)], 'DATA')) {
      starts.add(nextSignificant(tokens, i + 1));
    } else if (isWord(token, 'TABLE') && isWord(tokens[previousSignificant(tokens, i)], 'CREATE', 'REPLACE', 'TEMP', 'TEMPORARY')) {
      let j = nextSignificant(tokens, i + 1);
      if (isWord(tokens[j], 'IF')) j = nextSignificant(tokens, nextSignificant(tokens, nextSignificant(tokens, j + 1) + 1) + 1);
      const open = nextSignificant(tokens, nameParts(tokens, j).end);
      if (!isPunct(tokens[open], '(')) continue;
      const close = closingParen(tokens, open);
      let element = open + 1;
      let depth = 0;
      for (let k = open + 1; k <= close; k++) {
        if (isPunct(tokens[k], '(') || isPunct(tokens[k], '<')) depth++;
        if (isPunct(tokens[k], ')') || isPunct(tokens[k], '>')) depth--;
        if (isPunct(tokens[k], '>>')) depth -= 2;
        if ((depth === 0 && isPunct(tokens[k], ',')) || k === close) {
          const nameAt = nextSignificant(tokens, element);
          if (!isWord(tokens[nameAt], 'PRIMARY', 'FOREIGN', 'CONSTRAINT')) starts.add(nextSignificant(tokens, nameAt + 1));
          element = k + 1;
        }
      }
    }
  }
  return starts;
}

/** Translates the type written from token `start`: a name with optional parameters, ARRAY<T> or STRUCT<…>. */
function translateType(tokens: Token[], start: number): { text: string; end: number } {
  const word = tokens[start]!.kind === 'word' ? tokens[start]!.text.toUpperCase() : '';
  let i = nextSignificant(tokens, start + 1);
  if (word === 'ARRAY' && isPunct(tokens[i], '<')) {
    const element = translateType(tokens, nextSignificant(tokens, i + 1));
    return { text: `${element.text}[]`, end: closeAngle(tokens, element.end) };
  }
  if (word === 'STRUCT' && isPunct(tokens[i], '<')) {
    const fields: string[] = [];
    i = nextSignificant(tokens, i + 1);
    while (i < tokens.length && !isPunct(tokens[i], '>') && !isPunct(tokens[i], '>>')) {
      const afterName = nextSignificant(tokens, i + 1);
      const named = !isPunct(tokens[afterName], ',') && !isPunct(tokens[afterName], '>') && !isPunct(tokens[afterName], '>>') && !isPunct(tokens[afterName], '<');
      const name = named ? (tokens[i]!.value ?? tokens[i]!.text) : `f${fields.length}`;
      const type = translateType(tokens, named ? afterName : i);
      fields.push(`${quoteIdent(name)} ${type.text}`);
      i = nextSignificant(tokens, type.end);
      if (isPunct(tokens[i], ',')) i = nextSignificant(tokens, i + 1);
    }
    return { text: `STRUCT(${fields.join(', ')})`, end: closeAngle(tokens, i) };
  }
  const mapped = SIMPLE_TYPES[word];
  if (mapped === undefined) return { text: tokens[start]!.text, end: start + 1 };
  if (isPunct(tokens[i], '(')) {
    // Parameterised types: NUMERIC(P,S) keeps its precision; STRING(L)/BYTES(L) lose their length (DuckDB ignores it).
    const close = closingParen(tokens, i);
    const params = render(tokens.slice(i + 1, close)).replace(/\s+/g, '');
    const numeric = mapped.startsWith('DECIMAL') ? `DECIMAL(${clampDecimal(params)})` : mapped;
    return { text: numeric, end: close + 1 };
  }
  return { text: mapped, end: start + 1 };
}

function clampDecimal(params: string): string {
  const [p = '38', s = '0'] = params.split(',');
  return `${Math.min(Number(p), 38)},${Math.min(Number(s), Math.min(Number(p), 38))}`;
}

/** Consumes the `>` closing a type (a `>>` token closes two levels: the outer one is left as a `>`). */
function closeAngle(tokens: Token[], i: number): number {
  const at = nextSignificant(tokens, i);
  const token = tokens[at];
  if (isPunct(token, '>>')) {
    tokens[at] = { kind: 'punct', text: '>' };
    return at;
  }
  return isPunct(token, '>') ? at + 1 : at;
}
