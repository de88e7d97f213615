// The destination config for BigQuery, shaped like Airbyte's destination-bigquery (project_id, dataset_id,
// dataset_location, credentials_json), plus api_endpoint and access_token for a local endpoint. A config with
// a project_id is a BigQuery one (engine.ts, recognisesConfig).

import { configError } from '../../errors.ts';
import { analyticsViewsOf, optionalString, requiredString } from '../../load/config-fields.ts';
import type { JsonSchema } from '../../protocol/types.ts';
import { registerSecret } from '../../secrets.ts';
import { buildTarget, DEFAULT_DATASET, type BigQueryTarget } from './target.ts';

export const bigQueryDestinationSpecification: JsonSchema = {
  title: 'BigQuery',
  type: 'object',
  required: ['project_id'],
  properties: {
    project_id: { type: 'string', title: 'Project ID', order: 0 },
    dataset_id: { type: 'string', title: 'Default dataset ID', default: DEFAULT_DATASET, order: 1 },
    dataset_location: { type: 'string', title: 'Dataset location', description: 'Where the dataset is created if missing (US, EU, europe-west1, …).', order: 2 },
    credentials_json: {
      type: 'string',
      title: 'Service account key JSON',
      description: 'The key as downloaded from the Google Cloud console. Without it: GOOGLE_APPLICATION_CREDENTIALS, then application-default credentials.',
      airbyte_secret: true,
      order: 3,
    },
    api_endpoint: { type: 'string', title: 'API endpoint', description: 'A BigQuery-compatible REST root other than Google\'s, e.g. http://127.0.0.1:9050.', order: 4 },
    access_token: { type: 'string', title: 'Access token', description: 'A bearer token used as is (for a local endpoint).', airbyte_secret: true, order: 5 },
    checkpoint_seconds: { type: 'number', title: 'Seconds between commits of a stream', default: 300, minimum: 0, order: 6 },
    analytics_views: {
      type: 'boolean',
      title: 'Analytics views',
      description: 'Create or replace the typed report views and the ready analysis views in the dataset after each sync.',
      default: true,
      order: 7,
    },
  },
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function isBigQueryConfig(input: unknown): boolean {
  return isObject(input) && input['project_id'] !== undefined;
}

export function targetFromBigQueryConfig(input: unknown, env: NodeJS.ProcessEnv = process.env): BigQueryTarget {
  if (!isObject(input)) throw configError('The destination config must be a JSON object.');
  for (const key of ['credentials_json', 'access_token']) {
    if (typeof input[key] === 'string') registerSecret(input[key]);
  }
  const checkpoint = input['checkpoint_seconds'];
  if (checkpoint !== undefined && (typeof checkpoint !== 'number' || checkpoint < 0)) {
    throw configError('Invalid destination config: checkpoint_seconds must be a number of seconds (0 or more).');
  }
  const views = analyticsViewsOf(input);
  const target = buildTarget({
    projectId: requiredString(input, 'project_id'),
    dataset: optionalString(input, 'dataset_id') ?? DEFAULT_DATASET,
    location: optionalString(input, 'dataset_location'),
    apiEndpoint: optionalString(input, 'api_endpoint'),
    token: optionalString(input, 'access_token'),
    keyFile: undefined,
    credentialsJson: optionalString(input, 'credentials_json'),
    tuning: checkpoint === undefined ? {} : { checkpointSeconds: checkpoint },
    env,
  });
  return views ? target : { ...target, views: false };
}
