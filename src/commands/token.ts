// `token`: TikTok's authorisation flow for the long-term access token (not an Airbyte command).
// - `token --auth-code C`: trades an auth_code someone copied from the redirect for the token;
// - `token --listen`: prints the advertiser authorisation URL (with a random `state`), waits on a local redirect
//   URL for TikTok's redirect, checks `state`, trades the auth_code and prints the grant.
// Either way the grant is one JSON line on stdout; progress and the URL go to stderr.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PRODUCTION_HOST } from '../config.ts';
import { configError } from '../errors.ts';
import { registerSecret } from '../secrets.ts';
import { TikTokClient } from '../tiktok/client.ts';
import { TikTokApiError } from '../tiktok/errors.ts';
import { type TokenGrant, exchangeAuthCode } from '../tiktok/oauth.ts';
import { type Command, PROGRAM, command } from './command.ts';
import { listenFailureOf } from './listen-failure.ts';
import { type CommandSpec, type FlagValues, parseFlags, usageOf, wantsHelp } from './flags.ts';

/** TikTok's advertiser authorisation page (the app's "advertiser authorization URL"). */
export const AUTH_PAGE = 'https://business-api.tiktok.com/portal/auth';
const DEFAULT_PORT = 8788;
/** Where the app's secret may come from instead of --secret (argv is visible to every user of the machine). */
const SECRET_VARIABLE = 'TIKTOK_APP_SECRET';
/** TikTok's code for an auth_code that is wrong, expired or already traded. */
const INVALID_AUTH_CODE = 40110;

export interface TokenCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const TOKEN_SPEC = {
  name: 'token',
  summary: 'trade an auth_code for the long-term token (--auth-code), or the whole authorisation flow (--listen)',
  flags: {
    'app-id': { value: 'A', required: true },
    secret: { value: 'S', help: `the app's secret; better in the environment as ${SECRET_VARIABLE}, which keeps it off the command line` },
    'auth-code': { value: 'C', help: 'the auth_code from the redirect (works once, for one hour)' },
    listen: { help: `print the authorisation URL and wait for the redirect on http://127.0.0.1:PORT/callback (default port ${DEFAULT_PORT})` },
    port: { value: 'N' },
    'timeout-seconds': { value: 'N' },
    'auth-url': { value: 'URL' },
    'api-base-url': { value: 'URL' },
  },
} as const satisfies CommandSpec;

export const tokenCommand: Command = command(TOKEN_SPEC, (flags) => obtainToken(flags, process));

/** `token` as the CLI runs it, on raw arguments (tests give their own io). */
export async function runTokenCommand(argv: string[], io: TokenCommandIo = process): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout.write(`${usageOf(PROGRAM, TOKEN_SPEC)}\n`);
    return 0;
  }
  return obtainToken(parseFlags(PROGRAM, TOKEN_SPEC, argv), io);
}

async function obtainToken(values: FlagValues<typeof TOKEN_SPEC.flags>, io: TokenCommandIo): Promise<number> {
  const usage = usageOf(PROGRAM, TOKEN_SPEC);
  const appId = values['app-id'];
  const secret = values.secret ?? process.env[SECRET_VARIABLE];
  if (secret === undefined || secret === '') throw configError(`The app's secret is missing: set ${SECRET_VARIABLE} (or give --secret).\n${usage}`);
  const listen = values.listen;
  registerSecret(secret);
  const client = new TikTokClient({
    baseUrl: (values['api-base-url'] ?? PRODUCTION_HOST).replace(/\/+$/, ''),
    accessToken: '',
    appId,
    requestsPerSecond: 1,
    taskRequestsPerSecond: 1,
    maxConcurrency: 1,
    timeoutMs: 30_000,
    maxRetries: 3,
  });
  if (listen === (values['auth-code'] !== undefined)) throw configError(`Give either --auth-code or --listen.\n${usage}`);
  const authCode = listen
    ? await awaitRedirect(appId, {
        port: integerFlag(values['port'], 'port', DEFAULT_PORT, 0, 65_535),
        timeoutMs: integerFlag(values['timeout-seconds'], 'timeout-seconds', 600, 1, 86_400) * 1000,
        authUrl: values['auth-url'] ?? AUTH_PAGE,
        log: (line) => io.stderr.write(`${line}\n`),
      })
    : (values['auth-code'] as string);
  registerSecret(authCode);
  const grant = await trade(client, appId, secret, authCode);
  registerSecret(grant.access_token);
  io.stdout.write(`${JSON.stringify({ access_token: grant.access_token, advertiser_ids: grant.advertiser_ids, scope: grant.scope })}\n`);
  return 0;
}

async function trade(client: TikTokClient, appId: string, secret: string, authCode: string): Promise<TokenGrant> {
  try {
    return await exchangeAuthCode(client, appId, secret, authCode);
  } catch (error) {
    if (!(error instanceof TikTokApiError) || error.kind === 'retry' || error.kind === 'throttle') throw error;
    if (error.code === INVALID_AUTH_CODE) {
      throw configError(
        `TikTok says the auth_code is invalid or already used (code ${error.code}): a code works once and expires after one hour. Authorise the app again and trade the new code at once.`,
      );
    }
    if (/app_id|secret/i.test(error.message) && !/auth_code/i.test(error.message)) {
      throw configError(`TikTok refused the app credentials (code ${error.code}: ${error.message}): check --app-id and --secret.`);
    }
    throw configError(
      `TikTok refused the authorisation code (code ${error.code}: ${error.message}). A code works once and expires after one hour: authorise the app again and use the new code.`,
    );
  }
}

interface RedirectOptions {
  port: number;
  timeoutMs: number;
  authUrl: string;
  log: (line: string) => void;
}

/**
 * Serves http://127.0.0.1:PORT/callback until TikTok's redirect arrives with this run's `state` and an
 * auth_code. A redirect with another state (a forged or stale link) or without a code is answered 400 and noted on
 * stderr, and the command keeps waiting for the right one until its timeout: whoever can reach the port cannot end
 * the run, and the code a refused redirect carries is never traded.
 */
async function awaitRedirect(appId: string, options: RedirectOptions): Promise<string> {
  const state = randomBytes(16).toString('hex');
  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const outcome = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  let settled = false;
  const refused: string[] = [];
  const refuse = (res: ServerResponse, pageText: string, reason: string): void => {
    page(res, 400, pageText);
    refused.push(reason);
    options.log(`Refused a redirect: ${reason}; still waiting for TikTok's.`);
  };
  const server = createServer((req, res) => handle(req, res));
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') return page(res, 404, 'Not found.');
    if (settled) return page(res, 409, 'The authorisation has already been received.');
    const given = url.searchParams.get('state') ?? '';
    if (!sameText(given, state)) {
      return refuse(
        res,
        'This authorisation does not belong to the waiting command (state mismatch). Use the link the command printed.',
        'its state is not the one this run sent (a forged or stale authorisation link)',
      );
    }
    const code = url.searchParams.get('auth_code') ?? url.searchParams.get('code');
    if (!code) {
      return refuse(res, 'TikTok sent no authorisation code. Authorise the app again from the link the command printed.', 'it carried no auth_code (was the authorisation declined?)');
    }
    settled = true;
    page(res, 200, 'Authorised. You can close this window and return to the terminal.');
    settle?.resolve(code);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(configError(`Cannot wait for the redirect: ${listenFailureOf(error, '127.0.0.1', options.port) ?? `listening on 127.0.0.1:${options.port} failed (${error.code ?? error.message}); choose another --port`}.`)),
    );
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const redirect = `http://127.0.0.1:${port}/callback`;
  const link = new URL(options.authUrl);
  link.searchParams.set('app_id', appId);
  link.searchParams.set('state', state);
  link.searchParams.set('redirect_uri', redirect);
  options.log(`Open this URL, authorise the advertisers, and TikTok will redirect to ${redirect}:`);
  options.log(link.toString());
  const timer = setTimeout(
    () => {
      settled = true;
      const seconds = Math.round(options.timeoutMs / 1000);
      const what = refused.length === 0 ? 'No redirect' : `No valid redirect (refused ${refused.length}: ${[...new Set(refused)].join('; ')})`;
      settle?.reject(configError(`${what} arrived within ${seconds} s. Run token --listen again.`));
    },
    options.timeoutMs,
  );
  try {
    return await outcome;
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  }
}

function page(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${text}\n`);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function integerFlag(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw configError(`--${name} must be an integer from ${min} to ${max} (got ${value}).`);
  return n;
}
