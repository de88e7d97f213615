// Hostile and bad input, end to end through the built CLI: config, catalog, state, command line, destination
// URLs and API answers. Each case is one TRACE error with the right failure_type and a non-zero exit (or, where
// the input is survivable, a named and counted skip with exit 0), nothing on stdout but protocol messages, no
// stack, no secret, and — where a sink is involved — nothing wrong committed.

import { createServer } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config.ts';
import type { Emulator } from 'tiktok-emulator';
import { asConnectorError } from '../../src/errors.ts';
import { parseJsonLossless } from '../../src/json.ts';
import { parseCatalog } from '../../src/protocol/catalog.ts';
import { errorTraceMessage } from '../../src/protocol/messages.ts';
import { redact } from '../../src/secrets.ts';
import type { AirbyteMessage, FailureType } from '../../src/protocol/types.ts';
import { targetFromConfig, targetFromDestinationUrl } from '../../src/engines/registry.ts';
import { addDays } from '../../src/streams/dates.ts';
import { reconcileRoundedIds } from '../../src/streams/rounded-ids.ts';
import { PartitionCursors, parseState } from '../../src/streams/state.ts';
import { discover } from '../../src/source.ts';
import { type SyncResult, configuredCatalogFor, runSync } from '../../src/sync.ts';
import { TikTokApiError, toConnectorError } from '../../src/tiktok/errors.ts';
import { runTokenCommand } from '../../src/commands/token.ts';
import { CLI, type CliResult, ROOT, runCli, records, states, traces } from '../support/cli.ts';
import { APP_ID, SECRET, TOKEN, configFor, secretsIn } from '../support/credentials.ts';
import { EMULATOR_BIN, emulatedAdvertisers, emulator } from '../support/emulator.ts';
import { scratch } from '../support/files.ts';
import { listenLocal } from '../support/ports.ts';
import { freshSchema, passwordCheckingPostgres } from '../support/postgres.ts';
import { type ProcessOutput, runNode } from '../support/process.ts';
import { assertProtocol, protocolAvailable } from '../support/protocol.ts';
import { type Envelope, type Proxy, startProxy } from '../support/proxy.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

const files = scratch();
const DEAD_API = 'http://127.0.0.1:9';
const good = configFor(DEAD_API, { max_retries: 0 });
const emptyCatalog = files.json('empty-catalog.json', { streams: [] });
const goodConfig = files.json('good.json', good);

const STACK = /\n\s+at .+:\d+:\d+\)?/;

/** Everything a failing run must satisfy, whatever failed. */
function expectClean(result: CliResult): void {
  expect(result.stdout).not.toMatch(STACK);
  expect(result.stdout).not.toMatch(/^\s+at /m);
  expect(secretsIn(result.stdout, result.stderr)).toEqual([]);
}

/** One TRACE error of that class naming the problem, non-zero exit, no stack on stdout, no secret. */
function expectTraceError(result: CliResult, failureType: FailureType, mention: RegExp): string {
  expectClean(result);
  expect(result.code, result.stderr).not.toBe(0);
  const errors = traces(result.messages).flatMap((t) => (t.type === 'ERROR' && t.error ? [t.error] : []));
  expect(errors, result.stdout.slice(0, 2000)).toHaveLength(1);
  const [error] = errors;
  expect(error?.failure_type).toBe(failureType);
  expect(error?.message).toMatch(mention);
  // A message a person can read: a huge or binary input is never echoed back whole.
  expect(error?.message.length).toBeLessThan(2000);
  return error?.message ?? '';
}

const readWith = (config: unknown, catalog: string = emptyCatalog, state?: unknown): Promise<CliResult> =>
  runCli([
    'read',
    '--config',
    typeof config === 'string' ? config : files.json(`c-${Math.random().toString(36).slice(2)}.json`, config),
    '--catalog',
    catalog,
    ...(state === undefined ? [] : ['--state', files.json(`s-${Math.random().toString(36).slice(2)}.json`, state)]),
  ]);

const configured = (name: string, extra: Record<string, unknown> = {}) => ({
  stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
  sync_mode: 'incremental',
  destination_sync_mode: 'append_dedup',
  ...extra,
});
const catalogOf = (...streams: unknown[]) => files.json(`cat-${Math.random().toString(36).slice(2)}.json`, { streams });

/**
 * The TRACE the CLI would print for what `action` throws (the same conversion cli.ts makes), checked as an
 * Airbyte message; for inputs where one spawned CLI per case would cost seconds each.
 */
async function traceOf(action: () => unknown): Promise<{ failure_type: string; message: string; line: string }> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an error').toBeDefined();
  const connectorError = caught instanceof TikTokApiError ? toConnectorError(caught) : asConnectorError(caught);
  const line = JSON.stringify(errorTraceMessage(connectorError));
  if (protocolAvailable) assertProtocol(JSON.parse(line));
  expect(line).not.toMatch(/\\n\s+at /);
  expect(secretsIn(line)).toEqual([]);
  expect(connectorError.message.length).toBeLessThan(2000);
  return { failure_type: connectorError.failureType, message: connectorError.message, line };
}

async function expectError(action: () => unknown, failureType: FailureType, mention: RegExp): Promise<string> {
  const trace = await traceOf(action);
  expect(trace.failure_type, trace.message).toBe(failureType);
  expect(trace.message).toMatch(mention);
  return trace.message;
}

describe('config', () => {
  const cases: [string, unknown, RegExp][] = [
    ['credentials is a string', { ...good, credentials: 'oauth2.0' }, /credentials/],
    ['start_date is a number', { ...good, start_date: 20240101 }, /start_date must be string/],
    ['attribution_window is huge', { ...good, attribution_window: 1e300 }, /attribution_window must be <= 364/],
    ['max_concurrency is a string', { ...good, max_concurrency: '8' }, /max_concurrency must be integer/],
    ['requests_per_second is negative', { ...good, requests_per_second: -5 }, /requests_per_second/],
    ['request_timeout_seconds is zero', { ...good, request_timeout_seconds: 0 }, /request_timeout_seconds must be >= 1/],
    ['api_base_url has a control character', { ...good, api_base_url: 'http://127.0.0.1:9/\u0000x\n' }, /api_base_url has the wrong shape/],
    ['api_base_url is not http', { ...good, api_base_url: 'file:///etc/passwd' }, /api_base_url has the wrong shape/],
    [
      'advertiser_id is SQL',
      { ...good, credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: SECRET, access_token: TOKEN, advertiser_id: "7001'; DROP TABLE ads; --" } },
      /advertiser_id has the wrong shape/,
    ],
    ['start_date is a unicode lookalike', { ...good, start_date: '２０２４-０１-０１' }, /start_date has the wrong shape/],
    ['start_date is 5 MB long (the message stays short)', { ...good, start_date: '2024-01-01'.repeat(500_000) }, /start_date has the wrong shape/],
    [
      'custom report name with quotes and SQL',
      { ...good, custom_reports: [{ name: 'ads"; DROP SCHEMA public CASCADE; --', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day'], metrics: ['spend'] }] },
      /custom_reports\[0\].*name/,
    ],
    [
      'custom report name with unicode',
      { ...good, custom_reports: [{ name: 'rapport_été', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day'], metrics: ['spend'] }] },
      /custom_reports\[0\].*name/,
    ],
    [
      'custom report metric with a quote',
      { ...good, custom_reports: [{ name: 'quoted', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day'], metrics: ["spend'--"] }] },
      /custom_reports\[0\] "quoted".*spend'--/,
    ],
    ['a JSON string', 'just a string', /must be a JSON object, not a string/],
    ['null', null, /must be a JSON object, not null/],
    ['an access token with a line break (header injection)', { ...good, credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: SECRET, access_token: `${TOKEN}\r\nX-Evil: 1` } }, /credentials\.access_token contains/],
    ['a secret with a zero-width space', { ...good, credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: `${SECRET}\u200b`, access_token: TOKEN } }, /credentials\.secret contains/],
  ];
  for (const [name, config, mention] of cases) {
    it(name, async () => {
      await expectError(() => parseConfig(config), 'config_error', mention);
    });
  }

  it('a config file with a byte-order mark (Windows editors write one) is read', async () => {
    const path = files.text('bom.json', `\uFEFF${JSON.stringify({ ...good, attribution_window: -1 })}`);
    // It parses: the error is about the content, not "not valid JSON".
    await expectError(() => loadConfig(path), 'config_error', /attribution_window must be >= 0/);
  });

  it('deeply nested JSON is a config error, not a crash', async () => {
    const path = files.text('deep.json', `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    await expectError(() => loadConfig(path), 'config_error', /config file .* not valid JSON|must be a JSON object/);
  });
});

describe('catalog', () => {
  it('the same stream twice is a config error', async () => {
    await expectError(() => parseCatalog({ streams: [configured('campaigns'), configured('campaigns')] }), 'config_error', /"campaigns" is configured more than once/);
  });

  it('an unknown sync_mode', async () => {
    await expectError(() => parseCatalog({ streams: [configured('campaigns', { sync_mode: 'upsert' })] }), 'config_error', /sync_mode must be equal to one of/);
  });

  it('streams is an object', async () => {
    await expectError(() => parseCatalog({ streams: { campaigns: {} } }), 'config_error', /streams must be array/);
  });
});

describe('state', () => {
  const cursorsOf = (input: unknown) => () => new PartitionCursors('stat_time_day', parseState(input).get('ads_reports_daily'), 'ads_reports_daily');

  it('a state from another connector (Facebook Marketing) for a stream of this one', async () => {
    const facebook = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'ads_reports_daily' }, stream_state: { date_start: '2024-01-01', include_deleted: false } } }];
    await expectError(cursorsOf(facebook), 'config_error', /stream "ads_reports_daily".*"date_start".*another connector/);
  });

  it('a cursor that is not a date', async () => {
    await expectError(cursorsOf({ ads_reports_daily: { stat_time_day: 'yesterday' } }), 'config_error', /stream "ads_reports_daily".*"yesterday"/);
  });

  it('a cursor that is a number', async () => {
    await expectError(cursorsOf({ ads_reports_daily: { stat_time_day: 20240101 } }), 'config_error', /stat_time_day must be a string/);
  });

  it('states[] is a string', async () => {
    await expectError(cursorsOf({ ads_reports_daily: { states: 'all' } }), 'config_error', /"states" must be an array/);
  });

  it('an advertiser id with SQL in it', async () => {
    const bad = { ads_reports_daily: { states: [{ partition: { advertiser_id: "1' OR '1'='1" }, cursor: { stat_time_day: '2024-01-01' } }] } };
    await expectError(cursorsOf(bad), 'config_error', /advertiser_id \(digits\)/);
  });

  it('a state message with a null stream descriptor', async () => {
    await expectError(cursorsOf([{ type: 'STREAM', stream: { stream_descriptor: null } }]), 'config_error', /stream_descriptor\.name/);
  });

  it('the CDK\'s full-refresh marker is no state, not a foreign one', () => {
    expect(cursorsOf({ ads_reports_daily: { __ab_no_cursor_state_message: true } })().get('1')).toBeUndefined();
  });
});

describe('the CLI end to end', () => {
  it('a state from another connector: config_error before any request', async () => {
    const facebook = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'campaigns' }, stream_state: { updated_time: '2024-01-01T00:00:00+0000' } } }];
    const result = await readWith(goodConfig, catalogOf(configured('campaigns')), facebook);
    expectTraceError(result, 'config_error', /stream "campaigns".*"updated_time"/);
  });

  it('a stream name with quotes and SQL is skipped by name, counted, and nothing is read', async () => {
    const result = await readWith(goodConfig, catalogOf(configured('ads"; DROP TABLE ads; --'), configured('\u0000\u001b[31m')));
    expectClean(result);
    expect(result.code).toBe(0);
    expect(records(result.messages)).toEqual([]);
    const logs = result.messages.flatMap((m) => (m.type === 'LOG' ? [m.log] : []));
    expect(logs.some((l) => l.level === 'WARN' && l.message.includes('"ads"; DROP TABLE ads; --"'))).toBe(true);
    expect(logs.at(-1)?.message).toMatch(/skipped 2 \[stream "ads\\"; DROP TABLE ads; --" \(not a stream of this source\); stream "\\u0000\\u001b\[31m"/);
  });

  const cases: [string, string[], RegExp][] = [
    ['a missing flag value', ['read', '--config'], /argument missing|--config/],
    ['a stray positional argument', ['check', '--config', goodConfig, 'extra'], /Unexpected argument|positional/],
  ];
  for (const [name, args, mention] of cases) {
    it(name, async () => {
      expectTraceError(await runCli(args), 'config_error', mention);
    });
  }

  it('token without an auth code, or with an unknown flag', async () => {
    await expectError(() => runTokenCommand(['--app-id', APP_ID, '--secret', SECRET]), 'config_error', /auth-code|auth_code/);
    await expectError(() => runTokenCommand(['--app-id', APP_ID, '--secret', SECRET, '--auth-code']), 'config_error', /argument missing/);
  });

  it('commands for people (sync, the emulator\'s bin) say what is wrong in one line on stderr and exit non-zero', async () => {
    const sync = await runRaw(['sync', '--config', goodConfig, '--destination', 'postgres://x@127.0.0.1:9/db', '--full-refresh=yes']);
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/^Configuration error: Option '--full-refresh' does not take an argument/m);
    const emu = await runRaw(['--port', 'eighty'], EMULATOR_BIN);
    expect(emu.code).not.toBe(0);
    expect(emu.stderr).toMatch(/--port expects an integer, got "eighty"/);
    for (const run of [sync, emu]) expect(`${run.stdout}${run.stderr}`).not.toMatch(STACK);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Against the emulator: API answers, state for advertisers that are gone or were rounded, destination URLs.

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);
// Longer than the attribution window (3 days), so a resumed advertiser visibly does not start at START.
const START = addDays(END, -8);

let api: Emulator;
let ids: string[];
const proxies: Proxy[] = [];
beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: NOW, seed: 7 });
  ids = (await emulatedAdvertisers(api)).map((a) => String(a.advertiser_id));
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await api?.close();
});

async function stub(rules: Parameters<typeof startProxy>[1]): Promise<Proxy> {
  const proxy = await startProxy(api.url, rules);
  proxies.push(proxy);
  return proxy;
}
const windowConfig = (url: string) => configFor(url, { start_date: START, end_date: END, max_retries: 1 });

/** A server that answers one path with a raw body of its own (HTML, say) and forwards the rest. */
async function rawAnswer(path: RegExp, status: number, type: string, body: string): Promise<string> {
  const server = createServer((req, res) => {
    void (async () => {
      if (path.test(req.url ?? '')) {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers[k] = v;
      const upstream = await fetch(new URL(req.url ?? '/', api.url), {
        method: req.method ?? 'GET',
        headers,
        ...(req.method === 'GET' ? {} : { body: Buffer.concat(chunks) }),
      });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    })();
  });
  const url = await listenLocal(server);
  proxies.push({ url: '', seen: [], close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
  return url;
}

const logsOf = (messages: AirbyteMessage[], level?: string) =>
  messages.flatMap((m) => (m.type === 'LOG' && (level === undefined || m.log.level === level) ? [m.log.message] : []));
const summaryOf = (messages: AirbyteMessage[]) => logsOf(messages, 'INFO').find((l) => l.startsWith('Read summary')) ?? '';
const rewriteList = (path: string, change: (list: Record<string, unknown>[]) => unknown[]) => (r: { path: string }, envelope: Envelope): Envelope => {
  if (r.path !== path) return envelope;
  const data = envelope.data as { list: Record<string, unknown>[] };
  return { ...envelope, data: { ...data, list: change(data.list) } };
};

describe('API answers', () => {
  it('an advertiser/info/ without a time zone: read in UTC, with a WARN naming the advertiser', async () => {
    const proxy = await stub({
      rewrite: rewriteList('advertiser/info/', (list) => list.map((a) => (String(a['advertiser_id']) === ids[0] ? { ...a, timezone: undefined, display_timezone: undefined } : a))),
    });
    const { messages } = await readInProcess(windowConfig(proxy.url), ['advertisers_reports_daily']);
    expect(logsOf(messages, 'WARN').filter((w) => w.includes('no time zone'))).toEqual([expect.stringContaining(ids[0]!)]);
    expect(recordsOf(messages, 'advertisers_reports_daily').length).toBeGreaterThan(0);
  });

  it('HTML instead of JSON (a gateway error page): transient_error after retries, no record', async () => {
    const url = await rawAnswer(/campaign\/get/, 200, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>');
    const seen: AirbyteMessage[] = [];
    await expectError(() => readInProcess(windowConfig(url), ['campaigns'], { onMessage: (m) => void seen.push(m) }), 'transient_error', /answer is not valid JSON/);
    expect(seen.filter((m) => m.type === 'RECORD')).toEqual([]);
  });

  it('report rows with missing fields and wrong types are named and counted, never emitted', async () => {
    let broken = 0;
    const proxy = await stub({
      rewrite: rewriteList('report/integrated/get/', (list) =>
        list.map((row, i) => {
          if (i === 0) return (broken++, { metrics: row['metrics'] });
          if (i === 1) return (broken++, { ...row, dimensions: { ...(row['dimensions'] as object), stat_time_day: 20240101 } });
          return row;
        }),
      ),
    });
    const { messages } = await readInProcess(windowConfig(proxy.url), ['advertisers_reports_daily']);
    expect(broken).toBeGreaterThan(0);
    expect(summaryOf(messages)).toMatch(new RegExp(`unparsed report rows ${broken}\\b`));
    expect(logsOf(messages, 'WARN').filter((w) => w.includes('a row could not be read'))).toHaveLength(broken);
    expect(recordsOf(messages, 'advertisers_reports_daily').every((r) => typeof r['stat_time_day'] === 'string')).toBe(true);
  });

  it('a huge number in a metric stays exact', async () => {
    const proxy = await stub({
      rewrite: rewriteList('report/integrated/get/', (list) =>
        list.map((row) => ({ ...row, metrics: { ...(row['metrics'] as object), impressions: '123456789012345678901234567890' } })),
      ),
    });
    const { messages } = await readInProcess(windowConfig(proxy.url), ['advertisers_reports_daily']);
    const line = JSON.stringify(recordsOf(messages, 'advertisers_reports_daily')[0]);
    expect(line).toContain('123456789012345678901234567890');
  });

  it('a list that is not a list is an error naming the endpoint, never records made of its characters', async () => {
    const proxy = await stub({ answer: (r) => (r.path === 'campaign/get/' ? { code: 0, message: 'OK', data: { list: 'none', page_info: { page: 1, total_page: 1 } } } : undefined) });
    const seen: AirbyteMessage[] = [];
    await expectError(
      () => readInProcess(windowConfig(proxy.url), ['campaigns'], { onMessage: (m) => void seen.push(m) }),
      'transient_error',
      /campaign\/get\/ answered data\.list as string, not a list/,
    );
    expect(seen.filter((m) => m.type === 'RECORD')).toEqual([]);
  });
});

describe('state against the grant', () => {
  // The state as a tool that parsed the id as a JavaScript number wrote it back: the id's digits, rounded.
  const stateFor = (id: string, day: string) => [
    {
      type: 'STREAM',
      stream: {
        stream_descriptor: { name: 'advertisers_reports_daily' },
        stream_state: { states: [{ partition: { advertiser_id: JSON.rawJSON(id), parent_slice: {} }, cursor: { stat_time_day: day } }] },
      },
    },
  ];
  const throughJson = (state: unknown) => parseJsonLossless(JSON.stringify(state));
  const roundedOf = (id: string) => String(Number(id));
  // ids[1] ends in …0001: its rounded form prints differently (ids[0] ends in …0000 and prints back unchanged).
  const exact = () => ids[1]!;

  it('a state for an advertiser that is gone keeps its cursor, says so, and reads the others from start_date', async () => {
    const gone = '7999999999999999999';
    const { messages } = await readInProcess(windowConfig(api.url), ['advertisers_reports_daily'], { state: throughJson(stateFor(gone, END)) });
    expect(logsOf(messages, 'WARN').filter((w) => w.includes(gone))).toEqual([expect.stringMatching(/not among the 2 granted advertiser\(s\): its cursor is kept and not used/)]);
    expect(JSON.stringify(states(messages).at(-1))).toContain(gone);
    const days = recordsOf(messages, 'advertisers_reports_daily').map((r) => String(r['stat_time_day']).slice(0, 10));
    expect(days).toContain(START);
  });

  it('a rounded 19-digit id resumes the one granted advertiser it came from, with a WARN', async () => {
    const rounded = roundedOf(exact());
    expect(rounded).not.toBe(exact());
    const { messages } = await readInProcess(windowConfig(api.url), ['advertisers_reports_daily'], { state: throughJson(stateFor(rounded, END)) });
    expect(logsOf(messages, 'WARN').filter((w) => w.includes(rounded))).toEqual([expect.stringContaining(`a rounded form of ${exact()}`)]);
    // Resumed from the cursor (minus the attribution window), not from start_date.
    const days = recordsOf(messages, 'advertisers_reports_daily').filter((r) => String(r['advertiser_id']) === exact()).map((r) => String(r['stat_time_day']).slice(0, 10));
    expect(days.length).toBeGreaterThan(0);
    expect(days).not.toContain(START);
    const other = recordsOf(messages, 'advertisers_reports_daily').filter((r) => String(r['advertiser_id']) === ids[0]).map((r) => String(r['stat_time_day']).slice(0, 10));
    expect(other).toContain(START);
    const last = JSON.stringify(states(messages).at(-1));
    expect(last).toContain(exact());
    expect(last).not.toContain(rounded);
  });

  it('a rounded id that two granted advertisers round to is a config error naming both, before any report is read', async () => {
    const twin = twinOf(exact());
    const proxy = await stub({
      rewrite: rewriteList('oauth2/advertiser/get/', (list) => [...list, { advertiser_id: JSON.rawJSON(twin), advertiser_name: 'twin' }]),
    });
    const seen: AirbyteMessage[] = [];
    const message = await expectError(
      () => readInProcess(windowConfig(proxy.url), ['advertisers_reports_daily'], { state: throughJson(stateFor(roundedOf(exact()), END)), onMessage: (m) => void seen.push(m) }),
      'config_error',
      /rounded id/,
    );
    expect(message).toContain(exact());
    expect(message).toContain(twin);
    expect(seen.filter((m) => m.type === 'RECORD')).toEqual([]);
    expect(proxy.seen.filter((r) => r.path.startsWith('report/'))).toEqual([]);
  });

  it('rounding is only suspected for ids a double cannot hold, and an exact match always wins', () => {
    const cursors = new PartitionCursors('stat_time_day', { states: [
      { partition: { advertiser_id: '12345' }, cursor: { stat_time_day: '2024-01-01' } },
      { partition: { advertiser_id: '7001035076276388000' }, cursor: { stat_time_day: '2024-02-01' } },
    ] }, 's');
    expect(reconcileRoundedIds(cursors, ['12346', '7001035076276388000', '7001035076276387841'], 's')).toEqual([]);
    expect(cursors.get('7001035076276387841')).toBeUndefined();
  });
});

/** Another 19-digit id that a double cannot tell from `id`. */
function twinOf(id: string): string {
  for (let delta = 1n; delta < 4096n; delta++) {
    for (const candidate of [BigInt(id) + delta, BigInt(id) - delta]) {
      if (Number(candidate) === Number(id)) return String(candidate);
    }
  }
  throw new Error(`no twin for ${id}`);
}

/** Runs the CLI (or another script: the emulator's bin) where stdout is for people (sync): no protocol parsing. */
function runRaw(args: string[], script = CLI): Promise<ProcessOutput> {
  return runNode([script, ...args], { cwd: ROOT });
}

describe('destination URLs', () => {
  const cases: [string, string, string | undefined, RegExp][] = [
    ['a postgres URL with a port that is not a number', 'postgres://postgres@127.0.0.1:notaport/test', undefined, /not a valid URL/],
    ['another engine', 'mysql://root@127.0.0.1/db', undefined, /must start with postgres:\/\//],
    ['an unencoded @ and / in the password', 'postgres://me:p@ss/word@127.0.0.1/db', undefined, /"@" or "\/" after the host.*Percent-encode/],
    ['an unencoded # in the password', 'postgres://me:pa#ss@127.0.0.1/db', undefined, /not a valid URL.*Percent-encode/],
    ['a bigquery URL without a project', 'bigquery:///tiktok_ads', undefined, /project/],
    ['a bigquery dataset with a quote and a dash', "bigquery://my-project/tik'tok-ads", undefined, /not a BigQuery dataset name/],
    ['a bigquery URL with an unknown option', 'bigquery://my-project/ds?keyfile=/x.json', undefined, /Unknown option "keyfile"/],
    ['a bigquery load_mb that is not a number', 'bigquery://my-project/ds?load_mb=lots', undefined, /load_mb must be a number/],
    ['a schema name longer than Postgres allows', 'postgres://postgres@127.0.0.1:9/test', 'é'.repeat(40), /longer than Postgres allows/],
    ['a schema name with a NUL byte', 'postgres://postgres@127.0.0.1:9/test', 'a\u0000b', /non-empty name/],
  ];
  for (const [name, url, schema, mention] of cases) {
    it(name, async () => {
      await expectError(() => targetFromDestinationUrl(url, schema), 'config_error', mention);
    });
  }

  it('destination configs with wrong types (Airbyte destination-postgres and destination-bigquery shapes)', async () => {
    await expectError(() => targetFromConfig({ host: '127.0.0.1', port: '5432', database: 'db', username: 'u', password: 'pw-xyz-123' }), 'config_error', /port must be a whole number/);
    await expectError(() => targetFromConfig({ host: '127.0.0.1', database: ['db'], username: 'u' }), 'config_error', /database must be a string/);
    await expectError(() => targetFromConfig({ url: 'postgres://u:pw@127.0.0.1/db', analytics_views: 'yes' }), 'config_error', /analytics_views must be true or false/);
    await expectError(() => targetFromConfig({ project_id: 'p', dataset_id: 'd', checkpoint_seconds: -1 }), 'config_error', /checkpoint_seconds/);
    await expectError(() => targetFromConfig({ project_id: 'p', dataset_id: 'd', credentials_json: '{"type": "service_account", "private_key": ' }), 'config_error', /not JSON/);
    await expectError(() => targetFromConfig([]), 'config_error', /must be a JSON object/);
  });

  /** A sync in-process (the same runSync the CLI runs), its notes and error text captured for the secret checks. */
  async function syncTo(destination: string, schema?: string): Promise<{ result: SyncResult; text: string }> {
    const lines: string[] = [];
    const target = { ...targetFromDestinationUrl(destination, schema), views: false };
    const result = await runSync({ config: parseConfig(windowConfig(api.url)), target, streams: ['campaigns'], log: (line) => void lines.push(line) });
    return { result, text: `${lines.join('')}${result.error?.message ?? ''}${result.error?.internal ?? ''}${target.display}` };
  }

  it('a password with special characters, percent-encoded, connects; a wrong one is refused and commits nothing', async () => {
    const server = await passwordCheckingPostgres();
    const password = `p@ss:w/rd?#%&'" é${Math.random().toString(36).slice(2, 6)}`;
    const role = `hostile_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await admin.query(`create role ${role} login password ${admin.escapeLiteral(password)}`);
      await admin.query(`grant create on database postgres to ${role}`);
      const base = `postgres://${role}:%s@${server.host}:${server.port}/postgres`;
      const schema = `${role}_s`;
      const wrong = await syncTo(base.replace('%s', encodeURIComponent(`${password}x`)), schema);
      expect(wrong.result.ok).toBe(false);
      expect(wrong.result.error?.failureType).toBe('config_error');
      expect(wrong.result.error?.message).toMatch(/rejected the password/);
      expect(redact(wrong.text)).not.toContain(password);
      expect(redact(wrong.text)).not.toContain(encodeURIComponent(password));
      expect((await admin.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount).toBe(0);

      const right = await syncTo(base.replace('%s', encodeURIComponent(password)), schema);
      expect(right.result.error?.message).toBeUndefined();
      expect(right.result.ok).toBe(true);
      expect(redact(right.text)).not.toContain(password);
      expect(redact(right.text)).not.toContain(encodeURIComponent(password));
      const rows = await admin.query<{ n: number }>(`select count(*)::int as n from ${admin.escapeIdentifier(schema)}.campaigns`);
      expect(rows.rows[0]?.n).toBeGreaterThan(0);
      await admin.query(`drop schema ${admin.escapeIdentifier(schema)} cascade`);
    } finally {
      await admin.query(`drop owned by ${role}`).catch(() => undefined);
      await admin.query(`drop role if exists ${role}`).catch(() => undefined);
      await admin.end();
    }
  });

  it('a read-only destination (a user that may not create a schema) is a config error saying so, and nothing is committed', async () => {
    const server = await passwordCheckingPostgres();
    const role = `readonly_${Math.random().toString(36).slice(2, 8)}`;
    const password = `ro-${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await admin.query(`create role ${role} login password ${admin.escapeLiteral(password)}`);
      await admin.query(`revoke create on database postgres from public`);
      const schema = `${role}_s`;
      const { result, text } = await syncTo(`postgres://${role}:${password}@${server.host}:${server.port}/postgres`, schema);
      expect(result.ok).toBe(false);
      expect(result.error?.failureType).toBe('config_error');
      expect(result.error?.message).toMatch(new RegExp(`${role}|permission|privilege`, 'i'));
      expect(redact(text)).not.toContain(password);
      expect(result.streams.every((s) => s.committed === 0)).toBe(true);
      expect((await admin.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount).toBe(0);
    } finally {
      await admin.query(`drop owned by ${role}`).catch(() => undefined);
      await admin.query(`drop role if exists ${role}`).catch(() => undefined);
      await admin.end();
    }
  });

  it('a state table edited by hand into another shape stops the next sync with a config error; the rows stay as they were', async () => {
    const test = await freshSchema('hostile');
    try {
      const first = await syncTo(test.url, test.schema);
      expect(first.result.ok, first.result.error?.message).toBe(true);
      const before = await test.digest('campaigns', 'campaign_id');
      await test.query(`update ${test.schema}._sync_state set state = '{"modify_time": "last tuesday"}'::jsonb where stream_name = 'campaigns'`);
      const second = await syncTo(test.url, test.schema);
      expect(second.result.ok).toBe(false);
      expect(second.result.error?.failureType).toBe('config_error');
      expect(second.result.error?.message).toMatch(/stream "campaigns".*"last tuesday"/);
      expect(await test.digest('campaigns', 'campaign_id')).toBe(before);
      const [state] = await test.query<{ state: string }>(`select state::text as state from ${test.schema}._sync_state where stream_name = 'campaigns'`);
      expect(state?.state).toContain('last tuesday');
    } finally {
      await test.drop();
    }
  });

  it('sync --streams naming a stream with quotes and SQL is a config error listing the valid streams', async () => {
    await expectError(() => configuredCatalogFor(discover(), ['campaigns', "ads'; drop table ads; --"], false), 'config_error', /Unknown stream "ads'; drop table ads; --"\. Valid streams: /);
  });

  it('a schema named like an injection is a schema of that name, and nothing else changes', async () => {
    const test = await freshSchema('hostile');
    const schema = `${test.schema}"; drop table x; --`;
    try {
      const { result } = await syncTo(test.url, schema);
      expect(result.error?.message).toBeUndefined();
      expect(result.ok).toBe(true);
      const tables = await test.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1 order by 1', [schema]);
      expect(tables.map((t) => t.table_name)).toEqual(['_sync_state', 'campaigns']);
    } finally {
      await test.query(`drop schema if exists "${schema.replaceAll('"', '""')}" cascade`);
      await test.drop();
    }
  });

  it('an unreachable destination is a config error naming where, and nothing is read', async () => {
    const { result } = await syncTo('postgres://postgres@127.0.0.1:9/test');
    expect(result.ok).toBe(false);
    expect(result.error?.failureType).toBe('config_error');
    expect(result.error?.message).toMatch(/127\.0\.0\.1:9/);
    expect(result.streams.every((s) => s.received === 0 && s.committed === 0)).toBe(true);
  });
});
