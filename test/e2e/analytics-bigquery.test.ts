// The analytics views' BigQuery SQL, run on the local BigQuery endpoint (every statement checked by ZetaSQL,
// BigQuery's own analyzer, then run on DuckDB) after a real sync: sums equal the raw JSON and TikTok's totals,
// names are joined, ids exact, '-' is NULL, and a new metric keeps the SQL valid. The sync itself leaves the views
// in the dataset; the value checks run each view's SELECT as a query (a ready view with its typed view inlined),
// so a changed schema can be tried without a sync.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryView, bigQueryViewStatements, bigQueryViews } from '../../src/engines/bigquery/view-sql.ts';
import { viewsSql } from '../../src/commands/views.ts';
import { parseConfig } from '../../src/config.ts';
import type { Emulator } from 'tiktok-emulator';
import type { ConfiguredAirbyteCatalog } from '../../src/protocol/types.ts';
import { targetFromDestinationUrl } from '../../src/engines/registry.ts';
import { sinkStreamsOf } from '../../src/load/sink.ts';
import { discover } from '../../src/source.ts';
import { configuredCatalogFor, runSync } from '../../src/sync.ts';
import { localBigQuery, type LocalBigQueryForTests } from '../support/bigquery.ts';
import { configFor, TOKEN } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';

const START = '2026-09-25';
const DATASET = 'analytics_views';
const STREAMS = ['advertisers', 'campaigns', 'ad_groups', 'ads', 'ads_reports_daily', 'campaigns_audience_reports_daily'];

let api: Emulator;
let local: LocalBigQueryForTests;
let views: BigQueryView[];
const config = () => parseConfig(configFor(api.url, { start_date: START }));
const catalog = (): ConfiguredAirbyteCatalog => configuredCatalogFor(discover(config()), STREAMS, false);

beforeAll(async () => {
  api = await emulator({ advertisers: 1, now: new Date('2026-10-01T12:00:00Z') });
  local = await localBigQuery();
  const url = `bigquery://${local.projectId}/${DATASET}?api_endpoint=${encodeURIComponent(local.url)}&token=tok-bq-views`;
  const result = await runSync({ config: config(), target: targetFromDestinationUrl(url), streams: STREAMS, log: () => undefined });
  expect(result.error?.message).toBeUndefined();
  views = bigQueryViews(sinkStreamsOf(catalog()), local.projectId, DATASET);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await local?.close();
});

async function rows(query: string): Promise<Record<string, unknown>[]> {
  const [job] = await local.client().createQueryJob({ query });
  const [result] = await job.getQueryResults({ wrapIntegers: { integerTypeCastFunction: String } });
  return (result as Record<string, unknown>[]).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
}

/** NUMERIC cells come back as Big objects: compare them as text. */
function plain(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'toFixed' in value ? String(value) : value;
}

/** A view's SELECT, a ready view's with the typed view it reads inlined. */
function selectOf(name: string, from: BigQueryView[] = views): string {
  const view = from.find((v) => v.view === name);
  if (view === undefined) throw new Error(`no view ${name}`);
  return view.reads === undefined ? view.select : view.select.replace(view.reads.reference, `(${selectOf(view.reads.view, from)}) AS typed`);
}

const table = (name: string) => `\`${local.projectId}.${DATASET}.${name}\``;

describe('analytics views in BigQuery', () => {
  it('a bigquery sync leaves the views in the dataset, typed and ready, queryable by name (and --no-views none)', async () => {
    const [tables] = await local.client().dataset(DATASET).getTables();
    const kinds = new Map(await Promise.all(tables.map(async (t) => [t.id!, String((await t.getMetadata())[0].type)] as const)));
    for (const view of views) expect(kinds.get(view.view), view.view).toBe('VIEW');
    const [typed] = await rows(`SELECT COUNT(*) AS n FROM ${table('ads_daily')}`);
    const [raw] = await rows(`SELECT COUNT(*) AS n FROM ${table('ads_reports_daily')}`);
    expect(Number(typed?.['n'])).toBe(Number(raw?.['n']));
    expect(Number(raw?.['n'])).toBeGreaterThan(0);
    const performance = views.find((v) => v.reads !== undefined && v.view.endsWith('_performance_daily'));
    expect(performance).toBeDefined();
    const ready = await rows(`SELECT SUM(spend) AS spend FROM ${table(performance!.view)}`);
    expect(Number(ready[0]?.['spend'])).toBeGreaterThan(0);
    // Turned off: a sync into another dataset with --no-views (views: false) makes tables only.
    const url = `bigquery://${local.projectId}/no_views?api_endpoint=${encodeURIComponent(local.url)}&token=tok-bq-views`;
    const off = await runSync({ config: config(), target: { ...targetFromDestinationUrl(url), views: false }, streams: ['ads', 'ads_reports_daily'], log: () => undefined });
    expect(off.error?.message).toBeUndefined();
    const [plainTables] = await local.client().dataset('no_views').getTables();
    const plainKinds = await Promise.all(plainTables.map(async (t) => String((await t.getMetadata())[0].type)));
    expect(plainKinds.filter((k) => k === 'VIEW')).toEqual([]);
    expect(plainKinds.length).toBeGreaterThan(0);
  });

  it("a table it did not create that holds a view's name skips that view and the ready view over it, one WARN each, the sync goes on", async () => {
    const dataset = 'taken_names';
    await local.client().createDataset(dataset);
    // The user's own table where the typed view campaigns_daily would go, with a row of theirs.
    await local.client().query({ query: `CREATE TABLE \`${local.projectId}.${dataset}.campaigns_daily\` (mine INT64); INSERT INTO \`${local.projectId}.${dataset}.campaigns_daily\` (mine) VALUES (1)` });
    const lines: string[] = [];
    const url = `bigquery://${local.projectId}/${dataset}?api_endpoint=${encodeURIComponent(local.url)}&token=tok-bq-views`;
    const result = await runSync({ config: config(), target: targetFromDestinationUrl(url), streams: ['campaigns', 'campaigns_reports_daily'], log: (line) => lines.push(line) });
    expect(result.error?.message).toBeUndefined();
    expect(result.ok).toBe(true);
    const warnings = lines.filter((line) => line.startsWith('WARN analytics view'));
    expect(warnings).toEqual([
      `WARN analytics view ${dataset}.campaigns_daily skipped: the dataset has a table of that name that this connector did not create; rename it to get the view.\n`,
      `WARN analytics view ${dataset}.campaign_performance_daily skipped: it reads campaigns_daily, which was skipped.\n`,
    ]);
    // Theirs untouched, the streams loaded, and neither view made.
    expect(await rows(`SELECT mine FROM \`${local.projectId}.${dataset}.campaigns_daily\``)).toEqual([{ mine: '1' }]);
    const [tables] = await local.client().dataset(dataset).getTables();
    const kinds = new Map(await Promise.all(tables.map(async (t) => [t.id!, String((await t.getMetadata())[0].type)] as const)));
    expect(kinds.get('campaigns_daily')).toBe('TABLE');
    expect(kinds.has('campaign_performance_daily')).toBe(false);
    expect(kinds.get('campaigns_reports_daily')).toBe('TABLE');
    const [loaded] = await rows(`SELECT COUNT(*) AS n FROM \`${local.projectId}.${dataset}.campaigns_reports_daily\``);
    expect(Number(loaded?.['n'])).toBeGreaterThan(0);
  });

  it('renders a CREATE OR REPLACE VIEW per view, typed views before the ready views over them', () => {
    const statements = bigQueryViewStatements(sinkStreamsOf(catalog()), local.projectId, DATASET);
    expect(statements.map((s) => /^CREATE OR REPLACE VIEW `[^`]+\.([a-z_]+)`/.exec(s)?.[1])).toEqual([
      'ads_daily', 'campaigns_audience_daily', 'ad_performance_daily', 'campaign_spend_by_gender_daily', 'campaign_spend_by_age_daily',
    ]);
    expect(statements[0]).toContain(`SAFE_CAST(JSON_VALUE(r.\`metrics\`, '$.spend') AS NUMERIC) as \`spend\``);
  });

  it('the views command prints those statements for the streams loaded in the dataset', async () => {
    const url = `bigquery://${local.projectId}/${DATASET}?api_endpoint=${encodeURIComponent(local.url)}&token=tok-bq-views`;
    const printed = await viewsSql(url, undefined, undefined);
    expect(printed).toBe(`${bigQueryViewStatements(sinkStreamsOf(catalog()), local.projectId, DATASET).map((statement) => `${statement};\n`).join('\n')}`);
  });

  it("typed sums equal the raw JSON and TikTok's own totals; the ready view's CTR is TikTok's", async () => {
    const [typed] = await rows(`SELECT CAST(SUM(spend) AS STRING) AS spend, SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(conversion) AS conversion,
      ANY_VALUE(CAST(advertiser_id AS STRING)) AS advertiser_id FROM (${selectOf('ads_daily')})`);
    const [raw] = await rows(`SELECT CAST(SUM(CAST(JSON_VALUE(metrics, '$.spend') AS NUMERIC)) AS STRING) AS spend,
      SUM(CAST(JSON_VALUE(metrics, '$.impressions') AS INT64)) AS impressions, SUM(CAST(JSON_VALUE(metrics, '$.clicks') AS INT64)) AS clicks,
      SUM(CAST(JSON_VALUE(metrics, '$.conversion') AS INT64)) AS conversion FROM ${table('ads_reports_daily')}`);
    const { advertiser_id: advertiserId, ...sums } = typed!;
    expect(sums).toEqual(raw);
    expect(Number(raw!['spend'])).toBeGreaterThan(0);
    const params = new URLSearchParams({
      advertiser_id: String(advertiserId), report_type: 'BASIC', data_level: 'AUCTION_AD', dimensions: JSON.stringify(['ad_id', 'stat_time_day']),
      metrics: JSON.stringify(['spend', 'impressions', 'clicks', 'conversion', 'ctr']), start_date: START, end_date: '2026-10-02', page_size: '1', enable_total_metrics: 'true',
    });
    const body = (await (await fetch(`${api.url}/open_api/v1.3/report/integrated/get/?${params}`, { headers: { 'Access-Token': TOKEN } })).json()) as { data: { total_metrics: Record<string, string> } };
    const totals = body.data.total_metrics;
    for (const metric of ['spend', 'impressions', 'clicks', 'conversion']) expect(Number(sums[metric]), metric).toBeCloseTo(Number(totals[metric]), 2);
    const [ready] = await rows(`SELECT CAST(SUM(spend) AS STRING) AS spend, SAFE_DIVIDE(SUM(clicks) * 100, SUM(impressions)) AS ctr FROM (${selectOf('ad_performance_daily')})`);
    expect(ready!['spend']).toBe(raw!['spend']);
    expect(Math.abs(Number(ready!['ctr']) - Number(totals['ctr']))).toBeLessThanOrEqual(0.006);
    // Per row, the ready view's ratios are those of its sums.
    const perRow = await rows(`SELECT clicks, impressions, ctr, spend, cpm FROM (${selectOf('ad_performance_daily')}) WHERE impressions > 0`);
    expect(perRow.length).toBeGreaterThan(0);
    for (const row of perRow) {
      expect(Number(row['ctr'])).toBeCloseTo((Number(row['clicks']) * 100) / Number(row['impressions']), 6);
      expect(Number(row['cpm'])).toBeCloseTo((Number(row['spend']) * 1000) / Number(row['impressions']), 6);
    }
  });

  it('joins names and currency from the entity tables; 19-digit ids exact', async () => {
    const joined = await rows(`SELECT CAST(advertiser_id AS STRING) AS advertiser_id, CAST(ad_id AS STRING) AS ad_id, ad_name, campaign_name, adgroup_name, currency FROM (${selectOf('ads_daily')})`);
    const ads = new Map((await rows(`SELECT CAST(ad_id AS STRING) AS ad_id, ad_name, campaign_name, adgroup_name FROM ${table('ads')}`)).map((row) => [row['ad_id'], row]));
    const campaigns = new Map((await rows(`SELECT campaign_name FROM ${table('campaigns')}`)).map((row) => [row['campaign_name'], true]));
    const [advertiser] = await rows(`SELECT CAST(advertiser_id AS STRING) AS advertiser_id, currency FROM ${table('advertisers')}`);
    expect(joined.length).toBeGreaterThan(0);
    for (const row of joined) {
      const ad = ads.get(row['ad_id']);
      expect(row['ad_name']).toBe(ad?.['ad_name']);
      expect(row['adgroup_name']).toBe(ad?.['adgroup_name']);
      expect(campaigns.has(row['campaign_name'])).toBe(true);
      expect(row['currency']).toBe(advertiser!['currency']);
      expect(row['advertiser_id']).toBe(advertiser!['advertiser_id']);
    }
    expect(String(advertiser!['advertiser_id'])).toMatch(/^\d{19}$/);
  });

  it('pivots gender into columns that add up to the total', async () => {
    const [pivot] = await rows(`SELECT CAST(SUM(spend) AS STRING) AS spend,
      CAST(SUM(IFNULL(spend_male, 0) + IFNULL(spend_female, 0) + IFNULL(spend_none, 0) + IFNULL(spend_other, 0)) AS STRING) AS parts,
      CAST(SUM(spend_female) AS STRING) AS female FROM (${selectOf('campaign_spend_by_gender_daily')})`);
    const [raw] = await rows(`SELECT CAST(SUM(CAST(JSON_VALUE(metrics, '$.spend') AS NUMERIC)) AS STRING) AS spend,
      CAST(SUM(IF(gender = 'FEMALE', CAST(JSON_VALUE(metrics, '$.spend') AS NUMERIC), NULL)) AS STRING) AS female FROM ${table('campaigns_audience_reports_daily')}`);
    expect(pivot).toEqual({ spend: raw!['spend'], parts: raw!['spend'], female: raw!['female'] });
    expect(Number(raw!['female'])).toBeGreaterThan(0);
  });

  it('pivot columns are 0 where a category has no rows that day, so they add up as written, never NULL', async () => {
    // A campaign-day with rows for one gender (and one age bucket) only, copied from a row with spend.
    const [source] = await local.client().dataset(DATASET).table('campaigns_audience_reports_daily').getMetadata();
    const columns = (source.schema.fields as { name: string }[]).map((field) => field.name);
    const replaced: Record<string, string> = {
      _airbyte_raw_id: `'lonely-row'`, campaign_id: '1', stat_time_day: `DATETIME '2020-01-01 00:00:00'`, gender: `'MALE'`, age: `'AGE_25_34'`,
    };
    expect(columns).toEqual(expect.arrayContaining(Object.keys(replaced)));
    await rows(`INSERT INTO ${table('campaigns_audience_reports_daily')} (${columns.map((c) => `\`${c}\``).join(', ')})
      SELECT ${columns.map((c) => replaced[c] ?? `\`${c}\``).join(', ')} FROM ${table('campaigns_audience_reports_daily')}
      WHERE CAST(JSON_VALUE(metrics, '$.spend') AS NUMERIC) > 0 LIMIT 1`);
    try {
      const splits = {
        campaign_spend_by_gender_daily: ['male', 'female', 'none', 'other'],
        campaign_spend_by_age_daily: ['age_13_17', 'age_18_24', 'age_25_34', 'age_35_44', 'age_45_54', 'age_55_100', 'other'],
      };
      for (const [view, parts] of Object.entries(splits)) {
        for (const metric of ['spend', 'impressions']) {
          const names = parts.map((part) => `${metric}_${part}`);
          // Through the view itself, as a user would query it.
          const [check] = await rows(`SELECT COUNT(*) AS n, COUNTIF(${names.join(' + ')} = ${metric}) AS adds_up,
            COUNTIF(${names.map((n) => `${n} IS NULL`).join(' OR ')}) AS null_rows,
            CAST(MAX(IF(campaign_id = 1, ${names.join(' + ')}, NULL)) AS STRING) AS lonely FROM ${table(view)}`);
          expect(Number(check!['n']), view).toBeGreaterThan(1);
          expect(check!['null_rows'], `${view}: NULL ${metric} columns`).toBe('0');
          expect(check!['adds_up'], `${view}: ${names.join(' + ')} = ${metric}`).toBe(check!['n']);
          expect(check!['lonely'], view).not.toBeNull();
        }
      }
      // The columns keep their types.
      const [typed] = await local.client().dataset(DATASET).table('campaign_spend_by_gender_daily').getMetadata();
      const types = Object.fromEntries((typed.schema.fields as { name: string; type: string }[]).map((field) => [field.name, field.type]));
      expect([types['spend'], types['spend_male'], types['spend_other'], types['impressions'], types['impressions_none']]).toEqual(['NUMERIC', 'NUMERIC', 'NUMERIC', 'INTEGER', 'INTEGER']);
    } finally {
      await rows(`DELETE FROM ${table('campaigns_audience_reports_daily')} WHERE _airbyte_raw_id = 'lonely-row'`);
    }
  });

  it("reads '-' and text metrics as NULL; a new metric in the schema keeps the SQL valid", async () => {
    await rows(`INSERT INTO ${table('ads_reports_daily')} (_airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta, advertiser_id, ad_id, stat_time_day, metrics)
      VALUES ('bad-row', CURRENT_TIMESTAMP(), JSON '{}', 7001035076276387841, 1, DATETIME '2020-01-01 00:00:00', JSON '{"spend": "-", "impressions": "abc", "clicks": "12"}')`);
    const bad = await rows(`SELECT CAST(advertiser_id AS STRING) AS advertiser_id, spend, impressions, clicks FROM (${selectOf('ads_daily')}) WHERE ad_id = 1`);
    expect(bad).toEqual([{ advertiser_id: '7001035076276387841', spend: null, impressions: null, clicks: '12' }]);
    const streams = sinkStreamsOf(catalog()).map((stream) => {
      if (stream.name !== 'ads_reports_daily') return stream;
      const properties = stream.jsonSchema['properties'] as Record<string, { properties: Record<string, unknown> }>;
      const metrics = { ...properties['metrics']!, properties: { ...properties['metrics']!.properties, gross_impressions: { type: ['null', 'integer'] } } };
      return { ...stream, jsonSchema: { ...stream.jsonSchema, properties: { ...properties, metrics } } };
    });
    const evolved = bigQueryViews(streams, local.projectId, DATASET);
    const [count] = await rows(`SELECT COUNT(*) AS n, COUNT(gross_impressions) AS gross FROM (${selectOf('ads_daily', evolved)})`);
    expect(Number(count!['n'])).toBeGreaterThan(1);
    expect(count!['gross']).toBe('0');
    await expect(rows(`SELECT COUNT(*) AS n FROM (${selectOf('ad_performance_daily', evolved)})`)).resolves.toHaveLength(1);
  });
});
