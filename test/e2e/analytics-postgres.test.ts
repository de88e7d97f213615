// The analytics views in Postgres, after a real sync from the emulator: typed views sum to the raw JSON and to
// TikTok's own totals, names are joined, ids stay exact, '-' becomes NULL, and a new metric updates the view.

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Emulator } from 'tiktok-emulator';
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../../src/protocol/types.ts';
import { loadMessages } from '../../src/load/load-messages.ts';
import { targetFromUrl } from '../../src/engines/postgres/target.ts';
import { openPostgresSink } from '../../src/engines/postgres/postgres-sink.ts';
import { discover } from '../../src/source.ts';
import { viewsSql } from '../../src/commands/views.ts';
import { targetFromDestinationConfig } from '../../src/engines/postgres/destination-config.ts';
import { runSyncCommand } from '../../src/commands/sync.ts';
import { configuredCatalogFor, runSync } from '../../src/sync.ts';
import { configFor, TOKEN } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { repoScratch } from '../support/files.ts';
import { drain, freshSchema, REPO_ROOT, streamOf, type TestSchema } from '../support/postgres.ts';

const NOW = new Date('2026-10-01T12:00:00Z');
const START = '2026-09-22';
const AUDIENCE = 'campaigns_audience_reports_daily';
const STREAMS = ['advertisers', 'campaigns', 'ad_groups', 'ads', 'ads_reports_daily', 'campaigns_reports_daily', AUDIENCE];
const SUMMED = ['spend', 'impressions', 'clicks', 'conversion'] as const;

let api: Emulator;
let db: TestSchema;
const others: TestSchema[] = [];
const config = () => parseConfig(configFor(api.url, { start_date: START }));

beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: NOW });
  db = await freshSchema('views');
  const result = await runSync({ config: config(), target: targetFromUrl(db.url, db.schema), streams: STREAMS, log: () => undefined });
  expect(result.error?.message).toBeUndefined();
  expect(result.ok).toBe(true);
});
afterAll(async () => {
  await api?.close();
  await db?.drop();
  for (const schema of others) await schema.drop();
});

/** TikTok's own totals for one advertiser, asked of the emulator as any API user would (the oracle). */
async function tiktokTotals(advertiserId: string, dataLevel: string, dimensions: string[], endDate: string): Promise<Record<string, string>> {
  const params = new URLSearchParams({
    advertiser_id: advertiserId,
    report_type: 'BASIC',
    data_level: dataLevel,
    dimensions: JSON.stringify(dimensions),
    metrics: JSON.stringify([...SUMMED, 'ctr']),
    start_date: START,
    end_date: endDate,
    page_size: '1',
    enable_total_metrics: 'true',
  });
  const response = await fetch(`${api.url}/open_api/v1.3/report/integrated/get/?${params}`, { headers: { 'Access-Token': TOKEN } });
  const body = (await response.json()) as { code: number; message: string; data: { total_metrics: Record<string, string> } };
  expect(body.code, body.message).toBe(0);
  return body.data.total_metrics;
}

describe('typed views in Postgres', () => {
  it('creates a typed view per report stream and the ready views', async () => {
    const views = await db.query<{ name: string }>(`select table_name as name from information_schema.views where table_schema = $1 order by 1`, [db.schema]);
    expect(views.map((v) => v.name)).toEqual([
      'ad_performance_daily',
      'campaign_performance_daily',
      'campaign_spend_by_age_daily',
      'campaign_spend_by_gender_daily',
      'campaigns_audience_daily',
      'campaigns_daily',
      'ads_daily',
    ].sort());
    const types = await db.query<{ column_name: string; data_type: string }>(
      `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = 'ads_daily'
       and column_name in ('advertiser_id', 'ad_id', 'campaign_id', 'stat_time_day', 'spend', 'impressions', 'ctr', 'ad_name', 'currency') order by 1`,
      [db.schema],
    );
    // Every column says what it holds (psql \d+); ratios say how they are computed.
    const comments = await db.query<{ view: string; column: string; comment: string | null }>(
      `select c.relname as view, a.attname as column, col_description(c.oid, a.attnum) as comment
       from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid and a.attnum > 0
       where n.nspname = $1 and c.relkind = 'v'`,
      [db.schema],
    );
    expect(comments.filter((c) => c.comment === null)).toEqual([]);
    expect(comments.find((c) => c.view === 'campaign_performance_daily' && c.column === 'ctr')?.comment).toBe('Σclicks / Σimpressions × 100, recomputed from the sums; NULL when Σimpressions is 0.');
    expect(comments.find((c) => c.view === 'ads_daily' && c.column === 'spend')?.comment).toMatch(/^Cost, in the advertiser's currency\. From `metrics\.spend`\./);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.data_type]))).toEqual({
      ad_id: 'bigint', ad_name: 'text', advertiser_id: 'bigint', campaign_id: 'bigint', ctr: 'numeric', currency: 'text',
      impressions: 'bigint', spend: 'numeric', stat_time_day: 'date',
    });
  });

  it("sums to the raw JSON metrics and to TikTok's own totals", async () => {
    const s = db.schema;
    const typed = await db.query<Record<string, string>>(
      `select advertiser_id::text as advertiser_id, max(stat_time_day)::text as last_day, ${SUMMED.map((m) => `sum(${m})::text as ${m}`).join(', ')}
       from ${s}.ads_daily group by 1 order by 1`,
    );
    const raw = await db.query<Record<string, string>>(
      `select advertiser_id::text as advertiser_id, ${SUMMED.map((m) => `sum((metrics->>'${m}')::numeric)::text as ${m}`).join(', ')}
       from ${s}.ads_reports_daily group by 1 order by 1`,
    );
    expect(typed.length).toBe(2);
    expect(typed.map(({ last_day: _, ...sums }) => sums)).toEqual(raw);
    for (const row of typed) {
      const totals = await tiktokTotals(row['advertiser_id']!, 'AUCTION_AD', ['ad_id', 'stat_time_day'], '2026-10-02');
      for (const metric of SUMMED) expect(Number(row[metric]), `${metric} of ${row['advertiser_id']}`).toBeCloseTo(Number(totals[metric]), 2);
      expect(Number(row['spend'])).toBeGreaterThan(0);
      // The ready view's CTR is recomputed from sums, in percent as TikTok gives it ("1.09").
      const [ratio] = await db.query<{ ctr: string; cpm: string; spend: string }>(
        `select sum(clicks) * 100.0 / sum(impressions) as ctr, sum(spend) * 1000 / sum(impressions) as cpm, sum(spend) as spend
         from ${s}.ad_performance_daily where advertiser_id = $1`,
        [row['advertiser_id']],
      );
      expect(Number(ratio!.spend)).toBeCloseTo(Number(row['spend']), 2);
      expect(Math.abs(Number(ratio!.ctr) - Number(totals['ctr']))).toBeLessThanOrEqual(0.006);
    }
    // Per day and campaign, the ready view's ratios are the sums' ratios, not averages of the rows' ratios.
    const mismatched = await db.query(
      `select p.* from ${s}.campaign_performance_daily p
       join (select campaign_id, stat_time_day, sum(clicks) c, sum(impressions) i, sum(spend) sp, sum(conversion) cv from ${s}.campaigns_daily group by 1, 2) t
         on t.campaign_id = p.campaign_id and t.stat_time_day = p.date_day
       where p.ctr is distinct from t.c * 100 / nullif(t.i, 0) or p.cpc is distinct from t.sp / nullif(t.c, 0)
          or p.cpm is distinct from t.sp * 1000 / nullif(t.i, 0) or p.cpa is distinct from t.sp / nullif(t.cv, 0)`,
    );
    expect(mismatched).toEqual([]);
    const [count] = await db.query<{ n: number; ctr: number }>(`select count(*)::int as n, count(ctr)::int as ctr from ${s}.campaign_performance_daily`);
    expect(count!.ctr).toBeGreaterThan(0);
    expect(count!.n).toBe((await db.query<{ n: number }>(`select count(*)::int as n from ${s}.campaigns_reports_daily`))[0]!.n);
  });

  it('joins names, currency and time zone from the entity tables; ids stay exact', async () => {
    const s = db.schema;
    const [names] = await db.query<{ rows: number; named: number; wrong: number }>(
      `select count(*)::int as rows, count(v.ad_name)::int as named,
              count(*) filter (where v.ad_name is distinct from a.ad_name or v.campaign_name is distinct from c.campaign_name
                                  or v.adgroup_name is distinct from g.adgroup_name or v.currency is distinct from adv.currency
                                  or v.timezone is distinct from adv.timezone or v.advertiser_name is distinct from adv.name)::int as wrong
       from ${s}.ads_daily v join ${s}.ads a on a.ad_id = v.ad_id join ${s}.campaigns c on c.campaign_id = a.campaign_id
       join ${s}.ad_groups g on g.adgroup_id = a.adgroup_id join ${s}.advertisers adv on adv.advertiser_id = v.advertiser_id`,
    );
    const [total] = await db.query<{ n: number }>(`select count(*)::int as n from ${s}.ads_daily`);
    expect(names!.rows).toBe(total!.n);
    expect(names!.named).toBe(total!.n);
    expect(names!.wrong).toBe(0);
    const ids = await db.query<{ view: string; raw: string }>(
      `select distinct v.advertiser_id::text as view, r.advertiser_id::text as raw from ${s}.ads_daily v
       join ${s}.ads_reports_daily r on r.ad_id = v.ad_id and r.stat_time_day::date = v.stat_time_day`,
    );
    for (const id of ids) {
      expect(id.view).toMatch(/^\d{19}$/);
      expect(id.view).toBe(id.raw);
    }
    expect(ids.length).toBe(2);
  });

  it('pivots the audience breakdowns into columns that add up to the total', async () => {
    const s = db.schema;
    const [pivot] = await db.query<{ rows: number; off: number; spend: string }>(
      `select count(*)::int as rows, sum(spend)::text as spend,
              count(*) filter (where spend is distinct from coalesce(spend_male, 0) + coalesce(spend_female, 0) + coalesce(spend_none, 0) + coalesce(spend_other, 0)
                                 and spend is not null)::int as off
       from ${s}.campaign_spend_by_gender_daily`,
    );
    const [raw] = await db.query<{ spend: string; female: string }>(
      `select sum((metrics->>'spend')::numeric)::text as spend, sum((metrics->>'spend')::numeric) filter (where gender = 'FEMALE')::text as female from ${s}.${AUDIENCE}`,
    );
    expect(pivot!.rows).toBeGreaterThan(0);
    expect(pivot!.off).toBe(0);
    expect(pivot!.spend).toBe(raw!.spend);
    const [female] = await db.query<{ female: string }>(`select sum(spend_female)::text as female from ${s}.campaign_spend_by_gender_daily`);
    expect(female!.female).toBe(raw!.female);
  });

  it('pivot columns are 0 where a category has no rows that day, so they add up as written, never NULL', async () => {
    const s = db.schema;
    // A campaign-day with rows for one gender (and one age bucket) only: every other column of that day has no rows.
    const columns = (await db.query<{ name: string }>(
      `select column_name as name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`,
      [s, AUDIENCE],
    )).map((c) => c.name);
    const replaced: Record<string, string> = { _airbyte_raw_id: 'gen_random_uuid()', campaign_id: '1', stat_time_day: `'2020-01-01'`, gender: `'MALE'`, age: `'AGE_25_34'` };
    expect(columns).toEqual(expect.arrayContaining(Object.keys(replaced)));
    await db.query(
      `insert into ${s}.${AUDIENCE} (${columns.map((c) => `"${c}"`).join(', ')})
       select ${columns.map((c) => replaced[c] ?? `"${c}"`).join(', ')} from ${s}.${AUDIENCE} where (metrics->>'spend')::numeric > 0 limit 1`,
    );
    try {
      const splits = {
        campaign_spend_by_gender_daily: ['male', 'female', 'none', 'other'],
        campaign_spend_by_age_daily: ['age_13_17', 'age_18_24', 'age_25_34', 'age_35_44', 'age_45_54', 'age_55_100', 'other'],
      };
      for (const [view, parts] of Object.entries(splits)) {
        for (const metric of ['spend', 'impressions']) {
          const names = parts.map((part) => `${metric}_${part}`);
          const [check] = await db.query<{ rows: number; adds_up: number; nulls: number; lonely: string | null }>(
            `select count(*)::int as rows,
                    count(*) filter (where ${names.join(' + ')} = ${metric})::int as adds_up,
                    count(*) filter (where ${names.map((n) => `${n} is null`).join(' or ')})::int as nulls,
                    max(${names.join(' + ')}) filter (where campaign_id = 1)::text as lonely
             from ${s}.${view}`,
          );
          expect(check!.rows, view).toBeGreaterThan(1);
          expect(check!.nulls, `${view}: NULL ${metric} columns`).toBe(0);
          expect(check!.adds_up, `${view}: ${names.join(' + ')} = ${metric}`).toBe(check!.rows);
          expect(check!.lonely, view).not.toBeNull();
        }
      }
      // The columns keep their types: spend numeric, impressions bigint.
      const types = await db.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = 'campaign_spend_by_gender_daily'
         and column_name in ('spend', 'spend_male', 'spend_other', 'impressions', 'impressions_none') order by 1`,
        [s],
      );
      expect(Object.fromEntries(types.map((t) => [t.column_name, t.data_type]))).toEqual({
        impressions: 'bigint', impressions_none: 'bigint', spend: 'numeric', spend_male: 'numeric', spend_other: 'numeric',
      });
    } finally {
      await db.query(`delete from ${s}.${AUDIENCE} where campaign_id = 1`);
    }
  });

  it("turns '-', text and out-of-range values into NULL instead of failing the view", async () => {
    const s = db.schema;
    await db.query(
      `insert into ${s}.ads_reports_daily (_airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta, advertiser_id, ad_id, stat_time_day, metrics)
       values (gen_random_uuid(), now(), '{}', 7001035076276387841, 1, '2020-01-01', '{"spend": "-", "impressions": "abc", "clicks": "12", "ctr": "", "campaign_id": "99999999999999999999"}')`,
    );
    const rows = await db.query(`select advertiser_id::text, spend, impressions, clicks::int, ctr, campaign_id from ${s}.ads_daily where ad_id = 1`);
    expect(rows).toEqual([{ advertiser_id: '7001035076276387841', spend: null, impressions: null, clicks: 12, ctr: null, campaign_id: null }]);
    await db.query(`delete from ${s}.ads_reports_daily where ad_id = 1`);
  });
});

describe('views follow the schema', () => {
  it('a new metric in the schema updates the view (and the ready view over it) without breaking it', async () => {
    const s = db.schema;
    const before = await db.query<{ name: string; oid: number }>(
      VIEWS,
      [s],
    );
    const catalog = withExtraMetric(configuredCatalogFor(discover(config()), ['ads_reports_daily'], false), 'ads_reports_daily', 'gross_impressions');
    const row = { advertiser_id: JSON.rawJSON('7001035076276387841'), ad_id: 2, stat_time_day: '2020-01-02 00:00:00', metrics: { spend: 1.5, gross_impressions: 40 } };
    const sink = await openPostgresSink(targetFromUrl(db.url, s));
    try {
      await drain(loadMessages(sink, catalog, streamOf([record('ads_reports_daily', row)])));
      expect(sink.views?.created).toEqual(['ads_daily', 'ad_performance_daily']);
    } finally {
      await sink.close();
    }
    const [added] = await db.query<{ gross: string; spend: string }>(`select gross_impressions::text as gross, spend::text as spend from ${s}.ads_daily where ad_id = 2`);
    expect(added).toEqual({ gross: '40', spend: '1.5' });
    const [old] = await db.query<{ n: number; gross: number }>(`select count(*)::int as n, count(gross_impressions)::int as gross from ${s}.ads_daily`);
    expect(old!.gross).toBe(1);
    expect(old!.n).toBeGreaterThan(1);
    const [ready] = await db.query<{ spend: string }>(`select spend::text from ${s}.ad_performance_daily where ad_id = 2`);
    expect(ready?.spend).toBe('1.5');
    const after = await db.query<{ name: string; oid: number }>(
      VIEWS,
      [s],
    );
    // Only the two views over that stream were rebuilt (new objects); the others were left as they were.
    const changed = after.filter((view) => before.find((b) => b.name === view.name)?.oid !== view.oid).map((view) => view.name);
    expect(changed.sort()).toEqual(['ad_performance_daily', 'ads_daily']);
  });

  it('a sync whose schemas did not change leaves the views alone', async () => {
    const sink = await openPostgresSink(targetFromUrl(db.url, db.schema));
    try {
      await drain(loadMessages(sink, configuredCatalogFor(discover(config()), ['campaigns_reports_daily'], false), streamOf([])));
      expect(sink.views).toEqual({ created: [], unchanged: ['campaigns_daily', 'campaign_performance_daily'] });
    } finally {
      await sink.close();
    }
  });

  it('a custom report gets its typed view and pivots with no edit anywhere', async () => {
    const custom = await freshSchema('custom');
    others.push(custom);
    const report = { name: 'ads_by_gender_age_daily', report_type: 'AUDIENCE', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day', 'gender', 'age'], metrics: ['spend', 'impressions', 'clicks'] };
    const customConfig = parseConfig(configFor(api.url, { start_date: START, custom_reports: [report] }));
    const result = await runSync({ config: customConfig, target: targetFromUrl(custom.url, custom.schema), streams: [report.name], log: () => undefined });
    expect(result.error?.message).toBeUndefined();
    const views = await custom.query<{ name: string }>(`select table_name as name from information_schema.views where table_schema = $1 order by 1`, [custom.schema]);
    expect(views.map((v) => v.name)).toEqual(['ad_spend_by_age_daily', 'ad_spend_by_gender_daily', 'ads_by_gender_age_daily_typed']);
    const [sums] = await custom.query<{ spend: string; pivot: string; raw: string; n: number }>(
      `select (select sum(spend)::text from ${custom.schema}.ads_by_gender_age_daily_typed) as spend,
              (select sum(spend)::text from ${custom.schema}.ad_spend_by_gender_daily) as pivot,
              (select sum((metrics->>'spend')::numeric)::text from ${custom.schema}.${report.name}) as raw,
              (select count(*)::int from ${custom.schema}.ads_by_gender_age_daily_typed where gender is not null and age is not null) as n`,
    );
    expect(sums!.n).toBeGreaterThan(0);
    expect(sums!.spend).toBe(sums!.raw);
    expect(sums!.pivot).toBe(sums!.raw);
  });

  it("never replaces a view it did not make, and names a user's view that blocks a rebuild", async () => {
    const s = db.schema;
    await db.query(`create view ${s}.my_ad_spend as select ad_id, sum(spend) as spend from ${s}.ads_daily group by 1`);
    const catalog = withExtraMetric(configuredCatalogFor(discover(config()), ['ads_reports_daily'], false), 'ads_reports_daily', 'engaged_view');
    const sink = await openPostgresSink(targetFromUrl(db.url, s));
    try {
      await expect(drain(loadMessages(sink, catalog, streamOf([])))).rejects.toThrow(/View .*\.ads_daily must be rebuilt .* other views depend on it: .*my_ad_spend/);
    } finally {
      await sink.close();
      await db.query(`drop view ${s}.my_ad_spend`);
    }
    // The failed rebuild left the old view whole.
    expect(await db.query(`select count(*)::int as n from ${s}.ads_daily`)).toEqual(await db.query(`select count(*)::int as n from ${s}.ads_reports_daily`));

    const own = await freshSchema('own');
    others.push(own);
    await own.query(`create schema ${own.schema}`);
    await own.query(`create view ${own.schema}.campaigns_daily as select 1 as mine`);
    const other = await openPostgresSink(targetFromUrl(own.url, own.schema));
    try {
      const reports = configuredCatalogFor(discover(config()), ['campaigns_reports_daily'], false);
      await expect(drain(loadMessages(other, reports, streamOf([])))).rejects.toThrow(/has a view "campaigns_daily" that this connector did not create/);
    } finally {
      await other.close();
    }
    expect(await own.query(`select * from ${own.schema}.campaigns_daily`)).toEqual([{ mine: 1 }]);
  });

  it('a relation it did not create that holds a view\'s name skips that view (and those over it) with one warning, never a crash', async () => {
    const taken = await freshSchema('taken');
    others.push(taken);
    await taken.query(`create schema ${taken.schema}`);
    await taken.query(`create materialized view ${taken.schema}.campaigns_daily as select 1 as mine`);
    const lines: string[] = [];
    const sink = await openPostgresSink(targetFromUrl(taken.url, taken.schema), { log: (line) => lines.push(line) });
    try {
      await drain(loadMessages(sink, configuredCatalogFor(discover(config()), ['campaigns_reports_daily'], false), streamOf([])));
      expect(sink.views).toEqual({ created: [], unchanged: [], skipped: ['campaigns_daily', 'campaign_performance_daily'] });
    } finally {
      await sink.close();
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^WARN analytics view \w+\.campaigns_daily skipped: the schema has a materialized view of that name that this connector did not create/);
    expect(await taken.query(`select * from ${taken.schema}.campaigns_daily`)).toEqual([{ mine: 1 }]);
  });

  it('without entity tables the views keep their name columns, NULL; --no-views makes none, the views command makes them', async () => {
    const bare = await freshSchema('bare');
    others.push(bare);
    const result = await runSync({ config: config(), target: targetFromUrl(bare.url, bare.schema), streams: ['campaigns_reports_daily'], log: () => undefined });
    expect(result.ok).toBe(true);
    const [row] = await bare.query<{ n: number; named: number; currency: number; spend: number }>(
      `select count(*)::int as n, count(campaign_name)::int as named, count(currency)::int as currency, count(spend)::int as spend from ${bare.schema}.campaigns_daily`,
    );
    expect(row!.n).toBeGreaterThan(0);
    expect(row!.spend).toBe(row!.n);
    // campaign names ride along in the report's metrics; currency needs the advertisers table.
    expect(row!.named).toBe(row!.n);
    expect(row!.currency).toBe(0);

    const off = await freshSchema('noviews');
    others.push(off);
    const dir = repoScratch(REPO_ROOT, 'views-');
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(configFor(api.url, { start_date: START })));
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const quietErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await runSyncCommand(['--config', configPath, '--destination', off.url, '--schema', off.schema, '--streams', 'campaigns_reports_daily', '--no-views']);
      expect(code).toBe(0);
    } finally {
      quiet.mockRestore();
      quietErr.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await off.query(`select count(*)::int as n from ${off.schema}.campaigns_reports_daily`)).not.toEqual([{ n: 0 }]);
    expect(await off.query(`select table_name from information_schema.views where table_schema = $1`, [off.schema])).toEqual([]);
    // The views command prints the same views as a psql script; a later sync recognises them as its own.
    const script = await viewsSql(off.url, off.schema, undefined);
    expect(script).toMatch(/^begin;\ndrop view if exists "noviews_\w+"\."campaign_performance_daily";/);
    await off.query(script);
    const sink = await openPostgresSink(targetFromUrl(off.url, off.schema));
    try {
      await drain(loadMessages(sink, configuredCatalogFor(discover(config()), ['campaigns_reports_daily'], false), streamOf([])));
      expect(sink.views).toEqual({ created: [], unchanged: ['campaigns_daily', 'campaign_performance_daily'] });
    } finally {
      await sink.close();
    }
    expect((await off.query<{ n: number }>(`select count(*)::int as n from ${off.schema}.campaign_performance_daily`))[0]!.n).toBeGreaterThan(0);
    // The destination's switch: analytics_views in its config.
    expect(targetFromDestinationConfig({ url: off.url, analytics_views: false }).views).toBe(false);
    expect(targetFromDestinationConfig({ url: off.url }).views).toBe(true);
    expect(() => targetFromDestinationConfig({ url: off.url, analytics_views: 'no' })).toThrow(/analytics_views must be true or false/);
  });
});

const VIEWS = `select c.relname as name, c.oid::int as oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = $1 and c.relkind = 'v' order by 1`;

function withExtraMetric(catalog: ConfiguredAirbyteCatalog, stream: string, metric: string): ConfiguredAirbyteCatalog {
  return {
    streams: catalog.streams.map((configured) => {
      if (configured.stream.name !== stream) return configured;
      const properties = configured.stream.json_schema['properties'] as Record<string, { properties: Record<string, unknown> }>;
      const metrics = properties['metrics']!;
      const json_schema = { ...configured.stream.json_schema, properties: { ...properties, metrics: { ...metrics, properties: { ...metrics.properties, [metric]: { type: ['null', 'integer'] } } } } };
      return { ...configured, stream: { ...configured.stream, json_schema } };
    }),
  };
}

function record(stream: string, data: Record<string, unknown>): AirbyteMessage {
  return { type: 'RECORD', record: { stream, data, emitted_at: Date.now() } };
}
