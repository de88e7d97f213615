import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_HOST, parseConfig } from '../../src/config.ts';
import type { Emulator } from 'tiktok-emulator';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { defaultConfiguredCatalog } from '../../src/source.ts';
import { addDays } from '../../src/streams/dates.ts';
import { STREAMS, STREAMS_BY_NAME } from '../../src/streams/definitions.ts';
import { records, runCli, traces } from '../support/cli.ts';
import { TOKEN, configFor } from '../support/credentials.ts';
import { emulatedAdvertisers, emulator } from '../support/emulator.ts';
import { scratch } from '../support/files.ts';

// Airbyte's connector offers these only to non-sandbox configs (tiktok-streams.md §1); here `advertisers` joins
// them, because the sandbox does not serve advertiser/info/ either.
const AIRBYTE_PRODUCTION_ONLY = [
  'spark_ads', 'pixels', 'pixel_instant_page_events', 'pixel_events_statistics',
  'ads_reports_by_country_daily', 'ads_reports_by_country_hourly', 'ad_groups_reports_by_country_daily',
  'ad_groups_reports_by_country_hourly', 'advertisers_audience_reports_daily', 'advertisers_audience_reports_by_country_daily',
  'advertisers_audience_reports_by_platform_daily', 'advertisers_audience_reports_lifetime',
];

const CUSTOM = [
  { name: 'ads_by_platform', report_type: 'AUDIENCE', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day', 'platform'], metrics: ['spend'] },
  { name: 'advertiser_by_gender', report_type: 'AUDIENCE', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day', 'gender'], metrics: ['spend'] },
  { name: 'ads_by_country', report_type: 'BASIC', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day', 'country_code'], metrics: ['spend'] },
];

interface SandboxAdvertiser {
  advertiser_id: string;
  timezone: string;
  today: string;
}

let api: Emulator;
let advertiser: SandboxAdvertiser;
const files = scratch();
beforeAll(async () => {
  api = await emulator({ advertisers: 2, sandbox: true });
  // Advertiser #1 lives at UTC−12: its today is the furthest behind the sandbox's UTC+14 "today".
  const list = await emulatedAdvertisers<SandboxAdvertiser>(api);
  advertiser = list[1] as SandboxAdvertiser;
});
afterAll(() => api?.close());

const sandboxConfig = (extra: Record<string, unknown> = {}) => ({
  credentials: { auth_type: 'sandbox_access_token', advertiser_id: advertiser.advertiser_id, access_token: TOKEN },
  api_base_url: api.url,
  requests_per_second: 50,
  custom_reports: CUSTOM,
  ...extra,
});
const catalogNames = (messages: AirbyteMessage[]) =>
  messages.flatMap((m) => (m.type === 'CATALOG' ? m.catalog.streams.map((s) => s.name) : []));
const logs = (messages: AirbyteMessage[], level?: string) =>
  messages.flatMap((m) => (m.type === 'LOG' && (!level || m.log.level === level) ? [m.log.message] : []));

describe('sandbox credentials', () => {
  it('discover leaves out what the sandbox does not serve, with a LOG naming each stream and why', async () => {
    const result = await runCli(['discover', '--config', files.json('sandbox.json', sandboxConfig())]);
    expect(result.code).toBe(0);
    const offered = new Set(catalogNames(result.messages));
    for (const name of AIRBYTE_PRODUCTION_ONLY) {
      expect(STREAMS_BY_NAME.get(name)?.productionOnly, `${name} is marked production-only`).toBe(true);
      expect(offered.has(name), name).toBe(false);
    }
    const leftOut = [...STREAMS.filter((s) => s.productionOnly).map((s) => s.name), 'advertiser_by_gender', 'ads_by_country'];
    expect(leftOut).toContain('advertisers');
    for (const name of leftOut) expect(offered.has(name), name).toBe(false);
    // Everything else is there: the served built-ins and the custom report the sandbox serves.
    const served = STREAMS.filter((s) => !s.productionOnly).map((s) => s.name);
    expect([...offered].sort()).toEqual([...served, 'ads_by_platform'].sort());
    const notes = logs(result.messages, 'INFO');
    expect(notes).toHaveLength(leftOut.length);
    for (const name of leftOut) expect(notes.some((n) => n.startsWith(`Stream ${name} left out of the catalog: TikTok's sandbox`)), name).toBe(true);
    // The LOGs come before the catalog, which is the last message.
    expect(result.messages.at(-1)?.type).toBe('CATALOG');
  });

  it('production credentials get every stream and no such LOG', async () => {
    const result = await runCli(['discover', '--config', files.json('prod.json', configFor(api.url, { custom_reports: CUSTOM }))]);
    expect(result.code).toBe(0);
    const offered = catalogNames(result.messages);
    expect(offered.sort()).toEqual([...STREAMS.map((s) => s.name), ...CUSTOM.map((c) => c.name)].sort());
    expect(logs(result.messages)).toEqual([]);
  });

  it('check succeeds on an endpoint the sandbox serves, and fails on a wrong token', async () => {
    const ok = await runCli(['check', '--config', files.json('check.json', sandboxConfig())]);
    const status = (r: { messages: AirbyteMessage[] }) => r.messages.find((m) => m.type === 'CONNECTION_STATUS');
    const good = status(ok);
    expect(good?.type === 'CONNECTION_STATUS' && good.connectionStatus).toMatchObject({ status: 'SUCCEEDED' });
    expect(good?.type === 'CONNECTION_STATUS' && good.connectionStatus.message).toContain(advertiser.advertiser_id);
    const wrongToken = sandboxConfig({ credentials: { auth_type: 'sandbox_access_token', advertiser_id: advertiser.advertiser_id, access_token: 'nope' } });
    const bad = status(await runCli(['check', '--config', files.json('bad.json', wrongToken)]));
    expect(bad?.type === 'CONNECTION_STATUS' && bad.connectionStatus.status).toBe('FAILED');
  });

  it('a catalog naming production-only streams gets a WARN and a skip for each; the rest syncs', async () => {
    await fetch(`${api.url}/_emulator/reset-stats`, { method: 'POST' });
    const names = ['campaigns', 'ads_reports_daily', 'advertisers', 'pixels', 'ads_reports_by_country_daily'];
    // Made as production credentials would see it, as a catalog copied from another connection would be.
    const catalog = files.json('catalog.json', defaultConfiguredCatalog(names));
    const today = advertiser.today;
    const config = files.json('read.json', sandboxConfig({ start_date: addDays(today, -3), custom_reports: [] }));
    const result = await runCli(['read', '--config', config, '--catalog', catalog]);
    expect(result.code, result.stderr).toBe(0);
    expect(traces(result.messages).filter((t) => t.type === 'ERROR')).toEqual([]);
    for (const name of ['advertisers', 'pixels', 'ads_reports_by_country_daily']) {
      expect(logs(result.messages, 'WARN').some((w) => w.startsWith(`Stream "${name}" is in the catalog but skipped: TikTok's sandbox`)), name).toBe(true);
      expect(records(result.messages, name)).toEqual([]);
    }
    expect(records(result.messages, 'campaigns').length).toBeGreaterThan(0);
    const days = records(result.messages, 'ads_reports_daily').map((r) => String(r['stat_time_day']).slice(0, 10));
    // Dates asked up to UTC+14's today: the advertiser's own today (at UTC−12) is read, not lost.
    expect(days.length).toBeGreaterThan(0);
    expect(days.sort().at(-1)).toBe(today);
    const stats = (await (await fetch(`${api.url}/_emulator/stats`)).json()) as { byPath: Record<string, number> };
    const paths = Object.keys(stats.byPath).join(' ');
    expect(paths).not.toMatch(/advertiser\/info|oauth2\/advertiser|pixel/);
  });

  it('defaults to the sandbox host', () => {
    const config = parseConfig({ credentials: { auth_type: 'sandbox_access_token', advertiser_id: '7001', access_token: TOKEN } });
    expect(config.apiBaseUrl).toBe(SANDBOX_HOST);
    expect(SANDBOX_HOST).toBe('https://sandbox-ads.tiktok.com');
  });
});
