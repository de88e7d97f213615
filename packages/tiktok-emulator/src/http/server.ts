// The request pipeline: route → fault injection → auth → per-app rate windows → per-advertiser window →
// handler → answer (or the answer spoiled by the fault). Emulator-only paths (/_emulator/…) skip all of it and
// are not counted.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonLossless } from '../json.ts';
import { REFUSING_FAULTS } from '../limits/faults.ts';
import { ROUTES } from '../routes/index.ts';
import { handleAdmin } from '../routes/admin.ts';
import type { EmulatorState } from '../state.ts';
import { ApiError } from './api-error.ts';
import { deliver, hold, type Answer } from './deliver.ts';
import { sendRefusal } from './fault-response.ts';
import { Params } from './params.ts';
import type { Route } from './route.ts';
import { envelope, rawEnvelope, requestId, sendEnvelope } from './respond.ts';

const API_PATH = /^\/open_api\/v1\.([23])\/(.+?)\/?$/;
const MAX_BODY = 16 * 1024 * 1024;

export function createHandler(state: EmulatorState, baseUrl: () => string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    serve(state, baseUrl(), req, res).catch((error: unknown) => {
      // A client that went away mid-request is not the emulator's failure.
      if (req.destroyed || res.destroyed) return;
      process.stderr.write(`emulator: ${error instanceof Error ? error.stack : String(error)}\n`);
      if (!res.headersSent) sendEnvelope(res, 500, 50000, 'Internal error.', '', {});
      else res.destroy();
    });
  };
}

async function serve(state: EmulatorState, baseUrl: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const body = await readBody(req);
  if (url.pathname.startsWith('/_emulator/')) {
    await handleAdmin(state, req.method ?? 'GET', url, body, res);
    return;
  }
  const { world } = state;
  state.stats.request(url.pathname);
  const now = state.clock.now();
  const rid = requestId(world.options.seed, state.nextRequest(), now);

  const match = API_PATH.exec(url.pathname);
  // v1.2 named the report endpoints reports/…; the rest kept their paths.
  const key = match === null ? undefined : `${match[1] === '2' ? match[2]!.replace(/^reports\//, 'report/') : match[2]!}/`;
  const route = key === undefined ? undefined : ROUTES[key];
  if (key === undefined || route === undefined) {
    sendEnvelope(res, 404, 40400, `No API at ${url.pathname}. Paths live under /open_api/v1.3/ and end with a slash.`, rid, {});
    return;
  }
  if (req.method !== route.method) {
    sendEnvelope(res, 405, 40500, `Method ${req.method ?? ''} is not allowed for ${url.pathname}; use ${route.method}.`, rid, {});
    return;
  }

  const fault = state.faults.decide(key, fingerprint(req.method, key, url.searchParams, body));
  if (fault !== undefined) state.stats.fault(fault);
  if (fault !== undefined && REFUSING_FAULTS.has(fault)) {
    sendRefusal(fault, res, rid, advertiserOf(url.searchParams, body));
    return;
  }
  // Every other fault spoils the answer of a request that is carried out, writes included.
  const answer = await carryOut(state, route, key, req, url.searchParams, body, { now, baseUrl, rid });
  if (fault === 'slow' && (await hold(res, world.options.slowFaultMs))) return;
  await deliver(req, res, answer, rid, fault === 'slow' ? undefined : fault);
}

interface Call {
  now: Date;
  baseUrl: string;
  rid: string;
}

async function carryOut(state: EmulatorState, route: Route, key: string, req: IncomingMessage, query: URLSearchParams, body: string, call: Call): Promise<Answer> {
  try {
    const params = new Params(query, parseBody(body));
    const appId = route.auth ? authenticate(state, req) : callerApp(state, params);
    const throttle = state.limiter.admit(appId, key, call.now);
    if (throttle !== undefined) {
      state.stats.throttled(throttle.window, throttle.tripped);
      throw new ApiError(40100, throttle.message);
    }
    const advertiserId = route.auth ? advertiserOf(query, body) : undefined;
    const crowded = advertiserId === undefined ? undefined : state.advertiserWindows.admit(advertiserId, key);
    if (crowded !== undefined) {
      state.stats.throttled('advertiser');
      throw new ApiError(40133, crowded);
    }
    const result = route.handle({ state, params, now: call.now, baseUrl: call.baseUrl, appId });
    if (result.kind === 'stream') return result;
    const text = result.kind === 'json' ? envelope(0, 'OK', call.rid, result.data) : rawEnvelope(call.rid, result.data);
    return { kind: 'body', status: 200, body: text, ...(result.headers === undefined ? {} : { headers: result.headers }) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { kind: 'body', status: error.httpStatus, body: envelope(error.code, error.message, call.rid, {}) };
  }
}

/** The app of the Access-Token header; a revoked or unknown token is refused as TikTok does (40105). */
function authenticate(state: EmulatorState, req: IncomingMessage): string {
  const header = req.headers['access-token'];
  const token = (Array.isArray(header) ? header[0] : header)?.trim();
  if (token === undefined || token === '') throw new ApiError(40104, 'The access token is empty. Please pass it in the Access-Token header.');
  const appId = state.tokens.appOf(token);
  // TikTok's wording, as recorded in Airbyte's connector tests.
  if (appId === undefined) throw new ApiError(40105, 'Access token is incorrect or has been revoked.');
  return appId;
}

/** Calls without a token (the auth-code exchange) are charged to the app they name, if it exists. */
function callerApp(state: EmulatorState, params: Params): string {
  const named = params.string('app_id');
  return named !== undefined && state.tokens.app(named) !== undefined ? named : state.tokens.defaultApp.appId;
}

/**
 * The advertiser a call is about: `advertiser_id` from the query or the JSON body, when it is a plain id
 * (TikTok's per-advertiser window and 40133's message need it before the parameters are checked).
 */
function advertiserOf(query: URLSearchParams, body: string): string | undefined {
  let value: unknown = query.get('advertiser_id') ?? undefined;
  if (value === undefined && body.includes('advertiser_id')) {
    try {
      value = parseBody(body)?.advertiser_id;
    } catch {
      value = undefined;
    }
  }
  const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value).trim() : '';
  return /^\d{1,20}$/.test(text) ? text : undefined;
}

/** Method, path, sorted query and body: the same logical request gets the same fault sequence. */
function fingerprint(method: string, path: string, query: URLSearchParams, body: string): string {
  const pairs = [...query].sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  return `${method} ${path} ${pairs.map(([k, v]) => `${k}=${v}`).join('&')} ${body}`;
}

function parseBody(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = parseJsonLossless(text);
  } catch {
    throw new ApiError(40002, 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError(40002, 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) throw new ApiError(40002, 'The request body is too large.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
