// The local BigQuery for tests: started in-process, with a client built the way a real user builds one against it
// (explicit projectId, http:// apiEndpoint, an authClient holding a fixed token: without it uploads crash).

import { BigQuery } from '@google-cloud/bigquery';
import { OAuth2Client } from 'google-auth-library';
import { type LocalBigQuery, type LocalBigQueryOptions, startLocalBigQuery } from '../../tools/bigquery-local/index.ts';

export const BIGQUERY_TEST_PROJECT = 'local-test-project';

export interface LocalBigQueryForTests {
  readonly url: string;
  readonly projectId: string;
  readonly endpoint: LocalBigQuery;
  /** A client of the endpoint; retries off by default so injected 5xx fail at once (pass {autoRetry: true} to keep them). */
  client(options?: { autoRetry?: boolean; maxRetries?: number }): BigQuery;
  close(): Promise<void>;
}

export async function localBigQuery(options: LocalBigQueryOptions = {}): Promise<LocalBigQueryForTests> {
  const endpoint = await startLocalBigQuery({ projectId: BIGQUERY_TEST_PROJECT, ...options });
  return {
    url: endpoint.url,
    projectId: endpoint.projectId,
    endpoint,
    client(clientOptions = {}) {
      const authClient = new OAuth2Client();
      // No expiry: the token is never refreshed, so nothing ever reaches Google.
      authClient.setCredentials({ access_token: 'local-test-token' });
      return new BigQuery({
        projectId: endpoint.projectId,
        apiEndpoint: endpoint.url,
        authClient,
        retryOptions: { autoRetry: clientOptions.autoRetry ?? false, ...(clientOptions.maxRetries !== undefined ? { maxRetries: clientOptions.maxRetries } : {}) },
      });
    },
    close: () => endpoint.close(),
  };
}
