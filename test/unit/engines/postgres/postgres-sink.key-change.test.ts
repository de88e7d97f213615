// A stream whose primary key changes between syncs (a user edits the key in the catalog, or a connector
// version adds a breakdown to it): the next merge follows the new key, the table holds one row per new key,
// and the old key's index is gone.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMessages } from '../../../../src/load/load-messages.ts';
import { targetFromUrl } from '../../../../src/engines/postgres/target.ts';
import { openPostgresSink } from '../../../../src/engines/postgres/postgres-sink.ts';
import { catalogOf, configuredStream, drain, freshSchema, record, state, streamOf, type TestSchema } from '../../../support/postgres.ts';

let db: TestSchema;
beforeEach(async () => {
  db = await freshSchema('key');
});
afterEach(async () => {
  await db.drop();
});

const props = { ad_id: { type: 'integer' }, day: { type: 'string' }, spend: { type: 'number' } };
const catalogWith = (key: string[][]) => catalogOf(configuredStream('ads', props, { key, cursor: ['day'] }));

async function sync(key: string[][], rows: Record<string, unknown>[]): Promise<void> {
  const sink = await openPostgresSink(targetFromUrl(db.url, db.schema));
  try {
    await drain(loadMessages(sink, catalogWith(key), streamOf([...rows.map((r) => record('ads', r)), state('ads', { day: 'x' })])));
  } finally {
    await sink.close();
  }
}
const table = () => db.query<{ ad_id: string; day: string; spend: number }>(`select ad_id::text, day, spend::float8 as spend from ${db.schema}.ads order by ad_id, day`);
const keyIndexes = async () =>
  (await db.query<{ indexdef: string }>(`select indexdef from pg_indexes where schemaname = $1 and tablename = 'ads'`, [db.schema])).map((r) => r.indexdef.replace(/.* USING btree /, '').replace(' NULLS NOT DISTINCT', ''));

describe('a primary key that changes between syncs', () => {
  it('widens (ad_id → ad_id, day): rows that were one become several, each merged on the new key', async () => {
    await sync([['ad_id']], [{ ad_id: 1, day: 'd1', spend: 1 }, { ad_id: 1, day: 'd2', spend: 2 }, { ad_id: 2, day: 'd1', spend: 3 }]);
    expect(await table()).toEqual([{ ad_id: '1', day: 'd2', spend: 2 }, { ad_id: '2', day: 'd1', spend: 3 }]);
    await sync([['ad_id'], ['day']], [{ ad_id: 1, day: 'd1', spend: 10 }, { ad_id: 1, day: 'd2', spend: 20 }, { ad_id: 1, day: 'd2', spend: 21 }]);
    expect(await table()).toEqual([
      { ad_id: '1', day: 'd1', spend: 10 },
      { ad_id: '1', day: 'd2', spend: 21 },
      { ad_id: '2', day: 'd1', spend: 3 },
    ]);
    expect(await keyIndexes()).toEqual(['(ad_id, day)']);
  });

  it('narrows (ad_id, day → ad_id): the table is reduced to one row per ad, the latest day winning', async () => {
    await sync([['ad_id'], ['day']], [{ ad_id: 1, day: 'd1', spend: 1 }, { ad_id: 1, day: 'd2', spend: 2 }, { ad_id: 2, day: 'd1', spend: 3 }]);
    expect(await table()).toHaveLength(3);
    await sync([['ad_id']], [{ ad_id: 2, day: 'd3', spend: 30 }]);
    expect(await table()).toEqual([{ ad_id: '1', day: 'd2', spend: 2 }, { ad_id: '2', day: 'd3', spend: 30 }]);
    expect(await keyIndexes()).toEqual(['(ad_id)']);
  });
});
