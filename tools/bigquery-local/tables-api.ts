// datasets.* and tables.* (and tabledata.list) of the REST API v2.

import type { ApiRequest, EndpointContext, Handler } from './context.ts';
import { noContent, ok } from './context.ts';
import { BigQueryError, invalid } from './errors.ts';
import { pageOffset, pageSize, pageToken, parsePage } from './jobs.ts';
import { datasetResource, tableListEntry, tableResource } from './resources.ts';
import { type DatasetMeta, type TableMeta, tablePath } from './store.ts';
import { type FieldSchema, canonicalField, canonicalMode, canonicalType, duckColumn, quoteIdent } from './types.ts';
import { runQuery } from './query.ts';
import { formatOptions, rowCells } from './values.ts';

type Body = Record<string, unknown>;
const asBody = (request: ApiRequest): Body => (request.body ?? {}) as Body;

export const listDatasets: Handler = async (context, request) => {
  const datasets = context.store.listDatasets(request.params['p']!).map((d) => ({
    kind: 'bigquery#dataset',
    id: `${d.projectId}:${d.datasetId}`,
    datasetReference: { projectId: d.projectId, datasetId: d.datasetId },
    location: d.location,
  }));
  return ok({ kind: 'bigquery#datasetList', datasets });
};

export const getDataset: Handler = async (context, request) =>
  ok(datasetResource(context.store.dataset(request.params['p']!, request.params['d']!)));

export const insertDataset: Handler = async (context, request) => {
  const body = asBody(request);
  const reference = (body['datasetReference'] ?? {}) as { projectId?: string; datasetId?: string };
  const projectId = reference.projectId ?? request.params['p']!;
  const datasetId = reference.datasetId;
  if (!datasetId || !/^[A-Za-z0-9_]{1,1024}$/.test(datasetId)) throw invalid(`Invalid dataset ID "${datasetId ?? ''}". Dataset IDs must be alphanumeric (plus underscores) and must be at most 1024 characters long.`);
  const now = Date.now();
  const meta: DatasetMeta = {
    projectId,
    datasetId,
    location: typeof body['location'] === 'string' ? body['location'] : context.defaultLocation,
    creationTime: now,
    lastModifiedTime: now,
  };
  applyDatasetFields(meta, body);
  const created = await context.engine.exclusive(async (c) => {
    await context.engine.useProject(c, projectId);
    return context.store.createDataset(c, meta);
  });
  return ok(datasetResource(created));
};

export const patchDataset: Handler = async (context, request) => {
  const meta = context.store.dataset(request.params['p']!, request.params['d']!);
  applyDatasetFields(meta, asBody(request));
  meta.lastModifiedTime = Date.now();
  return ok(datasetResource(meta));
};

export const deleteDataset: Handler = async (context, request) => {
  const { p, d } = request.params as { p: string; d: string };
  await context.engine.exclusive((c) => context.store.deleteDataset(c, p, d, request.query.get('deleteContents') === 'true'));
  return noContent;
};

function applyDatasetFields(meta: DatasetMeta, body: Body): void {
  if (typeof body['description'] === 'string') meta.description = body['description'];
  if (typeof body['friendlyName'] === 'string') meta.friendlyName = body['friendlyName'];
  if (typeof body['labels'] === 'object' && body['labels'] !== null) meta.labels = body['labels'] as Record<string, string>;
  if (body['defaultTableExpirationMs'] !== undefined) meta.defaultTableExpirationMs = String(body['defaultTableExpirationMs']);
}

export const listTables: Handler = async (context, request) => {
  const { p, d } = request.params as { p: string; d: string };
  context.store.dataset(p, d);
  const tables = context.store.listTables(p, d).map(tableListEntry);
  return ok({ kind: 'bigquery#tableList', tables, totalItems: tables.length });
};

export const getTable: Handler = async (context, request) => {
  const { p, d, t } = request.params as { p: string; d: string; t: string };
  return ok(await context.engine.exclusive(async (c) => tableResource(c, context.store, context.store.table(p, d, t))));
};

export const insertTable: Handler = async (context, request) => {
  const body = asBody(request);
  const { p, d } = request.params as { p: string; d: string };
  const reference = (body['tableReference'] ?? {}) as { tableId?: string };
  const tableId = reference.tableId;
  if (!tableId) throw invalid('A table needs tableReference.tableId');
  if (body['materializedView'] !== undefined) throw new BigQueryError('notImplemented', 'Materialized views are not supported by the local BigQuery');
  const view = body['view'] as { query?: string; useLegacySql?: boolean } | undefined;
  if (view !== undefined) {
    // A view is created the way its SQL would be: analysed by ZetaSQL against the tables held, then run.
    if (typeof view.query !== 'string') throw invalid('A view needs view.query');
    const location = context.store.dataset(p, d).location;
    await runQuery(context, { projectId: p, location, query: `CREATE VIEW \`${p}.${d}.${tableId}\` AS ${view.query}`, ...(view.useLegacySql === true ? { useLegacySql: true } : {}) });
    const meta = context.store.table(p, d, tableId);
    applyTableFields(meta, { description: body['description'], friendlyName: body['friendlyName'], labels: body['labels'] });
    return ok(await context.engine.exclusive((c) => tableResource(c, context.store, meta)));
  }
  const fields = (((body['schema'] ?? {}) as { fields?: FieldSchema[] }).fields ?? []).map(canonicalField);
  const now = Date.now();
  const meta: TableMeta = { projectId: p, datasetId: d, tableId, creationTime: now, lastModifiedTime: now, columnDescriptions: new Map() };
  applyTableFields(meta, body);
  return ok(await context.engine.exclusive(async (c) => {
    await context.engine.useProject(c, p);
    await context.store.createTable(c, meta, fields);
    return tableResource(c, context.store, meta);
  }));
};

export const patchTable: Handler = async (context, request) => {
  const body = asBody(request);
  const { p, d, t } = request.params as { p: string; d: string; t: string };
  return ok(await context.engine.exclusive(async (c) => {
    const meta = context.store.table(p, d, t);
    const ifMatch = request.headers['if-match'];
    if (typeof ifMatch === 'string' && ifMatch !== '*') {
      const current = await tableResource(c, context.store, meta);
      if (current['etag'] !== ifMatch) throw new BigQueryError('conditionNotMet', 'Precondition check failed.');
    }
    const schema = (body['schema'] as { fields?: FieldSchema[] } | undefined)?.fields;
    if (schema) {
      const current = await context.store.fields(c, meta);
      const plan = schemaPatch(`${p}:${d}.${t}`, current, schema.map(canonicalField));
      const path = tablePath(p, d, t);
      for (const name of plan.relax) await c.run(`ALTER TABLE ${path} ALTER COLUMN ${quoteIdent(name)} DROP NOT NULL`);
      for (const field of plan.add) await c.run(`ALTER TABLE ${path} ADD COLUMN ${duckColumn(field)}`);
      for (const field of schema) {
        if (field.description !== undefined) meta.columnDescriptions.set(field.name.toLowerCase(), field.description);
      }
      context.store.invalidate();
    }
    if (body['timePartitioning'] !== undefined && meta.timePartitioning) {
      const partitioning = body['timePartitioning'] as { expirationMs?: string | number; type?: string; field?: string };
      if ((partitioning.field ?? meta.timePartitioning.field) !== meta.timePartitioning.field || (partitioning.type ?? meta.timePartitioning.type) !== meta.timePartitioning.type) {
        throw invalid('Cannot change partitioning spec for a partitioned table.');
      }
      if (partitioning.expirationMs !== undefined) meta.timePartitioning.expirationMs = String(partitioning.expirationMs);
    }
    if (body['clustering'] !== undefined) {
      const fields = (body['clustering'] as { fields?: string[] } | null)?.fields;
      if (fields && fields.length > 0) meta.clustering = { fields };
      else delete meta.clustering;
    }
    applyTableFields(meta, { ...body, timePartitioning: undefined, clustering: undefined });
    meta.lastModifiedTime = Date.now();
    return tableResource(c, context.store, meta);
  }));
};

export const deleteTable: Handler = async (context, request) => {
  const { p, d, t } = request.params as { p: string; d: string; t: string };
  await context.engine.exclusive(async (c) => {
    const meta = context.store.table(p, d, t);
    await c.run(`DROP ${meta.viewQuery === undefined ? 'TABLE' : 'VIEW'} ${tablePath(p, d, t)}`);
    context.store.forget(p, d, t);
  });
  return noContent;
};

export const listTableData: Handler = async (context, request) => {
  const { p, d, t } = request.params as { p: string; d: string; t: string };
  const format = formatOptions(request.query.get('formatOptions.useInt64Timestamp'), request.query.get('formatOptions.timestampOutputFormat'));
  return ok(await context.engine.exclusive(async (c) => {
    const meta = context.store.table(p, d, t);
    const fields = await context.store.fields(c, meta);
    // Only the page is read: a large table never sits in memory whole.
    const paging = parsePage(request.query);
    const offset = pageOffset(paging);
    const total = Number(await context.store.numRows(c, meta));
    const reader = await c.runAndReadAll(`SELECT * FROM ${tablePath(p, d, t)} LIMIT ${pageSize(paging)} OFFSET ${offset}`);
    const cells = reader.getRows().map((row) => rowCells(row, fields, format));
    return { kind: 'bigquery#tableDataList', totalRows: String(total), ...(cells.length > 0 ? { rows: cells } : {}), ...pageToken(offset + cells.length, total) };
  }));
};

function applyTableFields(meta: TableMeta, body: Body): void {
  if (body['timePartitioning'] !== undefined && body['timePartitioning'] !== null) {
    const partitioning = body['timePartitioning'] as { type?: string; field?: string; expirationMs?: string | number; requirePartitionFilter?: boolean };
    const type = (partitioning.type ?? 'DAY').toUpperCase();
    if (!['DAY', 'HOUR', 'MONTH', 'YEAR'].includes(type)) throw invalid(`Invalid timePartitioning.type ${partitioning.type}`);
    meta.timePartitioning = {
      type: type as 'DAY',
      ...(partitioning.field !== undefined ? { field: partitioning.field } : {}),
      ...(partitioning.expirationMs !== undefined ? { expirationMs: String(partitioning.expirationMs) } : {}),
      ...(partitioning.requirePartitionFilter ? { requirePartitionFilter: true } : {}),
    };
  }
  if (body['rangePartitioning'] !== undefined && body['rangePartitioning'] !== null) meta.rangePartitioning = body['rangePartitioning'] as TableMeta['rangePartitioning'] & object;
  const clustering = (body['clustering'] as { fields?: string[] } | undefined)?.fields;
  if (clustering && clustering.length > 0) meta.clustering = { fields: clustering };
  if (typeof body['description'] === 'string') meta.description = body['description'];
  if (typeof body['friendlyName'] === 'string') meta.friendlyName = body['friendlyName'];
  if (typeof body['labels'] === 'object' && body['labels'] !== null) meta.labels = body['labels'] as Record<string, string>;
  if (body['expirationTime'] !== undefined) meta.expirationTime = String(body['expirationTime']);
  if (body['requirePartitionFilter'] === true && meta.timePartitioning) meta.timePartitioning.requirePartitionFilter = true;
}

/** tables.patch with a schema: the full field list; columns may be added (NULLABLE/REPEATED) or relaxed, nothing else. */
function schemaPatch(id: string, current: readonly FieldSchema[], next: readonly FieldSchema[]): { add: FieldSchema[]; relax: string[] } {
  const mismatch = (detail: string) => invalid(`Provided Schema does not match Table ${id}. ${detail}`);
  const byName = new Map(next.map((f) => [f.name.toLowerCase(), f]));
  const relax: string[] = [];
  for (const field of current) {
    const given = byName.get(field.name.toLowerCase());
    if (!given) throw mismatch(`Field ${field.name} is missing in new schema`);
    if (canonicalType(given.type) !== canonicalType(field.type)) {
      throw mismatch(`Field ${field.name} has changed type from ${canonicalType(field.type)} to ${canonicalType(given.type)}`);
    }
    const [from, to] = [canonicalMode(field.mode), canonicalMode(given.mode)];
    if (from === to) continue;
    if (from === 'REQUIRED' && to === 'NULLABLE') relax.push(field.name);
    else throw mismatch(`Field ${field.name} has changed mode from ${from} to ${to}`);
  }
  const known = new Set(current.map((f) => f.name.toLowerCase()));
  const add = next.filter((f) => !known.has(f.name.toLowerCase()));
  const required = add.find((f) => canonicalMode(f.mode) === 'REQUIRED');
  if (required) throw mismatch(`Cannot add required fields to an existing schema. (field: ${required.name})`);
  return { add, relax };
}

export type { EndpointContext };
