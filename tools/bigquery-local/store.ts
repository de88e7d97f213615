// What BigQuery knows about datasets and tables beyond the columns DuckDB holds: location, partitioning,
// clustering, descriptions, labels, times, etag. Columns are always read back from DuckDB, so a table altered by
// SQL and one patched through the API agree.

import { createHash } from 'node:crypto';
import type { Connection } from './engine.ts';
import { alreadyExists, invalid, notFound } from './errors.ts';
import type { OptionValue, RangePartitioning, TimePartitioning } from './ddl.ts';
import { type FieldSchema, duckColumn, fieldFromDuck, quoteIdent } from './types.ts';
import type { CatalogTable } from './zeta-catalog.ts';

export interface DatasetMeta {
  readonly projectId: string;
  readonly datasetId: string;
  location: string;
  creationTime: number;
  lastModifiedTime: number;
  description?: string;
  friendlyName?: string;
  labels?: Record<string, string>;
  defaultTableExpirationMs?: string;
}

export interface TableMeta {
  readonly projectId: string;
  readonly datasetId: string;
  tableId: string;
  creationTime: number;
  lastModifiedTime: number;
  timePartitioning?: TimePartitioning;
  rangePartitioning?: RangePartitioning;
  clustering?: { fields: string[] };
  description?: string;
  friendlyName?: string;
  labels?: Record<string, string>;
  expirationTime?: string;
  /** Column descriptions by lower-cased name (BigQuery column names are case-insensitive). */
  columnDescriptions: Map<string, string>;
  /** Set for a view: its GoogleSQL text as written (tables.get answers it as view.query). */
  viewQuery?: string;
}

export const tableKey = (p: string, d: string, t: string) => `${p}\u0000${d}\u0000${t}`.toLowerCase();
const datasetKey = (p: string, d: string) => `${p}\u0000${d}`.toLowerCase();
export const tablePath = (p: string, d: string, t: string) => `${quoteIdent(p)}.${quoteIdent(d)}.${quoteIdent(t)}`;

export class Store {
  private readonly datasets = new Map<string, DatasetMeta>();
  private readonly tables = new Map<string, TableMeta>();
  private catalogCache: CatalogTable[] | undefined;

  /** Forgets the cached column list (after anything that may change a table's columns). */
  invalidate(): void {
    this.catalogCache = undefined;
  }

  findDataset(p: string, d: string): DatasetMeta | undefined {
    return this.datasets.get(datasetKey(p, d));
  }

  dataset(p: string, d: string): DatasetMeta {
    const found = this.findDataset(p, d);
    if (!found) throw notFound(`Dataset ${p}:${d}`);
    return found;
  }

  allDatasets(): DatasetMeta[] {
    return [...this.datasets.values()];
  }

  listDatasets(p: string): DatasetMeta[] {
    return [...this.datasets.values()].filter((d) => d.projectId === p);
  }

  async createDataset(c: Connection, meta: DatasetMeta): Promise<DatasetMeta> {
    if (this.findDataset(meta.projectId, meta.datasetId)) throw alreadyExists(`Dataset ${meta.projectId}:${meta.datasetId}`);
    await c.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(meta.projectId)}.${quoteIdent(meta.datasetId)}`);
    this.datasets.set(datasetKey(meta.projectId, meta.datasetId), meta);
    return meta;
  }

  async deleteDataset(c: Connection, p: string, d: string, deleteContents: boolean): Promise<void> {
    this.dataset(p, d);
    const tables = this.listTables(p, d);
    if (tables.length > 0 && !deleteContents) throw invalid(`Dataset ${p}:${d} is still in use`);
    await c.run(`DROP SCHEMA ${quoteIdent(p)}.${quoteIdent(d)} CASCADE`);
    for (const t of tables) this.tables.delete(tableKey(p, d, t.tableId));
    this.datasets.delete(datasetKey(p, d));
    this.invalidate();
  }

  findTable(p: string, d: string, t: string): TableMeta | undefined {
    return this.tables.get(tableKey(p, d, t));
  }

  table(p: string, d: string, t: string): TableMeta {
    const found = this.findTable(p, d, t);
    if (!found) {
      this.dataset(p, d);
      throw notFound(`Table ${p}:${d}.${t}`);
    }
    return found;
  }

  listTables(p: string, d: string): TableMeta[] {
    return [...this.tables.values()].filter((t) => t.projectId === p && t.datasetId.toLowerCase() === d.toLowerCase());
  }

  /** Creates the table in DuckDB and records its metadata. */
  async createTable(c: Connection, meta: TableMeta, fields: readonly FieldSchema[]): Promise<TableMeta> {
    this.dataset(meta.projectId, meta.datasetId);
    if (this.findTable(meta.projectId, meta.datasetId, meta.tableId)) {
      throw alreadyExists(`Table ${meta.projectId}:${meta.datasetId}.${meta.tableId}`);
    }
    checkLayout(meta, fields);
    const columns = fields.map(duckColumn).join(', ');
    await c.run(`CREATE TABLE ${tablePath(meta.projectId, meta.datasetId, meta.tableId)} (${columns})`);
    for (const f of fields) if (f.description) meta.columnDescriptions.set(f.name.toLowerCase(), f.description);
    this.record(meta);
    return meta;
  }

  record(meta: TableMeta): void {
    this.tables.set(tableKey(meta.projectId, meta.datasetId, meta.tableId), meta);
    this.invalidate();
  }

  forget(p: string, d: string, t: string): void {
    this.tables.delete(tableKey(p, d, t));
    this.invalidate();
  }

  async fields(c: Connection, meta: TableMeta): Promise<FieldSchema[]> {
    const reader = await c.runAndReadAll(
      `SELECT column_name, data_type, NOT is_nullable FROM duckdb_columns()
        WHERE database_name = $p AND schema_name = $d AND table_name = $t ORDER BY column_index`,
      { p: meta.projectId, d: meta.datasetId, t: meta.tableId },
    );
    return reader.getRows().map(([name, type, notNull]) => withDescription(meta, fieldFromDuck(String(name), String(type), notNull === true)));
  }

  /** Every table with its columns, for the analyzer's catalog (cached until a change). */
  async catalogTables(c: Connection): Promise<CatalogTable[]> {
    if (this.catalogCache) return this.catalogCache;
    const reader = await c.runAndReadAll(
      `SELECT database_name, schema_name, table_name, column_name, data_type, NOT is_nullable FROM duckdb_columns()
        WHERE NOT internal AND database_name NOT IN ('memory', 'system', 'temp') ORDER BY database_name, schema_name, table_name, column_index`,
    );
    const byTable = new Map<string, CatalogTable & { fields: FieldSchema[] }>();
    for (const [p, d, t, name, type, notNull] of reader.getRows()) {
      const meta = this.findTable(String(p), String(d), String(t));
      if (!meta) continue;
      const key = tableKey(meta.projectId, meta.datasetId, meta.tableId);
      let entry = byTable.get(key);
      if (!entry) {
        entry = { projectId: meta.projectId, datasetId: meta.datasetId, tableId: meta.tableId, fields: [] };
        byTable.set(key, entry);
      }
      entry.fields.push(fieldFromDuck(String(name), String(type), notNull === true));
    }
    this.catalogCache = [...byTable.values()];
    return this.catalogCache;
  }

  /**
   * After SQL DDL: tables and schemas DuckDB has but the store does not know (CREATE TABLE / CREATE SCHEMA by SQL)
   * are recorded, and those DuckDB no longer has (DROP) are forgotten.
   */
  async reconcile(c: Connection, location: string): Promise<void> {
    const now = Date.now();
    const schemas = await c.runAndReadAll(
      `SELECT database_name, schema_name FROM duckdb_schemas() WHERE NOT internal AND database_name NOT IN ('memory', 'system', 'temp') AND schema_name <> 'main'`,
    );
    const liveSchemas = new Set<string>();
    for (const [p, d] of schemas.getRows()) {
      liveSchemas.add(datasetKey(String(p), String(d)));
      if (!this.findDataset(String(p), String(d))) {
        this.datasets.set(datasetKey(String(p), String(d)), { projectId: String(p), datasetId: String(d), location, creationTime: now, lastModifiedTime: now });
      }
    }
    for (const [key] of this.datasets) if (!liveSchemas.has(key)) this.datasets.delete(key);
    const tables = await c.runAndReadAll(
      `SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE NOT internal AND database_name NOT IN ('memory', 'system', 'temp')
       UNION ALL SELECT database_name, schema_name, view_name FROM duckdb_views() WHERE NOT internal AND database_name NOT IN ('memory', 'system', 'temp')`,
    );
    const live = new Set<string>();
    for (const [p, d, t] of tables.getRows()) {
      const key = tableKey(String(p), String(d), String(t));
      live.add(key);
      if (!this.tables.has(key)) {
        this.tables.set(key, { projectId: String(p), datasetId: String(d), tableId: String(t), creationTime: now, lastModifiedTime: now, columnDescriptions: new Map() });
      }
    }
    for (const [key] of this.tables) if (!live.has(key)) this.tables.delete(key);
    this.invalidate();
  }

  async numRows(c: Connection, meta: TableMeta): Promise<string> {
    const reader = await c.runAndReadAll(`SELECT count(*) FROM ${tablePath(meta.projectId, meta.datasetId, meta.tableId)}`);
    return String(reader.getRows()[0]?.[0] ?? 0);
  }
}

function withDescription(meta: TableMeta, field: FieldSchema): FieldSchema {
  const description = meta.columnDescriptions.get(field.name.toLowerCase());
  return description === undefined ? field : { ...field, description };
}

/** BigQuery's rules for partitioning and clustering columns. */
export function checkLayout(meta: Pick<TableMeta, 'timePartitioning' | 'clustering' | 'rangePartitioning'>, fields: readonly FieldSchema[]): void {
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const partitionField = meta.timePartitioning?.field;
  if (partitionField !== undefined) {
    const field = byName.get(partitionField.toLowerCase());
    if (!field) throw invalid(`The field specified for partitioning cannot be found in the schema`);
    const type = field.type.toUpperCase();
    if (!['DATE', 'TIMESTAMP', 'DATETIME'].includes(type)) {
      throw invalid(`The field specified for time partitioning can only be of type TIMESTAMP, DATE or DATETIME. The type found is: ${type}.`);
    }
  }
  const clustering = meta.clustering?.fields ?? [];
  if (clustering.length > 4) throw invalid('Too many clustering fields: ' + clustering.length + ', only 4 are allowed.');
  for (const name of clustering) {
    const field = byName.get(name.toLowerCase());
    if (!field) throw invalid(`The field specified for clustering cannot be found in the schema.  Invalid field: ${name}.`);
    if (field.mode === 'REPEATED' || ['RECORD', 'STRUCT', 'JSON', 'FLOAT', 'FLOAT64'].includes(field.type.toUpperCase())) {
      throw invalid(`Field ${name} is of type ${field.type} which is not supported for clustering.`);
    }
  }
}

export function etagOf(value: unknown): string {
  return createHash('md5').update(JSON.stringify(value)).digest('base64').slice(0, 22);
}

export type { OptionValue };
