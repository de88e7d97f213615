// Faults injected on request, so a sink's retry paths can be tested: a quota or rate error (403, which the client
// never retries), a backendError (500, which it does), a job that ends failed, an answer lost after the work was
// done (target "answer"), or a script that dies after its Nth statement (target "statement"). Each rule fires for
// its next `times` matching requests or jobs, then retires.

import { BigQueryError, type Reason } from './errors.ts';

export type FaultError = 'rateLimitExceeded' | 'quotaExceeded' | 'backendError' | 'internalError';

export interface FaultRule {
  /** What the client sees: the HTTP error, or (target "job") the reason of the failed job's errorResult. */
  error: FaultError;
  /**
   * "request": the HTTP call answers the error; "job": the job is accepted and ends DONE with errorResult;
   * "answer": the request's work is done (job run, rows loaded) and then the connection is destroyed unanswered
   * (`error` is not sent anywhere); "statement": a query job's script runs its first `after` statements, then the
   * job fails with `error` and an open transaction rolls back.
   */
  target?: 'request' | 'job' | 'answer' | 'statement';
  /** target "statement": how many statements run before the job dies (1 = after the first). */
  after?: number;
  /** How many matching requests/jobs fail (default 1). */
  times?: number;
  /** Only jobs of this type (query or load); also selects the jobs.insert/upload requests creating them. */
  jobType?: 'QUERY' | 'LOAD';
  /** Only requests with this HTTP method. */
  method?: string;
  /** Only requests whose path contains this text. */
  path?: string;
}

const MESSAGES: Readonly<Record<FaultError, string>> = {
  rateLimitExceeded: 'Exceeded rate limits: too many table update operations for this table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
  quotaExceeded: 'Quota exceeded: Your table exceeded quota for imports or query appends per table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
  backendError: 'Backend error. Job aborted.',
  internalError: 'An internal error occurred and the request could not be completed.',
};

export function faultError(error: FaultError): BigQueryError {
  return new BigQueryError(error as Reason, MESSAGES[error]);
}

export function parseFaultRule(body: unknown): FaultRule {
  const rule = body as Partial<FaultRule> | null;
  const errors: readonly string[] = ['rateLimitExceeded', 'quotaExceeded', 'backendError', 'internalError'];
  if (typeof rule !== 'object' || rule === null || !errors.includes(String(rule.error))) {
    throw new BigQueryError('invalid', `A fault needs "error": one of ${errors.join(', ')}`);
  }
  if (rule.target !== undefined && !['request', 'job', 'answer', 'statement'].includes(rule.target)) {
    throw new BigQueryError('invalid', 'target is "request", "job", "answer" or "statement"');
  }
  if (rule.target === 'statement' && !(Number.isInteger(rule.after) && rule.after! > 0)) {
    throw new BigQueryError('invalid', 'A "statement" fault needs "after": the number of statements that run (a positive integer)');
  }
  if (rule.target !== 'statement' && rule.after !== undefined) throw new BigQueryError('invalid', '"after" is for target "statement"');
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) throw new BigQueryError('invalid', 'times is a positive integer');
  const jobType = rule.jobType?.toUpperCase();
  if (jobType !== undefined && jobType !== 'QUERY' && jobType !== 'LOAD') throw new BigQueryError('invalid', 'jobType is QUERY or LOAD');
  return { ...rule, error: rule.error!, ...(jobType ? { jobType } : {}) } as FaultRule;
}

interface Armed {
  rule: FaultRule;
  left: number;
}

export class Faults {
  private armed: Armed[] = [];

  add(rule: FaultRule): void {
    this.armed.push({ rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  pending(): FaultRule[] {
    return this.armed.map((a) => ({ ...a.rule, times: a.left }));
  }

  /** A request fault for this call (consumed), or undefined. `jobType` is known for jobs.insert and uploads. */
  takeRequestFault(method: string, path: string, jobType: string | undefined): BigQueryError | undefined {
    return this.take((rule) => (rule.target ?? 'request') === 'request' && this.matches(rule, method, path, jobType));
  }

  /** Whether this call's answer is to be dropped after its work (consumed). */
  takeAnswerFault(method: string, path: string, jobType: string | undefined): boolean {
    return this.take((rule) => rule.target === 'answer' && this.matches(rule, method, path, jobType)) !== undefined;
  }

  /** A fault killing a query job's script after its `statements`th statement (consumed), or undefined. */
  takeStatementFault(jobType: string, statements: number): BigQueryError | undefined {
    return this.take((rule) => rule.target === 'statement' && rule.after === statements && (rule.jobType === undefined || rule.jobType === jobType));
  }

  /** A job fault for a job of this type being run (consumed), or undefined. */
  takeJobFault(jobType: string): BigQueryError | undefined {
    return this.take((rule) => rule.target === 'job' && (rule.jobType === undefined || rule.jobType === jobType));
  }

  private matches(rule: FaultRule, method: string, path: string, jobType: string | undefined): boolean {
    if (rule.method !== undefined && rule.method.toUpperCase() !== method) return false;
    if (rule.path !== undefined && !path.includes(rule.path)) return false;
    if (rule.jobType !== undefined && rule.jobType !== jobType) return false;
    return true;
  }

  private take(predicate: (rule: FaultRule) => boolean): BigQueryError | undefined {
    const armed = this.armed.find((a) => predicate(a.rule));
    if (!armed) return undefined;
    if (--armed.left === 0) this.armed = this.armed.filter((a) => a !== armed);
    return faultError(armed.rule.error);
  }
}
