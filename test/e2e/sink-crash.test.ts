import { repoScratch } from '../support/files.ts';
// kill -9 while loading, at several points, then a re-run from the state stored in the destination: the
// tables must end up exactly as after one uninterrupted run. The loader is the real destination `write`
// command in a child process, reading a deterministic synthetic source from a file.

import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../../src/protocol/types.ts';
import { catalogOf, complete, configuredStream, freshSchema, record, REPO_ROOT, state, type TestSchema } from '../support/postgres.ts';
import { commandScript, startNode } from '../support/process.ts';

const SLICES = 10;
const ITEMS_PER_SLICE = 2000;
const EVENTS_PER_SLICE = 1000;
const SNAPSHOT_ROWS = 1000;

const catalog: ConfiguredAirbyteCatalog = catalogOf(
  configuredStream(
    'items',
    { id: { type: 'integer' }, slice: { type: 'integer' }, day: { type: 'string', format: 'date' }, payload: { type: 'object' }, note: { type: 'string' } },
    { key: [['id']], cursor: ['day'] },
  ),
  configuredStream('events', { slice: { type: 'integer' }, n: { type: 'integer' }, text: { type: 'string' } }, { mode: 'append' }),
  configuredStream('snapshot', { id: { type: 'integer' }, value: { type: 'string' } }, { mode: 'overwrite', key: [['id']] }),
);

/** The source: a full snapshot, then slices of items (ids overlapping the slice before) and events, each slice checkpointed per stream. */
function* source(resume: { items: number; events: number }): Generator<AirbyteMessage> {
  for (let id = 0; id < SNAPSHOT_ROWS; id++) yield record('snapshot', { id, value: `v${id}\tx` });
  yield state('snapshot', {});
  yield complete('snapshot');
  for (let slice = 0; slice < SLICES; slice++) {
    const day = `2024-01-${String(slice + 1).padStart(2, '0')}`;
    if (slice >= resume.items) {
      for (let i = 0; i < ITEMS_PER_SLICE; i++) {
        const id = slice * (ITEMS_PER_SLICE / 2) + i;
        yield record('items', {
          id: JSON.rawJSON(String(7001035076276000000n + BigInt(id))),
          slice,
          day,
          payload: { id: JSON.rawJSON(String(7001035076276000000n + BigInt(id))), tags: ['a\nb', 'c\\d'] },
          note: `item ${id} of slice ${slice} 😀`,
        });
      }
      yield state('items', { slice });
    }
    if (slice >= resume.events) {
      for (let n = 0; n < EVENTS_PER_SLICE; n++) yield record('events', { slice, n, text: `event ${slice}/${n}` });
      yield state('events', { slice });
    }
  }
}

let dir: string;
beforeAll(() => {
  dir = repoScratch(REPO_ROOT, 'crash-');
});

const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const schema of schemas) await schema.drop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  /** STATE lines the child echoed before it ended or was killed. */
  states: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs `destination write` on the messages; kills it with SIGKILL `delayMs` after it echoed `afterStates`
 * states (0: after its start, so that it dies while connecting or preparing).
 */
async function runWrite(db: TestSchema, messages: Iterable<AirbyteMessage>, kill?: { afterStates: number; delayMs: number }): Promise<Run> {
  const tag = Math.random().toString(36).slice(2);
  const input = join(dir, `input-${tag}.jsonl`);
  writeFileSync(input, [...messages].map((m) => JSON.stringify(m)).join('\n') + '\n');
  const config = join(dir, `config-${tag}.json`);
  writeFileSync(config, JSON.stringify({ url: db.url, schema: db.schema }));
  const catalogFile = join(dir, `catalog-${tag}.json`);
  writeFileSync(catalogFile, JSON.stringify(catalog));
  const stdin = openSync(input, 'r');
  const { child, done } = startNode(commandScript(join(REPO_ROOT, 'src', 'commands', 'destination.ts'), 'runDestinationCommand', ['write', '--config', config, '--catalog', catalogFile]), { stdin });
  closeSync(stdin);
  if (kill?.afterStates === 0) setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
  let states = 0;
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"type":"STATE"')) continue;
      states++;
      if (kill && states === kill.afterStates) setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
    }
  });
  const { code, signal, stderr } = await done;
  return { states, code, signal, stderr };
}

async function resumePoint(db: TestSchema): Promise<{ items: number; events: number }> {
  const rows = await db
    .query<{ stream_name: string; slice: number | null }>(`select stream_name, (state->>'slice')::int as slice from ${db.schema}._sync_state`)
    .catch(() => []);
  const next = (name: string) => {
    const slice = rows.find((row) => row.stream_name === name)?.slice;
    return slice === undefined || slice === null ? 0 : slice + 1;
  };
  return { items: next('items'), events: next('events') };
}

async function digests(db: TestSchema): Promise<Record<string, string>> {
  return {
    items: await db.digest('items', 'row_text'),
    events: await db.digest('events', 'row_text'),
    snapshot: await db.digest('snapshot', 'row_text'),
    state: JSON.stringify(await db.query(`select stream_name, state from ${db.schema}._sync_state order by 1`)),
  };
}

describe('kill -9 during a load', () => {
  it('re-running from the stored state gives the same tables as one uninterrupted run', async () => {
    const reference = await freshSchema('ref');
    schemas.push(reference);
    const clean = await runWrite(reference, source({ items: 0, events: 0 }));
    expect(clean.code, clean.stderr).toBe(0);
    const expected = await digests(reference);
    expect(expected['items']?.startsWith(`${(SLICES + 1) * (ITEMS_PER_SLICE / 2)}:`)).toBe(true);
    expect(expected['events']?.startsWith(`${SLICES * EVENTS_PER_SLICE}:`)).toBe(true);

    const crashed = await freshSchema('crash');
    schemas.push(crashed);
    // Kill points: while preparing, right after a commit, in the middle of later batches, and late in the run.
    const kills = [
      { afterStates: 0, delayMs: 700 },
      { afterStates: 1, delayMs: 0 },
      { afterStates: 2, delayMs: 40 },
      { afterStates: 4, delayMs: 15 },
      { afterStates: 8, delayMs: 5 },
    ];
    let killed = 0;
    for (const kill of kills) {
      const resume = await resumePoint(crashed);
      const run = await runWrite(crashed, source(resume), kill);
      if (run.signal === 'SIGKILL') killed++;
    }
    expect(killed).toBeGreaterThanOrEqual(3);
    const finish = await runWrite(crashed, source(await resumePoint(crashed)));
    expect(finish.code, finish.stderr).toBe(0);
    expect(await digests(crashed)).toEqual(expected);
  });
});
