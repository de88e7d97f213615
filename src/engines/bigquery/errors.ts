// What a BigQuery failure means to the person who has to fix it. BigQuery's own words are kept (a failed load
// job's error lines name the row and field it refused); the class says who acts: credentials and missing
// rights are config errors, rate and quota limits transient, anything else a system error.

import { configError, systemError, transientError, type ConnectorError } from '../../errors.ts';
import { classify, errorDetails } from './retry.ts';
import type { BigQueryTarget } from './target.ts';

/** A load job that failed, with BigQuery's error lines; keeps `errors` so retry.ts can classify it. */
export class LoadJobError extends Error {
  readonly errors: unknown[];
  readonly code: unknown;

  constructor(message: string, errors: unknown[], code: unknown, cause: unknown) {
    super(message, { cause });
    this.name = 'LoadJobError';
    this.errors = errors;
    this.code = code;
  }
}

export function loadFailureOf(error: unknown, jobId: string, stage: string): LoadJobError {
  const list = Array.isArray((error as { errors?: unknown } | null)?.errors) ? ((error as { errors: unknown[] }).errors) : [];
  const lines = list.map((item) => {
    const { reason, message, location } = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    return `  - ${String(message ?? '')}${reason ? ` [${String(reason)}]` : ''}${location ? ` (at ${String(location)})` : ''}`;
  });
  const headline = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const body = lines.length > 0 ? lines.join('\n') : `  - ${headline}`;
  return new LoadJobError(`Load job ${jobId} into ${stage} failed:\n${body}`, list, (error as { code?: unknown } | null)?.code, error);
}

export function bigQueryErrorOf(error: unknown, action: string, target: BigQueryTarget, context: { reachedBefore?: boolean } = {}): ConnectorError {
  const { messages } = errorDetails(error);
  const detail = [...new Set(messages)].join('; ') || String(error);
  const where = target.display;
  const options = { internal: error instanceof Error ? `${error.name}: ${error.message}` : detail, cause: error };
  switch (classify(error)) {
    case 'auth':
      return configError(
        `BigQuery refused the credentials while trying to ${action} at ${where}: ${detail}. Check the key file (or token) and that its account may use BigQuery in project ${target.projectId} (roles BigQuery Data Editor and Job User).`,
        options,
      );
    case 'quota':
      return transientError(`A BigQuery quota was reached while trying to ${action} at ${where}: ${detail}. Rows committed so far are kept; run again when the quota allows.`, options);
    case 'retry':
      return transientError(`BigQuery kept failing while trying to ${action} at ${where} (retried with backoff): ${detail}.`, options);
    case 'unreachable':
      if (context.reachedBefore) {
        return transientError(`BigQuery at ${target.apiEndpoint ?? 'bigquery.googleapis.com'} stopped answering while trying to ${action}: ${detail}. Rows committed so far are kept; the next run continues from the stored state.`, options);
      }
      return configError(`Cannot reach BigQuery at ${target.apiEndpoint ?? 'bigquery.googleapis.com'} to ${action}: ${detail}. Check api_endpoint and the network.`, options);
    case 'fatal':
      return systemError(`BigQuery failed while trying to ${action} at ${where}: ${detail}`, options);
  }
}
