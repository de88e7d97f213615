import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMessages } from '../../../../src/load/load-messages.ts';
import { targetFromUrl } from '../../../../src/engines/postgres/target.ts';
import { openPostgresSink } from '../../../../src/engines/postgres/postgres-sink.ts';
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../../../../src/protocol/types.ts';
import { catalogOf, configuredStream, drain, freshSchema, record, state, streamOf, type TestSchema } from '../../../support/postgres.ts';

let db: TestSchema;
beforeEach(async () => {
  db = await freshSchema();
});
afterEach(async () => {
  await db.drop();
});

/** Tables empty at the start load directly unless told otherwise: every test runs both ways. */
let directLoads = true;

async function load(catalog: ConfiguredAirbyteCatalog, messages: AirbyteMessage[]) {
  const sink = await openPostgresSink(targetFromUrl(db.url, db.schema), { batchBytes: 1000, directLoads });
  try {
    return await drain(loadMessages(sink, catalog, streamOf(messages)));
  } finally {
    await sink.close();
  }
}

const ID = { type: ['null', 'integer'] };
const TS = { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' };

describe.each([
  ['direct first loads', true],
  ['staged loads only', false],
])('%s', (_name, direct) => {
beforeEach(() => {
  directLoads = direct;
});

describe('tables', () => {
  it('types columns from the JSON schema and adds the Airbyte columns first', async () => {
    const catalog = catalogOf(
      configuredStream(
        'ads',
        {
          ad_id: ID,
          spend: { type: ['null', 'number'] },
          name: { type: ['null', 'string'] },
          enabled: { type: ['null', 'boolean'] },
          day: { type: 'string', format: 'date' },
          modify_time: TS,
          created: { type: 'string', format: 'date-time' },
          tags: { type: ['null', 'array'], items: { type: 'string' } },
          extra: { type: ['null', 'object'] },
          either: { type: ['string', 'integer'] },
          anything: {},
        },
        { key: [['ad_id']], cursor: ['modify_time'] },
      ),
    );
    await load(catalog, []);
    const columns = await db.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `select column_name, data_type, is_nullable from information_schema.columns where table_schema = $1 and table_name = 'ads' order by ordinal_position`,
      [db.schema],
    );
    expect(columns.map((c) => [c.column_name, c.data_type])).toEqual([
      ['_airbyte_raw_id', 'uuid'],
      ['_airbyte_extracted_at', 'timestamp with time zone'],
      ['_airbyte_meta', 'jsonb'],
      ['_airbyte_generation_id', 'bigint'],
      ['ad_id', 'bigint'],
      ['spend', 'numeric'],
      ['name', 'text'],
      ['enabled', 'boolean'],
      ['day', 'date'],
      ['modify_time', 'timestamp without time zone'],
      ['created', 'timestamp with time zone'],
      ['tags', 'jsonb'],
      ['extra', 'jsonb'],
      ['either', 'jsonb'],
      ['anything', 'jsonb'],
    ]);
    const state = await db.query(`select * from ${db.schema}._sync_state`);
    expect(state).toEqual([]);
  });

  it('keeps 19-digit ids exact, in bigint columns and inside jsonb', async () => {
    const catalog = catalogOf(configuredStream('ads', { ad_id: ID, advertiser_id: ID, parent: { type: 'object' } }, { key: [['ad_id']] }));
    await load(catalog, [
      record('ads', { ad_id: JSON.rawJSON('7001035076276387841'), advertiser_id: '7001035076276387843', parent: { id: JSON.rawJSON('9223372036854775807') } }),
      record('ads', { ad_id: JSON.rawJSON('-9223372036854775808'), advertiser_id: 12, parent: null }),
      record('ads', { ad_id: JSON.rawJSON('9223372036854775808'), advertiser_id: 1.5 }),
    ]);
    const rows = await db.query<{ ad_id: string | null; advertiser_id: string | null; parent: string | null; meta: string }>(
      `select ad_id::text, advertiser_id::text, parent::text, _airbyte_meta::text as meta from ${db.schema}.ads order by _airbyte_extracted_at, ad_id`,
    );
    expect(rows.map((r) => [r.ad_id, r.advertiser_id, r.parent])).toEqual(
      expect.arrayContaining([
        ['7001035076276387841', '7001035076276387843', '{"id": 9223372036854775807}'],
        ['-9223372036854775808', '12', null],
        // Out of bigint range, and a fraction in an integer column: NULL, noted in _airbyte_meta.
        [null, null, null],
      ]),
    );
    const nulled = rows.find((r) => r.ad_id === null);
    expect(JSON.parse(nulled!.meta)).toEqual({
      changes: [
        { field: 'ad_id', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
        { field: 'advertiser_id', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
      ],
    });
  });

  it('round-trips text through COPY: tabs, newlines, backslashes, \\N, unicode, NUL, lone surrogates', async () => {
    const hostile = [
      'tab\there',
      'line\nbreak\r\nwindows',
      'back\\slash \\N \\. \\\\',
      '\\N',
      'emoji 😀 cjk 广告 rtl עברית',
      'quote " and \' and ,;|',
      '',
      ' leading and trailing ',
    ];
    const catalog = catalogOf(configuredStream('texts', { n: ID, text: { type: 'string' }, json: { type: 'object' } }, { key: [['n']] }));
    await load(catalog, [
      ...hostile.map((text, n) => record('texts', { n, text, json: { text, list: [text] } })),
      record('texts', { n: 100, text: 'nul\0inside', json: { text: 'nul\0inside', '\0key': 1 } }),
      record('texts', { n: 101, text: 'lone \ud800 surrogate', json: { text: 'lone \udc00 surrogate', pair: '😀' } }),
    ]);
    const rows = await db.query<{ n: string; text: string | null; json: { text: string; list?: string[]; pair?: string } }>(
      `select n, text, json from ${db.schema}.texts order by n`,
    );
    hostile.forEach((text, n) => {
      expect(rows[n]).toEqual({ n: String(n), text, json: { text, list: [text] } });
    });
    expect(rows[hostile.length]).toEqual({ n: '100', text: 'nulinside', json: { text: 'nulinside', key: 1 } });
    expect(rows[hostile.length + 1]).toEqual({
      n: '101',
      text: 'lone \ufffd surrogate',
      json: { text: 'lone \ufffd surrogate', pair: '😀' },
    });
  });

  it('loads timestamps, dates, numbers and booleans, and NULLs what does not fit', async () => {
    const catalog = catalogOf(
      configuredStream(
        'facts',
        {
          n: ID,
          stat_time_day: TS,
          created: { type: 'string', format: 'date-time' },
          day: { type: 'string', format: 'date' },
          spend: { type: 'number' },
          flag: { type: 'boolean' },
        },
        { key: [['n']] },
      ),
    );
    await load(catalog, [
      record('facts', { n: 1, stat_time_day: '2024-01-31 00:00:00', created: '2024-01-31 10:00:00', day: '2024-02-29', spend: 1.23, flag: true }),
      record('facts', { n: 2, stat_time_day: '2024-01-31T23:59:59', created: '2024-01-31T10:00:00+08:00', day: '2024-01-31 12:00:00', spend: '0.1', flag: 'false' }),
      record('facts', { n: 3, stat_time_day: '2024-02-30 00:00:00', created: 'yesterday', day: '2023-02-29', spend: '-', flag: 'maybe' }),
      record('facts', { n: 4, spend: 123456789012345.678901 }),
    ]);
    const rows = await db.query<Record<string, string | boolean | null>>(
      `select n, stat_time_day::text, created::text, day::text, spend::text, flag, _airbyte_meta->'changes' as changes from ${db.schema}.facts order by n`,
    );
    expect(rows[0]).toMatchObject({ stat_time_day: '2024-01-31 00:00:00', created: '2024-01-31 10:00:00+00', day: '2024-02-29', spend: '1.23', flag: true });
    expect(rows[1]).toMatchObject({ stat_time_day: '2024-01-31 23:59:59', created: '2024-01-31 02:00:00+00', day: '2024-01-31', spend: '0.1', flag: false });
    expect(rows[2]).toMatchObject({ stat_time_day: null, created: null, day: null, spend: null, flag: null });
    expect((rows[2]!['changes'] as unknown as { field: string }[]).map((c) => c.field)).toEqual(['stat_time_day', 'created', 'day', 'spend', 'flag']);
    expect(rows[3]).toMatchObject({ spend: '123456789012345.67' });
  });

  it('adds a column for a new schema property, and keeps loading into a column whose type differs from the schema', async () => {
    await load(catalogOf(configuredStream('ads', { ad_id: ID, name: { type: 'string' } }, { key: [['ad_id']] })), [
      record('ads', { ad_id: 1, name: 'before' }),
    ]);
    // Someone (a dbt run, a DBA) gave columns other types than the schema asks for.
    await db.query(`alter table ${db.schema}.ads add column budget text, add column score bigint`);
    const evolved = catalogOf(
      configuredStream(
        'ads',
        { ad_id: ID, name: { type: 'string' }, status: { type: 'string' }, budget: { type: 'number' }, score: { type: 'string' } },
        { key: [['ad_id']] },
      ),
    );
    await load(evolved, [
      record('ads', { ad_id: 2, name: 'after', status: 'ENABLE', budget: 12.5, score: '42' }),
      record('ads', { ad_id: 3, name: 'after', status: 'DISABLE', budget: 7, score: 'high' }),
    ]);
    const columns = await db.query<{ column_name: string; data_type: string }>(
      `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = 'ads' and column_name in ('status', 'budget', 'score') order by 1`,
      [db.schema],
    );
    expect(columns).toEqual([
      { column_name: 'budget', data_type: 'text' },
      { column_name: 'score', data_type: 'bigint' },
      { column_name: 'status', data_type: 'text' },
    ]);
    const rows = await db.query(`select ad_id::int, status, budget, score::text, _airbyte_meta->'changes' as changes from ${db.schema}.ads order by ad_id`);
    expect(rows).toEqual([
      { ad_id: 1, status: null, budget: null, score: null, changes: [] },
      { ad_id: 2, status: 'ENABLE', budget: '12.5', score: '42', changes: [] },
      { ad_id: 3, status: 'DISABLE', budget: '7', score: null, changes: [{ field: 'score', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' }] },
    ]);
  });

  it('handles hostile stream and field names: quotes, spaces, unicode, names longer than 63 bytes', async () => {
    const long = 'a_very_long_metric_name_that_goes_on_and_on_beyond_sixty_three_bytes_';
    const stream = 'ads"; drop table x; -- 广告 reports with a name that is also much longer than sixty-three bytes';
    const catalog = catalogOf(
      configuredStream(
        stream,
        {
          'id "quoted"': ID,
          'with space': { type: 'string' },
          'Ünïcode 指标': { type: 'number' },
          [`${long}one`]: { type: 'string' },
          [`${long}two`]: { type: 'string' },
          _airbyte_meta: { type: 'string' },
          'back\\slash': { type: 'string' },
        },
        { key: [['id "quoted"']] },
      ),
    );
    await load(catalog, [
      record(stream, {
        'id "quoted"': 1,
        'with space': 'a',
        'Ünïcode 指标': 2.5,
        [`${long}one`]: 'one',
        [`${long}two`]: 'two',
        _airbyte_meta: 'user field',
        'back\\slash': 'b',
      }),
    ]);
    await load(catalog, [record(stream, { 'id "quoted"': 1, 'with space': 'b' })]);
    const tables = await db.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = $1 and table_name <> '_sync_state'`,
      [db.schema],
    );
    expect(tables).toHaveLength(1);
    const table = tables[0]!.table_name;
    expect(Buffer.byteLength(table)).toBeLessThanOrEqual(63);
    const rows = await db.query<Record<string, unknown>>(`select * from ${db.schema}."${table.replaceAll('"', '""')}"`);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row['id "quoted"']).toBe('1');
    expect(row['with space']).toBe('b');
    expect(row['Ünïcode 指标']).toBeNull();
    const longColumns = Object.keys(row).filter((name) => name.startsWith('a_very_long'));
    expect(longColumns).toHaveLength(2);
    expect(longColumns.every((name) => Buffer.byteLength(name) <= 63)).toBe(true);
    expect(Object.keys(row).filter((name) => name.startsWith('_airbyte_meta'))).toHaveLength(2);
  });
});

describe('dispositions', () => {
  const props = { id: ID, cursor: TS, value: { type: 'string' } };

  it('append_dedup: a re-load adds no duplicates and the latest cursor wins', async () => {
    const catalog = catalogOf(configuredStream('items', props, { key: [['id']], cursor: ['cursor'] }));
    await load(catalog, [
      record('items', { id: 1, cursor: '2024-01-01 00:00:00', value: 'old' }),
      record('items', { id: 1, cursor: '2024-01-03 00:00:00', value: 'newest in batch' }),
      record('items', { id: 1, cursor: '2024-01-02 00:00:00', value: 'middle' }),
      record('items', { id: 2, cursor: '2024-01-01 00:00:00', value: 'first' }),
      record('items', { id: 2, cursor: '2024-01-01 00:00:00', value: 'same cursor, received later' }),
      state('items', { cursor: '2024-01-03' }),
    ]);
    expect(await db.query(`select id, value from ${db.schema}.items order by id`)).toEqual([
      { id: '1', value: 'newest in batch' },
      { id: '2', value: 'same cursor, received later' },
    ]);
    await load(catalog, [
      record('items', { id: 1, cursor: '2024-01-02 12:00:00', value: 'stale update' }),
      record('items', { id: 2, cursor: '2024-01-01 00:00:00', value: 'same cursor, next sync' }),
      record('items', { id: 3, cursor: null, value: 'no cursor' }),
      state('items', { cursor: '2024-01-03' }),
    ]);
    await load(catalog, [record('items', { id: 3, cursor: null, value: 'no cursor again' })]);
    const rows = await db.query(`select id, value from ${db.schema}.items order by id`);
    expect(rows).toEqual([
      { id: '1', value: 'newest in batch' },
      { id: '2', value: 'same cursor, next sync' },
      { id: '3', value: 'no cursor again' },
    ]);
  });

  it('append_dedup across several commits of one sync: one row per key at the end', async () => {
    const catalog = catalogOf(configuredStream('items', props, { key: [['id']], cursor: ['cursor'] }));
    await load(catalog, [
      record('items', { id: 1, cursor: '2024-01-01 00:00:00', value: 'first' }),
      state('items', { n: 1 }),
      record('items', { id: 1, cursor: '2024-01-02 00:00:00', value: 'second' }),
      record('items', { id: 2, cursor: '2024-01-02 00:00:00', value: 'other' }),
      state('items', { n: 2 }),
      record('items', { id: 1, cursor: '2023-12-31 00:00:00', value: 'late and stale' }),
      state('items', { n: 3 }),
    ]);
    expect(await db.query(`select id, value from ${db.schema}.items order by id`)).toEqual([
      { id: '1', value: 'second' },
      { id: '2', value: 'other' },
    ]);
    const indexes = await db.query<{ indexdef: string }>(`select indexdef from pg_indexes where schemaname = $1 and tablename = 'items'`, [db.schema]);
    expect(indexes.map((i) => i.indexdef)).toEqual([expect.stringMatching(/UNIQUE INDEX .* \(id\)/)]);
  });

  it('append_dedup on a nested key path', async () => {
    const catalog = catalogOf(
      configuredStream('reports', { dimensions: { type: 'object' }, spend: { type: 'number' } }, { key: [['dimensions', 'ad_id'], ['dimensions', 'day']] }),
    );
    const row = (ad: string, day: string, spend: number) => record('reports', { dimensions: { ad_id: JSON.rawJSON(ad), day }, spend });
    await load(catalog, [row('7001035076276387841', '2024-01-01', 1), row('7001035076276387841', '2024-01-02', 2)]);
    await load(catalog, [row('7001035076276387841', '2024-01-01', 10), row('7001035076276387842', '2024-01-01', 3)]);
    const rows = await db.query(`select dimensions->>'ad_id' as ad, dimensions->>'day' as day, spend::float8 as spend from ${db.schema}.reports order by 1, 2`);
    expect(rows).toEqual([
      { ad: '7001035076276387841', day: '2024-01-01', spend: 10 },
      { ad: '7001035076276387841', day: '2024-01-02', spend: 2 },
      { ad: '7001035076276387842', day: '2024-01-01', spend: 3 },
    ]);
  });

  it('append keeps every row', async () => {
    const catalog = catalogOf(configuredStream('events', props, { mode: 'append' }));
    const batch = [record('events', { id: 1, value: 'a' }), record('events', { id: 1, value: 'a' })];
    await load(catalog, batch);
    await load(catalog, batch);
    expect(await db.query(`select count(*)::int as n from ${db.schema}.events`)).toEqual([{ n: 4 }]);
  });

  it('append after append_dedup drops the key index instead of failing on duplicates', async () => {
    await load(catalogOf(configuredStream('events', props, { key: [['id']] })), [record('events', { id: 1, value: 'a' })]);
    await load(catalogOf(configuredStream('events', props, { mode: 'append' })), [record('events', { id: 1, value: 'b' })]);
    expect(await db.query(`select count(*)::int as n from ${db.schema}.events`)).toEqual([{ n: 2 }]);
    // And back to a merge: the duplicates are resolved (latest extraction wins) when the key index returns.
    await load(catalogOf(configuredStream('events', props, { key: [['id']] })), [record('events', { id: 2, value: 'c' })]);
    expect(await db.query(`select count(*)::int as n from ${db.schema}.events`)).toEqual([{ n: 2 }]);
  });

  it('overwrite replaces the table when the stream ends, and not before', async () => {
    const catalog = catalogOf(configuredStream('snap', props, { mode: 'overwrite', key: [['id']] }));
    await load(catalog, [record('snap', { id: 1, value: 'a' }), record('snap', { id: 2, value: 'b' }), state('snap', {})]);
    await load(catalog, [record('snap', { id: 3, value: 'c' }), record('snap', { id: 3, value: 'c2' }), state('snap', {})]);
    expect(await db.query(`select id, value from ${db.schema}.snap order by id`)).toEqual([{ id: '3', value: 'c2' }]);
    // A failure halfway leaves the previous table whole, even past a STATE.
    const sink = await openPostgresSink(targetFromUrl(db.url, db.schema), { directLoads });
    const acknowledged: AirbyteMessage[] = [];
    await expect(async () => {
      for await (const message of loadMessages(sink, catalog, streamOf([record('snap', { id: 4 }), state('snap', { n: 1 }), record('snap', { id: 5 })], 3))) {
        acknowledged.push(message);
      }
    }).rejects.toThrow('simulated');
    await sink.close();
    expect(acknowledged).toEqual([]);
    expect(await db.query(`select id from ${db.schema}.snap order by id`)).toEqual([{ id: '3' }]);
    expect(await db.query(`select state from ${db.schema}._sync_state`)).toEqual([{ state: {} }]);
  });
});
});
