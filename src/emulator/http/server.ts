// The request pipeline: route → fault injection → auth → per-app rate limit → handler → envelope.
// Emulator-only paths (/_emulator/…) skip all of it and are not counted.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonLossless } from '../../json.ts';
import { ROUTES } from '../routes/index.ts';
import { handleAdmin } from '../routes/admin.ts';
import type { EmulatorState } from '../state.ts';
import { ApiError } from './api-error.ts';
import { sendFault } from './fault-response.ts';
import { Params } from './params.ts';
import { envelope, rawEnvelope, requestId, sendEnvelope, sendHalf, sendStream, sendText } from './respond.ts';

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
    await handleAdmin(state, req.method ?? 'GET', url.pathname, res);
    return;
  }
  const { world } = state;
  state.stats.request(url.pathname);
  const now = world.now();
  const rid = requestId(world.options.seed, state.nextRequest(), now);

  const match = API_PATH.exec(url.pathname);
  // v1.2 named the report endpoints reports/…; the rest kept their paths.
  const key = match === null ? undefined : match[1] === '2' ? match[2]!.replace(/^reports\//, 'report/') : match[2];
  const route = key === undefined ? undefined : ROUTES[`${key}/`];
  if (route === undefined) {
    sendEnvelope(res, 404, 40400, `No API at ${url.pathname}. Paths live under /open_api/v1.3/ and end with a slash.`, rid, {});
    return;
  }
  if (req.method !== route.method) {
    sendEnvelope(res, 405, 40500, `Method ${req.method ?? ''} is not allowed for ${url.pathname}; use ${route.method}.`, rid, {});
    return;
  }

  const fault = state.faults.decide(fingerprint(req.method, key!, url.searchParams, body));
  if (fault !== undefined) state.stats.fault();
  // A cut-off body of a read shows the real answer's first half; other faults (and cut-off writes, which
  // must not take effect) never reach the handler.
  const cut = fault === 'truncate' && route.method === 'GET';
  if (fault !== undefined && !cut) {
    sendFault(fault, req, res, rid);
    return;
  }

  try {
    const params = new Params(url.searchParams, parseBody(body));
    if (route.auth) authenticate(state, req);
    if (!state.bucket(world.options.appId, route.family).take()) {
      state.stats.throttled();
      throw new ApiError(40100, route.family === 'task'
        ? 'Too many requests: the app exceeded its rate limit for asynchronous report tasks. Please retry later.'
        : 'Too many requests: the app exceeded its QPS limit. Please retry later.');
    }
    const result = route.handle({ state, params, now, baseUrl });
    if (result.kind === 'json' || result.kind === 'raw') {
      const body = result.kind === 'json' ? envelope(0, 'OK', rid, result.data) : rawEnvelope(rid, result.dataJson);
      if (cut) sendHalf(res, body, rid);
      else sendText(res, 200, 'application/json; charset=utf-8', body, { 'X-Tt-Logid': rid });
    } else {
      await sendStream(res, result.contentType, result.fileName, result.chunks, rid, cut);
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (cut) sendHalf(res, envelope(error.code, error.message, rid, {}), rid);
    else sendEnvelope(res, error.httpStatus, error.code, error.message, rid, {});
  }
}

function authenticate(state: EmulatorState, req: IncomingMessage): void {
  const header = req.headers['access-token'];
  const token = Array.isArray(header) ? header[0] : header;
  if (token === undefined || token.trim() === '') throw new ApiError(40104, 'The access token is empty. Please pass it in the Access-Token header.');
  if (token.trim() !== state.world.options.accessToken) throw new ApiError(40105, 'Access token is invalid or has been revoked.');
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
