import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { APP_ID, emulator, SECRET, TOKEN } from './support/emulator.ts';

// The emulator against TikTok's real answer shapes: it is asked the queries the fixtures of test/fixtures/recorded/
// answer (our values in the structure of answers Airbyte recorded from TikTok, see the README there) and must answer
// with the same field names and the same kind of value in every field. The fixtures stay at the repository root:
// the connector's test/e2e/recorded-replay.test.ts serves the very same answers.
//
// Field names. Reports: exactly the fixture's. TikTok answers one key per dimension and one per metric asked for,
// no more and no fewer (every recorded row carries exactly the metric list Airbyte's query named), so for the same
// metrics the emulator must name exactly the same keys: a superset would mean it answers metrics nobody asked for,
// a subset that it drops some. Entities: the fixture's names must all be there (the emulator may carry more):
// no query names the fields there, TikTok's default field set grows over time and the recording is a 2023 sample.
//
// Value kinds. Per field, every kind the emulator answers must be one the recording holds for that field (the
// recording is a few rows, so it cannot hold every kind TikTok may send, but nothing it holds is a guess). For
// entities, null is left aside on both sides: a recorded null says the field is nullable, not what it holds else.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Row = { [key: string]: Json };
interface Envelope {
  code: number;
  message: string;
  request_id: string;
  data: Row;
}

const FIXTURES = new URL('../../../test/fixtures/recorded/', import.meta.url);
const fixture = (name: string): Envelope => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Envelope;
const listOf = (answer: Envelope): Row[] => (answer.data['list'] ?? []) as Row[];

/**
 * What kind of value a field holds, as the recordings tell kinds apart: JSON null, boolean, number, array and
 * object; and for strings (TikTok's metrics are all strings) the empty string, "-", a digit string (counts, ids), a
 * decimal string with its number of decimals (TikTok prints each metric with fixed decimals: "20.000", "1.09"),
 * "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DD", or other text.
 */
function valueKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'object':
      return 'object';
    case 'string': {
      if (value === '') return 'empty string';
      if (value === '-') return '"-"';
      if (/^-?\d+$/.test(value)) return 'digit string';
      const decimals = /^-?\d+\.(\d+)$/.exec(value);
      if (decimals) return `decimal string (${decimals[1]!.length} decimals)`;
      if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return 'date-time string';
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date string';
      return 'text';
    }
    default:
      return typeof value;
  }
}

/** Every kind each field holds across rows (one level: the rows themselves, or their `dimensions` / `metrics`). */
function kindsByField(rows: readonly Row[], part?: 'dimensions' | 'metrics'): Map<string, Set<string>> {
  const kinds = new Map<string, Set<string>>();
  for (const row of rows) {
    const fields = (part === undefined ? row : row[part]) as Row;
    for (const [name, value] of Object.entries(fields)) {
      let set = kinds.get(name);
      if (set === undefined) kinds.set(name, (set = new Set()));
      set.add(valueKind(value));
    }
  }
  return kinds;
}

const sorted = (names: Iterable<string>) => [...names].sort();

/** Field-name differences, exactly (reports) or the recording's names only (entities). */
function nameDifferences(what: string, recorded: Iterable<string>, answered: Iterable<string>, exactly: boolean): string[] {
  const r = new Set(recorded);
  const a = new Set(answered);
  const out: string[] = [];
  const missing = sorted([...r].filter((n) => !a.has(n)));
  if (missing.length > 0) out.push(`${what}: the emulator lacks ${missing.join(', ')}`);
  const extra = sorted([...a].filter((n) => !r.has(n)));
  if (exactly && extra.length > 0) out.push(`${what}: the emulator adds ${extra.join(', ')}`);
  return out;
}

/** Kind differences: a kind the emulator answers in a field that the recording never holds there. */
function kindDifferences(what: string, recorded: Map<string, Set<string>>, answered: Map<string, Set<string>>, ignoreNull: boolean): string[] {
  const out: string[] = [];
  for (const [name, kinds] of answered) {
    const want = recorded.get(name);
    if (want === undefined) continue;
    const wanted = [...want].filter((k) => !(ignoreNull && k === 'null'));
    if (wanted.length === 0) continue;
    const unexpected = [...kinds].filter((k) => !(ignoreNull && k === 'null') && !want.has(k));
    if (unexpected.length > 0) out.push(`${what}.${name}: emulator ${sorted(kinds).join(' | ')} vs recorded ${sorted(want).join(' | ')}`);
  }
  return out.sort();
}

function envelopeDifferences(what: string, recorded: Envelope, answered: Envelope): string[] {
  const out = nameDifferences(`${what} envelope`, Object.keys(recorded), Object.keys(answered), true);
  out.push(...nameDifferences(`${what} data`, Object.keys(recorded.data), Object.keys(answered.data ?? {}), true));
  const info = recorded.data['page_info'] as Row | undefined;
  if (info !== undefined) out.push(...nameDifferences(`${what} page_info`, Object.keys(info), Object.keys((answered.data?.['page_info'] ?? {}) as Row), true));
  return out;
}

// The emulator's clock a week after the fixtures' days, so 2026-11-02..03 are settled history.
const NOW = new Date('2026-11-10T12:00:00Z');
const START = '2026-11-02';
const END = '2026-11-03';

let api: Emulator;
let advertiserId: string;

async function ask(path: string, params: Record<string, string | boolean | readonly string[]>, on: Emulator = api): Promise<Envelope> {
  const url = new URL(`${on.url}/open_api/v1.3/${path}`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  const answer = await fetch(url, { headers: { 'Access-Token': TOKEN } });
  return (await answer.json()) as Envelope;
}

beforeAll(async () => {
  api = await emulator({ advertisers: 1, now: NOW });
  const granted = await ask('oauth2/advertiser/get/', { app_id: APP_ID, secret: SECRET });
  advertiserId = String(listOf(granted)[0]?.['advertiser_id']);
});
afterAll(() => api?.close());

/** The queries the report fixtures answer, as their recordings asked them. */
const REPORTS = [
  { file: 'report-ad-daily.json', report_type: 'BASIC', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day'], lifetime: false },
  { file: 'report-ad-lifetime.json', report_type: 'BASIC', data_level: 'AUCTION_AD', dimensions: ['ad_id'], lifetime: true },
  {
    file: 'report-campaign-audience-by-country-daily.json', report_type: 'AUDIENCE', data_level: 'AUCTION_CAMPAIGN',
    dimensions: ['campaign_id', 'stat_time_day', 'country_code'], lifetime: false,
  },
] as const;

function reportQuery(report: (typeof REPORTS)[number]): Record<string, string | boolean | readonly string[]> {
  const recorded = listOf(fixture(report.file));
  return {
    advertiser_id: advertiserId,
    report_type: report.report_type,
    data_level: report.data_level,
    dimensions: report.dimensions,
    metrics: Object.keys(recorded[0]?.['metrics'] as Row),
    page: '1',
    page_size: '1000',
    ...(report.lifetime ? { query_lifetime: true } : { start_date: START, end_date: END }),
  };
}

describe('valueKind', () => {
  it('tells apart the kinds the recordings hold', () => {
    expect(valueKind('20.000')).toBe('decimal string (3 decimals)');
    expect(valueKind('1.09')).toBe('decimal string (2 decimals)');
    expect(valueKind('0.0')).toBe('decimal string (1 decimals)');
    expect(valueKind('0.0000')).toBe('decimal string (4 decimals)');
    expect(valueKind('4696')).toBe('digit string');
    expect(valueKind('7001035076276387841')).toBe('digit string');
    expect(valueKind('-')).toBe('"-"');
    expect(valueKind(null)).toBe('null');
    expect(valueKind('2021-10-27 00:00:00')).toBe('date-time string');
    expect(valueKind('2021-10-27')).toBe('date string');
    expect(valueKind('Automatic Placement')).toBe('text');
    expect(valueKind('US')).toBe('text');
    expect(valueKind('')).toBe('empty string');
    expect(valueKind(['v0201/abc'])).toBe('array');
    expect(valueKind(1630055520)).toBe('number');
    expect(valueKind(false)).toBe('boolean');
    expect(valueKind({})).toBe('object');
  });
});

describe('emulator reports in the recorded shape', () => {
  for (const report of REPORTS) {
    it(`${report.file}: same envelope, the same dimension and metric names, the same kind in every field`, async () => {
      const recorded = fixture(report.file);
      const answer = await ask('report/integrated/get/', reportQuery(report));
      expect(answer.code, answer.message).toBe(0);
      const rows = listOf(answer);
      expect(rows.length).toBeGreaterThan(0);
      const recordedRows = listOf(recorded);
      const differences = [
        ...envelopeDifferences(report.file, recorded, answer),
        ...nameDifferences('row', Object.keys(recordedRows[0] ?? {}), new Set(rows.flatMap((r) => Object.keys(r))), true),
        ...nameDifferences('dimensions', kindsByField(recordedRows, 'dimensions').keys(), kindsByField(rows, 'dimensions').keys(), true),
        ...nameDifferences('metrics', kindsByField(recordedRows, 'metrics').keys(), kindsByField(rows, 'metrics').keys(), true),
        ...kindDifferences('dimensions', kindsByField(recordedRows, 'dimensions'), kindsByField(rows, 'dimensions'), false),
        ...kindDifferences('metrics', kindsByField(recordedRows, 'metrics'), kindsByField(rows, 'metrics'), false),
      ];
      expect(differences).toEqual([]);
    });
  }

  it('report-ad-lifetime.json: with only the id dimension every ad listed by ad/get/ has a row', async () => {
    const ads: string[] = [];
    for (let page = 1; ; page++) {
      const answer = await ask('ad/get/', { advertiser_id: advertiserId, page: String(page), page_size: '1000' });
      ads.push(...listOf(answer).map((a) => String(a['ad_id'])));
      if (page >= Number((answer.data['page_info'] as Row | undefined)?.['total_page'] ?? 1)) break;
    }
    const rows = listOf(await ask('report/integrated/get/', reportQuery(REPORTS[1])));
    const withRows = new Set(rows.map((r) => String((r['dimensions'] as Row)['ad_id'])));
    expect(ads.length).toBeGreaterThan(0);
    expect(sorted(ads.filter((id) => !withRows.has(id))), 'ads listed by ad/get/ without a lifetime row').toEqual([]);
  });

  it('report-ad-lifetime.json: zero-delivery ads answer, as recorded, rows of zeros ("0", "0.00", "0.000", "0.0000", never "-")', async () => {
    const recordedZero = listOf(fixture(REPORTS[1].file)).filter((r) => (r['metrics'] as Row)['impressions'] === '0');
    expect(recordedZero.length).toBeGreaterThan(0);
    const rows = listOf(await ask('report/integrated/get/', reportQuery(REPORTS[1])));
    const zero = rows.filter((r) => (r['metrics'] as Row)['impressions'] === '0');
    // Real accounts hold ads that never delivered (two of the four recorded lifetime rows): so must the emulator's.
    expect(zero.length, 'lifetime rows with impressions "0"').toBeGreaterThan(0);
    const differences = kindDifferences('zero-delivery metrics', kindsByField(recordedZero, 'metrics'), kindsByField(zero, 'metrics'), false);
    expect(differences).toEqual([]);
    for (const row of zero) {
      for (const [name, value] of Object.entries(row['metrics'] as Row)) {
        // Ids riding in metrics (campaign_id, adgroup_id) are digit strings but no measure: they stay the object's.
        if (name.endsWith('_id')) continue;
        if (typeof value === 'string' && /^[\d.]+$/.test(value)) expect(Number(value), `${String((row['dimensions'] as Row)['ad_id'])} ${name}`).toBe(0);
      }
    }
  });
});

describe('emulator entities in the recorded shape', () => {
  const ENTITIES = [
    { file: 'oauth2-advertiser-get.json', path: 'oauth2/advertiser/get/', params: () => ({ app_id: APP_ID, secret: SECRET }) },
    { file: 'advertiser-info.json', path: 'advertiser/info/', params: () => ({ advertiser_ids: [advertiserId] }) },
    { file: 'campaign-get.json', path: 'campaign/get/', params: () => ({ advertiser_id: advertiserId, page_size: '1000' }) },
    { file: 'ad-get.json', path: 'ad/get/', params: () => ({ advertiser_id: advertiserId, page_size: '1000' }) },
  ] as const;
  for (const entity of ENTITIES) {
    it(`${entity.file}: same envelope, every recorded field, the same kind in each`, async () => {
      const recorded = fixture(entity.file);
      const answer = await ask(entity.path, entity.params());
      expect(answer.code, answer.message).toBe(0);
      const rows = listOf(answer);
      expect(rows.length).toBeGreaterThan(0);
      const differences = [
        ...envelopeDifferences(entity.file, recorded, answer),
        ...nameDifferences('fields', kindsByField(listOf(recorded)).keys(), kindsByField(rows).keys(), false),
        ...kindDifferences('fields', kindsByField(listOf(recorded)), kindsByField(rows), true),
      ];
      expect(differences).toEqual([]);
      for (const row of rows) for (const id of ['advertiser_id', 'campaign_id', 'adgroup_id', 'ad_id']) {
        if (id in row) expect(String(row[id]), id).toMatch(id === 'advertiser_id' ? /^\d{19}$/ : /^\d{16}$/);
      }
    });
  }
});

describe('emulator errors in the recorded shape', () => {
  it('40067: the recorded envelope (data {}) and TikTok\'s wording', async () => {
    const recorded = fixture('error-40067-query-too-large.json');
    // An emulator that holds at most one row per query refuses the two-day ad report as too large.
    const small = await emulator({ advertisers: 1, now: NOW, maxReportRows: 1 });
    try {
      const answer = await ask('report/integrated/get/', reportQuery(REPORTS[0]), small);
      expect(answer.code).toBe(recorded.code);
      expect(envelopeDifferences('40067', recorded, answer)).toEqual([]);
      expect(answer.data).toEqual({});
      expect(valueKind(answer.request_id)).toBe(valueKind(recorded.request_id));
      expect(answer.message).toBe(recorded.message);
    } finally {
      await small.close();
    }
  });
});
