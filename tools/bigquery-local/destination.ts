// A query job with configuration.query.destinationTable: the SELECT's rows are written to that table with the
// job's create/write dispositions (BigQuery's default for query jobs is WRITE_EMPTY), as BigQuery does.

import type { RangePartitioning, TimePartitioning } from './ddl.ts';
import type { Connection } from './engine.ts';
import { BigQueryError, alreadyExists, invalid, notFound } from './errors.ts';
import { type Store, type TableMeta, checkLayout, tablePath } from './store.ts';
import { fieldFromDuck } from './types.ts';

export interface QueryDestination {
  readonly table: { projectId?: string; datasetId: string; tableId: string };
  readonly writeDisposition?: string;
  readonly createDisposition?: string;
  readonly timePartitioning?: TimePartitioning;
  readonly rangePartitioning?: RangePartitioning;
  readonly clustering?: { fields: string[] };
}

/** Writes the result of `select` (DuckDB SQL) to the destination, inside the job's exclusive section. */
export async function writeDestination(c: Connection, store: Store, projectId: string, destination: QueryDestination, select: string): Promise<void> {
  const p = destination.table.projectId ?? projectId;
  const { datasetId: d, tableId: t } = destination.table;
  store.dataset(p, d);
  const write = (destination.writeDisposition ?? 'WRITE_EMPTY').toUpperCase();
  const create = (destination.createDisposition ?? 'CREATE_IF_NEEDED').toUpperCase();
  const existing = store.findTable(p, d, t);
  const path = tablePath(p, d, t);
  if (!existing && create === 'CREATE_NEVER') throw notFound(`Table ${p}:${d}.${t}`);
  if (existing && write === 'WRITE_EMPTY' && (await store.numRows(c, existing)) !== '0') throw alreadyExists(`Table ${p}:${d}.${t}`);
  if (!['WRITE_EMPTY', 'WRITE_APPEND', 'WRITE_TRUNCATE'].includes(write)) throw invalid(`Invalid writeDisposition ${write}`);
  const meta: TableMeta = existing ?? { projectId: p, datasetId: d, tableId: t, creationTime: Date.now(), lastModifiedTime: Date.now(), columnDescriptions: new Map() };
  if (!existing) {
    if (destination.timePartitioning) meta.timePartitioning = destination.timePartitioning;
    if (destination.rangePartitioning) meta.rangePartitioning = destination.rangePartitioning;
    if (destination.clustering) meta.clustering = destination.clustering;
  }
  await c.run('BEGIN TRANSACTION');
  try {
    if (!existing || write === 'WRITE_TRUNCATE') {
      // Truncating replaces the schema with the query's, as BigQuery does.
      await c.run(`CREATE OR REPLACE TABLE ${path} AS ${select}`);
    } else {
      await c.run(`INSERT INTO ${path} BY NAME ${select}`);
    }
    const columns = await c.runAndReadAll(
      `SELECT column_name, data_type, NOT is_nullable FROM duckdb_columns() WHERE database_name = $p AND schema_name = $d AND table_name = $t ORDER BY column_index`,
      { p, d, t },
    );
    checkLayout(meta, columns.getRows().map(([n, type, notNull]) => fieldFromDuck(String(n), String(type), notNull === true)));
    await c.run('COMMIT');
  } catch (error) {
    await c.run('ROLLBACK');
    if (error instanceof BigQueryError) throw error;
    throw new BigQueryError('invalidQuery', (error as Error).message.split('\n')[0]!, { location: 'query' });
  }
  meta.lastModifiedTime = Date.now();
  store.record(meta);
}
