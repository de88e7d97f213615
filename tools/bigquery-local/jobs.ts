// Jobs run to completion inside jobs.insert (or the upload), so every job the client sees is DONE: the client's
// first jobs.get poll finds it finished. A failed job carries status.errorResult and status.errors, as BigQuery's.

import { BigQueryError, type ErrorProto, alreadyExists, invalid, notFound } from './errors.ts';
import type { LoadOutcome } from './load.ts';
import type { Engine } from './engine.ts';
import type { QueryOutcome } from './query.ts';
import { etagOf } from './store.ts';
import { type FormatOptions, rowCells } from './values.ts';

export interface JobRecord {
  readonly projectId: string;
  readonly jobId: string;
  readonly location: string;
  readonly jobType: 'QUERY' | 'LOAD';
  readonly configuration: Record<string, unknown>;
  readonly creationTime: number;
  startTime: number;
  endTime: number;
  error?: BigQueryError;
  query?: QueryOutcome;
  load?: LoadOutcome;
}

export class Jobs {
  private readonly jobs = new Map<string, JobRecord>();

  /** Registers a job id; a second insert with the same id is BigQuery's 409 duplicate. */
  add(job: JobRecord): void {
    const key = `${job.projectId}\u0000${job.jobId}`;
    if (this.jobs.has(key)) throw alreadyExists(`Job ${job.projectId}:${job.location}.${job.jobId}`);
    this.jobs.set(key, job);
  }

  private readonly requests = new Map<string, JobRecord>();

  /** The job a jobs.query with this requestId created, if any. */
  byRequestId(projectId: string, requestId: string): JobRecord | undefined {
    return this.requests.get(`${projectId}\u0000${requestId}`);
  }

  rememberRequest(requestId: string, job: JobRecord): void {
    this.requests.set(`${job.projectId}\u0000${requestId}`, job);
  }

  has(projectId: string, jobId: string): boolean {
    return this.jobs.has(`${projectId}\u0000${jobId}`);
  }

  get(projectId: string, jobId: string): JobRecord {
    const job = this.jobs.get(`${projectId}\u0000${jobId}`);
    if (!job) throw notFound(`Job ${projectId}:${jobId}`);
    return job;
  }

  list(projectId: string): JobRecord[] {
    return [...this.jobs.values()].filter((j) => j.projectId === projectId).reverse();
  }
}

export function jobResource(job: JobRecord): Record<string, unknown> {
  const statistics: Record<string, unknown> = {
    creationTime: String(job.creationTime),
    startTime: String(job.startTime),
    endTime: String(job.endTime),
  };
  if (job.jobType === 'QUERY') {
    const processed = String(job.query?.totalBytesProcessed ?? 0);
    statistics['totalBytesProcessed'] = processed;
    statistics['query'] = {
      totalBytesProcessed: processed,
      totalBytesBilled: String(job.query?.totalBytesBilled ?? 0),
      billingTier: 1,
      cacheHit: false,
      ...(job.query ? queryStatistics(job.query) : {}),
    };
    if (job.query?.statements) statistics['numChildJobs'] = String(job.query.statements.length);
  }
  if (job.load) statistics['load'] = job.load.statistics;
  const errors = job.error ? [job.error.proto(), ...job.error.details] : job.load?.warnings ?? [];
  const status = {
    state: 'DONE',
    ...(job.error ? { errorResult: job.error.proto() } : {}),
    // An empty errors[] makes the client reject even a successful job: omitted when there is nothing to say.
    ...(errors.length > 0 ? { errors: uniqueErrors(errors) } : {}),
  };
  const body = {
    kind: 'bigquery#job',
    id: `${job.projectId}:${job.location}.${job.jobId}`,
    jobReference: { projectId: job.projectId, jobId: job.jobId, location: job.location },
    configuration: { jobType: job.jobType, ...job.configuration },
    status,
    statistics,
    user_email: 'local@bigquery-local',
  };
  return { ...body, etag: etagOf(body) };
}

function uniqueErrors(errors: readonly ErrorProto[]): ErrorProto[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.reason}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function queryStatistics(outcome: QueryOutcome): Record<string, unknown> {
  return {
    statementType: outcome.statementType,
    ...(outcome.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: outcome.numDmlAffectedRows } : {}),
    ...(outcome.dmlStats ? { dmlStats: outcome.dmlStats } : {}),
    ...(outcome.ddlOperationPerformed ? { ddlOperationPerformed: outcome.ddlOperationPerformed } : {}),
    ...(outcome.ddlTargetTable ? { ddlTargetTable: outcome.ddlTargetTable } : {}),
    // A script's bytes by statement, in order (BigQuery shows them on the script's child jobs).
    ...(outcome.statements ? {
      statementStatistics: outcome.statements.map((s) => ({ statementType: s.statementType, totalBytesProcessed: String(s.processed), totalBytesBilled: String(s.billed) })),
    } : {}),
  };
}

export interface PageRequest {
  maxResults?: number;
  pageToken?: string;
  startIndex?: number;
}

export function parsePage(query: URLSearchParams): PageRequest {
  const number = (name: string) => {
    const text = query.get(name);
    if (text === null) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw invalid(`Invalid value for ${name}: ${text}`);
    return value;
  };
  const maxResults = number('maxResults');
  const startIndex = number('startIndex');
  const pageToken = query.get('pageToken') ?? undefined;
  return { ...(maxResults !== undefined ? { maxResults } : {}), ...(startIndex !== undefined ? { startIndex } : {}), ...(pageToken ? { pageToken } : {}) };
}

/** Rows [offset, offset+max) as cells, and the token of the next page if any. */
/** Where a page starts: its pageToken (an offset), else startIndex. */
export function pageOffset(request: PageRequest): number {
  return request.pageToken !== undefined ? Number(Buffer.from(request.pageToken, 'base64url').toString()) : request.startIndex ?? 0;
}

export const pageSize = (request: PageRequest): number => request.maxResults ?? 100_000;

export const pageToken = (next: number, total: number): { pageToken?: string } =>
  next < total ? { pageToken: Buffer.from(String(next)).toString('base64url') } : {};

/** Rows [offset, offset+max) as cells, and the token of the next page if any. */
export function page(rows: readonly unknown[][], fields: QueryOutcome['fields'], request: PageRequest, format: FormatOptions) {
  const offset = pageOffset(request);
  const slice = rows.slice(offset, offset + pageSize(request));
  return { rows: slice.map((row) => rowCells(row, fields, format)), ...pageToken(offset + slice.length, rows.length) };
}

/** One page of a SELECT's result table. */
async function resultPage(engine: Engine, outcome: QueryOutcome, request: PageRequest, format: FormatOptions) {
  const { table, total } = outcome.result!;
  const offset = pageOffset(request);
  const rows = await engine.exclusive(async (c) =>
    (await c.runAndReadAll(`SELECT * FROM temp.main.${table} LIMIT ${pageSize(request)} OFFSET ${offset}`)).getRows());
  return { rows: rows.map((row) => rowCells(row, outcome.fields, format)), ...pageToken(offset + rows.length, total) };
}

/** getQueryResults / jobs.query body for a finished query job (a failed one is an HTTP error, as BigQuery's). */
export async function queryResults(engine: Engine, job: JobRecord, kind: string, request: PageRequest, format: FormatOptions): Promise<Record<string, unknown>> {
  if (job.error) throw job.error;
  const outcome = job.query!;
  const { rows, pageToken } = outcome.result ? await resultPage(engine, outcome, request, format) : page(outcome.rows, outcome.fields, request, format);
  return {
    kind,
    etag: etagOf([job.jobId, request]),
    jobReference: { projectId: job.projectId, jobId: job.jobId, location: job.location },
    schema: { fields: outcome.fields },
    totalRows: String(outcome.result?.total ?? outcome.rows.length),
    ...(rows.length > 0 ? { rows } : {}),
    ...(pageToken ? { pageToken } : {}),
    totalBytesProcessed: String(outcome.totalBytesProcessed ?? 0),
    totalBytesBilled: String(outcome.totalBytesBilled ?? 0),
    jobComplete: true,
    cacheHit: false,
    ...(outcome.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: outcome.numDmlAffectedRows } : {}),
    ...(outcome.dmlStats ? { dmlStats: outcome.dmlStats } : {}),
  };
}
