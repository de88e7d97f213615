// HTTP: the REST paths under /bigquery/v2 and also bare /projects/… (BIGQUERY_EMULATOR_HOST drops the prefix),
// uploads under /upload/bigquery/v2, and /_admin/faults. Errors leave in BigQuery's JSON shape.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiRequest, ApiResponse, EndpointContext, Handler } from './context.ts';
import { noContent, ok } from './context.ts';
import { BigQueryError, asBigQueryError } from './errors.ts';
import { parseFaultRule } from './faults.ts';
import { insertAll } from './insert-all.ts';
import { discoveryDocument } from './discovery.ts';
import { cancelJob, getJob, getQueryResults, insertJob, jobsQuery, listJobs, resumableUpload, uploadJob } from './jobs-api.ts';
import { readBody } from './multipart.ts';
import {
  deleteDataset, deleteTable, getDataset, getTable, insertDataset, insertTable, listDatasets, listTableData, listTables,
  patchDataset, patchTable,
} from './tables-api.ts';

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly handler: Handler;
  readonly upload?: boolean;
}

function route(method: string, path: string, handler: Handler, upload = false): Route {
  const names: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  })}$`);
  return { method, pattern, names, handler, upload };
}

const P = '/projects/:p';
const ROUTES: readonly Route[] = [
  route('GET', `${P}/datasets`, listDatasets),
  route('POST', `${P}/datasets`, insertDataset),
  route('GET', `${P}/datasets/:d`, getDataset),
  route('PATCH', `${P}/datasets/:d`, patchDataset),
  route('PUT', `${P}/datasets/:d`, patchDataset),
  route('DELETE', `${P}/datasets/:d`, deleteDataset),
  route('GET', `${P}/datasets/:d/tables`, listTables),
  route('POST', `${P}/datasets/:d/tables`, insertTable),
  route('GET', `${P}/datasets/:d/tables/:t`, getTable),
  route('PATCH', `${P}/datasets/:d/tables/:t`, patchTable),
  route('PUT', `${P}/datasets/:d/tables/:t`, patchTable),
  route('DELETE', `${P}/datasets/:d/tables/:t`, deleteTable),
  route('GET', `${P}/datasets/:d/tables/:t/data`, listTableData),
  route('POST', `${P}/datasets/:d/tables/:t/insertAll`, insertAll),
  route('POST', `${P}/jobs`, insertJob),
  route('GET', `${P}/jobs`, listJobs),
  route('GET', `${P}/jobs/:j`, getJob),
  route('POST', `${P}/jobs/:j/cancel`, cancelJob),
  route('POST', `${P}/queries`, jobsQuery),
  route('GET', `${P}/queries/:j`, getQueryResults),
];

const UPLOADS: readonly Route[] = [route('POST', `${P}/jobs`, uploadJob, true), route('PUT', `${P}/jobs`, resumableUpload, true)];

const DISCOVERY_PATHS = new Set(['/$discovery/rest', '/%24discovery/rest', '/discovery/v1/apis/bigquery/v2/rest']);

export function createHandler(context: EndpointContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(context, request).then(
      (result) => send(response, result),
      (error: unknown) => {
        const failure = asBigQueryError(error);
        send(response, { status: failure.httpStatus, body: failure.body() });
      },
    );
  };
}

function send(response: ServerResponse, result: ApiResponse): void {
  if (result.dropAnswer) {
    // A fault of target "answer": the work is done, the answer is lost (the client sees a network error).
    response.socket?.destroy();
    return;
  }
  const headers = result.headers ?? {};
  if (result.body === undefined) {
    response.writeHead(result.status, headers).end();
    return;
  }
  const text = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  response.writeHead(result.status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

const MISSING_CREDENTIAL =
  'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid ' +
  'authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** BigQuery's answer to a call without `Authorization: Bearer <token>` (any non-empty token is accepted here). */
function unauthenticated(): ApiResponse {
  return {
    status: 401,
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
    body: {
      error: {
        code: 401,
        message: MISSING_CREDENTIAL,
        errors: [{ message: MISSING_CREDENTIAL, domain: 'global', reason: 'required', location: 'Authorization', locationType: 'header' }],
        status: 'UNAUTHENTICATED',
      },
    },
  };
}

function hasBearerToken(request: IncomingMessage): boolean {
  const header = request.headers.authorization;
  return typeof header === 'string' && /^Bearer\s+\S+/i.test(header.trim());
}

async function handle(context: EndpointContext, request: IncomingMessage): Promise<ApiResponse> {
  const url = new URL(request.url ?? '/', 'http://local');
  const method = (request.method ?? 'GET').toUpperCase();
  // The whole body is read first: answering (even an error) before an upload is consumed breaks the client's pipe.
  const raw = await readBody(request);
  let path = url.pathname;
  if (path === '/_admin/faults') return admin(context, method, raw);
  if (path === '/_admin/stats' && method === 'GET') return ok({ loadJobsPerTable: context.loadQuota.snapshot() });
  if (path.startsWith('/_admin/')) throw new BigQueryError('notFound', `Not found: ${method} ${path}`);
  // The discovery document is public, as Google's is.
  if (DISCOVERY_PATHS.has(path) && method === 'GET') {
    const version = url.searchParams.get('version');
    if (path.endsWith('/rest') && path.includes('discovery/rest') && version !== null && version !== 'v2') {
      throw new BigQueryError('notFound', `Not found: discovery document of bigquery ${version} (only v2 is served)`);
    }
    return ok(discoveryDocument(`http://${request.headers.host ?? '127.0.0.1'}/`));
  }
  if (!hasBearerToken(request)) return unauthenticated();
  let upload = false;
  if (path.startsWith('/upload/bigquery/v2/')) {
    path = path.slice('/upload/bigquery/v2'.length);
    upload = true;
  } else if (path.startsWith('/bigquery/v2/')) path = path.slice('/bigquery/v2'.length);
  const candidates = upload ? UPLOADS : ROUTES;
  for (const candidate of candidates) {
    const match = candidate.pattern.exec(path);
    if (!match || candidate.method !== method) continue;
    const params = Object.fromEntries(candidate.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    // A resumable upload starts with the Job as JSON; other uploads are multipart or bytes.
    const resumableStart = upload && method === 'POST' && url.searchParams.get('uploadType') === 'resumable';
    const body = upload && !resumableStart ? {} : parseJson(raw);
    const jobType = jobTypeOf(upload, path, method, body);
    const fault = context.faults.takeRequestFault(method, url.pathname, jobType);
    if (fault) throw fault;
    const apiRequest: ApiRequest = { method, params, query: url.searchParams, headers: request.headers, body, raw };
    // Target "answer": the work is done in full, then the answer is lost (even an error answer).
    // (Not the start of a resumable upload: no work is done there.)
    if (resumableStart || !context.faults.takeAnswerFault(method, url.pathname, jobType)) return candidate.handler(context, apiRequest);
    const result = await candidate.handler(context, apiRequest).catch((error: unknown) => ({ status: asBigQueryError(error).httpStatus }));
    return { ...result, dropAnswer: true };
  }
  throw new BigQueryError('notFound', `Not found: ${method} ${url.pathname} (not part of the local BigQuery)`);
}

function jobTypeOf(upload: boolean, path: string, method: string, body: unknown): string | undefined {
  if (upload) return 'LOAD';
  if (method !== 'POST') return undefined;
  if (path.endsWith('/queries')) return 'QUERY';
  if (!path.endsWith('/jobs')) return undefined;
  const configuration = (body as { configuration?: Record<string, unknown> }).configuration ?? {};
  return configuration['query'] ? 'QUERY' : configuration['load'] ? 'LOAD' : undefined;
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BigQueryError('invalid', 'Invalid JSON payload received.');
  }
}

async function admin(context: EndpointContext, method: string, raw: Buffer): Promise<ApiResponse> {
  switch (method) {
    case 'GET':
      return ok({ faults: context.faults.pending() });
    case 'POST': {
      const rule = parseFaultRule(parseJson(raw));
      context.faults.add(rule);
      return ok({ faults: context.faults.pending() });
    }
    case 'DELETE':
      context.faults.clear();
      return noContent;
    default:
      throw new BigQueryError('notFound', `Not found: ${method} /_admin/faults`);
  }
}
