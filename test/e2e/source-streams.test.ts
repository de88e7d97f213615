import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Emulator } from 'tiktok-emulator';
import type { AirbyteMessage, AirbyteStateMessage, RecordData } from '../../src/protocol/types.ts';
import { defaultConfiguredCatalog, discover, read } from '../../src/source.ts';
import { createClient, createContext } from '../../src/streams/context.ts';
import { addDays } from '../../src/streams/dates.ts';
import { STREAMS_BY_NAME } from '../../src/streams/definitions.ts';
import { parseState } from '../../src/streams/state.ts';
import { targetFromUrl } from '../../src/engines/postgres/target.ts';
import { runSync } from '../../src/sync.ts';
import { configFor, TOKEN } from '../support/credentials.ts';
import { advertiserIds, emulator } from '../support/emulator.ts';
import { freshSchema } from '../support/postgres.ts';
import { startProxy } from '../support/proxy.ts';
import { assertProtocol, protocolAvailable } from '../support/protocol.ts';

// The non-report streams and the new report streams, read end to end against the emulator.

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);

/** Airbyte 5.x's 44 streams: name, primary key, cursor (tiktok-streams.md §1 and the 17 built before). */
const AIRBYTE_STREAMS: [string, string[], string | undefined][] = [
  ['advertisers', ['advertiser_id'], undefined],
  ['advertiser_ids', ['advertiser_id'], undefined],
  ['campaigns', ['campaign_id'], 'modify_time'],
  ['ad_groups', ['adgroup_id'], 'modify_time'],
  ['ads', ['ad_id'], 'modify_time'],
  ...(['advertisers', 'campaigns', 'ad_groups', 'ads'] as const).flatMap((level): [string, string[], string | undefined][] => {
    const id = { advertisers: 'advertiser_id', campaigns: 'campaign_id', ad_groups: 'adgroup_id', ads: 'ad_id' }[level];
    return [
      [`${level}_reports_hourly`, [id, 'stat_time_hour'], 'stat_time_hour'],
      [`${level}_reports_daily`, [id, 'stat_time_day'], 'stat_time_day'],
      [`${level}_reports_lifetime`, [id], undefined],
    ];
  }),
  ['audiences', ['audience_id'], undefined],
  ['creative_assets_images', ['image_id'], 'modify_time'],
  ['creative_assets_videos', ['video_id'], 'modify_time'],
  ['creative_assets_music', ['music_id'], undefined],
  ['creative_assets_portfolios', ['creative_portfolio_id'], undefined],
  ['spark_ads', ['spark_ads_post_id'], undefined],
  ['pixels', ['pixel_id'], undefined],
  // Airbyte has no key here; ours says whose each record is (see below).
  ['pixel_instant_page_events', ['advertiser_id', 'objective_type', 'optimization_goal', 'business_type'], undefined],
  ['pixel_events_statistics', [], undefined],
  ['ads_reports_by_country_daily', ['ad_id', 'stat_time_day', 'country_code'], 'stat_time_day'],
  ['ads_reports_by_country_hourly', ['ad_id', 'stat_time_hour', 'country_code'], 'stat_time_hour'],
  ['ad_groups_reports_by_country_daily', ['adgroup_id', 'stat_time_day', 'country_code'], 'stat_time_day'],
  ['ad_groups_reports_by_country_hourly', ['adgroup_id', 'stat_time_hour', 'country_code'], 'stat_time_hour'],
  ...(
    [
      ['campaigns', 'campaign_id'],
      ['ad_group', 'adgroup_id'],
      ['ads', 'ad_id'],
      ['advertisers', 'advertiser_id'],
    ] as const
  ).flatMap(([prefix, id]): [string, string[], string | undefined][] => [
    [`${prefix}_audience_reports_daily`, [id, 'stat_time_day', 'gender', 'age'], 'stat_time_day'],
    [`${prefix}_audience_reports_by_country_daily`, [id, 'stat_time_day', 'country_code'], 'stat_time_day'],
    [`${prefix}_audience_reports_by_platform_daily`, [id, 'stat_time_day', 'platform'], 'stat_time_day'],
  ]),
  ['ads_audience_reports_by_province_daily', ['ad_id', 'stat_time_day', 'province_id'], 'stat_time_day'],
  ['advertisers_audience_reports_lifetime', ['advertiser_id', 'gender', 'age'], undefined],
];

const BY_LANGUAGE: [string, string[]][] = [
  ['campaigns_audience_reports_by_language_daily', ['campaign_id', 'stat_time_day', 'language']],
  ['ad_group_audience_reports_by_language_daily', ['adgroup_id', 'stat_time_day', 'language']],
  ['ads_audience_reports_by_language_daily', ['ad_id', 'stat_time_day', 'language']],
  ['advertisers_audience_reports_by_language_daily', ['advertiser_id', 'stat_time_day', 'language']],
];

/** Streams this issue adds: every name above that is not one of the 17 built before. */
const NEW_STREAMS = [
  ...AIRBYTE_STREAMS.slice(17).map(([name]) => name),
  ...BY_LANGUAGE.map(([name]) => name),
];

interface RawRead {
  messages: AirbyteMessage[];
  /** The output lines as the CLI writes them (ids as exact JSON integers). */
  lines: string[];
}

/** The source's read in-process, each message validated against the Airbyte protocol as the CLI prints it. */
async function readLines(rawConfig: Record<string, unknown>, streams: string[], state?: unknown): Promise<RawRead> {
  const config = parseConfig(rawConfig);
  const ctx = createContext(config, createClient(config, { retryBaseMs: 5 }));
  const messages: AirbyteMessage[] = [];
  const lines: string[] = [];
  for await (const message of read(config, defaultConfiguredCatalog(streams), parseState(state), ctx)) {
    const line = JSON.stringify(message);
    if (protocolAvailable) assertProtocol(JSON.parse(line));
    lines.push(line);
    messages.push(message);
  }
  return { messages, lines };
}

const plainRecords = (lines: string[], stream: string): RecordData[] =>
  lines.flatMap((line) => {
    const m = JSON.parse(line) as AirbyteMessage;
    return m.type === 'RECORD' && m.record.stream === stream ? [m.record.data] : [];
  });
/** Records with ids exact (unsafe integers kept as their digits), for comparing ids. */
const exactRecords = (lines: string[], stream: string): RecordData[] =>
  lines.flatMap((line) => {
    const m = JSON.parse(line, (_k, v, c) => (typeof v === 'number' && !Number.isSafeInteger(v) && c.source && /^\d+$/.test(c.source) ? c.source : v)) as AirbyteMessage;
    return m.type === 'RECORD' && m.record.stream === stream ? [m.record.data] : [];
  });
const logs = (messages: AirbyteMessage[], level: string) =>
  messages.flatMap((m) => (m.type === 'LOG' && m.log.level === level ? [m.log.message] : []));

/** A raw GET against the emulator, as TikTok answers it. */
async function raw<T>(api: Emulator, path: string, params: Record<string, string | number>): Promise<T> {
  const url = new URL(`/open_api/v1.3/${path}`, api.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  const body = (await (await fetch(url, { headers: { 'Access-Token': TOKEN } })).json()) as { code: number; message: string; data: T };
  if (body.code !== 0) throw new Error(`${path}: ${body.code} ${body.message}`);
  return body.data;
}
describe('catalog', () => {
  it("lists Airbyte's 44 streams with its names, keys, cursors and sync modes, plus audience reports by language", () => {
    const catalog = discover();
    const byName = new Map(catalog.streams.map((s) => [s.name, s]));
    expect(AIRBYTE_STREAMS).toHaveLength(44);
    for (const [name, key, cursor] of AIRBYTE_STREAMS) {
      const stream = byName.get(name);
      expect(stream, name).toBeDefined();
      expect(stream?.source_defined_primary_key, name).toEqual(key.map((k) => [k]));
      expect(stream?.default_cursor_field, name).toEqual(cursor ? [cursor] : undefined);
      expect(stream?.supported_sync_modes, name).toEqual(cursor ? ['full_refresh', 'incremental'] : ['full_refresh']);
    }
    for (const [name, key] of BY_LANGUAGE) {
      expect(byName.get(name)?.source_defined_primary_key, name).toEqual(key.map((k) => [k]));
      expect(byName.get(name)?.default_cursor_field, name).toEqual(['stat_time_day']);
    }
    // Breakdown values are text at the top level and in `dimensions`, whatever they look like.
    const schema = byName.get('ads_audience_reports_by_province_daily')?.json_schema as { properties: Record<string, { type: string[]; properties?: Record<string, { type: string[] }> }> };
    expect(schema.properties['province_id']?.type).toEqual(['null', 'string']);
    expect(schema.properties['dimensions']?.properties?.['province_id']?.type).toEqual(['null', 'string']);
  });


  it("sends Airbyte's audience metric lists (25/45/48/24 with A24) minus the four unique-user metrics", () => {
    const counts: Record<string, number> = {
      campaigns_audience_reports_daily: 25,
      ad_group_audience_reports_by_country_daily: 45,
      ads_audience_reports_by_platform_daily: 48,
      advertisers_audience_reports_daily: 24,
    };
    const unique = ['reach', 'frequency', 'cost_per_1000_reached', 'average_video_play_per_user'];
    for (const [name, listed] of Object.entries(counts)) {
      const stream = STREAMS_BY_NAME.get(name);
      if (stream?.kind !== 'report') throw new Error(name);
      const schemaMetrics = Object.keys((stream.schema['properties'] as Record<string, { properties: Record<string, unknown> }>)['metrics']?.properties ?? {});
      expect(schemaMetrics, name).toHaveLength(listed);
      expect(stream.metrics, name).toEqual(schemaMetrics.filter((m) => !unique.includes(m)));
      for (const refused of ['cash_spend', 'voucher_spend', 'app_install', 'real_time_app_install', 'secondary_goal_result']) {
        expect(stream.metrics, name).not.toContain(refused);
      }
    }
  });
});

describe('every new stream against the emulator', () => {
  let api: Emulator;
  beforeAll(async () => {
    api = await emulator({ advertisers: 2, now: NOW });
  });
  afterAll(() => api?.close());

  it('fills each stream with records valid against its schema and the protocol', async () => {
    // One day keeps the hourly by-country stream small; 100 requests/s (the spec's maximum) for the 220 instant-page
    // calls per advertiser.
    const { messages, lines } = await readLines(configFor(api.url, { start_date: END, end_date: END, requests_per_second: 100 }), NEW_STREAMS);
    // Types and shapes; formats are Airbyte's type hints (TikTok's times carry no zone), not checked here.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const catalog = discover();
    for (const name of NEW_STREAMS) {
      const rows = plainRecords(lines, name);
      expect(rows.length, name).toBeGreaterThan(0);
      const stream = catalog.streams.find((s) => s.name === name);
      const validate = ajv.compile(stream?.json_schema ?? {});
      for (const row of rows) expect(validate(row), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      // Each record says whose it is.
      for (const row of rows) expect(String(row['advertiser_id']), name).toMatch(/^\d+$/);
    }
    expect(logs(messages, 'WARN')).toEqual([]);
    const summary = logs(messages, 'INFO').find((m) => m.startsWith('Read summary'));
    expect(summary).toContain('skipped 0');

    const spark = plainRecords(lines, 'spark_ads');
    for (const row of spark) expect(row['spark_ads_post_id']).toBe((row['item_info'] as Record<string, unknown>)['item_id']);

    // Airbyte's instant-page records repeat identically; ours carry their advertiser, objective and goal.
    const events = exactRecords(lines, 'pixel_instant_page_events');
    const keys = events.map((r) => ['advertiser_id', 'objective_type', 'optimization_goal', 'business_type'].map((k) => String(r[k])).join('|'));
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(events.map((r) => String(r['advertiser_id']))).size).toBe(2);

    const audience = plainRecords(lines, 'ad_group_audience_reports_daily')[0] ?? {};
    expect(audience['gender']).toBe((audience['dimensions'] as RecordData)['gender']);
    expect(typeof audience['age']).toBe('string');
    expect(typeof plainRecords(lines, 'ads_audience_reports_by_platform_daily')[0]?.['platform']).toBe('string');
    expect(plainRecords(lines, 'advertisers_audience_reports_lifetime')[0]).not.toHaveProperty('stat_time_day');
  });

  it('the Postgres sink loads every new stream, one row per record and key', async () => {
    const db = await freshSchema('h3a');
    try {
      const config = parseConfig(configFor(api.url, { start_date: END, end_date: END, requests_per_second: 100 }));
      const result = await runSync({ config, now: () => NOW, target: targetFromUrl(db.url, db.schema), streams: NEW_STREAMS, log: () => undefined });
      expect(result.error?.message).toBeUndefined();
      expect(result.ok).toBe(true);
      const catalog = discover();
      for (const summary of result.streams) {
        expect(summary.committed, summary.name).toBe(summary.received);
        expect(summary.received, summary.name).toBeGreaterThan(0);
        const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${db.schema}.${summary.name}`);
        const key = catalog.streams.find((st) => st.name === summary.name)?.source_defined_primary_key?.flat() ?? [];
        // Keyed streams hold one row per key (records of one key within a sync are deduplicated); the others all.
        if (key.length === 0) expect(row?.n, summary.name).toBe(summary.received);
        else {
          const [distinct] = await db.query<{ n: number }>(`select count(distinct (${key.join(', ')}))::int as n from ${db.schema}.${summary.name}`);
          expect(distinct?.n, summary.name).toBe(row?.n);
          expect(row?.n, summary.name).toBeGreaterThan(0);
        }
      }
      expect(result.streams.map((st) => st.name).sort()).toEqual([...NEW_STREAMS].sort());
    } finally {
      await db.drop();
    }
  });

  it('pages by page_info past an endpoint that serves fewer rows than asked (music 50, pixels 20 a page)', async () => {
    const [first] = await advertiserIds(api);
    const { lines } = await readLines(configFor(api.url, { credentials: { auth_type: 'oauth2.0', app_id: '7268034192837465012', secret: 'sec-9d81b7c4e2a64f35b0c1', access_token: TOKEN, advertiser_id: first } }), ['creative_assets_music', 'pixels']);
    for (const [stream, path, at] of [['creative_assets_music', 'file/music/get/', 'musics'], ['pixels', 'pixel/list/', 'pixels']] as const) {
      const page = await raw<{ page_info: { total_number: number; page_size: number } } & Record<string, unknown[]>>(api, path, { advertiser_id: first ?? '', page_size: 100 });
      // The endpoint served fewer than the 100 asked for: Airbyte's "short page = last page" rule stops here.
      expect(page[at]?.length, stream).toBeLessThan(Math.min(100, page.page_info.total_number));
      const rows = plainRecords(lines, stream);
      expect(rows.length, stream).toBe(page.page_info.total_number);
      const key = stream === 'pixels' ? 'pixel_id' : 'music_id';
      expect(new Set(rows.map((r) => String(r[key]))).size, stream).toBe(rows.length);
    }
  });

  it("asks pixel/event/stats/ about each advertiser's own pixels only, 10 ids a call", async () => {
    const ids = await advertiserIds(api);
    const pixelsPer = await Promise.all(ids.map(async (id) => (await raw<{ page_info: { total_number: number } }>(api, 'pixel/list/', { advertiser_id: id, page_size: 1 })).page_info.total_number));
    const path = '/open_api/v1.3/pixel/event/stats/';
    const before = api.stats().byPath[path] ?? 0;
    const { lines, messages } = await readLines(configFor(api.url), ['pixel_events_statistics']);
    const calls = (api.stats().byPath[path] ?? 0) - before;
    expect(calls).toBe(pixelsPer.reduce((sum, n) => sum + Math.ceil(n / 10), 0));
    expect(pixelsPer.some((n) => n > 10)).toBe(true);
    const rows = plainRecords(lines, 'pixel_events_statistics');
    expect(rows).toHaveLength(pixelsPer.reduce((a, b) => a + b, 0));
    expect(logs(messages, 'WARN')).toEqual([]);
  });

  it('creative assets: incremental on modify_time, client-side', async () => {
    const path = '/open_api/v1.3/file/image/ad/search/';
    const before = api.stats().byPath[path] ?? 0;
    const first = await readLines(configFor(api.url), ['creative_assets_images']);
    // A library below the cap costs its pages and nothing more (no probe): one page per advertiser here.
    expect((api.stats().byPath[path] ?? 0) - before).toBe(2);
    const all = plainRecords(first.lines, 'creative_assets_images');
    // As the platform hands it back: JSON text, ids kept exact (as strings here).
    const last = (JSON.parse(first.lines.filter((l) => l.startsWith('{"type":"STATE"')).at(-1) ?? '{}', (_k, v, c) =>
      typeof v === 'number' && !Number.isSafeInteger(v) && c.source && /^\d+$/.test(c.source) ? c.source : v) as { state?: AirbyteStateMessage }).state;
    const entries = (last?.stream?.stream_state as { states: { partition: { advertiser_id: unknown }; cursor: { modify_time: string } }[] }).states;
    expect(entries).toHaveLength(2);
    const again = await readLines(configFor(api.url), ['creative_assets_images'], [last]);
    const newer = plainRecords(again.lines, 'creative_assets_images');
    // Only items not older than their advertiser's cursor come again: here the newest of each.
    expect(newer.length).toBeGreaterThan(0);
    expect(newer.length).toBeLessThan(all.length / 4);
    const cursorOf = new Map(entries.map((e) => [String(e.partition.advertiser_id), e.cursor.modify_time]));
    for (const row of exactRecords(again.lines, 'creative_assets_images')) {
      const stamp = String(row['modify_time']).replace('T', ' ').slice(0, 19);
      expect(stamp >= (cursorOf.get(String(row['advertiser_id'])) ?? '')).toBe(true);
    }
  });
});

describe('permissions and caps', () => {
  it('an advertiser without the creative-library scope (40001) is a named, counted skip; the others are read', async () => {
    const api = await emulator({ advertisers: 3, now: NOW, creativeDeniedAdvertiser: 1 });
    try {
      const ids = await advertiserIds(api);
      const { lines, messages } = await readLines(configFor(api.url), ['creative_assets_videos']);
      const owners = new Set(exactRecords(lines, 'creative_assets_videos').map((r) => String(r['advertiser_id'])));
      const denied = ids.filter((id) => !owners.has(id));
      expect(owners.size).toBe(2);
      expect(denied).toHaveLength(1);
      const warnings = logs(messages, 'WARN');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(denied[0]);
      expect(warnings[0]).toContain('file/video/ad/search/');
      expect(logs(messages, 'INFO').find((m) => m.startsWith('Read summary'))).toContain('skipped 1');
      const statuses = messages.flatMap((m) => (m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' ? [m.trace.stream_status.status] : []));
      expect(statuses.at(-1)).toBe('COMPLETE');
    } finally {
      await api.close();
    }
  });

  it('a pixel TikTok refuses (40001) is found by halving its call and skipped by name; the other pixels are read', async () => {
    const api = await emulator({ advertisers: 1, now: NOW });
    const foreign = '7999999999999999999';
    // pixel/list/ names a pixel the advertiser may not read (shared, then revoked): pixel/event/stats/ refuses it.
    const proxy = await startProxy(api.url, {
      rewrite: (request, envelope) => {
        if (request.path !== 'pixel/list/' || request.query.get('page') !== '1') return envelope;
        const data = envelope.data as { pixels: Record<string, unknown>[] };
        return { ...envelope, data: { ...data, pixels: [...data.pixels.slice(0, 3), { pixel_id: foreign }, ...data.pixels.slice(3)] } };
      },
    });
    try {
      const [id] = await advertiserIds(api);
      const owned = (await raw<{ page_info: { total_number: number } }>(api, 'pixel/list/', { advertiser_id: id ?? '', page_size: 1 })).page_info.total_number;
      const { lines, messages } = await readLines(configFor(proxy.url), ['pixel_events_statistics']);
      const rows = plainRecords(lines, 'pixel_events_statistics');
      expect(rows).toHaveLength(owned);
      expect(rows.map((r) => String(r['pixel_id']))).not.toContain(foreign);
      const warnings = logs(messages, 'WARN');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`Pixel ${foreign} of advertiser ${id}`);
      expect(logs(messages, 'INFO').find((m) => m.startsWith('Read summary'))).toContain('skipped 1');
    } finally {
      await proxy.close();
      await api.close();
    }
  });

  it("splits image and video searches that reach TikTok's 10,000-item cap, so nothing is cut", async () => {
    const api = await emulator({ advertisers: 1, now: NOW, imagesPerAdvertiser: 10_400, videosPerAdvertiser: 10_400 });
    try {
      const [id] = await advertiserIds(api);
      const capped = await raw<{ page_info: { total_number: number } }>(api, 'file/image/ad/search/', { advertiser_id: id ?? '', page_size: 100, page: 101 });
      expect(capped.page_info.total_number).toBeLessThanOrEqual(10_000);
      const { lines, messages } = await readLines(configFor(api.url), ['creative_assets_images', 'creative_assets_videos']);
      const images = plainRecords(lines, 'creative_assets_images').map((r) => String(r['image_id']));
      expect(new Set(images).size).toBe(10_400);
      expect(images).toHaveLength(10_400);
      // A file uploaded twice lists once without video_ids (TikTok's rule): one record per file.
      const videos = plainRecords(lines, 'creative_assets_videos').map((r) => String(r['video_id']));
      expect(new Set(videos).size).toBe(10_400);
      expect(videos).toHaveLength(10_400);
      expect(logs(messages, 'WARN')).toEqual([]);
    } finally {
      await api.close();
    }
  });
});
