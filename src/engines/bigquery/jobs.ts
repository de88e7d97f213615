// BigQuery jobs run exactly once per logical job, however often a request is retried. Each logical job gets
// one id, and every retry of it re-sends that id: if an earlier attempt's answer was lost after BigQuery had
// taken the job, BigQuery answers 409 Already Exists for our own id, and the job is then looked up and waited
// for instead of run again. A new id is taken only once the job is known to have failed (it ended DONE with an
// errorResult), since a failed job's id cannot run again. Without this, a load whose answer was lost is staged
// twice, and a MERGE whose answer was lost fails a sync whose rows had committed.

import type { BigQuery, Job, JobMetadata } from '@google-cloud/bigquery';
import { withRetry, type RetryPolicy } from './retry.ts';

type OnRetry = (error: unknown, attempt: number, waitMs: number) => void;

/** What a finished job reports about its cost. */
export interface JobCost {
  bytesProcessed: number;
  bytesBilled: number;
}

/** Why a job ended failed: BigQuery's errorResult, with the job's errors, as an error retry.ts can classify. */
export class JobFailed extends Error {
  readonly errors: unknown[];
  readonly jobId: string;

  constructor(jobId: string, metadata: JobMetadata, cause?: unknown) {
    const status = metadata.status ?? {};
    const result = status.errorResult ?? {};
    super(result.message ?? `Job ${jobId} failed.`, { cause });
    this.name = 'JobFailed';
    this.jobId = jobId;
    this.errors = [result, ...(status.errors ?? [])];
  }
}

const statusOf = (error: unknown): number | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
};

/** The metadata a client error carries when it came from a job's own status (the job exists and is done). */
function failedJobMetadata(error: unknown): JobMetadata | undefined {
  const response = (error as { response?: unknown } | null)?.response as JobMetadata | undefined;
  return response?.status?.state === 'DONE' && response.status.errorResult !== undefined && response.status.errorResult !== null ? response : undefined;
}

/** A job that ended DONE without an error, with its last metadata. */
export interface FinishedJob {
  job: Job;
  metadata: JobMetadata;
}

export interface JobRunnerOptions {
  policy: RetryPolicy;
  location: () => string | undefined;
  onRetry: OnRetry;
  /** Hears of each job found already run after a lost answer (409 on our own id), taken over instead of run again. */
  onAdopted: () => void;
}

/**
 * Runs logical jobs under ids `<base>_1`, `<base>_2`, … (the suffix moves on only after a definite failure).
 * `submit` starts the job under the id given; the runner waits for it to be DONE and returns its metadata.
 */
export class JobRunner {
  readonly #client: BigQuery;
  readonly #options: JobRunnerOptions;

  constructor(client: BigQuery, options: JobRunnerOptions) {
    this.#client = client;
    this.#options = options;
  }

  async run(base: string, submit: (jobId: string) => Promise<Job>): Promise<FinishedJob> {
    let generation = 1;
    return withRetry(
      this.#options.policy,
      async () => {
        const jobId = `${base}_${generation}`;
        let job: Job;
        try {
          job = await submit(jobId);
        } catch (error) {
          const failed = failedJobMetadata(error);
          if (failed !== undefined) {
            generation++;
            throw new JobFailed(jobId, failed, error);
          }
          // Our own id already exists: an earlier attempt reached BigQuery though its answer did not reach us.
          if (statusOf(error) !== 409) throw error;
          this.#options.onAdopted();
          const location = this.#options.location();
          job = this.#client.job(jobId, location === undefined ? {} : { location });
        }
        const metadata = await this.#finished(job);
        if (metadata.status?.errorResult) {
          generation++;
          throw new JobFailed(jobId, metadata);
        }
        return { job, metadata };
      },
      this.#options.onRetry,
    );
  }

  /** Polls the job until DONE (jobs.get), backing off; a poll that fails is retried by the caller's loop. */
  async #finished(job: Job): Promise<JobMetadata> {
    let metadata = job.metadata as JobMetadata | undefined;
    for (let wait = 50; metadata?.status?.state !== 'DONE'; wait = Math.min(wait * 2, 2000)) {
      if (metadata !== undefined) await new Promise((resolve) => setTimeout(resolve, wait));
      [metadata] = await job.getMetadata();
    }
    return metadata;
  }
}

/** The bytes a finished query job read and was billed for (0 for a load). */
export function costOf(metadata: JobMetadata): JobCost {
  const statistics = metadata.statistics ?? {};
  const number = (value: unknown): number => (typeof value === 'string' || typeof value === 'number' ? Number(value) || 0 : 0);
  return {
    bytesProcessed: number(statistics.totalBytesProcessed ?? statistics.query?.totalBytesProcessed),
    bytesBilled: number(statistics.query?.totalBytesBilled),
  };
}
