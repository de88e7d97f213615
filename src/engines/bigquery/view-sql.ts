// The views in BigQuery's GoogleSQL, for the BigQuery sink to run after a sync (`CREATE OR REPLACE VIEW`
// replaces a view whatever its columns were, so schema evolution needs no drop). Metrics live in a JSON column:
// JSON_VALUE reads one as text and SAFE_CAST turns '-', '' or anything else that does not fit into NULL.

import { LOADED_AT } from '../../analytics/entities.ts';
import type { LogicalType, TypedViewPlan, ViewSet, WarehouseTables } from '../../analytics/model.ts';
import { propertiesOf } from '../../analytics/schema.ts';
import { type Dialect, type RawTable, readyViewSelect, type SpendPart, spendViewSelect, typedViewSelect } from '../../analytics/sql.ts';
import { planViews } from '../../analytics/views.ts';
import type { SinkStream } from '../../load/sink.ts';
import { planTable } from './layout.ts';
import { bigQueryName, distinctColumnNames, MAX_TABLE_LENGTH } from './names.ts';

const quote = (name: string) => `\`${name.replace(/[`\\]/g, '_')}\``;
const literal = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
const TYPES: Record<LogicalType, string> = {
  bigint: 'INT64',
  numeric: 'NUMERIC',
  text: 'STRING',
  boolean: 'BOOL',
  date: 'DATE',
  timestamp: 'DATETIME',
  timestamptz: 'TIMESTAMP',
};

/** A JSONPath to one key: `$.spend`, or `$."odd key"` for keys JSONPath cannot name bare. */
function jsonPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `$.${key}` : `$."${key.replaceAll('"', '\\"')}"`;
}

export const bigQueryDialect: Dialect = {
  id: quote,
  literal,
  type: (type) => TYPES[type],
  json(column, key, type) {
    const value = `JSON_VALUE(${column}, ${literal(jsonPath(key))})`;
    return type === 'text' ? `NULLIF(${value}, '-')` : `SAFE_CAST(${value} AS ${TYPES[type]})`;
  },
  day: (column) => `DATE(${column})`,
  // BigQuery wants a WHERE, GROUP BY or HAVING beside QUALIFY.
  latestPerKey: (table, key, columns, loadedAt) =>
    `SELECT ${[key, ...columns].map(quote).join(', ')} FROM ${table} WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY ${quote(key)} ORDER BY ${quote(loadedAt)} DESC) = 1`,
  ratio: (numerator, denominator, factor) => `SAFE_DIVIDE(CAST(${numerator} AS NUMERIC)${factor === 1 ? '' : ` * ${factor}`}, ${denominator})`,
  sum: (expression) => `SUM(${expression})`,
};

const tableRef = (project: string, dataset: string, table: string) => quote(`${project}.${dataset}.${table}`);

/** One view as BigQuery will hold it: its SELECT, the typed view it reads (ready views) and its DDL. */
export interface BigQueryView {
  view: string;
  select: string;
  /** The typed view a ready view reads, as written in its SELECT. */
  reads: { view: string; reference: string } | undefined;
  statement: string;
}

/**
 * The statements that create or replace every view for these streams in `project.dataset`: typed views first,
 * then the ready views that read them. `tables` (table → columns) says which entity tables the dataset holds;
 * without it, the entity streams among `streams` are taken as loaded.
 */
export function bigQueryViewStatements(streams: readonly SinkStream[], project: string, dataset: string, tables?: WarehouseTables): string[] {
  return bigQueryViews(streams, project, dataset, tables).map((view) => view.statement);
}

export function bigQueryViews(streams: readonly SinkStream[], project: string, dataset: string, tables?: WarehouseTables): BigQueryView[] {
  const known = tables ?? entityTablesOf(streams);
  const set: ViewSet = planViews(streams, known);
  const byStream = new Map(streams.map((stream) => [stream.name, stream]));
  const views: BigQueryView[] = [];
  const rawTable = (plan: TypedViewPlan): RawTable => {
    const layout = planTable(byStream.get(plan.stream)!, undefined);
    const columns = new Map(layout.columns.map((column) => [column.property, column.name]));
    const viewNames = distinctColumnNames(plan.columns.map((column) => column.name), new Set());
    return {
      table: tableRef(project, dataset, layout.table),
      column: (property) => columns.get(property) ?? bigQueryName(property),
      viewColumn: (name) => viewNames.get(name) ?? bigQueryName(name),
      entity: (table) => tableRef(project, dataset, bigQueryName(table, MAX_TABLE_LENGTH)),
    };
  };
  for (const plan of set.typed) {
    const raw = rawTable(plan);
    const description = `Typed view of ${plan.stream} (source-tiktok-marketing): one column per dimension and metric, names, currency and time zone joined.`;
    const select = typedViewSelect(plan, raw, bigQueryDialect);
    views.push({ view: plan.view, select, reads: undefined, statement: createView(project, dataset, plan.view, description, select) });
  }
  for (const plan of set.ready) {
    const reference = tableRef(project, dataset, bigQueryName(plan.source, MAX_TABLE_LENGTH));
    const select = readyViewSelect(plan, reference, bigQueryDialect);
    views.push({ view: plan.view, select, reads: { view: plan.source, reference }, statement: createView(project, dataset, plan.view, plan.description, select) });
  }
  // Spend views read the raw tables themselves, through their parts' typed SELECTs: no view below them.
  for (const plan of set.spend) {
    const parts = plan.parts.map(({ typed }): SpendPart => {
      const raw = rawTable(typed);
      return { select: typedViewSelect(typed, raw, bigQueryDialect), column: raw.viewColumn };
    });
    const select = spendViewSelect(plan, parts, bigQueryDialect);
    views.push({ view: plan.view, select, reads: undefined, statement: createView(project, dataset, plan.view, plan.description, select) });
  }
  return views;
}

function createView(project: string, dataset: string, view: string, description: string, select: string): string {
  return `CREATE OR REPLACE VIEW ${tableRef(project, dataset, bigQueryName(view, MAX_TABLE_LENGTH))}\nOPTIONS (description = ${literal(description)})\nAS ${select}`;
}

/** Entity streams of the sync, as the tables they load into (column types left to BigQuery). */
function entityTablesOf(streams: readonly SinkStream[]): WarehouseTables {
  const tables = new Map<string, Map<string, string | undefined>>();
  for (const stream of streams) {
    const columns = new Map<string, string | undefined>(propertiesOf(stream.jsonSchema).map(([name]) => [name, undefined]));
    columns.set(LOADED_AT, undefined);
    tables.set(stream.name, columns);
  }
  return tables;
}
