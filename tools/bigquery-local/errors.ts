// BigQuery's error vocabulary: a reason decides the HTTP status (documented table in "Error messages"), and the
// body is always {error:{code,message,errors:[{domain,reason,message,location?}],status}}.

export type Reason =
  | 'notFound' | 'duplicate' | 'invalid' | 'invalidQuery' | 'accessDenied' | 'quotaExceeded' | 'rateLimitExceeded'
  | 'backendError' | 'internalError' | 'conditionNotMet' | 'notImplemented' | 'stopped' | 'jobBackendError'
  | 'jobInternalError' | 'resourcesExceeded';

const STATUS: Readonly<Record<Reason, [number, string]>> = {
  notFound: [404, 'NOT_FOUND'],
  duplicate: [409, 'ALREADY_EXISTS'],
  invalid: [400, 'INVALID_ARGUMENT'],
  invalidQuery: [400, 'INVALID_ARGUMENT'],
  accessDenied: [403, 'PERMISSION_DENIED'],
  quotaExceeded: [403, 'PERMISSION_DENIED'],
  rateLimitExceeded: [403, 'PERMISSION_DENIED'],
  backendError: [500, 'INTERNAL'],
  internalError: [500, 'INTERNAL'],
  conditionNotMet: [412, 'FAILED_PRECONDITION'],
  notImplemented: [501, 'UNIMPLEMENTED'],
  stopped: [200, 'OK'],
  jobBackendError: [400, 'INVALID_ARGUMENT'],
  jobInternalError: [400, 'INVALID_ARGUMENT'],
  resourcesExceeded: [400, 'INVALID_ARGUMENT'],
};

/** One entry of `errors[]` (also the shape of a job's `status.errorResult` and `status.errors[]`). */
export interface ErrorProto {
  reason: Reason;
  message: string;
  location?: string;
  locationType?: string;
  domain?: string;
}

/** Thrown anywhere in the endpoint; the router (or the job runner) turns it into BigQuery's shape. */
export class BigQueryError extends Error {
  override name = 'BigQueryError';
  readonly reason: Reason;
  readonly location: string | undefined;
  /** Extra entries for `errors[]` after the first (load jobs list one per bad row). */
  readonly details: readonly ErrorProto[];

  constructor(reason: Reason, message: string, options: { location?: string; details?: readonly ErrorProto[] } = {}) {
    super(message);
    this.reason = reason;
    this.location = options.location;
    this.details = options.details ?? [];
  }

  get httpStatus(): number {
    return STATUS[this.reason][0];
  }

  proto(): ErrorProto {
    return { reason: this.reason, message: this.message, ...(this.location ? { location: this.location } : {}) };
  }

  body(): { error: { code: number; message: string; errors: ErrorProto[]; status: string } } {
    const [code, status] = STATUS[this.reason];
    const first: ErrorProto = { domain: 'global', ...this.proto(), ...(this.location ? { locationType: 'other' } : {}) };
    return { error: { code, message: this.message, errors: [first, ...this.details], status } };
  }
}

export const notFound = (what: string) => new BigQueryError('notFound', `Not found: ${what}`);
export const alreadyExists = (what: string) => new BigQueryError('duplicate', `Already Exists: ${what}`);
export const invalid = (message: string, location?: string) =>
  new BigQueryError('invalid', message, location === undefined ? {} : { location });

/** Any error as a BigQueryError: an unexpected one is BigQuery's internalError, with the message kept. */
export function asBigQueryError(error: unknown): BigQueryError {
  if (error instanceof BigQueryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BigQueryError('internalError', message);
}
