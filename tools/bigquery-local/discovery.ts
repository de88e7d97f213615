// The discovery document of this endpoint (what Google's API clients, the `bq` CLI among them, build their methods
// from): written here from the routes server.ts serves, not copied from Google's. Its rootUrl is the endpoint's own
// URL, so a client that loads it talks to this endpoint; jobs.insert takes a media upload (simple or resumable).

type Parameter = { type: string; location: 'path' | 'query'; required?: boolean; repeated?: boolean; description?: string; format?: string };

const path = (description: string): Parameter => ({ type: 'string', location: 'path', required: true, description });
const query = (type: string, description: string, extra: Partial<Parameter> = {}): Parameter => ({ type, location: 'query', description, ...extra });

const PROJECT = { projectId: path('Project ID') };
const DATASET = { ...PROJECT, datasetId: path('Dataset ID') };
const ACCESS = { accessPolicyVersion: query('integer', 'IAM policy version (accepted, unused locally)', { format: 'int32' }) };
const UPDATE = { ...ACCESS, updateMode: query('string', 'Parts to update (accepted; the body decides locally)') };
const TABLE = { ...DATASET, tableId: path('Table ID') };
const JOB = { ...PROJECT, jobId: path('Job ID') };
const PAGING = { maxResults: query('integer', 'Maximum number of results', { format: 'uint32' }), pageToken: query('string', 'Page token') };
const FORMAT = {
  'formatOptions.useInt64Timestamp': query('boolean', 'TIMESTAMP cells as int64 microseconds'),
  'formatOptions.timestampOutputFormat': query('string', 'TIMESTAMP cell format'),
};
const LOCATION = { location: query('string', 'Location of the job') };

interface Method {
  id: string;
  path: string;
  flatPath: string;
  httpMethod: string;
  parameters: Record<string, Parameter>;
  parameterOrder: string[];
  request?: { $ref: string };
  response?: { $ref: string };
  scopes: string[];
  supportsMediaUpload?: boolean;
  mediaUpload?: unknown;
}

const SCOPES = ['https://www.googleapis.com/auth/bigquery', 'https://www.googleapis.com/auth/cloud-platform'];

function method(resource: string, name: string, httpMethod: string, template: string, parameters: Record<string, Parameter>, io: { request?: string; response?: string } = {}): Method {
  const order = [...template.matchAll(/\{\+?(\w+)\}/g)].map((m) => m[1]!);
  return {
    id: `bigquery.${resource}.${name}`,
    path: template,
    flatPath: template.replaceAll('{+', '{'),
    httpMethod,
    parameters,
    parameterOrder: order,
    ...(io.request ? { request: { $ref: io.request } } : {}),
    ...(io.response ? { response: { $ref: io.response } } : {}),
    scopes: SCOPES,
  };
}

const P = 'projects/{+projectId}';
const D = `${P}/datasets/{+datasetId}`;
const T = `${D}/tables/{+tableId}`;

function resources(): Record<string, { methods: Record<string, Method> }> {
  const insertJob = method('jobs', 'insert', 'POST', `${P}/jobs`, PROJECT, { request: 'Job', response: 'Job' });
  insertJob.supportsMediaUpload = true;
  insertJob.mediaUpload = {
    accept: ['*/*'],
    protocols: {
      simple: { multipart: true, path: '/upload/bigquery/v2/projects/{+projectId}/jobs' },
      resumable: { multipart: true, path: '/upload/bigquery/v2/projects/{+projectId}/jobs' },
    },
  };
  return {
    datasets: {
      methods: {
        get: method('datasets', 'get', 'GET', D, { ...DATASET, ...ACCESS, datasetView: query('string', 'Parts to answer') }, { response: 'Dataset' }),
        insert: method('datasets', 'insert', 'POST', `${P}/datasets`, { ...PROJECT, ...ACCESS }, { request: 'Dataset', response: 'Dataset' }),
        list: method('datasets', 'list', 'GET', `${P}/datasets`, { ...PROJECT, ...PAGING, all: query('boolean', 'Hidden datasets too'), filter: query('string', 'Label filter') }, { response: 'DatasetList' }),
        patch: method('datasets', 'patch', 'PATCH', D, { ...DATASET, ...UPDATE }, { request: 'Dataset', response: 'Dataset' }),
        update: method('datasets', 'update', 'PUT', D, { ...DATASET, ...UPDATE }, { request: 'Dataset', response: 'Dataset' }),
        delete: method('datasets', 'delete', 'DELETE', D, { ...DATASET, deleteContents: query('boolean', 'Delete its tables too') }),
      },
    },
    tables: {
      methods: {
        get: method('tables', 'get', 'GET', T, { ...TABLE, selectedFields: query('string', 'Fields to answer'), view: query('string', 'Parts to answer') }, { response: 'Table' }),
        insert: method('tables', 'insert', 'POST', `${D}/tables`, DATASET, { request: 'Table', response: 'Table' }),
        list: method('tables', 'list', 'GET', `${D}/tables`, { ...DATASET, ...PAGING }, { response: 'TableList' }),
        patch: method('tables', 'patch', 'PATCH', T, { ...TABLE, autodetect_schema: query('boolean', 'Unused locally') }, { request: 'Table', response: 'Table' }),
        update: method('tables', 'update', 'PUT', T, { ...TABLE, autodetect_schema: query('boolean', 'Unused locally') }, { request: 'Table', response: 'Table' }),
        delete: method('tables', 'delete', 'DELETE', T, TABLE),
      },
    },
    tabledata: {
      methods: {
        list: method('tabledata', 'list', 'GET', `${T}/data`, {
          ...TABLE, ...PAGING, ...FORMAT,
          startIndex: query('string', 'Zero-based index of the first row', { format: 'uint64' }),
          selectedFields: query('string', 'Fields to answer'),
        }, { response: 'TableDataList' }),
        insertAll: method('tabledata', 'insertAll', 'POST', `${T}/insertAll`, TABLE, { request: 'TableDataInsertAllRequest', response: 'TableDataInsertAllResponse' }),
      },
    },
    jobs: {
      methods: {
        insert: insertJob,
        get: method('jobs', 'get', 'GET', `${P}/jobs/{+jobId}`, { ...JOB, ...LOCATION }, { response: 'Job' }),
        list: method('jobs', 'list', 'GET', `${P}/jobs`, {
          ...PROJECT, ...PAGING,
          allUsers: query('boolean', 'Jobs of every user'),
          projection: query('string', 'full or minimal'),
          stateFilter: query('string', 'States to list', { repeated: true }),
          minCreationTime: query('string', 'Created at or after (ms)', { format: 'uint64' }),
          maxCreationTime: query('string', 'Created at or before (ms)', { format: 'uint64' }),
          parentJobId: query('string', 'Child jobs of this job'),
        }, { response: 'JobList' }),
        cancel: method('jobs', 'cancel', 'POST', `${P}/jobs/{+jobId}/cancel`, { ...JOB, ...LOCATION }, { response: 'JobCancelResponse' }),
        query: method('jobs', 'query', 'POST', `${P}/queries`, PROJECT, { request: 'QueryRequest', response: 'QueryResponse' }),
        getQueryResults: method('jobs', 'getQueryResults', 'GET', `${P}/queries/{+jobId}`, {
          ...JOB, ...LOCATION, ...PAGING, ...FORMAT,
          startIndex: query('string', 'Zero-based index of the first row', { format: 'uint64' }),
          timeoutMs: query('integer', 'How long to wait for the job', { format: 'uint32' }),
        }, { response: 'GetQueryResultsResponse' }),
      },
    },
  };
}

/** Schemas named by the methods: objects whose properties are free (the endpoint checks bodies itself). */
const SCHEMA_NAMES = [
  'Dataset', 'DatasetList', 'Table', 'TableList', 'TableDataList', 'TableDataInsertAllRequest', 'TableDataInsertAllResponse',
  'Job', 'JobList', 'JobCancelResponse', 'QueryRequest', 'QueryResponse', 'GetQueryResultsResponse',
];

/** The discovery document, its URLs rooted at `rootUrl` (ends with `/`). */
export function discoveryDocument(rootUrl: string): Record<string, unknown> {
  return {
    kind: 'discovery#restDescription',
    discoveryVersion: 'v1',
    id: 'bigquery:v2',
    name: 'bigquery',
    version: 'v2',
    revision: 'local',
    title: 'BigQuery API (local endpoint: GoogleSQL checked by ZetaSQL, run on DuckDB)',
    description: 'The part of BigQuery REST API v2 the local endpoint serves: datasets, tables, tabledata, jobs.',
    protocol: 'rest',
    rootUrl,
    servicePath: 'bigquery/v2/',
    basePath: '/bigquery/v2/',
    baseUrl: `${rootUrl}bigquery/v2/`,
    batchPath: 'batch/bigquery/v2',
    parameters: {
      alt: query('string', 'Data format for the response', { }),
      fields: query('string', 'Selector of the fields to answer'),
      key: query('string', 'API key'),
      oauth_token: query('string', 'OAuth 2.0 token'),
      access_token: query('string', 'OAuth access token'),
      prettyPrint: query('boolean', 'Indented answers'),
      quotaUser: query('string', 'Quota user'),
      userIp: query('string', 'Client IP (deprecated)'),
      uploadType: query('string', 'Upload protocol: multipart or resumable'),
      upload_protocol: query('string', 'Upload protocol'),
      callback: query('string', 'JSONP'),
      '$.xgafv': query('string', 'Error format'),
    },
    auth: { oauth2: { scopes: Object.fromEntries(SCOPES.map((scope) => [scope, { description: scope }])) } },
    schemas: Object.fromEntries(SCHEMA_NAMES.map((name) => [name, { id: name, type: 'object', properties: {} }])),
    resources: resources(),
  };
}
