// DDL statements: CREATE TABLE/VIEW (their PARTITION BY, CLUSTER BY and OPTIONS become table metadata), CREATE
// SCHEMA, DROP, ALTER TABLE (one DuckDB statement per action; SET OPTIONS and column OPTIONS are metadata).

import { type OptionValue, parseOptions, splitAlterTable, stripCreateTable } from './ddl.ts';
import type { Connection } from './engine.ts';
import { BigQueryError, alreadyExists, notFound } from './errors.ts';
import type { QueryOutcome, QueryRequest } from './query.ts';
import { type Store, type TableMeta, checkLayout, tablePath } from './store.ts';
import { type Token, isPunct, isWord, nextSignificant, render } from './tokens.ts';
import { nameParts } from './translate.ts';
import { type BaseType, canonicalType, fieldFromDuck, quoteIdent } from './types.ts';

/** What a DDL statement needs from the statement runner. */
export interface StatementScope {
  readonly c: Connection;
  readonly store: Store;
  readonly request: QueryRequest;
  readonly inTransaction: boolean;
  exec(sql: string): Promise<unknown>;
  translate(tokens: readonly Token[]): string;
  resolve(parts: readonly string[]): [string, string, string];
  /** Makes a project's catalog exist (CREATE SCHEMA in another project than the job's). */
  attach(projectId: string): Promise<void>;
}

export async function createTable(scope: StatementScope, tokens: readonly Token[], statementType: string): Promise<QueryOutcome> {
  const ddl = stripCreateTable(tokens);
  const [p, d, t] = scope.resolve(ddl.name);
  scope.store.dataset(p, d);
  const existing = scope.store.findTable(p, d, t);
  const replace = tokens.some((token) => isWord(token, 'REPLACE'));
  const ifNotExists = /^\s*CREATE\s+(?:TEMP\w*\s+)?(?:TABLE|VIEW)\s+IF\s+NOT\s+EXISTS/i.test(render(tokens));
  const view = statementType === 'CREATE_VIEW';
  const target = { projectId: p, datasetId: d, tableId: t };
  if (existing && ifNotExists) return { statementType, fields: [], rows: [], ddlOperationPerformed: 'SKIP', ddlTargetTable: target };
  if (existing && !replace) throw alreadyExists(`Table ${p}:${d}.${t}`);
  // The name is written fully qualified for DuckDB whatever the statement said.
  const sql = scope.translate(ddl.tokens);
  const meta: TableMeta = {
    ...target,
    creationTime: Date.now(),
    lastModifiedTime: Date.now(),
    columnDescriptions: new Map(),
    ...(ddl.timePartitioning ? { timePartitioning: ddl.timePartitioning } : {}),
    ...(ddl.rangePartitioning ? { rangePartitioning: ddl.rangePartitioning } : {}),
    ...(ddl.clustering ? { clustering: { fields: ddl.clustering } } : {}),
    ...(view ? { viewQuery: viewQuery(tokens) } : {}),
  };
  applyTableOptions(meta, ddl.options);
  for (const [column, options] of ddl.columnOptions) {
    if (typeof options['description'] === 'string') meta.columnDescriptions.set(column.toLowerCase(), options['description']);
  }
  const own = !scope.inTransaction;
  if (own) await scope.exec('BEGIN TRANSACTION');
  try {
    // A view replacing a table (or the reverse) goes first: DuckDB replaces only its own kind.
    if (existing && replace && (existing.viewQuery !== undefined) !== view) {
      await scope.exec(`DROP ${existing.viewQuery !== undefined ? 'VIEW' : 'TABLE'} ${tablePath(p, d, t)}`);
    }
    await scope.exec(sql);
    const fields = (await scope.c.runAndReadAll(
      `SELECT column_name, data_type, NOT is_nullable FROM duckdb_columns() WHERE database_name = $p AND schema_name = $d AND table_name = $t ORDER BY column_index`,
      { p, d, t },
    )).getRows().map(([n, type, notNull]) => fieldFromDuck(String(n), String(type), notNull === true));
    checkLayout(meta, fields);
    if (own) await scope.exec('COMMIT');
  } catch (error) {
    if (own) await scope.c.run('ROLLBACK');
    throw error instanceof BigQueryError && error.reason === 'invalid' ? new BigQueryError('invalidQuery', error.message, { location: 'query' }) : error;
  }
  scope.store.record(meta);
  return { statementType, fields: [], rows: [], ddlOperationPerformed: existing ? 'REPLACE' : 'CREATE', ddlTargetTable: target };
}

export async function createSchema(scope: StatementScope, tokens: readonly Token[]): Promise<QueryOutcome> {
  const at = tokens.findIndex((t) => isWord(t, 'SCHEMA'));
  let i = nextSignificant(tokens, at + 1);
  const ifNotExists = isWord(tokens[i], 'IF');
  if (ifNotExists) i = nextSignificant(tokens, nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1) + 1);
  const { parts, end } = nameParts(tokens, i);
  const [p, d] = parts.length >= 2 ? [parts[0]!, parts[1]!] : [scope.request.projectId, parts[0]!];
  const optionsAt = tokens.findIndex((t, k) => k >= end && isWord(t, 'OPTIONS'));
  const options = optionsAt >= 0 ? parseOptions(tokens, nextSignificant(tokens, optionsAt + 1)).options : {};
  const statement = { statementType: 'CREATE_SCHEMA', fields: [], rows: [] };
  if (scope.store.findDataset(p, d)) {
    if (ifNotExists) return statement;
    throw alreadyExists(`Dataset ${p}:${d}`);
  }
  const now = Date.now();
  await scope.attach(p);
  await scope.store.createDataset(scope.c, {
    projectId: p,
    datasetId: d,
    location: typeof options['location'] === 'string' ? options['location'] : scope.request.location,
    creationTime: now,
    lastModifiedTime: now,
    ...(typeof options['description'] === 'string' ? { description: options['description'] } : {}),
  });
  return statement;
}

export async function drop(scope: StatementScope, tokens: readonly Token[]): Promise<QueryOutcome> {
  const kindAt = nextSignificant(tokens, nextSignificant(tokens, 0) + 1);
  const kind = tokens[kindAt]!.text.toUpperCase();
  let i = nextSignificant(tokens, kindAt + 1);
  const ifExists = isWord(tokens[i], 'IF');
  if (ifExists) i = nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1);
  const { parts } = nameParts(tokens, i);
  if (kind === 'SCHEMA') {
    const [p, d] = parts.length >= 2 ? [parts[0]!, parts[1]!] : [scope.request.projectId, parts[0]!];
    if (!scope.store.findDataset(p, d)) {
      if (ifExists) return { statementType: 'DROP_SCHEMA', fields: [], rows: [] };
      throw notFound(`Dataset ${p}:${d}`);
    }
    await scope.store.deleteDataset(scope.c, p, d, tokens.some((t) => isWord(t, 'CASCADE')));
    return { statementType: 'DROP_SCHEMA', fields: [], rows: [] };
  }
  const [p, d, t] = scope.resolve(parts);
  if (!scope.store.findTable(p, d, t)) {
    if (ifExists) return { statementType: 'DROP_TABLE', fields: [], rows: [] };
    throw notFound(`Table ${p}:${d}.${t}`);
  }
  const existing = scope.store.findTable(p, d, t)!;
  if ((kind === 'VIEW') !== (existing.viewQuery !== undefined)) {
    throw new BigQueryError('invalidQuery', `${p}:${d}.${t} is a ${existing.viewQuery !== undefined ? 'view' : 'table'}: use DROP ${existing.viewQuery !== undefined ? 'VIEW' : 'TABLE'}`, { location: 'query' });
  }
  await scope.exec(`DROP ${kind === 'VIEW' ? 'VIEW' : 'TABLE'} ${tablePath(p, d, t)}`);
  scope.store.forget(p, d, t);
  return { statementType: 'DROP_TABLE', fields: [], rows: [], ddlOperationPerformed: 'DROP', ddlTargetTable: { projectId: p, datasetId: d, tableId: t } };
}

export async function alterTable(scope: StatementScope, tokens: readonly Token[]): Promise<QueryOutcome> {
  const { name, actions } = splitAlterTable(tokens);
  const [p, d, t] = scope.resolve(name);
  const meta = scope.store.table(p, d, t);
  const path = tablePath(p, d, t);
  for (const action of actions) {
    const first = nextSignificant(action, 0);
    const verb = action[first]?.text.toUpperCase();
    const second = action[nextSignificant(action, first + 1)]?.text.toUpperCase();
    if (verb === 'SET' && second === 'OPTIONS') {
      const open = nextSignificant(action, nextSignificant(action, first + 1) + 1);
      applyTableOptions(meta, parseOptions(action, open).options);
      continue;
    }
    // Column OPTIONS (descriptions) are metadata; DuckDB gets the rest.
    let body: Token[] = [...action];
    const optionsAt = body.findIndex((token) => isWord(token, 'OPTIONS'));
    if (optionsAt >= 0) {
      const parsed = parseOptions(body, nextSignificant(body, optionsAt + 1));
      const column = columnName(body);
      if (column && typeof parsed.options['description'] === 'string') meta.columnDescriptions.set(column.toLowerCase(), parsed.options['description']);
      body = [...body.slice(0, optionsAt), ...body.slice(parsed.end)];
    }
    if (verb === 'ADD' && second === 'COLUMN' && /\bNOT\s+NULL\b/i.test(render(body))) {
      throw new BigQueryError('invalidQuery', `Cannot add a REQUIRED column ${columnName(body) ?? ''} to an existing table; new columns must be NULLABLE or REPEATED`, { location: 'query' });
    }
    if (verb === 'ALTER' && render(body).trim().toUpperCase().endsWith('SET OPTIONS')) continue;
    if (verb === 'RENAME' && second === 'TO') {
      const { parts } = nameParts(body, nextSignificant(body, nextSignificant(body, first + 1) + 1));
      await scope.exec(`ALTER TABLE ${path} RENAME TO ${quoteIdent(parts[parts.length - 1]!)}`);
      scope.store.forget(p, d, t);
      meta.tableId = parts[parts.length - 1]!;
      scope.store.record(meta);
      continue;
    }
    if (body.every((token) => token.kind === 'space' || token.kind === 'comment')) continue;
    if (verb === 'ALTER' && /\bSET\s+DATA\s+TYPE\b/i.test(render(body))) await checkSetDataType(scope, meta, body);
    await scope.exec(`ALTER TABLE ${path} ${scope.translate(body).trim()}`);
  }
  meta.lastModifiedTime = Date.now();
  scope.store.invalidate();
  return { statementType: 'ALTER_TABLE', fields: [], rows: [], ddlTargetTable: { projectId: p, datasetId: d, tableId: meta.tableId } };
}

/** GoogleSQL's names of the types, as BigQuery's messages write them. */
const SQL_NAMES: Readonly<Partial<Record<BaseType, string>>> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL', RECORD: 'STRUCT' };

/** The widenings ALTER COLUMN SET DATA TYPE allows (BigQuery: a type is assignable to the new one). */
const WIDENINGS: Readonly<Partial<Record<BaseType, readonly BaseType[]>>> = {
  INTEGER: ['NUMERIC', 'BIGNUMERIC', 'FLOAT'],
  NUMERIC: ['BIGNUMERIC', 'FLOAT'],
  BIGNUMERIC: ['FLOAT'],
};

/** ALTER COLUMN c SET DATA TYPE T: only BigQuery's widenings (INT64 → NUMERIC, BIGNUMERIC, FLOAT64; NUMERIC → …). */
async function checkSetDataType(scope: StatementScope, meta: TableMeta, body: readonly Token[]): Promise<void> {
  const column = columnName(body);
  const field = (await scope.store.fields(scope.c, meta)).find((f) => f.name.toLowerCase() === column?.toLowerCase());
  if (!field) throw new BigQueryError('invalidQuery', `Column not found: ${column ?? ''}`, { location: 'query' });
  const typeAt = nextSignificant(body, body.findIndex((t) => isWord(t, 'TYPE')) + 1);
  const written = body[typeAt]?.text.toUpperCase() ?? '';
  const existing = field.mode === 'REPEATED' ? 'ARRAY' : (SQL_NAMES[canonicalType(field.type)] ?? canonicalType(field.type));
  const target = (() => {
    try {
      return canonicalType(written);
    } catch {
      return undefined;
    }
  })();
  const allowed = target !== undefined && field.mode !== 'REPEATED' &&
    (target === canonicalType(field.type) || (WIDENINGS[canonicalType(field.type)] ?? []).includes(target));
  if (!allowed) {
    throw new BigQueryError('invalidQuery',
      `ALTER TABLE ALTER COLUMN SET DATA TYPE requires that the existing column type (${existing}) is assignable to the new type (${target !== undefined ? (SQL_NAMES[target] ?? target) : written})`,
      { location: 'query' });
  }
}

/** The SELECT of CREATE VIEW … AS <query>, as written. */
function viewQuery(tokens: readonly Token[]): string {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    if (isPunct(tokens[i], ')')) depth--;
    if (depth === 0 && isWord(tokens[i], 'AS')) return render(tokens.slice(i + 1)).trim().replace(/;$/, '');
  }
  return '';
}

/** The column an ADD/ALTER/DROP COLUMN action names. */
function columnName(tokens: readonly Token[]): string | undefined {
  let i = tokens.findIndex((t) => isWord(t, 'COLUMN'));
  if (i < 0) return undefined;
  i = nextSignificant(tokens, i + 1);
  if (isWord(tokens[i], 'IF')) i = nextSignificant(tokens, nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1) + 1);
  const token = tokens[i];
  return token ? (token.value ?? token.text) : undefined;
}

export function applyTableOptions(meta: TableMeta, options: Record<string, OptionValue>): void {
  if (typeof options['description'] === 'string') meta.description = options['description'];
  if (typeof options['friendly_name'] === 'string') meta.friendlyName = options['friendly_name'];
  if (typeof options['expiration_timestamp'] === 'string') meta.expirationTime = String(Date.parse(options['expiration_timestamp']));
  if (Array.isArray(options['labels'])) {
    meta.labels = Object.fromEntries(options['labels'].filter(Array.isArray).map((pair) => [String(pair[0]), String(pair[1])]));
  }
  const days = options['partition_expiration_days'];
  if (typeof days === 'number' && meta.timePartitioning) meta.timePartitioning.expirationMs = String(Math.round(days * 86_400_000));
  if (typeof options['require_partition_filter'] === 'boolean' && meta.timePartitioning) {
    meta.timePartitioning.requirePartitionFilter = options['require_partition_filter'];
  }
}
