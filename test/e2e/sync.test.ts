import { repoScratch } from '../support/files.ts';
// `sync` end to end: the emulator, the real source, the Postgres sink.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Emulator } from 'tiktok-emulator';
import { discover } from '../../src/source.ts';
import { targetFromUrl } from '../../src/engines/postgres/target.ts';
import { configuredCatalogFor, runSync } from '../../src/sync.ts';
import { configFor, SECRET, secretsIn, TOKEN } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { syncProcess as runSyncProcess } from '../support/sync-process.ts';
import { freshSchema, passwordCheckingPostgres, REPO_ROOT, type TestSchema } from '../support/postgres.ts';

const NOW = new Date('2026-10-01T12:00:00Z');
const START = '2026-09-22';
const STREAMS = ['advertisers', 'campaigns', 'ads', 'ads_reports_daily', 'advertisers_reports_daily'];

let api: Emulator;
let dir: string;
const schemas: TestSchema[] = [];

beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: NOW });
  dir = repoScratch(REPO_ROOT, 'sync-');
});
afterAll(async () => {
  await api?.close();
  for (const schema of schemas) await schema.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function schema(prefix: string): Promise<TestSchema> {
  const created = await freshSchema(prefix);
  schemas.push(created);
  return created;
}

const config = () => parseConfig(configFor(api.url, { start_date: START }));

async function counts(db: TestSchema): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const stream of STREAMS) {
    out[stream] = (await db.query<{ n: number }>(`select count(*)::int as n from ${db.schema}.${stream}`))[0]!.n;
  }
  return out;
}

async function digests(db: TestSchema): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const stream of STREAMS) out[stream] = await db.digest(stream, 'row_text');
  return out;
}

describe('sync into Postgres', () => {
  it('loads the streams, then continues incrementally from the state stored in the destination', async () => {
    const db = await schema('sync');
    const target = targetFromUrl(db.url, db.schema);
    const log: string[] = [];
    const first = await runSync({ config: config(), now: () => NOW, target, streams: STREAMS, log: (line) => log.push(line) });
    expect(first.error?.message).toBeUndefined();
    expect(first.ok).toBe(true);
    const loaded = await counts(db);
    // No secret may reach a table, the state table included.
    for (const table of [...STREAMS, '_sync_state']) {
      for (const secret of [TOKEN, SECRET]) {
        const [hit] = await db.query<{ n: number }>(`select count(*)::int as n from ${db.schema}.${table} t where t::text like $1`, [`%${secret}%`]);
        expect(hit?.n, `${secret} in ${table}`).toBe(0);
      }
    }
    for (const stream of first.streams) {
      expect(stream.committed, stream.name).toBe(stream.received);
      expect(loaded[stream.name], stream.name).toBe(stream.committed);
      expect(stream.committed, stream.name).toBeGreaterThan(0);
    }
    expect(first.streams.map((s) => [s.name, s.disposition])).toEqual([
      ['advertisers', 'overwrite'],
      ['campaigns', 'append_dedup'],
      ['ads', 'append_dedup'],
      ['ads_reports_daily', 'append_dedup'],
      ['advertisers_reports_daily', 'append_dedup'],
    ]);
    // Ids are exact 19-digit bigints; report times are the advertiser's local midnight, as TikTok gives them.
    const [ad] = await db.query<{ ad_id: string; stat_time_day: string; spend: string | null }>(
      `select ad_id::text, stat_time_day::text, metrics->>'spend' as spend from ${db.schema}.ads_reports_daily order by ad_id, stat_time_day limit 1`,
    );
    expect(ad?.ad_id).toMatch(/^\d{16,19}$/);
    expect(ad?.stat_time_day).toBe(`${START} 00:00:00`);
    const joined = await db.query(
      `select count(*)::int as n from ${db.schema}.ads_reports_daily r join ${db.schema}.ads a on a.ad_id = r.ad_id`,
    );
    expect(joined).toEqual([{ n: loaded['ads_reports_daily'] }]);
    const stored = await db.query<{ stream_name: string }>(`select stream_name from ${db.schema}._sync_state order by 1`);
    expect(stored.map((row) => row.stream_name)).toEqual(['ads', 'ads_reports_daily', 'advertisers', 'advertisers_reports_daily', 'campaigns']);

    const before = await digests(db);
    const second = await runSync({ config: config(), now: () => NOW, target, streams: STREAMS, log: () => undefined });
    expect(second.ok).toBe(true);
    // Incremental: the reports re-read only their lookback window, and merging adds no duplicates.
    const reports = second.streams.find((s) => s.name === 'ads_reports_daily')!;
    expect(reports.received).toBeGreaterThan(0);
    expect(reports.received).toBeLessThan(first.streams.find((s) => s.name === 'ads_reports_daily')!.received);
    // The source and the emulator share one clock: the last days read are the emulator's last days.
    const [latest] = await db.query<{ day: string }>(`select max(stat_time_day)::date::text as day from ${db.schema}.advertisers_reports_daily`);
    expect(latest?.day! >= '2026-09-30').toBe(true);
    expect(await counts(db)).toEqual(loaded);
    expect(await digests(db)).toEqual(before);
  });

  it('--full-refresh replaces the tables and their state', async () => {
    const db = await schema('full');
    const target = targetFromUrl(db.url, db.schema);
    await runSync({ config: config(), now: () => NOW, target, streams: ['campaigns'], log: () => undefined });
    await db.query(`insert into ${db.schema}.campaigns (_airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta, campaign_id) values (gen_random_uuid(), now(), '{}', 1)`);
    await db.query(`update ${db.schema}._sync_state set state = '{"stale": true}'`);
    const result = await runSync({ config: config(), now: () => NOW, target, streams: ['campaigns'], fullRefresh: true, log: () => undefined });
    expect(result.ok).toBe(true);
    expect(result.streams[0]?.disposition).toBe('overwrite');
    expect(await db.query(`select count(*)::int as n from ${db.schema}.campaigns where campaign_id = 1`)).toEqual([{ n: 0 }]);
    const [state] = await db.query<{ state: Record<string, unknown> }>(`select state from ${db.schema}._sync_state`);
    expect(state?.state['stale']).toBeUndefined();
    expect(state?.state['states']).toBeDefined();
  });

  it('names the valid streams when asked for one that does not exist', () => {
    expect(() => configuredCatalogFor(discover(), ['campaigns', 'nope'], false)).toThrow(/Unknown stream "nope"\. Valid streams: .*campaigns/);
  });

  it('fails a sync into a wrong password with exit code 1 and the password masked', async () => {
    const server = await passwordCheckingPostgres();
    const url = `postgres://postgres:wrong-password-123@${server.host}:${server.port}/postgres`;
    const run = await syncProcess(['--destination', url, '--streams', 'campaigns']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Configuration error: Postgres rejected the password for user "postgres"/);
    expect(run.stdout + run.stderr).not.toContain('wrong-password-123');
    expect(secretsIn(run.stdout, run.stderr)).toEqual([]);
  });

  it('prints progress on stderr and a summary on stdout', async () => {
    const db = await schema('cli');
    const run = await syncProcess(['--destination', db.url, '--schema', db.schema, '--streams', 'campaigns,ads']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Synced: \d+ rows into schema/);
    expect(run.stdout).toMatch(/campaigns\s+append_dedup\s+\d+\s+ok/);
    expect(secretsIn(run.stdout, run.stderr)).toEqual([]);
  });

  it('kill -9 in the middle, then a re-run, equals one uninterrupted run', async () => {
    const reference = await schema('ref');
    const clean = await syncProcess(['--destination', reference.url, '--schema', reference.schema, '--streams', STREAMS.join(',')]);
    expect(clean.code, clean.stderr).toBe(0);
    const crashed = await schema('crash');
    // Kill points by the streams whose state is stored (5 streams: each point can fire); a slow API (5 requests
    // a second) keeps every run long enough to be killed where it was meant to be.
    const killedAt: number[] = [];
    for (const afterStates of [1, 3, 4]) {
      const run = await syncProcess(['--destination', crashed.url, '--schema', crashed.schema, '--streams', STREAMS.join(',')], async () => {
        const rows = await crashed.query<{ n: number }>(`select count(*)::int as n from ${crashed.schema}._sync_state`).catch(() => [{ n: 0 }]);
        return rows[0]!.n >= afterStates;
      }, { requests_per_second: 5 });
      if (run.signal === 'SIGKILL') killedAt.push(afterStates);
    }
    expect(killedAt).toEqual([1, 3, 4]);
    const finish = await syncProcess(['--destination', crashed.url, '--schema', crashed.schema, '--streams', STREAMS.join(',')]);
    expect(finish.code, finish.stderr).toBe(0);
    expect(await digests(crashed)).toEqual(await digests(reference));
  });
});

/** `sync` in a child process (as a user runs it), on the emulator's clock; with `killWhen`, SIGKILLed as soon as it holds. */
function syncProcess(args: string[], killWhen?: () => Promise<boolean>, extraConfig: Record<string, unknown> = {}) {
  return runSyncProcess({
    dir,
    config: configFor(api.url, { start_date: START, ...extraConfig }),
    args,
    env: { TIKTOK_SOURCE_NOW: NOW.toISOString() },
    pollMs: 20,
    ...(killWhen ? { killWhen } : {}),
  });
}
