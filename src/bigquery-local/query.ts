// A query job: each statement of the script is analysed by ZetaSQL against the tables held, then translated and
// run on DuckDB. DDL clauses become table metadata, MERGE is checked for BigQuery's one-source-row rule first.

import { type AnalyzedStatement, Analyzer, type ParameterTypes } from './analyzer.ts';
import { type OptionValue, parseOptions, splitAlterTable, stripCreateTable } from './ddl.ts';
import type { Connection, Engine } from './engine.ts';
import { BigQueryError, alreadyExists, notFound } from './errors.ts';
import { checkMergeSourceUnique } from './merge-check.ts';
import { informationSchemaSql, refreshInformationSchema } from './information-schema.ts';
import { type QueryDestination, writeDestination } from './destination.ts';
import { type Store, type TableMeta, checkLayout, tablePath } from './store.ts';
import { type Token, isPunct, isWord, nextSignificant, render, tokenize } from './tokens.ts';
import { nameParts, translateTokens } from './translate.ts';
import { type FieldSchema, duckType, fieldFromDuck, quoteIdent } from './types.ts';
import { buildCatalog, zetaParameterType } from './zeta-catalog.ts';

export interface QueryParameter {
  name?: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue: { value?: string; arrayValues?: { value?: string }[] };
}

export interface QueryRequest {
  readonly projectId: string;
  readonly location: string;
  readonly query: string;
  readonly useLegacySql?: boolean;
  readonly defaultDataset?: { projectId?: string; datasetId: string };
  readonly queryParameters?: readonly QueryParameter[];
  /** configuration.query.destinationTable and its dispositions (jobs.insert only). */
  readonly destination?: QueryDestination;
}

export interface DmlStats {
  insertedRowCount: string;
  updatedRowCount: string;
  deletedRowCount: string;
}

export interface QueryOutcome {
  statementType: string;
  fields: FieldSchema[];
  rows: unknown[][];
  numDmlAffectedRows?: string;
  dmlStats?: DmlStats;
  ddlOperationPerformed?: string;
  ddlTargetTable?: { projectId: string; datasetId: string; tableId: string };
}

export interface QueryContext {
  readonly engine: Engine;
  readonly store: Store;
  readonly analyzer: Analyzer;
}

const STATEMENT_TYPES: Readonly<Record<string, string>> = {
  resolvedQueryStmtNode: 'SELECT',
  resolvedInsertStmtNode: 'INSERT',
  resolvedUpdateStmtNode: 'UPDATE',
  resolvedDeleteStmtNode: 'DELETE',
  resolvedMergeStmtNode: 'MERGE',
  resolvedTruncateStmtNode: 'TRUNCATE_TABLE',
  resolvedCreateTableStmtNode: 'CREATE_TABLE',
  resolvedCreateTableAsSelectStmtNode: 'CREATE_TABLE_AS_SELECT',
  resolvedCreateSchemaStmtNode: 'CREATE_SCHEMA',
  resolvedCreateViewStmtNode: 'CREATE_VIEW',
  resolvedDropStmtNode: 'DROP_TABLE',
  resolvedAlterTableStmtNode: 'ALTER_TABLE',
  resolvedBeginStmtNode: 'BEGIN_TRANSACTION',
  resolvedCommitStmtNode: 'COMMIT_TRANSACTION',
  resolvedRollbackStmtNode: 'ROLLBACK_TRANSACTION',
};

export async function runQuery(context: QueryContext, request: QueryRequest): Promise<QueryOutcome> {
  if (request.useLegacySql === true) {
    throw new BigQueryError('invalidQuery', 'Legacy SQL is not supported by the local BigQuery: set useLegacySql to false', { location: 'query' });
  }
  const { engine, store, analyzer } = context;
  const parameters = parseParameters(request.queryParameters ?? []);
  const defaultProject = request.defaultDataset?.projectId ?? request.projectId;
  const defaultDataset = request.defaultDataset?.datasetId;
  return engine.exclusive(async (c) => {
    await engine.useProject(c, request.projectId);
    if (defaultDataset !== undefined) {
      store.dataset(defaultProject, defaultDataset);
      await engine.useProject(c, defaultProject, defaultDataset);
    }
    const script = Buffer.from(request.query, 'utf8');
    const run = new StatementRunner(c, store, request, parameters, defaultProject, defaultDataset);
    let position = 0;
    let outcome: QueryOutcome | undefined;
    let statements = 0;
    try {
      for (;;) {
        const catalog = buildCatalog(await store.catalogTables(c), store.allDatasets(), defaultProject, defaultDataset, analyzer.languageOptions);
        const statement = await analyzer.analyzeNext(script, position, catalog, parameters.zeta).catch((error: unknown) => {
          throw tableNotFound(error, request);
        });
        outcome = await run.statement(statement);
        statements++;
        if (statement.atEnd || statement.next >= script.length) break;
        position = statement.next;
      }
    } catch (error) {
      if (run.inTransaction) await c.run('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      if (run.changedSchema) await store.reconcile(c, request.location);
    }
    if (run.inTransaction) {
      await c.run('ROLLBACK');
      throw new BigQueryError('invalidQuery', 'Transaction is active at the end of the script', { location: 'query' });
    }
    if (request.destination) {
      if (statements > 1 || run.lastSelect === undefined) {
        throw new BigQueryError('invalidQuery', 'A destination table needs a single SELECT statement', { location: 'query' });
      }
      await writeDestination(c, store, request.projectId, request.destination, run.lastSelect);
    }
    return statements > 1 ? { ...outcome!, statementType: 'SCRIPT' } : outcome!;
  });
}

/** ZetaSQL says "Table not found: x"; BigQuery answers notFound naming the table. */
function tableNotFound(error: unknown, request: QueryRequest): unknown {
  if (!(error instanceof BigQueryError)) return error;
  const match = /^Table not found: (.+?)(?:;.*)? at \[\d+:\d+\]$/.exec(error.message);
  if (!match) return error;
  const parts = match[1]!.replaceAll('`', '').split('.');
  const [p, d, t] = parts.length >= 3 ? parts : [request.projectId, ...(parts.length === 2 ? parts : [request.defaultDataset?.datasetId ?? '', parts[0]])];
  return new BigQueryError('notFound', `Not found: Table ${p}:${d}.${t} was not found in location ${request.location}`);
}

interface Parameters {
  readonly zeta: ParameterTypes;
  /** Positional (`?`) parameters are bound as `_p1`, `_p2`… in the order the `?` appear in a statement. */
  readonly positional: boolean;
  readonly duckTypes: Map<string, string>;
  readonly values: Record<string, unknown>;
}

function parseParameters(parameters: readonly QueryParameter[]): Parameters {
  const named: ParameterTypes['named'][number][] = [];
  const positionalTypes: ParameterTypes['positional'][number][] = [];
  const positional = parameters.length > 0 && parameters.every((p) => p.name === undefined);
  if (!positional && parameters.some((p) => p.name === undefined)) {
    throw new BigQueryError('invalid', 'Query parameters must all be named or all be positional', { location: 'query' });
  }
  const duckTypes = new Map<string, string>();
  const values: Record<string, unknown> = {};
  parameters.forEach((parameter, i) => {
    const name = parameter.name ?? `_p${i + 1}`;
    const type = parameter.parameterType;
    if (positional) positionalTypes.push(zetaParameterType(type));
    else named.push({ name, type: zetaParameterType(type) });
    if (type.type.toUpperCase() === 'ARRAY') {
      duckTypes.set(name, `${duckType({ name, type: type.arrayType?.type ?? 'STRING' })}[]`);
      values[name] = JSON.stringify((parameter.parameterValue.arrayValues ?? []).map((v) => v.value ?? null));
      return;
    }
    duckTypes.set(name, duckType({ name, type: type.type }));
    values[name] = parameter.parameterValue.value ?? null;
  });
  return { zeta: { named, positional: positionalTypes }, positional, duckTypes, values };
}

/** Only the parameters a statement uses (DuckDB refuses unused named values). */
function bindings(sql: string, values: Record<string, unknown>): Record<string, unknown> | undefined {
  const used = Object.entries(values).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql));
  if (used.length === 0) return undefined;
  // Values go in as text (arrays as JSON text) and the CAST( … AS T) around each $name gives them their type.
  return Object.fromEntries(used);
}

class StatementRunner {
  inTransaction = false;
  changedSchema = false;
  /** The DuckDB text of the last SELECT run (a destination table is filled from it). */
  lastSelect: string | undefined;

  private readonly c: Connection;
  private readonly store: Store;
  private readonly request: QueryRequest;
  private readonly parameters: Parameters;
  private readonly defaultProject: string;
  private readonly defaultDataset: string | undefined;

  constructor(c: Connection, store: Store, request: QueryRequest, parameters: Parameters, defaultProject: string, defaultDataset: string | undefined) {
    this.c = c;
    this.store = store;
    this.request = request;
    this.parameters = parameters;
    this.defaultProject = defaultProject;
    this.defaultDataset = defaultDataset;
  }

  private translate(tokens: readonly Token[]): string {
    return render(translateTokens(tokens, { parameterTypes: this.parameters.duckTypes, replaceTable: this.informationSchema }));
  }

  private informationSchema = (parts: string[]): string | undefined => informationSchemaSql(parts, this.defaultProject);

  private async exec(sql: string) {
    try {
      const values = bindings(sql, this.parameters.values);
      return await this.c.runAndReadAll(sql, values as never);
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]!.replace(/^[A-Za-z ]+ Error: /, '');
      throw new BigQueryError('invalidQuery', message, { location: 'query' });
    }
  }

  /** project.dataset.table from the parts written in the statement. */
  private resolve(parts: readonly string[]): [string, string, string] {
    if (parts.length >= 3) return [parts[0]!, parts[1]!, parts.slice(2).join('.')];
    if (parts.length === 2) return [this.defaultProject, parts[0]!, parts[1]!];
    if (this.defaultDataset === undefined) {
      throw new BigQueryError('invalidQuery', `Table "${parts[0]}" must be qualified with a dataset (e.g. dataset.table).`, { location: 'query' });
    }
    return [this.defaultProject, this.defaultDataset, parts[0]!];
  }

  private touch(p: string, d: string, t: string): void {
    const meta = this.store.findTable(p, d, t);
    if (meta) meta.lastModifiedTime = Date.now();
  }

  async statement(statement: AnalyzedStatement): Promise<QueryOutcome> {
    const tokens = this.parameters.positional ? numberPositional(tokenize(statement.sql)) : tokenize(statement.sql);
    if (/INFORMATION_SCHEMA/i.test(statement.sql)) await refreshInformationSchema(this.c, this.store);
    const statementType = STATEMENT_TYPES[statement.kind] ?? statement.kind.replace(/^resolved|StmtNode$/g, '').toUpperCase();
    switch (statement.kind) {
      case 'resolvedQueryStmtNode':
        return this.select(tokens);
      case 'resolvedInsertStmtNode':
      case 'resolvedUpdateStmtNode':
      case 'resolvedDeleteStmtNode':
      case 'resolvedMergeStmtNode':
        return this.dml(tokens, statementType);
      case 'resolvedTruncateStmtNode':
        await this.exec(this.translate(tokens));
        return { statementType, fields: [], rows: [] };
      case 'resolvedCreateTableStmtNode':
      case 'resolvedCreateTableAsSelectStmtNode':
      case 'resolvedCreateViewStmtNode':
        return this.createTable(tokens, statementType);
      case 'resolvedCreateSchemaStmtNode':
        return this.createSchema(tokens);
      case 'resolvedDropStmtNode':
        return this.drop(tokens);
      case 'resolvedAlterTableStmtNode':
        return this.alterTable(tokens);
      case 'resolvedBeginStmtNode':
        await this.exec('BEGIN TRANSACTION');
        this.inTransaction = true;
        return { statementType, fields: [], rows: [] };
      case 'resolvedCommitStmtNode':
      case 'resolvedRollbackStmtNode':
        await this.exec(statement.kind === 'resolvedCommitStmtNode' ? 'COMMIT' : 'ROLLBACK');
        this.inTransaction = false;
        return { statementType, fields: [], rows: [] };
      default:
        this.changedSchema = true;
        await this.exec(this.translate(tokens));
        return { statementType, fields: [], rows: [] };
    }
  }

  private async select(tokens: readonly Token[]): Promise<QueryOutcome> {
    this.lastSelect = this.translate(tokens).replace(/;\s*$/, '');
    const reader = await this.exec(this.lastSelect);
    const fields: FieldSchema[] = [];
    for (let i = 0; i < reader.columnCount; i++) {
      const type = reader.columnType(i);
      fields.push(fieldFromDuck(reader.columnName(i), type.alias === 'JSON' ? 'JSON' : type.toString(), false));
    }
    return { statementType: 'SELECT', fields, rows: reader.getRows() };
  }

  private async dml(tokens: readonly Token[], statementType: string): Promise<QueryOutcome> {
    const translated = translateTokens(tokens, { parameterTypes: this.parameters.duckTypes, replaceTable: this.informationSchema });
    const target = this.dmlTarget(tokens);
    const stats = { insertedRowCount: 0, updatedRowCount: 0, deletedRowCount: 0 };
    if (statementType === 'MERGE') {
      await checkMergeSourceUnique(this.c, translated, this.parameters.values);
      // RETURNING merge_action feeds dmlStats the way BigQuery reports them.
      const reader = await this.exec(`${render(translated).replace(/;\s*$/, '')} RETURNING merge_action`);
      for (const [action] of reader.getRows()) {
        if (action === 'INSERT') stats.insertedRowCount++;
        else if (action === 'UPDATE') stats.updatedRowCount++;
        else if (action === 'DELETE') stats.deletedRowCount++;
      }
    } else {
      const reader = await this.exec(render(translated));
      const count = Number(reader.getRows()[0]?.[0] ?? 0);
      if (statementType === 'INSERT') stats.insertedRowCount = count;
      else if (statementType === 'UPDATE') stats.updatedRowCount = count;
      else stats.deletedRowCount = count;
    }
    if (target) this.touch(...target);
    const affected = stats.insertedRowCount + stats.updatedRowCount + stats.deletedRowCount;
    return {
      statementType,
      fields: [],
      rows: [],
      numDmlAffectedRows: String(affected),
      dmlStats: {
        insertedRowCount: String(stats.insertedRowCount),
        updatedRowCount: String(stats.updatedRowCount),
        deletedRowCount: String(stats.deletedRowCount),
      },
    };
  }

  private dmlTarget(tokens: readonly Token[]): [string, string, string] | undefined {
    let i = nextSignificant(tokens, 0);
    i = nextSignificant(tokens, i + 1);
    if (isWord(tokens[i], 'INTO', 'FROM')) i = nextSignificant(tokens, i + 1);
    const { parts } = nameParts(tokens, i);
    return parts.length > 0 ? this.resolve(parts) : undefined;
  }

  private async createTable(tokens: readonly Token[], statementType: string): Promise<QueryOutcome> {
    const ddl = stripCreateTable(tokens);
    const [p, d, t] = this.resolve(ddl.name);
    this.store.dataset(p, d);
    const existing = this.store.findTable(p, d, t);
    const replace = tokens.some((token) => isWord(token, 'REPLACE'));
    const ifNotExists = /^\s*CREATE\s+(?:TEMP\w*\s+)?(?:TABLE|VIEW)\s+IF\s+NOT\s+EXISTS/i.test(render(tokens));
    const view = statementType === 'CREATE_VIEW';
    const target = { projectId: p, datasetId: d, tableId: t };
    if (existing && ifNotExists) return { statementType, fields: [], rows: [], ddlOperationPerformed: 'SKIP', ddlTargetTable: target };
    if (existing && !replace) throw alreadyExists(`Table ${p}:${d}.${t}`);
    // The name is written fully qualified for DuckDB whatever the statement said.
    const sql = this.translate(ddl.tokens);
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
    const own = !this.inTransaction;
    if (own) await this.exec('BEGIN TRANSACTION');
    try {
      // A view replacing a table (or the reverse) goes first: DuckDB replaces only its own kind.
      if (existing && replace && (existing.viewQuery !== undefined) !== view) {
        await this.exec(`DROP ${existing.viewQuery !== undefined ? 'VIEW' : 'TABLE'} ${tablePath(p, d, t)}`);
      }
      await this.exec(sql);
      const fields = (await this.c.runAndReadAll(
        `SELECT column_name, data_type, NOT is_nullable FROM duckdb_columns() WHERE database_name = $p AND schema_name = $d AND table_name = $t ORDER BY column_index`,
        { p, d, t },
      )).getRows().map(([n, type, notNull]) => fieldFromDuck(String(n), String(type), notNull === true));
      checkLayout(meta, fields);
      if (own) await this.exec('COMMIT');
    } catch (error) {
      if (own) await this.c.run('ROLLBACK');
      throw error instanceof BigQueryError && error.reason === 'invalid' ? new BigQueryError('invalidQuery', error.message, { location: 'query' }) : error;
    }
    this.store.record(meta);
    return { statementType, fields: [], rows: [], ddlOperationPerformed: existing ? 'REPLACE' : 'CREATE', ddlTargetTable: target };
  }

  private async createSchema(tokens: readonly Token[]): Promise<QueryOutcome> {
    const at = tokens.findIndex((t) => isWord(t, 'SCHEMA'));
    let i = nextSignificant(tokens, at + 1);
    const ifNotExists = isWord(tokens[i], 'IF');
    if (ifNotExists) i = nextSignificant(tokens, nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1) + 1);
    const { parts, end } = nameParts(tokens, i);
    const [p, d] = parts.length >= 2 ? [parts[0]!, parts[1]!] : [this.request.projectId, parts[0]!];
    const optionsAt = tokens.findIndex((t, k) => k >= end && isWord(t, 'OPTIONS'));
    const options = optionsAt >= 0 ? parseOptions(tokens, nextSignificant(tokens, optionsAt + 1)).options : {};
    const statement = { statementType: 'CREATE_SCHEMA', fields: [], rows: [] };
    if (this.store.findDataset(p, d)) {
      if (ifNotExists) return statement;
      throw alreadyExists(`Dataset ${p}:${d}`);
    }
    const now = Date.now();
    await this.store.createDataset(this.c, {
      projectId: p,
      datasetId: d,
      location: typeof options['location'] === 'string' ? options['location'] : this.request.location,
      creationTime: now,
      lastModifiedTime: now,
      ...(typeof options['description'] === 'string' ? { description: options['description'] } : {}),
    });
    return statement;
  }

  private async drop(tokens: readonly Token[]): Promise<QueryOutcome> {
    const kindAt = nextSignificant(tokens, nextSignificant(tokens, 0) + 1);
    const kind = tokens[kindAt]!.text.toUpperCase();
    let i = nextSignificant(tokens, kindAt + 1);
    const ifExists = isWord(tokens[i], 'IF');
    if (ifExists) i = nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1);
    const { parts } = nameParts(tokens, i);
    if (kind === 'SCHEMA') {
      const [p, d] = parts.length >= 2 ? [parts[0]!, parts[1]!] : [this.request.projectId, parts[0]!];
      if (!this.store.findDataset(p, d)) {
        if (ifExists) return { statementType: 'DROP_SCHEMA', fields: [], rows: [] };
        throw notFound(`Dataset ${p}:${d}`);
      }
      await this.store.deleteDataset(this.c, p, d, tokens.some((t) => isWord(t, 'CASCADE')));
      return { statementType: 'DROP_SCHEMA', fields: [], rows: [] };
    }
    const [p, d, t] = this.resolve(parts);
    if (!this.store.findTable(p, d, t)) {
      if (ifExists) return { statementType: 'DROP_TABLE', fields: [], rows: [] };
      throw notFound(`Table ${p}:${d}.${t}`);
    }
    const existing = this.store.findTable(p, d, t)!;
    if ((kind === 'VIEW') !== (existing.viewQuery !== undefined)) {
      throw new BigQueryError('invalidQuery', `${p}:${d}.${t} is a ${existing.viewQuery !== undefined ? 'view' : 'table'}: use DROP ${existing.viewQuery !== undefined ? 'VIEW' : 'TABLE'}`, { location: 'query' });
    }
    await this.exec(`DROP ${kind === 'VIEW' ? 'VIEW' : 'TABLE'} ${tablePath(p, d, t)}`);
    this.store.forget(p, d, t);
    return { statementType: 'DROP_TABLE', fields: [], rows: [], ddlOperationPerformed: 'DROP', ddlTargetTable: { projectId: p, datasetId: d, tableId: t } };
  }

  private async alterTable(tokens: readonly Token[]): Promise<QueryOutcome> {
    const { name, actions } = splitAlterTable(tokens);
    const [p, d, t] = this.resolve(name);
    const meta = this.store.table(p, d, t);
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
        await this.exec(`ALTER TABLE ${path} RENAME TO ${quoteIdent(parts[parts.length - 1]!)}`);
        this.store.forget(p, d, t);
        meta.tableId = parts[parts.length - 1]!;
        this.store.record(meta);
        continue;
      }
      if (body.every((token) => token.kind === 'space' || token.kind === 'comment')) continue;
      await this.exec(`ALTER TABLE ${path} ${this.translate(body).trim()}`);
    }
    meta.lastModifiedTime = Date.now();
    this.store.invalidate();
    return { statementType: 'ALTER_TABLE', fields: [], rows: [], ddlTargetTable: { projectId: p, datasetId: d, tableId: meta.tableId } };
  }
}

/** `?` → `@_p1`, `@_p2`…, so positional parameters take the named path (their CAST and binding). */
function numberPositional(tokens: Token[]): Token[] {
  let n = 0;
  return tokens.map((token) => (isPunct(token, '?') ? { kind: 'param', text: `@_p${++n}` } : token));
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
