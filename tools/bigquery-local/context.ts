// What every REST handler works with.

import type { Analyzer } from './analyzer.ts';
import type { Engine } from './engine.ts';
import type { Faults } from './faults.ts';
import type { Jobs } from './jobs.ts';
import type { JobBody } from './jobs-api.ts';
import type { LoadQuota } from './quotas.ts';
import type { Store } from './store.ts';

export interface EndpointContext {
  readonly engine: Engine;
  readonly store: Store;
  readonly analyzer: Analyzer;
  readonly jobs: Jobs;
  readonly faults: Faults;
  /** Location of datasets created without one (BigQuery's default is US). */
  readonly defaultLocation: string;
  readonly loadQuota: LoadQuota;
  /** Resumable upload sessions by upload_id (bytes held until the last chunk). */
  readonly uploads: Map<string, ResumableSession>;
}

export interface ResumableSession {
  readonly projectId: string;
  /** The Job sent with the session's first call. */
  readonly metadata: JobBody;
  readonly chunks: Buffer[];
  received: number;
}

export interface ApiRequest {
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body ({} when empty). */
  readonly body: unknown;
  /** Raw body (uploads). */
  readonly raw: Buffer;
}

export interface ApiResponse {
  readonly status: number;
  /** JSON (an object) or text sent as is. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Destroy the connection instead of answering (a fault of target "answer": the work was done). */
  readonly dropAnswer?: boolean;
}

export type Handler = (context: EndpointContext, request: ApiRequest) => Promise<ApiResponse>;

export const ok = (body: unknown): ApiResponse => ({ status: 200, body });
export const noContent: ApiResponse = { status: 204 };
