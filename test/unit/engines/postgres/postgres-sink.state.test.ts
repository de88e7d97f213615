import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMessages } from '../../../../src/load/load-messages.ts';
import { targetFromUrl } from '../../../../src/engines/postgres/target.ts';
import { openPostgresSink } from '../../../../src/engines/postgres/postgres-sink.ts';
import type { AirbyteMessage } from '../../../../src/protocol/types.ts';
import { catalogOf, complete, configuredStream, drain, freshSchema, record, state, streamOf, type TestSchema } from '../../../support/postgres.ts';

let db: TestSchema;
beforeEach(async () => {
  db = await freshSchema();
});
afterEach(async () => {
  await db.drop();
});

const props = { id: { type: 'integer' }, day: { type: 'string', format: 'date' } };
const catalog = catalogOf(configuredStream('items', props, { key: [['id']], cursor: ['day'] }));
let directLoads = true;
const openSink = () => openPostgresSink(targetFromUrl(db.url, db.schema), { batchBytes: 2000, directLoads });

const count = async () => (await db.query<{ n: number }>(`select count(*)::int as n from ${db.schema}.items`))[0]!.n;
const storedState = async () => db.query<{ stream_name: string; state: unknown }>(`select stream_name, state from ${db.schema}._sync_state order by 1`);

describe.each([
  ['direct first loads', true],
  ['staged loads only', false],
])('state after commit (%s)', (_name, direct) => {
  beforeEach(() => {
    directLoads = direct;
  });

  it('acknowledges a STATE only once its rows are queryable, and not a moment before', async () => {
    const observations: string[] = [];
    async function* source(): AsyncGenerator<AirbyteMessage> {
      for (let slice = 0; slice < 3; slice++) {
        for (let i = 0; i < 100; i++) yield record('items', { id: slice * 100 + i, day: `2024-01-0${slice + 1}` });
        // Everything of this slice has been handed over, possibly staged, but must not be visible yet.
        observations.push(`before state ${slice}: ${await count()} rows`);
        yield state('items', { day: `2024-01-0${slice + 1}` });
      }
    }
    const sink = await openSink();
    try {
      for await (const message of loadMessages(sink, catalog, source())) {
        if (message.type !== 'STATE') continue;
        const stored = await storedState();
        observations.push(`state ${JSON.stringify(message.state.stream?.stream_state)} acknowledged (${message.state.destinationStats?.recordCount} records): ${await count()} rows, stored ${JSON.stringify(stored[0]?.state)}`);
      }
    } finally {
      await sink.close();
    }
    expect(observations).toEqual([
      'before state 0: 0 rows',
      'state {"day":"2024-01-01"} acknowledged (100 records): 100 rows, stored {"day":"2024-01-01"}',
      'before state 1: 100 rows',
      'state {"day":"2024-01-02"} acknowledged (100 records): 200 rows, stored {"day":"2024-01-02"}',
      'before state 2: 200 rows',
      'state {"day":"2024-01-03"} acknowledged (100 records): 300 rows, stored {"day":"2024-01-03"}',
    ]);
  });

  it('keeps nothing of a part the source did not finish: rows after the last STATE vanish, the state stays', async () => {
    const messages = [
      ...Array.from({ length: 50 }, (_, i) => record('items', { id: i, day: '2024-01-01' })),
      state('items', { day: '2024-01-01' }),
      ...Array.from({ length: 5000 }, (_, i) => record('items', { id: 1000 + i, day: '2024-01-02' })),
    ];
    const sink = await openSink();
    const acknowledged: AirbyteMessage[] = [];
    // The source dies after 4000 of the 5000 rows of its second part (several batches already staged).
    await expect(async () => {
      for await (const message of loadMessages(sink, catalog, streamOf(messages, 4051))) acknowledged.push(message);
    }).rejects.toThrow('simulated');
    await sink.close();
    expect(acknowledged.map((m) => m.type)).toEqual(['STATE']);
    expect(await count()).toBe(50);
    expect(await storedState()).toEqual([{ stream_name: 'items', state: { day: '2024-01-01' } }]);
  });

  it('reads back the stored state, exactly, ids beyond 2^53 included', async () => {
    const sink = await openSink();
    const big = { states: [{ partition: { advertiser_id: JSON.rawJSON('7001035076276387841') }, cursor: { day: '2024-01-02' } }] };
    await drain(loadMessages(sink, catalog, streamOf([record('items', { id: 1 }), state('items', big), state('other_stream', { x: 1 })])));
    await sink.close();
    const reader = await openSink();
    const stored = await reader.readState();
    await reader.close();
    expect(JSON.stringify(Object.fromEntries(stored))).toBe(
      '{"items":{"states":[{"cursor":{"day":"2024-01-02"},"partition":{"advertiser_id":"7001035076276387841"}}]},"other_stream":{"x":1}}',
    );
  });

  it('commits rows after the last STATE at a clean end, but not for a stream the source reported as failed', async () => {
    const two = catalogOf(
      configuredStream('items', props, { key: [['id']] }),
      configuredStream('broken', props, { key: [['id']] }),
    );
    const failure: AirbyteMessage = {
      type: 'TRACE',
      trace: { type: 'ERROR', emitted_at: 0, error: { message: 'boom', failure_type: 'system_error', stream_descriptor: { name: 'broken' } } },
    };
    const sink = await openSink();
    const out = await drain(
      loadMessages(sink, two, streamOf([record('items', { id: 1 }), record('broken', { id: 1 }), state('broken', { n: 1 }), record('broken', { id: 2 }), failure, complete('items')])),
    );
    await sink.close();
    expect(out.map((m) => m.type)).toEqual(['STATE', 'TRACE', 'TRACE']);
    expect(await count()).toBe(1);
    expect(await db.query(`select id from ${db.schema}.broken`)).toEqual([{ id: '1' }]);
  });

  it('stores a LEGACY state with the rows of every stream', async () => {
    const sink = await openSink();
    const out = await drain(
      loadMessages(sink, catalog, streamOf([record('items', { id: 1 }), record('items', { id: 2 }), { type: 'STATE', state: { type: 'LEGACY', data: { items: { day: 'x' } } } }])),
    );
    await sink.close();
    expect(out).toEqual([{ type: 'STATE', state: { type: 'LEGACY', data: { items: { day: 'x' } }, destinationStats: { recordCount: 2 } } }]);
    expect(await storedState()).toEqual([{ stream_name: '', state: { items: { day: 'x' } } }]);
  });

  it('lets one sync at a time write into a schema', async () => {
    const first = await openSink();
    const second = openSink();
    let secondOpened = false;
    void second.then(() => (secondOpened = true));
    // The event to wait for: the second sink's session is queued on the schema's advisory lock.
    const waiting = async () =>
      (await db.query<{ n: number }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`))[0]!.n;
    while ((await waiting()) === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(secondOpened).toBe(false);
    await first.close();
    await (await second).close();
    expect(secondOpened).toBe(true);
  });
});
