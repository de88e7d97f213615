// What TikTok's own v1.3 pages say the API does, where our earlier notes said otherwise (../shared/tiktok-api.md,
// "Corrections from TikTok's own v1.3 pages"): every throttle is a wait, an answer capped at the 20,000 newest ads
// is narrowed until complete, totals only where TikTok gives them, report tasks only for what a task takes,
// AUDIENCE windows of 7 days. A stub in front of the emulator records every request and gives TikTok's answers.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { parseConfig } from '../../src/config.ts';
import { ConnectorError } from '../../src/errors.ts';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { countryCodeOf } from '../../src/streams/country-codes.ts';
import { addDays, daysBetween } from '../../src/streams/dates.ts';
import { TaskCostModel } from '../../src/streams/backfill-plan.ts';
import { STREAMS_BY_NAME } from '../../src/streams/definitions.ts';
import { TaskLane } from '../../src/streams/task-lane.ts';
import { TikTokClient } from '../../src/tiktok/client.ts';
import { APP_ID, SECRET, TOKEN, configFor } from '../support/credentials.ts';
import { advertiserIds, emulator } from '../support/emulator.ts';
import { type Envelope, type ProxiedRequest, type Proxy, type ProxyRules, startProxy } from '../support/proxy.ts';
import { readWithConfig } from '../support/custom-read.ts';
import { deduped, readInProcess, recordsOf, rowDifferences } from '../support/read.ts';

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);
const START = addDays(END, -9);
const REPORT = 'report/integrated/get/';

let api: Emulator;
let ids: string[];
beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: NOW, campaignsPerAdvertiser: 6 });
  ids = await advertiserIds(api);
});
afterAll(() => api?.close());

const proxies: Proxy[] = [];
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
});
async function stub(rules: ProxyRules = {}): Promise<Proxy> {
  const proxy = await startProxy(api.url, rules);
  proxies.push(proxy);
  return proxy;
}

const config = (url: string, extra: Record<string, unknown> = {}) => configFor(url, { start_date: START, end_date: END, async_reports: 'off', ...extra });

function sameRecords(actual: AirbyteMessage[], expected: AirbyteMessage[], stream: string): string[] {
  const key = STREAMS_BY_NAME.get(stream)?.primaryKey ?? [];
  return rowDifferences(deduped(recordsOf(actual, stream), key), deduped(recordsOf(expected, stream), key));
}

const logs = (messages: AirbyteMessage[]) => messages.flatMap((m) => (m.type === 'LOG' ? [m.log.message] : []));
const summaryOf = (messages: AirbyteMessage[]) => logs(messages).find((l) => l.startsWith('Read summary')) ?? '';
const reportRequests = (proxy: Proxy) => proxy.seen.filter((r) => r.path === REPORT);
const dimensionsOf = (r: ProxiedRequest) => JSON.parse(r.query.get('dimensions') ?? '[]') as string[];

/** TikTok's wording of 40133 (as Airbyte's unit tests recorded it). */
const advertiserQps = (id: string): Envelope => ({
  code: 40133,
  message: `Advertiser (${id})'s QPS (21) reaches QPS limit 20 for current path, request is temporarily restricted.`,
});

describe('every throttle is a wait', () => {
  it('40133, 40016 and 40100 on the first report queries give the same records, counted by code', async () => {
    const stream = 'ads_reports_daily';
    const plain = await readInProcess(config(api.url), [stream]);
    const throttles = [advertiserQps(ids[0]!), { code: 40016, message: 'Requests made too frequently. Please try again later.' }, { code: 40100, message: 'App reaches the QPS limit.' }];
    let reports = 0;
    const proxy = await stub({
      answer: (r) => (r.path === REPORT && reports < 6 ? throttles[reports++ % 3] : undefined),
    });
    const throttled = await readInProcess(config(proxy.url), [stream]);
    expect(reports).toBe(6);
    expect(sameRecords(throttled.messages, plain.messages, stream)).toEqual([]);
    expect(recordsOf(plain.messages, stream).length).toBeGreaterThan(0);
    expect(summaryOf(throttled.messages)).toMatch(/throttled 6: .*40133×2/);
    expect(summaryOf(throttled.messages)).toMatch(/40016×2/);
    expect(summaryOf(throttled.messages)).toMatch(/40100×2/);
  });

  it('40133 slows that advertiser on that path, not the app; 40100 slows the app', async () => {
    let answered = 0;
    const proxy = await stub({ answer: (r) => (r.path === REPORT && answered++ === 0 ? advertiserQps(r.query.get('advertiser_id') ?? '') : undefined) });
    const client = new TikTokClient({
      baseUrl: proxy.url, accessToken: TOKEN, appId: `${APP_ID}-qps`, requestsPerSecond: 40, taskRequestsPerSecond: 1,
      maxConcurrency: 2, timeoutMs: 10_000, maxRetries: 2, retryBaseMs: 5,
    });
    const query = { advertiser_id: ids[0]!, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['spend'], start_date: START, end_date: END };
    await client.get(REPORT, query);
    expect(client.currentRate).toBe(40);
    expect(client.stats.throttlesByCode).toEqual({ 40133: 1 });
    // The advertiser's own pace on the path now holds its calls under TikTok's 20 a second.
    const started = performance.now();
    for (let i = 0; i < 10; i++) await client.get(REPORT, query);
    const spacing = reportRequests(proxy).slice(-10);
    expect((spacing.at(-1)!.at - spacing[0]!.at) / 9).toBeGreaterThan(1000 / 20 - 5);
    expect(performance.now() - started).toBeGreaterThan(9 * (1000 / 20) - 50);

    let appAnswered = 0;
    const app = await stub({ answer: (r) => (r.path === REPORT && appAnswered++ === 0 ? { code: 40100, message: 'App reaches the QPS limit.' } : undefined) });
    const other = new TikTokClient({
      baseUrl: app.url, accessToken: TOKEN, appId: `${APP_ID}-app`, requestsPerSecond: 40, taskRequestsPerSecond: 1,
      maxConcurrency: 2, timeoutMs: 10_000, maxRetries: 2, retryBaseMs: 5,
    });
    await other.get(REPORT, query);
    expect(other.stats.throttlesByCode).toEqual({ 40100: 1 });
    expect(other.remainingBudget('sync').throttles).toBe(1);
    // The 40133 never reached the app's lane.
    expect(client.remainingBudget('sync').throttles).toBe(0);
  });
});

describe('the 20,000-ad cap', () => {
  /**
   * TikTok's behaviour over an advertiser with more than 20,000 ads, on a small world: an answer over more than
   * two campaigns, or over the "big" campaign as a whole, carries X-Tt-Ads-Throttle and only some of the rows.
   */
  function capping(big: string): ProxyRules & { capped: number } {
    const state = { capped: 0 };
    const isCapped = (r: ProxiedRequest) => {
      if (r.path !== REPORT) return false;
      const filters = JSON.parse(r.query.get('filtering') ?? '[]') as { field_name: string; filter_value: string }[];
      if (filters.some((f) => f.field_name === 'adgroup_ids')) return false;
      const campaigns = filters.find((f) => f.field_name === 'campaign_ids');
      if (!campaigns) return true;
      const listed = JSON.parse(campaigns.filter_value) as string[];
      return listed.length > 2 || listed.includes(big);
    };
    return {
      get capped() {
        return state.capped;
      },
      headers: (r) => (isCapped(r) ? { 'X-Tt-Ads-Throttle': '1' } : undefined),
      rewrite: (r, envelope) => {
        if (!isCapped(r)) return envelope;
        state.capped++;
        const data = envelope.data as { list?: unknown[] };
        // The newest ads' rows only: here, every other row.
        return { ...envelope, data: { ...data, list: (data.list ?? []).filter((_, i) => i % 2 === 0) } };
      },
    };
  }

  it('a capped answer is read again by campaign, then by ad group, until every row is there', async () => {
    const campaigns = (await readInProcess(config(api.url, singleAdvertiser(ids[0]!)), ['campaigns'])).messages;
    const big = String(recordsOf(campaigns, 'campaigns')[0]?.['campaign_id']);
    for (const stream of ['ads_reports_daily', 'campaigns_reports_lifetime']) {
      const plain = await readInProcess(config(api.url, singleAdvertiser(ids[0]!)), [stream]);
      const rules = capping(big);
      const proxy = await stub(rules);
      const narrowed = await readInProcess(config(proxy.url, singleAdvertiser(ids[0]!)), [stream]);
      expect(recordsOf(plain.messages, stream).length).toBeGreaterThan(0);
      expect(sameRecords(narrowed.messages, plain.messages, stream)).toEqual([]);
      expect(rules.capped).toBeGreaterThan(0);
      const adgroupQueries = reportRequests(proxy).filter((r) => (r.query.get('filtering') ?? '').includes('adgroup_ids'));
      expect(adgroupQueries.length).toBeGreaterThan(0);
      expect(summaryOf(narrowed.messages)).toMatch(/queries split for the 20,000-ad cap [1-9]/);
    }
  });

  it('an advertiser-level answer cannot be put together from parts: the stream fails, nothing capped is kept', async () => {
    const proxy = await stub({ headers: (r) => (r.path === REPORT ? { 'X-Tt-Ads-Throttle': '1' } : undefined) });
    const error = await readInProcess(config(proxy.url, singleAdvertiser(ids[0]!)), ['advertisers_reports_daily']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as Error).message).toContain('20,000 newest ads');
  });
});

describe('what TikTok takes', () => {
  it('enable_total_metrics only on BASIC reports by one id and/or stat_time_day; reconciliation says which', async () => {
    const streams = [
      'ads_reports_daily', 'ads_reports_hourly', 'campaigns_reports_lifetime', 'ads_reports_by_country_daily',
      'campaigns_audience_reports_daily', 'advertisers_audience_reports_lifetime', 'campaigns_by_age',
    ];
    const custom = [{ name: 'campaigns_by_age', report_type: 'AUDIENCE', data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id', 'stat_time_day', 'age'], metrics: ['spend'] }];
    const proxy = await stub();
    const messages = await readWithConfig(config(proxy.url, { start_date: addDays(END, -1), custom_reports: custom }), streams);
    const withTotals = reportRequests(proxy).filter((r) => r.query.get('enable_total_metrics') === 'true');
    const shapes = new Set(withTotals.map((r) => `${r.query.get('report_type')} ${dimensionsOf(r).join(',')}`));
    expect([...shapes].sort()).toEqual(['BASIC ad_id,stat_time_day', 'BASIC campaign_id']);
    expect(withTotals.every((r) => r.query.get('page') === '1')).toBe(true);
    expect(summaryOf(messages)).toContain("checked against TikTok's totals: ");
    expect(summaryOf(messages)).toMatch(/ads_reports_daily/);
    expect(summaryOf(messages)).not.toMatch(/totals: [^)]*ads_reports_hourly/);
  });

  it('AUDIENCE windows span at most 7 days', async () => {
    const proxy = await stub();
    await readInProcess(config(proxy.url, { start_date: addDays(END, -40) }), ['ad_group_audience_reports_daily', 'ads_reports_daily']);
    const audience = reportRequests(proxy).filter((r) => r.query.get('report_type') === 'AUDIENCE');
    expect(audience.length).toBeGreaterThan(0);
    for (const r of audience) expect(daysBetween(r.query.get('start_date')!, r.query.get('end_date')!) + 1).toBeLessThanOrEqual(7);
    // BASIC daily windows still use TikTok's 30 days.
    const basic = reportRequests(proxy).filter((r) => r.query.get('report_type') === 'BASIC');
    expect(Math.max(...basic.map((r) => daysBetween(r.query.get('start_date')!, r.query.get('end_date')!) + 1))).toBe(30);
  });

  it('report tasks: no status filter, none for metrics a task refuses, at most one create a second', async () => {
    const proxy = await stub();
    const from = addDays(END, -300);
    const { messages } = await readInProcess(
      config(proxy.url, { start_date: from, async_reports: 'auto', async_requests_per_second: 10, requests_per_second: 100 }),
      ['campaigns_reports_daily', 'ads_reports_by_country_daily', 'ads_audience_reports_by_country_daily', 'campaigns_audience_reports_by_country_daily'],
    );
    const creates = proxy.seen.filter((r) => r.path === 'report/task/create/');
    const bodies = creates.map((r) => JSON.parse(r.body) as { filtering?: { field_name: string }[]; data_level: string; report_type: string; dimensions: string[] });
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) {
      expect((body.filtering ?? []).map((f) => f.field_name).filter((n) => !['campaign_ids', 'adgroup_ids', 'ad_ids'].includes(n))).toEqual([]);
      // Ad-level audience rows carry the `result` family and BASIC by country reach: both refused by tasks.
      expect(`${body.report_type} ${body.data_level} ${body.dimensions.join(',')}`).not.toMatch(/AUCTION_AD .*country_code/);
    }
    // Paced at 1 a second: on average at least a second apart; a busy machine may deliver one a little early.
    const gaps = creates.slice(1).map((r, i) => r.at - creates[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThan(800);
    expect(gaps.reduce((a, b) => a + b, 0) / gaps.length).toBeGreaterThanOrEqual(1000);
    // Rows of both lanes share their keys: country codes, never names.
    for (const row of recordsOf(messages, 'campaigns_audience_reports_by_country_daily')) expect(String(row['country_code'])).toMatch(/^([A-Z]{2}|None)$/);
  });

  it('with include_deleted (a status filter) no report task is created', async () => {
    const proxy = await stub();
    await readInProcess(
      config(proxy.url, { start_date: addDays(END, -300), async_reports: 'auto', async_requests_per_second: 10, requests_per_second: 100, include_deleted: true }),
      ['campaigns_reports_daily'],
    );
    expect(proxy.seen.filter((r) => r.path === 'report/task/create/')).toEqual([]);
    expect(reportRequests(proxy).some((r) => (r.query.get('filtering') ?? '').includes('campaign_status'))).toBe(true);
  });
});

describe("TikTok's codes", () => {
  it('40001 "No permission to operate advertiser" and 40300 skip that advertiser and count it', async () => {
    for (const code of [40001, 40300]) {
      const proxy = await stub({
        answer: (r) =>
          r.path === REPORT && r.query.get('advertiser_id') === ids[0]
            ? { code, message: code === 40001 ? `No permission to operate advertiser ${ids[0]}.` : 'The advertiser has been deleted.' }
            : undefined,
      });
      const { messages } = await readInProcess(config(proxy.url), ['campaigns_reports_daily']);
      const rows = recordsOf(messages, 'campaigns_reports_daily');
      expect(rows.some((r) => String(r['advertiser_id']) === ids[1])).toBe(true);
      expect(rows.some((r) => String(r['advertiser_id']) === ids[0])).toBe(false);
      expect(summaryOf(messages)).toContain(`skipped 1 [advertiser ${ids[0]}`);
    }
  });

  it('40113 and 40104 are config errors that say what to fix', async () => {
    const answers: Record<number, string> = { 40113: 'app_id', 40104: 'access_token' };
    for (const [code, names] of Object.entries(answers)) {
      const proxy = await stub({ answer: () => ({ code: Number(code), message: code === '40113' ? 'The app_id is inconsistent with the app of the access token.' : 'Access token is empty.' }) });
      const error = await readInProcess(config(proxy.url), ['campaigns']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ failureType: 'config_error' });
      expect((error as Error).message).toContain(names);
    }
  });

  it('custom reports take IN, CONTAIN_ANY_OF and NOT_IN filters', async () => {
    const campaigns = recordsOf((await readInProcess(config(api.url, singleAdvertiser(ids[0]!)), ['campaigns'])).messages, 'campaigns');
    const excluded = String(campaigns[0]?.['campaign_id']);
    const custom = [{
      name: 'all_but_one', data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id', 'stat_time_day'], metrics: ['spend'],
      filtering: JSON.stringify([{ field_name: 'campaign_ids', filter_type: 'NOT_IN', filter_value: JSON.stringify([excluded]) }]),
    }];
    const proxy = await stub();
    const messages = await readWithConfig(config(proxy.url, { ...singleAdvertiser(ids[0]!), custom_reports: custom }), ['all_but_one']);
    expect(reportRequests(proxy).length).toBeGreaterThan(0);
    expect(reportRequests(proxy).every((r) => (r.query.get('filtering') ?? '').includes('"NOT_IN"'))).toBe(true);
    const rows = recordsOf(messages, 'all_but_one');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => String(r['campaign_id']) === excluded)).toBe(false);
    for (const op of ['IN', 'CONTAIN_ANY_OF']) {
      const report = { ...custom[0]!, filtering: JSON.stringify([{ field_name: 'campaign_ids', filter_type: op, filter_value: JSON.stringify([excluded]) }]) };
      expect(() => parseConfig(config(api.url, { custom_reports: [report] }))).not.toThrow();
    }
    const notAList = { ...custom[0]!, filtering: JSON.stringify([{ field_name: 'campaign_ids', filter_type: 'NOT_IN', filter_value: excluded }]) };
    expect(() => parseConfig(config(api.url, { custom_reports: [notAList] }))).toThrow(/JSON array for NOT_IN/);
  });
});

it('country names in a task answer map back to ISO codes', () => {
  expect(['United States', 'United Kingdom', 'Germany', 'Japan', 'South Korea', 'Türkiye', 'Hong Kong SAR China'].map(countryCodeOf)).toEqual([
    'US', 'GB', 'DE', 'JP', 'KR', 'TR', 'HK',
  ]);
  expect(countryCodeOf('US')).toBe('US');
  expect(countryCodeOf('Atlantis')).toBeUndefined();
});

function singleAdvertiser(id: string): Record<string, unknown> {
  return { credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: SECRET, access_token: TOKEN, advertiser_id: id } };
}

it('a custom report of breakdowns only is keyed by the advertiser and the breakdowns', async () => {
  const custom = [{ name: 'advertiser_ages', report_type: 'AUDIENCE', data_level: 'AUCTION_ADVERTISER', dimensions: ['age'], metrics: ['spend', 'impressions'] }];
  const parsed = parseConfig(config(api.url, { custom_reports: custom }));
  expect(parsed.customReports[0]?.primaryKey).toEqual(['advertiser_id', 'age']);
  const proxy = await stub();
  const messages = await readWithConfig(config(proxy.url, { custom_reports: custom }), ['advertiser_ages']);
  const rows = recordsOf(messages, 'advertiser_ages');
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(Object.keys(row).slice(0, 2)).toEqual(['advertiser_id', 'age']);
    expect(typeof (row['metrics'] as Record<string, unknown>)['spend']).toBe('number');
  }
  expect(new Set(rows.map((r) => `${String(r['advertiser_id'])}|${String(r['age'])}`)).size).toBe(rows.length);
  expect(reportRequests(proxy).every((r) => JSON.stringify(dimensionsOf(r)) === '["age"]')).toBe(true);
});

it('report tasks: at most 500 created per ad account per hour', () => {
  const lane = new TaskLane(4, new TaskCostModel({ fixedMs: 1000, msPerRow: 0.01 }));
  const allowed = Array.from({ length: 501 }, (_, i) => lane.mayCreate('7001', i));
  expect(allowed.filter(Boolean)).toHaveLength(500);
  expect(allowed[500]).toBe(false);
  // Another ad account has its own hour; the first gets its allowance back an hour after its first task.
  expect(lane.mayCreate('7002', 600)).toBe(true);
  expect(lane.mayCreate('7001', 3_600_001)).toBe(true);
});
