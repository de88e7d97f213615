import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { advertiserInfo } from '../../../src/tiktok/advertisers.ts';
import { TikTokClient } from '../../../src/tiktok/client.ts';
import { TikTokApiError } from '../../../src/tiktok/errors.ts';
import { authorisedAdvertisers, exchangeAuthCode } from '../../../src/tiktok/oauth.ts';
import { APP_ID, SECRET, TOKEN } from '../../support/credentials.ts';
import { emulator } from '../../support/emulator.ts';
import { runCli } from '../../support/cli.ts';

let api: Emulator;
beforeAll(async () => {
  api = await emulator({ advertisers: 120, seed: 5 });
});
afterAll(() => api?.close());

const client = (overrides: Partial<ConstructorParameters<typeof TikTokClient>[0]> = {}) =>
  new TikTokClient({
    baseUrl: api.url,
    accessToken: TOKEN,
    appId: APP_ID,
    requestsPerSecond: 200,
    taskRequestsPerSecond: 50,
    maxConcurrency: 4,
    timeoutMs: 10_000,
    maxRetries: 6,
    retryBaseMs: 5,
    ...overrides,
  });

describe('TikTok client', () => {
  it('trades an auth_code for the long-term token, once', async () => {
    const grant = await exchangeAuthCode(client({ accessToken: '' }), APP_ID, SECRET, 'auth-code-5-1');
    expect(grant.access_token).toBe(TOKEN);
    expect(grant.advertiser_ids.length).toBe(120);
    await expect(exchangeAuthCode(client({ accessToken: '' }), APP_ID, SECRET, 'auth-code-5-1')).rejects.toMatchObject({ code: 40110 });
  });

  it('the token command prints the long-term token for an auth_code, and a clear error for a used one', async () => {
    const args = ['token', '--app-id', APP_ID, '--secret', SECRET, '--auth-code', 'auth-code-5-2', '--api-base-url', api.url];
    const first = await runCli(args, { validate: false });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ access_token: TOKEN });
    const again = await runCli(args);
    expect(again.code).not.toBe(0);
    expect(again.messages.at(-1)).toMatchObject({ type: 'TRACE', trace: { type: 'ERROR' } });
    expect(again.stdout + again.stderr).not.toContain(SECRET);
  });

  it('discovers advertisers and describes them in batches of 100, ids exact', async () => {
    const c = client();
    const granted = await authorisedAdvertisers(c, APP_ID, SECRET);
    expect(granted).toHaveLength(120);
    const before = c.stats.requests;
    const { found: infos, inaccessible } = await advertiserInfo(c, granted.map((a) => a.advertiser_id));
    expect(inaccessible).toEqual([]);
    expect(c.stats.requests - before).toBe(2);
    expect(infos.map((i) => i.advertiser_id).sort()).toEqual(granted.map((a) => a.advertiser_id).sort());
    for (const info of infos) expect(info.advertiser_id).toMatch(/^\d{19}$/);
    expect(new Set(infos.map((i) => i.timezone)).size).toBeGreaterThan(5);
  });

  it('classifies a wrong token as auth (config) and never retries it', async () => {
    const c = client({ accessToken: 'tok-wrong-00000000' });
    const error = await authorisedAdvertisers(c, APP_ID, SECRET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TikTokApiError);
    expect(error).toMatchObject({ code: 40105, kind: 'auth' });
    expect(c.stats.requests).toBe(1);
  });

  it('retries faults and throttles until it gets through, and slows the shared budget on 40100', async () => {
    const faulty = await emulator({ advertisers: 2, seed: 9, faultRate: 0.3, qps: 40 });
    let rateAfterThrottle = Number.POSITIVE_INFINITY;
    try {
      const c = new TikTokClient({
        baseUrl: faulty.url, accessToken: TOKEN, appId: `${APP_ID}-faulty`, requestsPerSecond: 200, taskRequestsPerSecond: 50,
        maxConcurrency: 8, timeoutMs: 5_000, maxRetries: 8, retryBaseMs: 5,
        // The budget right after a 40100: it must have been cut (halved from 200), not merely be below 200 at the end.
        onRetry: (error) => {
          if (error.kind === 'throttle') rateAfterThrottle = Math.min(rateAfterThrottle, c.currentRate);
        },
      });
      const results = await Promise.all(Array.from({ length: 40 }, () => authorisedAdvertisers(c, APP_ID, SECRET)));
      for (const list of results) expect(list).toHaveLength(2);
      expect(c.stats.retries).toBeGreaterThan(0);
      expect(faulty.stats().faults).toBeGreaterThan(0);
      expect(c.stats.throttles).toBeGreaterThan(0);
      expect(rateAfterThrottle).toBeLessThanOrEqual(100);
    } finally {
      await faulty.close();
    }
  });
});
