// jobs.insert (query and load), the multipart upload, jobs.get/list/cancel, jobs.query and jobs.getQueryResults.

import { randomUUID } from 'node:crypto';
import type { ApiRequest, ApiResponse, EndpointContext, Handler } from './context.ts';
import { ok } from './context.ts';
import { BigQueryError, alreadyExists, asBigQueryError, invalid } from './errors.ts';
import { type JobRecord, jobResource, parsePage, queryResults } from './jobs.ts';
import { type LoadConfig, runLoad } from './load.ts';
import { checkLocation, datasetsNamed, jobLocation } from './locations.ts';
import { parseMultipart } from './multipart.ts';
import type { DatasetMeta } from './store.ts';
import type { QueryDestination } from './destination.ts';
import { type QueryRequest, runQuery } from './query.ts';
import { formatOptions } from './values.ts';

export interface JobBody {
  jobReference?: { projectId?: string; jobId?: string; location?: string };
  configuration?: { query?: Record<string, unknown>; load?: LoadConfig; dryRun?: boolean; labels?: unknown };
}

function newJob(context: EndpointContext, projectId: string, body: JobBody, jobType: 'QUERY' | 'LOAD', datasets: readonly DatasetMeta[]): JobRecord {
  const now = Date.now();
  const job: JobRecord = {
    projectId,
    jobId: body.jobReference?.jobId ?? `job_${randomUUID().replaceAll('-', '_')}`,
    location: jobLocation(body.jobReference?.location, datasets, context.defaultLocation),
    jobType,
    configuration: { ...(body.configuration ?? {}) },
    creationTime: now,
    startTime: now,
    endTime: now,
  };
  context.jobs.add(job);
  return job;
}

/** The datasets a query job touches: those its SQL names, its default dataset and its destination. */
function queryDatasets(context: EndpointContext, projectId: string, config: Record<string, unknown>): DatasetMeta[] {
  const named = typeof config['query'] === 'string' ? datasetsNamed(config['query'], projectId, context.store) : [];
  const references = [config['defaultDataset'], config['destinationTable']] as ({ projectId?: string; datasetId?: string } | undefined)[];
  for (const reference of references) {
    const dataset = reference?.datasetId ? context.store.findDataset(reference.projectId ?? projectId, reference.datasetId) : undefined;
    if (dataset && !named.includes(dataset)) named.push(dataset);
  }
  return named;
}

/** Runs the job; its failure is the job's errorResult, never an HTTP error. */
async function run(context: EndpointContext, job: JobRecord, work: () => Promise<void>): Promise<void> {
  try {
    const fault = context.faults.takeJobFault(job.jobType);
    if (fault) throw fault;
    await work();
  } catch (error) {
    job.error = asBigQueryError(error);
  }
  job.endTime = Date.now();
}

function queryRequest(projectId: string, location: string, config: Record<string, unknown>): QueryRequest {
  if (typeof config['query'] !== 'string') throw invalid('Required parameter is missing: query');
  return {
    projectId,
    location,
    query: config['query'],
    // Absent is legacy SQL, as in BigQuery (the Node client always sends false; bq sends it only with --nouse_legacy_sql).
    useLegacySql: config['useLegacySql'] !== false,
    ...(config['defaultDataset'] ? { defaultDataset: config['defaultDataset'] as QueryRequest['defaultDataset'] & object } : {}),
    ...(Array.isArray(config['queryParameters']) ? { queryParameters: config['queryParameters'] as QueryRequest['queryParameters'] & object } : {}),
    ...(config['destinationTable'] ? { destination: destinationOf(config) } : {}),
  };
}

function destinationOf(config: Record<string, unknown>): QueryDestination {
  const pick = <T>(key: string): Record<string, T> => (config[key] === undefined ? {} : { [key]: config[key] as T });
  return {
    table: config['destinationTable'] as QueryDestination['table'],
    ...pick<string>('writeDisposition'),
    ...pick<string>('createDisposition'),
    ...pick<QueryDestination['timePartitioning']>('timePartitioning'),
    ...pick<QueryDestination['rangePartitioning']>('rangePartitioning'),
    ...pick<QueryDestination['clustering']>('clustering'),
  };
}

export const insertJob: Handler = async (context, request) => {
  const body = request.body as JobBody;
  const configuration = body.configuration ?? {};
  if (configuration.dryRun) throw new BigQueryError('notImplemented', 'dryRun is not supported by the local BigQuery');
  if (configuration.query) {
    const config = configuration.query;
    const datasets = queryDatasets(context, request.params['p']!, config);
    const job = newJob(context, request.params['p']!, body, 'QUERY', datasets);
    await run(context, job, async () => {
      checkLocation(job.location, datasets);
      job.query = await runQuery(context, queryRequest(job.projectId, job.location, config));
    });
    return ok(jobResource(job));
  }
  if (configuration.load) {
    // A load needs its data: without an upload there is nothing to read (sourceUris point at Cloud Storage).
    throw invalid('Load jobs need their data: use the multipart upload (sourceUris are not supported locally)');
  }
  throw invalid('Job configuration needs query or load (copy and extract are not supported locally)');
};

export const uploadJob: Handler = async (context, request) => {
  const uploadType = request.query.get('uploadType');
  if (uploadType === 'resumable') return startResumable(context, request);
  if (uploadType !== 'multipart') throw invalid(`uploadType ${uploadType ?? '(none)'} is not supported locally: use multipart or resumable`);
  const { metadata, data } = parseMultipart(String(request.headers['content-type'] ?? ''), request.raw);
  return ok(await loadUploaded(context, request.params['p']!, metadata as JobBody, data));
};

/** A load job from uploaded bytes (multipart, or the last chunk of a resumable upload). */
async function loadUploaded(context: EndpointContext, projectId: string, body: JobBody, data: Buffer): Promise<Record<string, unknown>> {
  const load = body.configuration?.load;
  if (!load?.destinationTable) throw invalid('A load job needs configuration.load.destinationTable');
  const destination = context.store.findDataset(load.destinationTable.projectId ?? projectId, load.destinationTable.datasetId);
  const datasets = destination ? [destination] : [];
  const job = newJob(context, projectId, body, 'LOAD', datasets);
  await run(context, job, async () => {
    context.loadQuota.take(`${load.destinationTable.projectId ?? job.projectId}:${load.destinationTable.datasetId}.${load.destinationTable.tableId}`);
    checkLocation(job.location, datasets);
    job.load = await runLoad(context.engine, context.store, job.projectId, load, data);
  });
  return jobResource(job);
}

/**
 * A resumable upload's first call: the Job as JSON. The answer's Location names the session; the bytes follow in
 * one or more PUTs to it (each with Content-Range), answered 308 with the Range held until the last.
 */
function startResumable(context: EndpointContext, request: ApiRequest): Promise<ApiResponse> {
  const body = request.body as JobBody;
  if (!body.configuration?.load?.destinationTable) throw invalid('A load job needs configuration.load.destinationTable');
  const jobId = body.jobReference?.jobId;
  if (jobId !== undefined && context.jobs.has(request.params['p']!, jobId)) {
    const existing = context.jobs.get(request.params['p']!, jobId);
    throw alreadyExists(`Job ${existing.projectId}:${existing.location}.${jobId}`);
  }
  const id = randomUUID().replaceAll('-', '');
  context.uploads.set(id, { projectId: request.params['p']!, metadata: body, chunks: [], received: 0 });
  const host = String(request.headers['host'] ?? '127.0.0.1');
  const location = `http://${host}/upload/bigquery/v2/projects/${encodeURIComponent(request.params['p']!)}/jobs?uploadType=resumable&upload_id=${id}`;
  return Promise.resolve({ status: 200, headers: { location, 'x-goog-upload-url': location }, body: undefined });
}

/** A PUT of (part of) a resumable upload's bytes, or a status query (`Content-Range: bytes *\/N`). */
export const resumableUpload: Handler = async (context, request) => {
  const id = request.query.get('upload_id');
  const session = id === null ? undefined : context.uploads.get(id);
  if (!session || id === null) throw new BigQueryError('notFound', `Not found: upload session ${id ?? '(no upload_id)'}`);
  const range = String(request.headers['content-range'] ?? '');
  let total: number | undefined;
  const chunk = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(range);
  const status = /^bytes \*\/(\d+|\*)$/.exec(range);
  if (chunk) {
    const first = Number(chunk[1]);
    if (first > session.received) throw invalid(`Upload chunk starts at ${first}, but ${session.received} bytes were received`);
    // A chunk resent after a lost answer overlaps what is held: only its new bytes are kept.
    const fresh = request.raw.subarray(session.received - first);
    session.chunks.push(fresh);
    session.received += fresh.length;
    if (chunk[3] !== '*') total = Number(chunk[3]);
  } else if (status) {
    if (status[1] !== '*') total = Number(status[1]);
  } else if (range === '') {
    session.chunks.push(request.raw);
    session.received += request.raw.length;
    total = session.received;
  } else {
    throw invalid(`Invalid Content-Range: ${range}`);
  }
  if (total === undefined || session.received < total) {
    return { status: 308, headers: session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {}, body: undefined };
  }
  context.uploads.delete(id);
  return ok(await loadUploaded(context, session.projectId, session.metadata, Buffer.concat(session.chunks)));
};

export const getJob: Handler = async (context, request) => ok(jobResource(context.jobs.get(request.params['p']!, request.params['j']!)));

export const cancelJob: Handler = async (context, request) => {
  const job = context.jobs.get(request.params['p']!, request.params['j']!);
  return ok({ kind: 'bigquery#jobCancelResponse', job: jobResource(job) });
};

export const listJobs: Handler = async (context, request) =>
  ok({ kind: 'bigquery#jobList', jobs: context.jobs.list(request.params['p']!).map(jobResource) });

export const jobsQuery: Handler = async (context, request) => {
  const body = request.body as Record<string, unknown>;
  if (body['dryRun'] === true) throw new BigQueryError('notImplemented', 'dryRun is not supported by the local BigQuery');
  // The same requestId again (a retry after a lost answer) is the job already run, as BigQuery's jobs.query
  // de-duplicates it: the statement is not run twice.
  const requestId = typeof body['requestId'] === 'string' ? body['requestId'] : undefined;
  let job = requestId === undefined ? undefined : context.jobs.byRequestId(request.params['p']!, requestId);
  if (!job) {
    const datasets = queryDatasets(context, request.params['p']!, body);
    const created = newJob(context, request.params['p']!, { jobReference: { ...(typeof body['location'] === 'string' ? { location: body['location'] } : {}) }, configuration: { query: body } }, 'QUERY', datasets);
    if (requestId !== undefined) context.jobs.rememberRequest(requestId, created);
    await run(context, created, async () => {
      checkLocation(created.location, datasets);
      created.query = await runQuery(context, queryRequest(created.projectId, created.location, body));
    });
    job = created;
  }
  const options = (body['formatOptions'] ?? {}) as { useInt64Timestamp?: unknown; timestampOutputFormat?: unknown };
  const maxResults = typeof body['maxResults'] === 'number' ? { maxResults: body['maxResults'] } : {};
  return ok(await queryResults(context.engine, job, 'bigquery#queryResponse', maxResults, formatOptions(options.useInt64Timestamp, options.timestampOutputFormat)));
};

export const getQueryResults: Handler = async (context, request) => {
  const job = context.jobs.get(request.params['p']!, request.params['j']!);
  if (job.jobType !== 'QUERY') throw invalid(`Job ${job.projectId}:${job.location}.${job.jobId} is not a query job`);
  const format = formatOptions(request.query.get('formatOptions.useInt64Timestamp'), request.query.get('formatOptions.timestampOutputFormat'));
  return ok(await queryResults(context.engine, job, 'bigquery#getQueryResultsResponse', parsePage(request.query), format));
};
