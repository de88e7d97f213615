// A query job: each statement of the script is analysed by ZetaSQL against the tables held, then translated and
// run on DuckDB. DDL clauses become table metadata, MERGE is checked for BigQuery's one-source-row rule first.

import type { AnalyzedStatement, Analyzer } from './analyzer.ts';
import { alterTable, createSchema, createTable, drop } from './ddl-statements.ts';
import { type QueryDestination, writeDestination } from './destination.ts';
import type { Connection, Engine } from './engine.ts';
import { NO_BYTES, type StatementBytes, statementBytes } from './bytes.ts';
import { BigQueryError } from './errors.ts';
import type { Faults } from './faults.ts';
import { informationSchemaSql, refreshInformationSchema } from './information-schema.ts';
import { checkMergeSourceUnique } from './merge-check.ts';
import { type Parameters, type QueryParameter, bindings, numberPositional, parseParameters } from './parameters.ts';
import type { Store } from './store.ts';
import { type Token, isWord, nextSignificant, render, tokenize } from './tokens.ts';
import { nameParts, translateTokens } from './translate.ts';
import { type FieldSchema, fieldFromDuck, quoteIdent } from './types.ts';
import { buildCatalog } from './zeta-catalog.ts';

export type { QueryParameter } from './parameters.ts';

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

/** What one statement of a job read: a script's job sums its statements. */
export interface StatementStatistics extends StatementBytes {
  statementType: string;
}

export interface QueryOutcome {
  statementType: string;
  /** Bytes read (as BigQuery sizes data) and billed (≥10 MiB per table referenced), summed over the statements. */
  totalBytesProcessed?: number;
  totalBytesBilled?: number;
  /** A script's statements, each with its bytes. */
  statements?: StatementStatistics[];
  fields: FieldSchema[];
  rows: unknown[][];
  /** A SELECT's rows, kept in a DuckDB temp table (paged from there, never all in the JS heap). */
  result?: { table: string; total: number };
  numDmlAffectedRows?: string;
  dmlStats?: DmlStats;
  ddlOperationPerformed?: string;
  ddlTargetTable?: { projectId: string; datasetId: string; tableId: string };
}

export interface QueryContext {
  readonly engine: Engine;
  readonly store: Store;
  readonly analyzer: Analyzer;
  /** Faults of target "statement" (a script dying between statements). */
  readonly faults?: Faults;
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
    // BigQuery's default is legacy SQL: a query that does not say useLegacySql=false is legacy SQL, refused here.
    throw new BigQueryError('invalidQuery',
      'The local BigQuery endpoint runs only GoogleSQL, and this query is legacy SQL (useLegacySql is true or absent, and absent means legacy SQL in BigQuery): pass --nouse_legacy_sql to bq, or set useLegacySql to false',
      { location: 'query' });
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
    const run = new StatementRunner(c, engine, store, request, parameters, defaultProject, defaultDataset);
    let position = 0;
    let outcome: QueryOutcome | undefined;
    let statements = 0;
    const perStatement: StatementStatistics[] = [];
    try {
      for (;;) {
        const tables = await store.catalogTables(c);
        const catalog = buildCatalog(tables, store.allDatasets(), defaultProject, defaultDataset, analyzer.languageOptions);
        const statement = await analyzer.analyzeNext(script, position, catalog, parameters.zeta).catch((error: unknown) => {
          throw tableNotFound(error, request);
        });
        // What it reads is measured before it runs (a DML statement is billed for the data as it found it).
        // (CREATE VIEW only stores its query: nothing is read.)
        const bytes = statement.kind === 'resolvedCreateViewStmtNode' ? NO_BYTES : await statementBytes(c, statement.node, tables, store, parameters.values);
        outcome = await run.statement(statement);
        perStatement.push({ statementType: outcome.statementType, ...bytes });
        statements++;
        const fault = context.faults?.takeStatementFault('QUERY', statements);
        if (fault) throw fault;
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
    const bytes = {
      totalBytesProcessed: perStatement.reduce((sum, s) => sum + s.processed, 0),
      totalBytesBilled: perStatement.reduce((sum, s) => sum + s.billed, 0),
    };
    return statements > 1 ? { ...outcome!, ...bytes, statementType: 'SCRIPT', statements: perStatement } : { ...outcome!, ...bytes };
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

let resultCounter = 0;

class StatementRunner {
  inTransaction = false;
  changedSchema = false;
  /** The DuckDB text of the last SELECT run (a destination table is filled from it). */
  lastSelect: string | undefined;

  readonly c: Connection;
  readonly store: Store;
  readonly request: QueryRequest;
  private readonly parameters: Parameters;
  private readonly defaultProject: string;
  private readonly defaultDataset: string | undefined;

  private readonly engine: Engine;

  constructor(c: Connection, engine: Engine, store: Store, request: QueryRequest, parameters: Parameters, defaultProject: string, defaultDataset: string | undefined) {
    this.c = c;
    this.engine = engine;
    this.store = store;
    this.request = request;
    this.parameters = parameters;
    this.defaultProject = defaultProject;
    this.defaultDataset = defaultDataset;
  }

  attach(projectId: string): Promise<void> {
    return this.engine.attach(this.c, projectId);
  }

  translate(tokens: readonly Token[]): string {
    return render(translateTokens(tokens, { parameterTypes: this.parameters.duckTypes, replaceTable: this.informationSchema }));
  }

  private informationSchema = (parts: string[]): string | undefined => informationSchemaSql(parts, this.defaultProject);

  async exec(sql: string) {
    try {
      const values = bindings(sql, this.parameters.values);
      return await this.c.runAndReadAll(sql, values as never);
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]!.replace(/^[A-Za-z ]+ Error: /, '');
      throw new BigQueryError('invalidQuery', message, { location: 'query' });
    }
  }

  /** project.dataset.table from the parts written in the statement. */
  resolve(parts: readonly string[]): [string, string, string] {
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
        return this.select(tokens, statement.node);
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
        return createTable(this, tokens, statementType);
      case 'resolvedCreateSchemaStmtNode':
        return createSchema(this, tokens);
      case 'resolvedDropStmtNode':
        return drop(this, tokens);
      case 'resolvedAlterTableStmtNode':
        return alterTable(this, tokens);
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

  private async select(tokens: readonly Token[], node: Record<string, unknown>): Promise<QueryOutcome> {
    this.lastSelect = this.translate(tokens).replace(/;\s*$/, '');
    const table = `bq_result_${++resultCounter}`;
    await this.exec(`CREATE TEMP TABLE ${table} AS ${this.lastSelect}`);
    const columns = (await this.c.runAndReadAll(
      `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'temp' AND table_name = $t ORDER BY column_index`,
      { t: table },
    )).getRows();
    // BigQuery names unnamed columns f0_, f1_… (ZetaSQL calls them $col1, $col2…); DuckDB would say "1", "count_star()".
    const analysed = ((node['outputColumnList'] ?? []) as { name?: string }[]).map((c) => c.name ?? '');
    let anonymous = 0;
    const fields = columns.map(([name, type], i) => {
      const given = analysed.length === columns.length && analysed[i]!.startsWith('$col') ? `f${anonymous++}_` : String(name);
      return fieldFromDuck(given, String(type), false);
    });
    for (const [i, [name]] of columns.entries()) {
      if (fields[i]!.name !== String(name)) await this.exec(`ALTER TABLE temp.main.${table} RENAME COLUMN ${quoteIdent(String(name))} TO ${quoteIdent(fields[i]!.name)}`);
    }
    // A destination table gets exactly these rows (a second run of the SELECT could differ: GENERATE_UUID, now()).
    this.lastSelect = `SELECT * FROM temp.main.${table}`;
    const total = Number((await this.c.runAndReadAll(`SELECT count(*) FROM temp.main.${table}`)).getRows()[0]?.[0] ?? 0);
    return { statementType: 'SELECT', fields, rows: [], result: { table, total } };
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

}

