import { ConnectorError, configError, systemError, transientError } from '../errors.ts';

/** What the client does about an answer that is not a success. */
export type ErrorKind =
  | 'throttle' // 40100, 40016 (the app), 40133 (one advertiser on one path): back off, retry without spending a retry
  | 'auth' // token empty / invalid / revoked: the user must re-authorise
  | 'app_mismatch' // 40113: the app_id is not the app that issued the token
  | 'retry' // 5xxxx, maintenance, HTTP 5xx, resets, timeouts, broken bodies
  | 'too_large' // 40067: the caller splits its window
  | 'ads_capped' // code 0 with X-Tt-Ads-Throttle: rows of the 20,000 newest ads only; the caller narrows by campaign
  | 'not_accessible' // 40001/40002 saying an advertiser or object is not reachable, 40300 deleted: skip it, count it
  | 'param'; // parameter errors (40002 naming a parameter and the like): a bug on our side or a bad config value

export class TikTokApiError extends Error {
  readonly code: number;
  readonly kind: ErrorKind;
  readonly path: string;
  readonly requestId: string | undefined;
  readonly httpStatus: number | undefined;
  /** The socket-level error code (ECONNREFUSED, ENOTFOUND, …) of a request that never got an answer. */
  readonly networkCode: string | undefined;

  constructor(init: {
    code: number;
    message: string;
    path: string;
    requestId?: string;
    httpStatus?: number;
    kind?: ErrorKind;
    networkCode?: string;
    /** Names of the parameters the request sent: a message that names one of them is a parameter error. */
    requestParams?: readonly string[];
  }) {
    super(init.message);
    this.name = 'TikTokApiError';
    this.code = init.code;
    this.kind = init.kind ?? classify(init.code, init.message, init.requestParams ?? []);
    this.path = init.path;
    this.requestId = init.requestId;
    this.httpStatus = init.httpStatus;
    this.networkCode = init.networkCode;
  }
}

const AUTH_CODES = new Set([40101, 40102, 40103, 40104, 40105, 40106]);
/** 60001 is announced maintenance: worth a longer pause than a plain internal error. */
export const MAINTENANCE_CODE = 60001;
/**
 * Rate limits, each a wait and never a failure: 40100 the app's windows, 40016 "requests made too frequently",
 * 40133 one advertiser's QPS on one path ("Advertiser (…)'s QPS (21) reaches QPS limit 20 for current path").
 */
export const THROTTLE_CODES: ReadonlySet<number> = new Set([40100, 40016, 40133]);
/** The throttle that concerns one advertiser's calls to one path, not the app. */
export const ADVERTISER_PATH_THROTTLE = 40133;
/** Transient answers TikTok's own clients retry: 40200/40202 (busy), 40201 (task not ready), 40700, 50002. */
const TRANSIENT_CODES = new Set([40200, 40201, 40202, 40700]);
/** The advertiser was deleted: skipped and counted like one the token cannot reach. */
const ADVERTISER_DELETED = 40300;

/**
 * TikTok reuses 40001/40002 for two unrelated things: a parameter it refuses ("metrics: Invalid metric …",
 * bad filtering, bad dates) and an advertiser or object this token may not reach ("Advertiser ID … does not
 * exist or you do not have permission to access it", "advertiser does not grant you /file/video/ad/search/:GET
 * permission", "Adv has no permission to operate on the Pixel …"). Only the second may be skipped: treating
 * the first as a skip would turn a refused request into a "successful" empty sync.
 */
const NO_ACCESS = /\b(no permission|not have permission|not grant(ed)? you|permission denied|not authori[sz]ed to|not accessible|does not exist or you do not have|has been deleted|access denied)\b/i;
/** Request parameters that name the advertiser or object itself: a message about them may be a permission answer. */
const OBJECT_PARAMS = /^(advertiser_ids?|pixel_ids?|pixel_id|bc_id|store_id|task_id)$/;

export function classify(code: number, message = '', requestParams: readonly string[] = []): ErrorKind {
  if (THROTTLE_CODES.has(code)) return 'throttle';
  if (AUTH_CODES.has(code)) return 'auth';
  if (code === 40113) return 'app_mismatch';
  if (code === 40067) return 'too_large';
  if (code >= 50000 || code === MAINTENANCE_CODE || TRANSIENT_CODES.has(code)) return 'retry';
  if (code === ADVERTISER_DELETED) return 'not_accessible';
  if ((code === 40001 || code === 40002) && NO_ACCESS.test(message)) {
    const named = parameterNamedBy(message);
    // "filtering: … no permission" is still about a parameter we built, not about the object we asked for.
    if (named === undefined || !requestParams.includes(named) || OBJECT_PARAMS.test(named)) return 'not_accessible';
  }
  return 'param';
}

/** TikTok prefixes a parameter error with the parameter: "metrics: Invalid metric …", "start_date: …". */
export function parameterNamedBy(message: string): string | undefined {
  return /^\s*([a-z][a-z0-9_]*)\s*:/i.exec(message)?.[1];
}

/** A retryable failure below the envelope: reset, timeout, HTTP 5xx, a body that is not JSON. */
export function transportError(path: string, message: string, details: { httpStatus?: number; networkCode?: string } = {}): TikTokApiError {
  return new TikTokApiError({ code: -1, message, path, kind: 'retry', ...details });
}

/** Errors that mean the configured host cannot be reached at all: the user's to fix. */
const UNREACHABLE = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL', 'ERR_BAD_PORT']);

/** How an API failure that escaped retries reaches the user. */
export function toConnectorError(error: TikTokApiError): ConnectorError {
  const where = `${error.path} answered code ${error.code}: ${error.message}`;
  const internal = `${where}${error.requestId ? ` (request_id ${error.requestId})` : ''}`;
  switch (error.kind) {
    case 'auth':
      if (error.code === 40104) {
        return configError(`TikTok received no access token (code 40104: ${error.message}): set credentials.access_token to the app's long-term token.`, { internal });
      }
      return configError(
        `TikTok rejected the access token (code ${error.code}: ${error.message}). It is wrong, or the advertiser revoked the authorisation: re-authorise the app and update credentials.access_token.`,
        { internal },
      );
    case 'retry':
      if (error.networkCode && UNREACHABLE.has(error.networkCode)) {
        return configError(
          `Cannot reach the TikTok API host (${error.networkCode}): check api_base_url and the network.`,
          { internal },
        );
      }
      return transientError(`TikTok API kept failing after retries (${error.code === -1 ? error.message : `code ${error.code}: ${error.message}`}). Try again later.`, { internal });
    case 'app_mismatch':
      return configError(
        `TikTok says credentials.app_id does not belong to the app that issued the access token (code ${error.code}: ${error.message}): set app_id to the app the token was authorised for, or authorise this app again.`,
        { internal },
      );
    case 'throttle':
      return transientError(
        `TikTok kept refusing requests for its rate limit (code ${error.code}: ${error.message}) until the retry time ran out. The app's budget is shared by every connection of the app: another one may be using it, or requests_per_second is above the app's limit. Try again later or lower requests_per_second.`,
        { internal },
      );
    case 'ads_capped':
      return systemError(
        `TikTok answered ${error.path} for only the advertiser's 20,000 newest ads (X-Tt-Ads-Throttle) and the query could not be narrowed by campaign or ad group: its rows would be incomplete, so none were kept.`,
        { internal },
      );
    case 'not_accessible':
      return configError(`TikTok says a requested resource is not accessible with this token (${where}). Check the advertiser_id and the token's scope.`, { internal });
    default: {
      const parameter = parameterNamedBy(error.message);
      return systemError(
        parameter
          ? `TikTok refused the parameter "${parameter}" of ${error.path} (code ${error.code}: ${error.message}).`
          : `TikTok refused a request: ${where}.`,
        { internal },
      );
    }
  }
}
