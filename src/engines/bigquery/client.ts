// The official client, built for a target. Three traps (measured, see docs/sinks.md): the project id must be
// given (the client's placeholder is URL-encoded before it is filled), the endpoint needs its scheme, and a
// local endpoint does not switch auth off: without an auth client, uploads crash inside the client. A token
// goes into an OAuth2Client without expiry, which sends it and never tries to refresh it.

import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { OAuth2Client } from 'google-auth-library';
import type { BigQueryTarget } from './target.ts';

const SCOPES = ['https://www.googleapis.com/auth/bigquery'];

export function clientFor(target: BigQueryTarget): BigQuery {
  const options: BigQueryOptions = {
    projectId: target.projectId,
    scopes: SCOPES,
    // Our own retry (retry.ts) covers what the client's does not; the client's own 5xx retries stay on.
    ...(target.apiEndpoint === undefined ? {} : { apiEndpoint: target.apiEndpoint }),
    ...(target.location === undefined ? {} : { location: target.location }),
  };
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
