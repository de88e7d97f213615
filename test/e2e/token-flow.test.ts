// TikTok's authorisation flow, end to end: `token --listen` prints the authorisation URL, a "browser" follows
// TikTok's redirect to the local callback, the command checks `state`, trades the auth_code and prints the grant;
// the grant then drives a one-advertiser OAuth config through check and read.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { CLI, ROOT, parseMessages, records, runCli } from '../support/cli.ts';
import { APP_ID, SECRET, TOKEN } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { scratch } from '../support/files.ts';
import { startNode } from '../support/process.ts';

let api: Emulator;
beforeAll(async () => {
  api = await emulator({ advertisers: 3, seed: 11 });
});
afterAll(() => api?.close());

interface Listening {
  url: URL;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `token --listen` on a free port and resolves once it has printed the authorisation URL. */
function listen(extra: string[] = []): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const { done } = startNode([CLI, 'token', '--listen', '--port', '0', '--app-id', APP_ID, '--secret', SECRET, '--api-base-url', api.url, ...extra], {
      cwd: ROOT,
      onOutput: ({ stderr }) => {
        const link = /^(https:\/\/business-api\.tiktok\.com\/portal\/auth\?\S+)$/m.exec(stderr)?.[1];
        if (link) resolve({ url: new URL(link), done });
      },
    });
    void done.then((r) => reject(new Error(`token --listen ended before printing a URL: ${r.stderr}`)), reject);
  });
}

/** What a browser does after the user authorises: follows TikTok's redirect to the local callback. */
async function redirect(link: URL, params: Record<string, string>): Promise<number> {
  const callback = new URL(link.searchParams.get('redirect_uri')!);
  for (const [key, value] of Object.entries(params)) callback.searchParams.set(key, value);
  return (await fetch(callback)).status;
}

describe('token --listen', () => {
  it('prints the authorisation URL with a random state, takes the redirect, prints the grant', async () => {
    const first = await listen();
    expect(first.url.searchParams.get('app_id')).toBe(APP_ID);
    const state = first.url.searchParams.get('state')!;
    expect(state).toMatch(/^[0-9a-f]{32}$/);
    expect(first.url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(await redirect(first.url, { auth_code: 'auth-code-11-1', state })).toBe(200);
    const result = await first.done;
    expect(result.code, result.stderr).toBe(0);
    const grant = JSON.parse(result.stdout) as { access_token: string; advertiser_ids: string[]; scope: unknown[] };
    expect(grant.access_token).toBe(TOKEN);
    expect(grant.advertiser_ids).toHaveLength(3);
    expect(result.stderr).not.toContain(SECRET);
    // Another run's state differs.
    const second = await listen();
    expect(second.url.searchParams.get('state')).not.toBe(state);
    await redirect(second.url, { auth_code: 'auth-code-11-9', state: second.url.searchParams.get('state')! });
    await second.done;
  });

  it('a forged redirect (wrong state, or no code) is answered 400 and the command keeps waiting for the right one', async () => {
    const run = await listen();
    const state = run.url.searchParams.get('state')!;
    expect(await redirect(run.url, { auth_code: 'auth-code-11-2', state: 'f'.repeat(32) })).toBe(400);
    expect(await redirect(run.url, { auth_code: 'auth-code-11-2' })).toBe(400);
    expect(await redirect(run.url, { state })).toBe(400);
    // Still listening: TikTok's own redirect completes the run.
    expect(await redirect(run.url, { auth_code: 'auth-code-11-4', state })).toBe(200);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { access_token: string }).access_token).toBe(TOKEN);
    expect(result.stderr).toMatch(/Refused a redirect: its state is not the one this run sent/);
    expect(result.stderr).toMatch(/Refused a redirect: it carried no auth_code/);
    // The forged redirect's code was never traded.
    const codes = (await (await fetch(`${api.url}/_emulator/auth-codes`)).json()) as { auth_code: string; used: boolean }[];
    expect(codes.find((c) => c.auth_code === 'auth-code-11-2')?.used).toBe(false);
  });

  it('after only forged redirects it gives up at its timeout, saying what it refused', async () => {
    const run = await listen(['--timeout-seconds', '2']);
    expect(await redirect(run.url, { auth_code: 'auth-code-11-2', state: 'f'.repeat(32) })).toBe(400);
    const result = await run.done;
    expect(result.code).not.toBe(0);
    const [trace] = parseMessages(result.stdout).filter((m) => m.type === 'TRACE');
    expect(trace).toMatchObject({
      trace: { error: { failure_type: 'config_error', message: expect.stringMatching(/No valid redirect \(refused 1: its state is not the one this run sent.*\) arrived within 2 s/) } },
    });
  });

  it('a reused code is a clear config error telling to authorise again', async () => {
    const run = await listen();
    await redirect(run.url, { auth_code: 'auth-code-11-1', state: run.url.searchParams.get('state')! });
    const result = await run.done;
    expect(result.code).not.toBe(0);
    const [trace] = parseMessages(result.stdout).filter((m) => m.type === 'TRACE');
    expect(trace).toMatchObject({ trace: { error: { failure_type: 'config_error', message: expect.stringMatching(/works once and expires after one hour/) } } });
  });

  it('gives up after --timeout-seconds with no redirect', async () => {
    const run = await listen(['--timeout-seconds', '1']);
    const result = await run.done;
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/No redirect arrived within 1 s/);
  });
});

describe('one-advertiser OAuth, end to end', () => {
  it('the grant in a config naming one advertiser: check reaches only it, read emits only it', async () => {
    const run = await listen();
    await redirect(run.url, { auth_code: 'auth-code-11-3', state: run.url.searchParams.get('state')! });
    const grant = JSON.parse((await run.done).stdout) as { access_token: string; advertiser_ids: string[] };
    const chosen = grant.advertiser_ids[1]!;
    const files = scratch();
    const config = files.json('config.json', {
      credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: SECRET, access_token: grant.access_token, advertiser_id: chosen },
      api_base_url: api.url,
      start_date: new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10),
    });
    const check = await runCli(['check', '--config', config]);
    expect(check.messages[0]).toMatchObject({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED', message: expect.stringContaining('1 advertiser(s)') } });
    const catalog = files.json('catalog.json', {
      streams: ['advertisers', 'campaigns', 'advertisers_reports_daily'].map((name) => ({
        stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh'] },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      })),
    });
    const read = await runCli(['read', '--config', config, '--catalog', catalog]);
    expect(read.code, read.stderr).toBe(0);
    const ids = new Set(records(read.messages).map((r) => String(r['advertiser_id'])));
    expect([...ids]).toEqual([chosen]);
    expect(records(read.messages, 'advertisers_reports_daily').length).toBeGreaterThan(0);
  });
});
