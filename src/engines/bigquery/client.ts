// The official client, built for a target once its credentials are known. Three traps (measured, see
// docs/sinks.md): the project id must be given (the client's placeholder is URL-encoded before it is filled),
// the endpoint needs its scheme, and a local endpoint does not switch auth off: without an auth client, uploads
// crash inside the client. A token goes into an OAuth2Client without expiry, which sends it and never tries to
// refresh it.
//
// Credentials are resolved before any work (`authorisedClient`): with none at all, the client would crash
// deep inside a request ("Cannot set properties of undefined") or, against Google, wander off to the cloud
// metadata server. Application-default credentials are looked for only against Google's own endpoint, where
// they can mean something (gcloud's login file, or a service account attached to the VM or Cloud Run job).

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import { configError } from '../../errors.ts';
import type { BigQueryTarget } from './target.ts';

const SCOPES = ['https://www.googleapis.com/auth/bigquery'];

/** The three ways to give credentials, named in every refusal. */
export const CREDENTIAL_WAYS =
  '`token=` in the URL (or BIGQUERY_ACCESS_TOKEN; `access_token` in a destination config) for a local endpoint, ' +
  '`key_file=` in the URL or `credentials_json` in a destination config with a service-account key, ' +
  'or GOOGLE_APPLICATION_CREDENTIALS naming a key file';

function optionsFor(target: BigQueryTarget): BigQueryOptions {
  return {
    projectId: target.projectId,
    scopes: SCOPES,
    // Our own retry (retry.ts) covers what the client's does not; the client's own 5xx retries stay on.
    ...(target.apiEndpoint === undefined ? {} : { apiEndpoint: target.apiEndpoint }),
    ...(target.location === undefined ? {} : { location: target.location }),
  };
}

/** A client for targets whose credentials were given explicitly (tests build one around a known token). */
export function clientFor(target: BigQueryTarget): BigQuery {
  const options = optionsFor(target);
  const credentials = target.credentials;
  switch (credentials.kind) {
    case 'token': {
      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: credentials.token });
      return new BigQuery({ ...options, authClient: auth });
    }
    case 'service_account':
      return new BigQuery({ ...options, credentials: { client_email: credentials.clientEmail, private_key: credentials.privateKey } });
    case 'key_file':
      return new BigQuery({ ...options, keyFilename: credentials.path });
    case 'default':
      return new BigQuery(options);
  }
}

/** Google's own endpoint (no api_endpoint, or one on googleapis.com). */
function isGoogleEndpoint(target: BigQueryTarget): boolean {
  if (target.apiEndpoint === undefined) return true;
  try {
    return /(^|\.)googleapis\.com$/i.test(new URL(target.apiEndpoint).hostname);
  } catch {
    return false;
  }
}

/** gcloud's application-default login file, where google-auth looks for it. */
function gcloudLoginFile(env: NodeJS.ProcessEnv): string {
  const config = env['CLOUDSDK_CONFIG'] || join(env['APPDATA'] || join(homedir(), '.config'), 'gcloud');
  return join(config, 'application_default_credentials.json');
}

/**
 * A client whose credentials are known to exist: given ones as they are, application-default ones only once
 * google-auth has found some. None → one config error naming the ways to give them, before any request.
 */
export async function authorisedClient(target: BigQueryTarget, env: NodeJS.ProcessEnv = process.env): Promise<BigQuery> {
  if (target.credentials.kind !== 'default') return clientFor(target);
  const none = (why: string) =>
    configError(`No BigQuery credentials for ${target.display}: ${why}. Give them in one of three ways: ${CREDENTIAL_WAYS}.`);
  if (!isGoogleEndpoint(target)) {
    // A local or proxy endpoint: no Google login applies to it, and looking for one could reach the cloud.
    throw none(`${target.apiEndpoint} is not Google's endpoint, so application-default credentials do not apply`);
  }
  let authClient: Awaited<ReturnType<GoogleAuth['getClient']>>;
  try {
    // Looks at gcloud's login file, then (unless METADATA_SERVER_DETECTION=none) at the metadata server of the
    // Google Cloud machine this may run on.
    authClient = await new GoogleAuth({ scopes: SCOPES }).getClient();
  } catch {
    const file = gcloudLoginFile(env);
    throw none(existsSync(file) ? `the application-default credentials in ${file} could not be used` : 'none were given and no application-default credentials were found');
  }
  return new BigQuery({ ...optionsFor(target), authClient });
}
