import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { MessageWriter, writeAll } from '../../src/protocol/output.ts';
import { defaultConfiguredCatalog, read } from '../../src/source.ts';
import { createClient, createContext } from '../../src/streams/context.ts';
import { STREAMS_BY_NAME } from '../../src/streams/definitions.ts';
import { parseState } from '../../src/streams/state.ts';
import { configFor, TOKEN } from '../support/credentials.ts';
import { listenLocal } from '../support/ports.ts';
import { readInProcess } from '../support/read.ts';

// The connector against TikTok's real answer shapes: a stub serves the fixtures of test/fixtures/recorded/ (our
// values in the structure of answers Airbyte recorded from TikTok, see the README there) and every value of every
// emitted record is checked against what the fixture text says, computed here from the text alone.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Row = { [key: string]: Json };
interface Envelope {
  code: number;
  message: string;
  request_id: string;
  data: { list?: Row[]; page_info?: Row } & Row;
}

const FIXTURES = new URL('../fixtures/recorded/', import.meta.url);
const fixtureText = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const fixture = (name: string): Envelope => JSON.parse(fixtureText(name)) as Envelope;
const rowsOf = (name: string): Row[] => fixture(name).data.list ?? [];

const DAILY = 'report-ad-daily.json';
const LIFETIME = 'report-ad-lifetime.json';
const BY_COUNTRY = 'report-campaign-audience-by-country-daily.json';
const THROTTLED = 'error-40133-advertiser-qps.json';
const TOO_LARGE = 'error-40067-query-too-large.json';

/** The entity endpoints and the fixture answering each (whatever the query: one advertiser, one page). */
const ENTITY_FIXTURES: Readonly<Record<string, string>> = {
  'oauth2/advertiser/get/': 'oauth2-advertiser-get.json',
  'advertiser/info/': 'advertiser-info.json',
  'campaign/get/': 'campaign-get.json',
  'ad/get/': 'ad-get.json',
};

/** The report queries the fixtures answer: what the recording's query was (report type, level, dimensions, lifetime). */
const REPORT_FIXTURES: readonly { file: string; reportType: string; dataLevel: string; dimensions: readonly string[]; lifetime: boolean }[] = [
  { file: DAILY, reportType: 'BASIC', dataLevel: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day'], lifetime: false },
  { file: LIFETIME, reportType: 'BASIC', dataLevel: 'AUCTION_AD', dimensions: ['ad_id'], lifetime: true },
  { file: BY_COUNTRY, reportType: 'AUDIENCE', dataLevel: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id', 'stat_time_day', 'country_code'], lifetime: false },
];

const ADVERTISER_ID = String(rowsOf('advertiser-info.json')[0]?.['advertiser_id']);

interface StubRequest {
  path: string;
  params: URLSearchParams;
  /** What the stub answered: a fixture's name, or the override's. */
  answered: string;
}

interface Stub {
  url: string;
  requests: StubRequest[];
  /** Requests the stub had no fixture for, or that did not ask what the fixture answers. */
  problems: string[];
  close(): Promise<void>;
}

/** An answer the stub gives instead of the fixture (the nth request of a path, counted from 1). */
type Override = (path: string, params: URLSearchParams, nth: number) => string | undefined;

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * A TikTok stand-in under /open_api/v1.3/: each path answers its fixture, report/integrated/get/ the fixture whose
 * query matches (data level, dimensions, lifetime), its dated rows kept to start_date..end_date; page_info says one
 * page. Parameters it does not need (enable_total_metrics, filtering, fields, page_size…) are ignored.
 */
async function startStub(override?: Override): Promise<Stub> {
  const requests: StubRequest[] = [];
  const problems: string[] = [];
  const counts = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const path = url.pathname.replace(/^\/open_api\/v1\.3\//, '');
    const params = url.searchParams;
    const nth = (counts.get(path) ?? 0) + 1;
    counts.set(path, nth);
    const send = (answered: string, body: string) => {
      requests.push({ path, params, answered });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    };
    if (req.headers['access-token'] !== TOKEN && path !== 'oauth2/access_token/') problems.push(`${path}: no Access-Token header`);
    const instead = override?.(path, params, nth);
    if (instead !== undefined) return send(instead, fixtureText(instead));
    const entity = ENTITY_FIXTURES[path];
    if (entity !== undefined) return send(entity, fixtureText(entity));
    if (path === 'report/integrated/get/') {
      const dimensions = JSON.parse(params.get('dimensions') ?? '[]') as string[];
      const lifetime = params.get('query_lifetime') === 'true';
      const match = REPORT_FIXTURES.find(
        (f) => f.dataLevel === params.get('data_level') && sameSet(f.dimensions, dimensions) && f.lifetime === lifetime,
      );
      if (match === undefined) {
        problems.push(`no fixture for report query ${params.toString()}`);
        return send('none', JSON.stringify({ code: 40002, message: 'stub: no fixture for this query', request_id: 'stub', data: {} }));
      }
      // The query must be the one the fixture answers: its report type, and every metric the fixture holds asked for.
      if (params.get('report_type') !== match.reportType) problems.push(`${match.file}: report_type ${params.get('report_type')}`);
      const asked = JSON.parse(params.get('metrics') ?? '[]') as string[];
      const held = Object.keys(rowsOf(match.file)[0]?.['metrics'] as Row);
      const missing = held.filter((m) => !asked.includes(m));
      if (missing.length > 0) problems.push(`${match.file}: the query does not ask for ${missing.join(', ')}`);
      if (params.get('advertiser_id') !== ADVERTISER_ID) problems.push(`${match.file}: advertiser_id ${params.get('advertiser_id')}`);
      const answer = fixture(match.file);
      const start = params.get('start_date');
      const end = params.get('end_date');
      const page = Number(params.get('page') ?? '1');
      let list = answer.data.list ?? [];
      if (!lifetime) {
        if (start === null || end === null) problems.push(`${match.file}: no start_date/end_date`);
        list = list.filter((row) => {
          const day = String((row['dimensions'] as Row)['stat_time_day']).slice(0, 10);
          return start !== null && end !== null && day >= start && day <= end;
        });
      }
      const pageInfo = { total_number: list.length, page, page_size: Number(params.get('page_size') ?? '10'), total_page: 1 };
      return send(match.file, JSON.stringify({ ...answer, data: { list: page === 1 ? list : [], page_info: pageInfo } }));
    }
    problems.push(`no fixture for path ${path}`);
    return send('none', JSON.stringify({ code: 40002, message: `stub: no fixture for ${path}`, request_id: 'stub', data: {} }));
  });
  const url = await listenLocal(server);
  return {
    url,
    requests,
    problems,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}

let stubs: Stub[] = [];
afterEach(async () => {
  await Promise.all(stubs.map((s) => s.close()));
  stubs = [];
});
async function stub(override?: Override): Promise<Stub> {
  const s = await startStub(override);
  stubs.push(s);
  return s;
}

// ---- expectations, from the fixture text alone ------------------------------------------------------------

/** An integer as JSON holds it exactly: a number when a double holds it, else a bigint (19-digit advertiser ids). */
const exact = (digits: string): number | bigint => (Number.isSafeInteger(Number(digits)) ? Number(digits) : BigInt(digits));

/** A record line as the CLI writes it, read back with integers beyond 2^53 as bigints, so none is rounded. */
const parseExact = (line: string): Row =>
  JSON.parse(line, (_key, value, context) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context.source !== undefined && /^-?\d+$/.test(context.source)
      ? BigInt(context.source)
      : value,
  ) as Row;

/** TikTok's id fields: 16- and 19-digit digit strings in the answers, exact JSON integers in the records. */
const ID_FIELDS = new Set(['advertiser_id', 'campaign_id', 'adgroup_id', 'ad_id']);

type Declared = 'integer' | 'number' | 'string' | 'boolean' | 'array' | 'object' | undefined;

/** The type a stream's schema declares at a path (null aside). */
function declared(stream: string, path: readonly string[]): Declared {
  let node = STREAMS_BY_NAME.get(stream)?.schema as Record<string, unknown> | undefined;
  for (const key of path) node = (node?.['properties'] as Record<string, Record<string, unknown>> | undefined)?.[key];
  const type = node?.['type'];
  const types = (Array.isArray(type) ? type : [type]).filter((t) => t !== 'null');
  return types[0] as Declared;
}

/** A metric as the record must carry it: null stays null, an id or count an exact integer, a decimal a number, text text. */
function metricValue(stream: string, name: string, raw: Json): unknown {
  if (raw === null) return null;
  if (typeof raw !== 'string') throw new Error(`fixture metric ${name} is not a string: TikTok sends every metric as text`);
  switch (declared(stream, ['metrics', name])) {
    case 'integer':
      return exact(raw);
    case 'number':
      return Number(raw);
    case 'string':
      return raw;
    default:
      throw new Error(`${stream}: schema declares no scalar type for metric ${name}`);
  }
}

/** A report row as its record: ids, time and breakdowns copied to the top level next to advertiser_id. */
function reportExpectation(stream: string, row: Row): Row {
  const dims = row['dimensions'] as Row;
  const dimensions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(dims)) {
    if (typeof value !== 'string') throw new Error(`fixture dimension ${name} is not a string`);
    dimensions[name] = ID_FIELDS.has(name) ? exact(value) : value;
  }
  const metrics: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row['metrics'] as Row)) metrics[name] = metricValue(stream, name, value);
  return { advertiser_id: exact(ADVERTISER_ID), ...dimensions, dimensions, metrics } as Row;
}

/** An entity row as its record: the answer's fields unchanged, the id fields exact integers. */
function entityExpectation(row: Row): Row {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) out[name] = ID_FIELDS.has(name) && typeof value === 'string' ? exact(value) : value;
  return out as Row;
}

const keyOf = (record: Row, fields: readonly string[]) => fields.map((f) => String(record[f])).join('|');
const byKey = (records: Row[], fields: readonly string[]) => [...records].sort((a, b) => keyOf(a, fields).localeCompare(keyOf(b, fields)));

const START = '2026-11-02';
const END = '2026-11-03';
const config = (url: string, extra: Record<string, unknown> = {}) =>
  configFor(url, { start_date: START, end_date: END, async_reports: 'off', ...extra });

/**
 * How the records are taken: `records`, the messages of an in-process read (what the sync and its sinks consume),
 * each written out with JSON.stringify; `lines`, the CLI's own path (`read` with output 'lines', whose report records
 * are pre-built JSON text, written by its MessageWriter). Both are read back exactly.
 */
type Mode = 'records' | 'lines';

interface Replay {
  lines: Map<string, Row[]>;
  /** Every message, read back exactly. */
  messages: Row[];
}

/** Reads the streams against the stub; each message kept as the JSON line it is written as, read back exactly. */
async function replay(url: string, streams: string[], mode: Mode, extra: Record<string, unknown> = {}): Promise<Replay> {
  const texts: string[] = [];
  if (mode === 'records') {
    await readInProcess(config(url, extra), streams, { onMessage: (message) => void texts.push(JSON.stringify(message)) });
  } else {
    const parsed = parseConfig(config(url, extra));
    const client = createClient(parsed, { retryBaseMs: 5 });
    const chunks: string[] = [];
    const out = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk.toString('utf8')); done(); } });
    const messages = read(parsed, defaultConfiguredCatalog(streams), parseState(undefined), createContext(parsed, client, { output: 'lines' }));
    await writeAll(messages, new MessageWriter(out));
    texts.push(...chunks.join('').split('\n').filter((line) => line !== ''));
  }
  const messages = texts.map(parseExact);
  const lines = new Map<string, Row[]>(streams.map((s) => [s, []]));
  for (const m of messages) {
    const record = m['record'] as Row | undefined;
    if (m['type'] === 'RECORD' && record) lines.get(String(record['stream']))?.push(record['data'] as Row);
  }
  return { lines, messages };
}

const REPORT_STREAMS = [
  { stream: 'ads_reports_daily', file: DAILY },
  { stream: 'ads_reports_lifetime', file: LIFETIME },
  { stream: 'campaigns_audience_reports_by_country_daily', file: BY_COUNTRY },
] as const;

const ENTITY_STREAMS = [
  { stream: 'advertisers', file: 'advertiser-info.json' },
  { stream: 'advertiser_ids', file: 'oauth2-advertiser-get.json' },
  { stream: 'campaigns', file: 'campaign-get.json' },
  { stream: 'ads', file: 'ad-get.json' },
] as const;

function keyFields(stream: string): string[] {
  return STREAMS_BY_NAME.get(stream)?.primaryKey ?? [];
}

/** Error traces and warnings: a replay of well-formed answers has none. */
function failures(messages: Row[]): string[] {
  return messages.flatMap((m) => {
    const trace = m['trace'] as Row | undefined;
    const log = m['log'] as Row | undefined;
    if (m['type'] === 'TRACE' && trace?.['type'] === 'ERROR') return [String((trace['error'] as Row)['message'])];
    if (m['type'] === 'LOG' && /WARN|ERROR|FATAL/.test(String(log?.['level']))) return [String(log?.['message'])];
    return [];
  });
}

describe('replay of recorded TikTok answer shapes', () => {
  it('the fixtures hold the recordings\' kinds: every metric a string or null, ids 16/19-digit strings', () => {
    for (const { file } of REPORT_FIXTURES) {
      for (const row of rowsOf(file)) {
        for (const value of Object.values(row['metrics'] as Row)) expect(value === null || typeof value === 'string', file).toBe(true);
        for (const [name, value] of Object.entries(row['dimensions'] as Row)) {
          if (ID_FIELDS.has(name)) expect(String(value), `${file} ${name}`).toMatch(/^\d{16}$/);
          if (name === 'stat_time_day') expect(String(value)).toMatch(/^\d{4}-\d{2}-\d{2} 00:00:00$/);
        }
      }
    }
    expect(ADVERTISER_ID).toMatch(/^\d{19}$/);
    expect(Number.isSafeInteger(Number(ADVERTISER_ID))).toBe(false);
  });

  it('the schemas declare every id an integer, so records carry them as exact JSON integers', () => {
    for (const { stream } of [...REPORT_STREAMS, ...ENTITY_STREAMS]) {
      const fields = Object.keys((STREAMS_BY_NAME.get(stream)?.schema['properties'] ?? {}) as Record<string, unknown>);
      for (const id of fields.filter((f) => ID_FIELDS.has(f))) expect(declared(stream, [id]), `${stream}.${id}`).toBe('integer');
    }
  });

  describe.each(['records', 'lines'] as const)('read as %s', (mode) => {
    it('emits every entity field as answered, ids exact', async () => {
      const s = await stub();
      const { lines, messages } = await replay(s.url, ENTITY_STREAMS.map((e) => e.stream), mode);
      expect(s.problems).toEqual([]);
      expect(failures(messages)).toEqual([]);
      for (const { stream, file } of ENTITY_STREAMS) {
        const key = keyFields(stream);
        const expected = byKey(rowsOf(file).map(entityExpectation), key);
        expect(expected.length, file).toBeGreaterThan(0);
        expect(byKey(lines.get(stream) ?? [], key), stream).toStrictEqual(expected);
      }
      // The 19-digit advertiser id survives as an integer with every digit.
      const advertiser = lines.get('advertisers')?.[0];
      expect(advertiser?.['advertiser_id']).toBe(BigInt(ADVERTISER_ID));
    });

    it('emits every report row as recorded: metrics typed by the schema, nulls kept, zero-delivery rows kept', async () => {
      const s = await stub();
      const { lines, messages } = await replay(s.url, REPORT_STREAMS.map((r) => r.stream), mode);
      expect(s.problems).toEqual([]);
      expect(failures(messages)).toEqual([]);
      for (const { stream, file } of REPORT_STREAMS) {
        const key = keyFields(stream);
        const expected = byKey(rowsOf(file).map((row) => reportExpectation(stream, row)), key);
        expect(byKey(lines.get(stream) ?? [], key), stream).toStrictEqual(expected);
      }
      // Spot checks of what the generic expectation implies, in the recording's terms.
      const daily = lines.get('ads_reports_daily') ?? [];
      const zero = daily.find((r) => (r['metrics'] as Row)['impressions'] === 0 && (r['metrics'] as Row)['video_play_actions'] === 0);
      expect(zero, 'a zero-delivery row').toBeDefined();
      const zeroMetrics = (zero?.['metrics'] ?? {}) as Row;
      expect(zeroMetrics['spend']).toBe(0);
      expect(zeroMetrics['ctr']).toBe(0);
      expect(zeroMetrics['cost_per_result']).toBe(0);
      expect(zeroMetrics['secondary_goal_result']).toBeNull();
      expect(zeroMetrics['dpa_target_audience_type']).toBeNull();
      expect(typeof zeroMetrics['ad_name']).toBe('string');
      const lifetime = lines.get('ads_reports_lifetime') ?? [];
      expect(lifetime.filter((r) => (r['metrics'] as Row)['impressions'] === 0).length).toBeGreaterThan(0);
      expect(lifetime.every((r) => !('stat_time_day' in r))).toBe(true);
      for (const r of daily) expect(String(r['stat_time_day'])).toMatch(/^2026-11-0[23] 00:00:00$/);
    });

    it('a 40133 (one advertiser\'s QPS on one path, in TikTok\'s wording) before the first report query changes nothing', async () => {
      const streams = REPORT_STREAMS.map((r) => r.stream);
      const plain = await stub();
      const baseline = await replay(plain.url, streams, mode);
      const throttled = await stub((path, _params, nth) => (path === 'report/integrated/get/' && nth === 1 ? THROTTLED : undefined));
      const retried = await replay(throttled.url, streams, mode);
      expect(throttled.requests.filter((r) => r.answered === THROTTLED)).toHaveLength(1);
      expect(throttled.problems).toEqual([]);
      expect(failures(retried.messages)).toEqual([]);
      for (const { stream, file } of REPORT_STREAMS) {
        const key = keyFields(stream);
        const expected = byKey(rowsOf(file).map((row) => reportExpectation(stream, row)), key);
        expect(byKey(retried.lines.get(stream) ?? [], key), stream).toStrictEqual(expected);
        expect(byKey(retried.lines.get(stream) ?? [], key), stream).toStrictEqual(byKey(baseline.lines.get(stream) ?? [], key));
      }
    });

    it('a 40067 (query too large, in TikTok\'s wording) splits the window and yields the same rows', async () => {
      const s = await stub((path, params, nth) =>
        path === 'report/integrated/get/' && nth === 1 && params.get('start_date') === START && params.get('end_date') === END ? TOO_LARGE : undefined,
      );
      const { lines, messages } = await replay(s.url, ['ads_reports_daily'], mode);
      expect(s.problems).toEqual([]);
      expect(failures(messages)).toEqual([]);
      const reports = s.requests.filter((r) => r.path === 'report/integrated/get/');
      expect(reports[0]?.answered).toBe(TOO_LARGE);
      // After the refusal, no window spans both days again.
      for (const r of reports.slice(1)) expect(r.params.get('start_date')).toBe(r.params.get('end_date'));
      const key = keyFields('ads_reports_daily');
      expect(byKey(lines.get('ads_reports_daily') ?? [], key)).toStrictEqual(byKey(rowsOf(DAILY).map((row) => reportExpectation('ads_reports_daily', row)), key));
    });
  });
});
