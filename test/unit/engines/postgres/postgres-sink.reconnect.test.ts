// The sink survives a lost connection (postgres-sink.ts, spool.ts, commit-status.ts): backends terminated while
// rows are being staged (the loss surfaces from `stage`, from `commit`, from an overwrite's whole-stream batch),
// and a COMMIT whose answer never came back, which must not load its rows twice.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../../src/errors.ts';
import { loadMessages } from '../../../../src/load/load-messages.ts';
import { sinkStreamsOf } from '../../../../src/load/sink.ts';
import { targetFromUrl } from '../../../../src/engines/postgres/target.ts';
import { openPostgresSink } from '../../../../src/engines/postgres/postgres-sink.ts';
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../../../../src/protocol/types.ts';
import { catalogOf, complete, configuredStream, drain, freshSchema, record, state, type TestSchema } from '../../../support/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../../../support/tcp-proxy.ts';

let db: TestSchema;
/** What the sink told its log (the reconnections). */
let notes: string[] = [];
beforeEach(async () => {
  db = await freshSchema('rc');
  notes = [];
});
afterEach(async () => {
  await db.drop();
});

const FAST = { attempts: 4, firstDelayMs: 20, factor: 2 };
const ITEM = { id: { type: 'integer' }, pad: { type: 'string' } };

/** `count` records of `stream` from `first`, with a STATE every `every` records. */
function messages(stream: string, first: number, count: number, every: number): AirbyteMessage[] {
  const out: AirbyteMessage[] = [];
  for (let i = first; i < first + count; i++) {
    out.push(record(stream, { id: i, pad: `row ${i} ${'x'.repeat(40)}` }));
    if ((i - first + 1) % every === 0) out.push(state(stream, { last: i }));
  }
  return out;
}

/** Yields the messages; after the positions listed, runs `act` (terminating backends) before going on. */
async function* interrupted(items: AirbyteMessage[], at: readonly number[], act: () => Promise<void>): AsyncGenerator<AirbyteMessage> {
  for (const [index, item] of items.entries()) {
    if (at.includes(index)) await act();
    yield item;
  }
}

function urlWith(application: string, proxy?: TcpProxy): string {
  const url = new URL(db.url);
  url.searchParams.set('application_name', application);
  if (proxy) url.host = new URL(proxy.url).host;
  return url.toString();
}

async function load(url: string, catalog: ConfiguredAirbyteCatalog, input: AsyncIterable<AirbyteMessage>, directLoads: boolean) {
  const sink = await openPostgresSink(targetFromUrl(url, db.schema), { batchBytes: 2000, directLoads, reconnect: FAST, log: (line) => notes.push(line) });
  try {
    return await drain(loadMessages(sink, catalog, input));
  } finally {
    await sink.close();
  }
}

async function terminate(application: string): Promise<number> {
  const killed = await db.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [application]);
  return killed.length;
}

const acks = (out: AirbyteMessage[]) => out.filter((m) => m.type === 'STATE').map((m) => (m.type === 'STATE' ? m.state.stream?.stream_state : undefined));

describe.each([
  ['direct loads', true],
  ['staged loads', false],
])('%s', (_name, direct) => {
  it.each([
    ['append', 'append'],
    ['append_dedup', 'append_dedup'],
  ] as const)('%s: backends terminated while rows are staged and committed: every row once, every state echoed', async (_mode, mode) => {
    const application = `rc_${Math.random().toString(36).slice(2, 10)}`;
    const catalog = catalogOf(configuredStream('items', ITEM, mode === 'append' ? { mode } : { mode, key: [['id']] }));
    const input = messages('items', 0, 6000, 1000);
    const kills: number[] = [];
    // Mid-batch (a COPY in flight), right after a STATE, and just before the end.
    const out = await load(urlWith(application), catalog, interrupted(input, [1500, 2002, 4700, 6000], async () => void kills.push(await terminate(application))), direct);
    expect(kills.every((n) => n > 0)).toBe(true);
    expect(notes.length).toBeGreaterThanOrEqual(kills.length);
    expect(notes[0]).toMatch(/^Postgres at \S+ closed the connection \(terminated by administrator\) while trying to (load rows|commit); reconnected after 1 attempt \([\d.]+ s\) and sent \d+ KiB of uncommitted rows again\.\n$/);
    expect(acks(out)).toEqual(acks(input));
    expect(await db.query(`select count(*)::int as n, count(distinct id)::int as ids, min(id)::int as lo, max(id)::int as hi from "${db.schema}".items`)).toEqual([
      { n: 6000, ids: 6000, lo: 0, hi: 5999 },
    ]);
    expect(await db.query(`select state from "${db.schema}"._sync_state`)).toEqual([{ state: { last: 5999 } }]);
  });

  it('overwrite: the whole stream is one batch, kept on disk and sent again after the loss', async () => {
    const application = `rc_${Math.random().toString(36).slice(2, 10)}`;
    const catalog = catalogOf(configuredStream('items', ITEM, { mode: 'overwrite', key: [['id']] }));
    await load(db.url, catalog, (async function* () { yield* messages('items', 100_000, 50, 50); yield complete('items'); })(), direct);
    const input = [...messages('items', 0, 4000, 1000), complete('items')];
    const out = await load(urlWith(application), catalog, interrupted(input, [2500, 3900], async () => void (await terminate(application))), direct);
    expect(acks(out)).toEqual(acks(input));
    expect(await db.query(`select count(*)::int as n, min(id)::int as lo, max(id)::int as hi from "${db.schema}".items`)).toEqual([{ n: 4000, lo: 0, hi: 3999 }]);
  });

  it.each([
    ['went through: it is not redone, no row twice', true],
    ['never reached the server: it is redone, no row lost', false],
  ])('a COMMIT whose answer is lost %s', async (_name, reach) => {
    const proxy = await startTcpProxy(db.url);
    try {
      const catalog = catalogOf(configuredStream('items', ITEM, { mode: 'append' }));
      const input = messages('items', 0, 3000, 1000);
      let lost = false;
      const out = await load(urlWith('rc_commit', proxy), catalog, interrupted(input, [1200], async () => {
        // The next COMMIT (of the second STATE) reaches the server or not; its answer does not come back.
        void proxy.loseAnswerTo('commit', { reach }).then(() => (lost = true));
      }), direct);
      expect(lost).toBe(true);
      expect(acks(out)).toEqual(acks(input));
      expect(await db.query(`select count(*)::int as n, count(distinct id)::int as ids from "${db.schema}".items`)).toEqual([{ n: 3000, ids: 3000 }]);
    } finally {
      await proxy.close();
    }
  });
});

it('gives up after the reconnect budget with one transient_error naming Postgres and what happened', async () => {
  const proxy = await startTcpProxy(db.url);
  const catalog = catalogOf(configuredStream('items', ITEM, { mode: 'append' }));
  const input = messages('items', 0, 3000, 1000);
  const error = await load(urlWith('rc_gone', proxy), catalog, interrupted(input, [1500], () => proxy.close()), true).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  const connectorError = error as ConnectorError;
  expect(connectorError.failureType).toBe('transient_error');
  expect(connectorError.message).toMatch(/^Postgres at \S+ (closed|refused) the connection.* while trying to (load rows|commit), and could not be reached again after 4 attempts over [\d.]+ s: Nothing accepts connections/);
  expect(await db.query(`select count(*)::int as n from "${db.schema}".items`)).toEqual([{ n: 1000 }]);
});

it('a loss before any operation (readState, prepare, a commit, finish) is survived by that operation', async () => {
  const application = `rc_ops_${Math.random().toString(36).slice(2, 10)}`;
  const sink = await openPostgresSink(targetFromUrl(urlWith(application), db.schema), { batchBytes: 2000, reconnect: FAST, log: (line) => notes.push(line) });
  const kill = async () => expect(await terminate(application)).toBeGreaterThan(0);
  try {
    await kill();
    expect(await sink.readState()).toEqual(new Map());
    await kill();
    const catalog = catalogOf(configuredStream('items', ITEM, { mode: 'append_dedup', key: [['id']] }));
    await sink.prepare(sinkStreamsOf(catalog));
    for (const message of messages('items', 0, 500, 1000)) if (message.type === 'RECORD') await sink.stage('items', message.record);
    await kill();
    await sink.commit([{ stream: 'items', state: { last: 499 }, replace: false }]);
    // Rows of one key twice across commits: the deferred key index dedupes them at finish.
    for (const message of messages('items', 400, 200, 1000)) if (message.type === 'RECORD') await sink.stage('items', message.record);
    await sink.commit([{ stream: 'items', state: { last: 599 }, replace: false }]);
    await kill();
    await sink.finish();
  } finally {
    await sink.close();
  }
  expect(await db.query(`select count(*)::int as n, count(distinct id)::int as ids from "${db.schema}".items`)).toEqual([{ n: 600, ids: 600 }]);
  expect(await db.query(`select state from "${db.schema}"._sync_state`)).toEqual([{ state: { last: 599 } }]);
});
