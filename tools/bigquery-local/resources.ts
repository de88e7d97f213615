// Dataset and Table resources in the shape the REST API returns (int64 values as strings, legacy type names).

import type { Connection } from './engine.ts';
import { type DatasetMeta, type Store, type TableMeta, etagOf } from './store.ts';

export function datasetResource(meta: DatasetMeta): Record<string, unknown> {
  const body = {
    kind: 'bigquery#dataset',
    id: `${meta.projectId}:${meta.datasetId}`,
    datasetReference: { projectId: meta.projectId, datasetId: meta.datasetId },
    location: meta.location,
    creationTime: String(meta.creationTime),
    lastModifiedTime: String(meta.lastModifiedTime),
    type: 'DEFAULT',
    ...(meta.description !== undefined ? { description: meta.description } : {}),
    ...(meta.friendlyName !== undefined ? { friendlyName: meta.friendlyName } : {}),
    ...(meta.labels !== undefined ? { labels: meta.labels } : {}),
    ...(meta.defaultTableExpirationMs !== undefined ? { defaultTableExpirationMs: meta.defaultTableExpirationMs } : {}),
  };
  return { ...body, etag: etagOf(body) };
}

export async function tableResource(c: Connection, store: Store, meta: TableMeta): Promise<Record<string, unknown>> {
  const fields = await store.fields(c, meta);
  const dataset = store.dataset(meta.projectId, meta.datasetId);
  const body = {
    kind: 'bigquery#table',
    id: `${meta.projectId}:${meta.datasetId}.${meta.tableId}`,
    tableReference: { projectId: meta.projectId, datasetId: meta.datasetId, tableId: meta.tableId },
    schema: { fields },
    ...(meta.viewQuery === undefined ? { numRows: await store.numRows(c, meta), numBytes: '0' } : { view: { query: meta.viewQuery, useLegacySql: false } }),
    creationTime: String(meta.creationTime),
    lastModifiedTime: String(meta.lastModifiedTime),
    type: meta.viewQuery === undefined ? 'TABLE' : 'VIEW',
    location: dataset.location,
    ...(meta.timePartitioning ? { timePartitioning: meta.timePartitioning } : {}),
    ...(meta.rangePartitioning ? { rangePartitioning: meta.rangePartitioning } : {}),
    ...(meta.timePartitioning?.requirePartitionFilter ? { requirePartitionFilter: true } : {}),
    ...(meta.clustering ? { clustering: meta.clustering } : {}),
    ...(meta.description !== undefined ? { description: meta.description } : {}),
    ...(meta.friendlyName !== undefined ? { friendlyName: meta.friendlyName } : {}),
    ...(meta.labels !== undefined ? { labels: meta.labels } : {}),
    ...(meta.expirationTime !== undefined ? { expirationTime: meta.expirationTime } : {}),
  };
  return { ...body, etag: etagOf({ ...body, numRows: undefined }) };
}

/** The short form tables.list returns. */
export function tableListEntry(meta: TableMeta): Record<string, unknown> {
  return {
    kind: 'bigquery#table',
    id: `${meta.projectId}:${meta.datasetId}.${meta.tableId}`,
    tableReference: { projectId: meta.projectId, datasetId: meta.datasetId, tableId: meta.tableId },
    type: meta.viewQuery === undefined ? 'TABLE' : 'VIEW',
    creationTime: String(meta.creationTime),
    ...(meta.timePartitioning ? { timePartitioning: meta.timePartitioning } : {}),
    ...(meta.clustering ? { clustering: meta.clustering } : {}),
  };
}
