// A stub in front of the emulator: forwards every call unchanged, except those a test chooses to answer itself
// (a TikTok envelope of its own, or a rewrite of the emulator's answer). For answers the emulator has no
// switch for, such as a parameter error TikTok would give to a request the emulator accepts.

import { type IncomingMessage, createServer } from 'node:http';
import { listenLocal } from './ports.ts';

export interface ProxiedRequest {
  method: string;
  /** The API path below /open_api/v1.3/, e.g. `report/integrated/get/`. */
  path: string;
  query: URLSearchParams;
  body: string;
  /** When it arrived (performance.now()). */
  at: number;
}

export interface Envelope {
  code: number;
  message: string;
  request_id?: string;
  data?: unknown;
}

export interface ProxyRules {
  /** An envelope to answer instead of the emulator, or undefined to forward. */
  answer?(request: ProxiedRequest): Envelope | undefined;
  /** Changes the emulator's JSON answer before it goes back. */
  rewrite?(request: ProxiedRequest, envelope: Envelope): Envelope;
  /** Headers added to the emulator's answer (TikTok's X-Tt-Ads-Throttle, say). */
  headers?(request: ProxiedRequest): Record<string, string> | undefined;
}

export interface Proxy {
  url: string;
  /** Requests seen, in order. */
  seen: ProxiedRequest[];
  close(): Promise<void>;
}

const PREFIX = /^\/open_api\/v1\.[23]\//;

export async function startProxy(target: string, rules: ProxyRules): Promise<Proxy> {
  const seen: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const request: ProxiedRequest = { method: req.method ?? 'GET', path: url.pathname.replace(PREFIX, ''), query: url.searchParams, body, at: performance.now() };
      seen.push(request);
      const own = rules.answer?.(request);
      if (own) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ request_id: 'proxy', data: {}, ...own }));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string' && key !== 'host') headers[key] = value;
      const upstream = await fetch(new URL(req.url ?? '/', target), {
        method: request.method,
        headers,
        ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
      });
      const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
      const text = await upstream.text();
      const extra = rules.headers?.(request) ?? {};
      if (rules.rewrite && type.includes('application/json')) {
        const rewritten = rules.rewrite(request, JSON.parse(text) as Envelope);
        res.writeHead(upstream.status, { 'content-type': type, ...extra });
        res.end(JSON.stringify(rewritten));
        return;
      }
      res.writeHead(upstream.status, { 'content-type': type, ...extra });
      res.end(text);
    })().catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  const url = await listenLocal(server);
  return {
    url,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
