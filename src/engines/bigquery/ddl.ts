// DDL text for the stream tables: CREATE TABLE with daily partitions on a report's date and clustering on its
// ids, and ALTER TABLE … ADD COLUMN IF NOT EXISTS for properties new in the schema (never a failed sync:
// older rows hold NULL there). BigQuery cannot change a column's type in place, so an existing column keeps
// its type and values that do not fit it become NULL with a note.

import { columnDefinitions, type ColumnDefinition, type TableLayout } from './layout.ts';
import { quote } from './names.ts';

/** `project.dataset.table`, backticked as one identifier (project ids may hold hyphens). */
export function tableRef(project: string, dataset: string, table: string): string {
  return quote(`${project}.${dataset}.${table}`);
}

const definition = (column: ColumnDefinition): string => `${quote(column.name)} ${column.type}${column.required ? ' NOT NULL' : ''}`;

export function createTableSql(ref: string, layout: TableLayout): string {
  const columns = columnDefinitions(layout).map(definition).join(',\n  ');
  const partition = layout.partition === undefined
    ? ''
    : `\nPARTITION BY ${layout.partition.type === 'DATE' ? quote(layout.partition.column) : `DATE(${quote(layout.partition.column)})`}`;
  const cluster = layout.clustering.length === 0 ? '' : `\nCLUSTER BY ${layout.clustering.map(quote).join(', ')}`;
  return `CREATE TABLE IF NOT EXISTS ${ref} (\n  ${columns}\n)${partition}${cluster}`;
}

/** One statement for all new columns (BigQuery counts each DDL statement against a table's metadata-update rate). */
export function addColumnsSql(ref: string, columns: readonly ColumnDefinition[]): string | undefined {
  if (columns.length === 0) return undefined;
  return `ALTER TABLE ${ref}\n  ${columns.map((column) => `ADD COLUMN IF NOT EXISTS ${definition({ ...column, required: false })}`).join(',\n  ')}`;
}
