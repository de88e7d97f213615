// dataset.INFORMATION_SCHEMA.TABLES and .COLUMNS, the views tools read a dataset's shape from: the analyzer's
// catalog lists them for every dataset, and before a statement naming them runs, two temp tables are filled from
// the store (BigQuery's type names, partitioning and clustering columns) and the name becomes a subquery on them.

import type { Connection } from './engine.ts';
import type { Store } from './store.ts';
import { type FieldSchema, canonicalMode, canonicalType } from './types.ts';

export const INFORMATION_SCHEMA_VIEWS: Readonly<Record<'TABLES' | 'COLUMNS', FieldSchema[]>> = {
  TABLES: [
    { name: 'table_catalog', type: 'STRING' },
    { name: 'table_schema', type: 'STRING' },
    { name: 'table_name', type: 'STRING' },
    { name: 'table_type', type: 'STRING' },
    { name: 'creation_time', type: 'TIMESTAMP' },
  ],
  COLUMNS: [
    { name: 'table_catalog', type: 'STRING' },
    { name: 'table_schema', type: 'STRING' },
    { name: 'table_name', type: 'STRING' },
    { name: 'column_name', type: 'STRING' },
    { name: 'ordinal_position', type: 'INT64' },
    { name: 'is_nullable', type: 'STRING' },
    { name: 'data_type', type: 'STRING' },
    { name: 'is_partitioning_column', type: 'STRING' },
    { name: 'clustering_ordinal_position', type: 'INT64' },
  ],
};

const TEMP = { TABLES: 'temp.main.bq_information_schema_tables', COLUMNS: 'temp.main.bq_information_schema_columns' } as const;

const STANDARD: Readonly<Record<string, string>> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' };

/** A column's type as INFORMATION_SCHEMA.COLUMNS.data_type writes it (standard SQL names, ARRAY<…>, STRUCT<…>). */
export function standardType(field: FieldSchema): string {
  const base = canonicalType(field.type);
  const element = base === 'RECORD'
    ? `STRUCT<${(field.fields ?? []).map((f) => `${f.name} ${standardType(f)}`).join(', ')}>`
    : STANDARD[base] ?? base;
  return canonicalMode(field.mode) === 'REPEATED' ? `ARRAY<${element}>` : element;
}

const literal = (value: string | number | null): string =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;

export async function refreshInformationSchema(c: Connection, store: Store): Promise<void> {
  const tables: string[] = [];
  const columns: string[] = [];
  for (const dataset of store.allDatasets()) {
    for (const meta of store.listTables(dataset.projectId, dataset.datasetId)) {
      const type = meta.viewQuery === undefined ? 'BASE TABLE' : 'VIEW';
      tables.push(`(${[meta.projectId, meta.datasetId, meta.tableId, type].map(literal).join(', ')}, make_timestamptz(${meta.creationTime * 1000}))`);
      const clustering = (meta.clustering?.fields ?? []).map((f) => f.toLowerCase());
      const partition = meta.timePartitioning?.field?.toLowerCase() ?? meta.rangePartitioning?.field.toLowerCase();
      (await store.fields(c, meta)).forEach((field, i) => {
        const cluster = clustering.indexOf(field.name.toLowerCase());
        columns.push(`(${[
          meta.projectId, meta.datasetId, meta.tableId, field.name, i + 1, canonicalMode(field.mode) === 'REQUIRED' ? 'NO' : 'YES',
          standardType(field), field.name.toLowerCase() === partition ? 'YES' : 'NO', cluster >= 0 ? cluster + 1 : null,
        ].map(literal).join(', ')})`);
      });
    }
  }
  const ddl = (name: 'TABLES' | 'COLUMNS') =>
    INFORMATION_SCHEMA_VIEWS[name].map((f) => `${f.name} ${f.type === 'INT64' ? 'BIGINT' : f.type === 'TIMESTAMP' ? 'TIMESTAMPTZ' : 'VARCHAR'}`).join(', ');
  await c.run(`CREATE OR REPLACE TEMP TABLE bq_information_schema_tables (${ddl('TABLES')})`);
  await c.run(`CREATE OR REPLACE TEMP TABLE bq_information_schema_columns (${ddl('COLUMNS')})`);
  if (tables.length > 0) await c.run(`INSERT INTO ${TEMP.TABLES} VALUES ${tables.join(', ')}`);
  if (columns.length > 0) await c.run(`INSERT INTO ${TEMP.COLUMNS} VALUES ${columns.join(', ')}`);
}

/** `[p,] d, INFORMATION_SCHEMA, TABLES|COLUMNS` → a subquery over the temp table, or undefined for other names. */
export function informationSchemaSql(parts: readonly string[], defaultProject: string): string | undefined {
  if (parts.length < 3 || parts[parts.length - 2]!.toUpperCase() !== 'INFORMATION_SCHEMA') return undefined;
  const view = parts[parts.length - 1]!.toUpperCase();
  if (view !== 'TABLES' && view !== 'COLUMNS') return undefined;
  const [p, d] = parts.length >= 4 ? [parts[0]!, parts[1]!] : [defaultProject, parts[0]!];
  return `(SELECT * FROM ${TEMP[view]} WHERE table_catalog = ${literal(p)} AND lower(table_schema) = lower(${literal(d)}))`;
}
