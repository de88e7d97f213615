import { repoScratch } from '../../support/files.ts';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDestination } from '../../../src/commands/destination.ts';
import type { AirbyteMessage } from '../../../src/protocol/types.ts';
import { catalogOf, configuredStream, freshSchema, record, REPO_ROOT, state, type TestSchema } from '../../support/postgres.ts';

let db: TestSchema;
let dir: string;
beforeEach(async () => {
  db = await freshSchema('dest');
  dir = repoScratch(REPO_ROOT, 'dest-');
});
afterEach(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

const catalog = catalogOf(configuredStream('ads', { ad_id: { type: 'integer' }, name: { type: 'string' } }, { key: [['ad_id']] }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** Runs the destination in-process with a stdin the test writes to, and stdout lines it can watch. */
function start(argv: string[]) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const lines: AirbyteMessage[] = [];
  const raw: string[] = [];
  let errors = '';
  let partial = '';
  const waiters: (() => void)[] = [];
  stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      if (part === '') continue;
      raw.push(part);
      lines.push(JSON.parse(part) as AirbyteMessage);
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const done = runDestination(argv, { stdin, stdout, stderr });
  const until = async (predicate: () => boolean): Promise<void> => {
    while (!predicate()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { stdin, lines, raw, done, until, errors: () => errors };
}

describe('destination', () => {
  it('spec offers both destinations: a Postgres config and a BigQuery config each match exactly one branch', async () => {
    const run = start(['spec']);
    expect(await run.done).toBe(0);
    const spec = run.lines[0];
    expect(spec?.type).toBe('SPEC');
    if (spec?.type !== 'SPEC') return;
    const schema = spec.spec.connectionSpecification;
    const branches = schema['oneOf'] as { title: string; properties: object }[];
    expect(branches.map((branch) => branch.title)).toEqual([expect.stringMatching(/Postgres/), 'BigQuery']);
    expect(Object.keys(branches[0]!.properties)).toEqual(expect.arrayContaining(['host', 'port', 'database', 'schema', 'username', 'password', 'ssl', 'url']));
    expect(Object.keys(branches[1]!.properties)).toEqual(expect.arrayContaining(['project_id', 'dataset_id', 'credentials_json']));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ host: 'db', database: 'd', username: 'u' }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ project_id: 'p', dataset_id: 'd', credentials_json: '{}' }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ project_id: 'p', host: 'db', database: 'd', username: 'u' })).toBe(true); // BigQuery's shape wins, as the loader reads it
    expect(validate({ dataset_id: 'd' })).toBe(false);
    expect(spec.spec.supported_destination_sync_modes).toEqual(['overwrite', 'append', 'append_dedup']);
  });

  it('check succeeds against the test server, and fails in words (password masked) against a closed port', async () => {
    const ok = start(['check', '--config', file('ok.json', { url: db.url, schema: db.schema })]);
    expect(await ok.done).toBe(0);
    expect(ok.lines).toEqual([{ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED', message: expect.stringContaining(db.schema) } }]);
    const bad = start(['check', '--config', file('bad.json', { host: '127.0.0.1', port: 1, database: 'x', username: 'u', password: 'hunter2-secret' })]);
    expect(await bad.done).toBe(0);
    expect(bad.lines[0]).toEqual({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: expect.stringMatching(/connection refused/) } });
    expect(JSON.stringify(bad.lines)).not.toContain('hunter2-secret');
  });

  it('write echoes each STATE only once the rows it covers are queryable', async () => {
    // A second stream's STATE is the event that proves the ads records before it were taken in (messages are
    // handled in order), while the ads rows, still without their own STATE, must stay invisible.
    const withMarker = catalogOf(
      configuredStream('ads', { ad_id: { type: 'integer' }, name: { type: 'string' } }, { key: [['ad_id']] }),
      configuredStream('marker', { id: { type: 'integer' } }, { key: [['id']] }),
    );
    const run = start(['write', '--config', file('config.json', { url: db.url, schema: db.schema }), '--catalog', file('catalog.json', withMarker)]);
    const send = (message: AirbyteMessage) => run.stdin.write(`${JSON.stringify(message)}\n`);
    const count = async () =>
      (await db.query<{ n: number }>(`select count(*)::int as n from ${db.schema}.ads`).catch(() => [{ n: -1 }]))[0]!.n;
    const echoed = (name: string) => run.lines.filter((m) => m.type === 'STATE' && m.state.stream?.stream_descriptor.name === name);
    const observed: string[] = [];
    for (let part = 0; part < 3; part++) {
      for (let i = 0; i < 500; i++) send(record('ads', { ad_id: part * 500 + i, name: `ad ${i}` }));
      send(state('marker', { part }));
      await run.until(() => echoed('marker').length > part);
      observed.push(`part ${part} taken in, no state yet: ${await count()} rows, ${echoed('ads').length} states`);
      send(state('ads', { part }));
      await run.until(() => echoed('ads').length > part);
      observed.push(`state ${JSON.stringify(echoed('ads')[part])} echoed: ${await count()} rows`);
    }
    run.stdin.end();
    expect(await run.done, run.errors()).toBe(0);
    const stateLine = (part: number, records: number) =>
      JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'ads' }, stream_state: { part } }, destinationStats: { recordCount: records } } });
    expect(observed).toEqual([
      'part 0 taken in, no state yet: 0 rows, 0 states',
      `state ${stateLine(0, 500)} echoed: 500 rows`,
      'part 1 taken in, no state yet: 500 rows, 1 states',
      `state ${stateLine(1, 500)} echoed: 1000 rows`,
      'part 2 taken in, no state yet: 1000 rows, 2 states',
      `state ${stateLine(2, 500)} echoed: 1500 rows`,
    ]);
    expect(run.lines.at(-1)).toMatchObject({ type: 'LOG', log: { level: 'INFO' } });
  });

  it('keeps 19-digit ids read from stdin exact', async () => {
    const run = start(['write', '--config', file('config.json', { url: db.url, schema: db.schema }), '--catalog', file('catalog.json', catalog)]);
    run.stdin.end('{"type":"RECORD","record":{"stream":"ads","data":{"ad_id":7001035076276387841,"name":"x"},"emitted_at":1700000000000}}\n');
    expect(await run.done, run.errors()).toBe(0);
    expect(await db.query(`select ad_id::text from ${db.schema}.ads`)).toEqual([{ ad_id: '7001035076276387841' }]);
  });

  it('echoes a STATE as received: a 19-digit integer in it stays an integer', async () => {
    const run = start(['write', '--config', file('config.json', { url: db.url, schema: db.schema }), '--catalog', file('catalog.json', catalog)]);
    const stateState = '{"advertiser_cursors":{"7001035076276387841":"2026-01-02"},"advertiser_id":7001035076276387841,"n":1.5}';
    run.stdin.end(
      '{"type":"RECORD","record":{"stream":"ads","data":{"ad_id":1,"name":"x"},"emitted_at":1700000000000}}\n' +
        `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"ads"},"stream_state":${stateState}}}}\n`,
    );
    expect(await run.done, run.errors()).toBe(0);
    const echoed = run.raw.find((line) => line.includes('"STATE"'));
    expect(echoed).toBe(
      `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"ads"},"stream_state":${stateState}},"destinationStats":{"recordCount":1}}}`,
    );
  });

  it('stops at an invalid line, says which, and commits nothing after the last STATE', async () => {
    const run = start(['write', '--config', file('config.json', { url: db.url, schema: db.schema }), '--catalog', file('catalog.json', catalog)]);
    run.stdin.end(
      [JSON.stringify(record('ads', { ad_id: 1 })), JSON.stringify(state('ads', { n: 1 })), JSON.stringify(record('ads', { ad_id: 2 })), '{"type":"RECORD","record":{"stream":"ads"', ''].join('\n'),
    );
    expect(await run.done).toBe(1);
    expect(run.lines.map((line) => line.type)).toEqual(['STATE', 'TRACE']);
    expect(run.lines[1]).toMatchObject({ trace: { type: 'ERROR', error: { message: expect.stringMatching(/^Input line 4 is not JSON/), failure_type: 'system_error' } } });
    expect(run.errors()).toMatch(/Input line 4/);
    expect(await db.query(`select ad_id from ${db.schema}.ads`)).toEqual([{ ad_id: '1' }]);
  });

  it('rejects a record whose data is not an object, and a record for a stream not in the catalog', async () => {
    const config = file('config.json', { url: db.url, schema: db.schema });
    const catalogFile = file('catalog.json', catalog);
    const shapes = start(['write', '--config', config, '--catalog', catalogFile]);
    shapes.stdin.end('{"type":"RECORD","record":{"stream":"ads","data":[1,2],"emitted_at":1}}\n');
    expect(await shapes.done).toBe(1);
    expect(shapes.errors()).toMatch(/Input line 1 is a RECORD whose "record.data" is not an object/);
    const unknown = start(['write', '--config', config, '--catalog', catalogFile]);
    unknown.stdin.end(`${JSON.stringify(record('campaigns', { id: 1 }))}\n`);
    expect(await unknown.done).toBe(1);
    expect(unknown.errors()).toMatch(/stream "campaigns", which is not in the configured catalog/);
  });

  it('a missing config file or flag is a config_error', async () => {
    const run = start(['write', '--config', join(dir, 'nope.json'), '--catalog', file('catalog.json', catalog)]);
    expect(await run.done).toBe(1);
    expect(run.lines[0]).toMatchObject({ trace: { error: { failure_type: 'config_error', message: expect.stringMatching(/does not exist/) } } });
    const flags = start(['write', '--config']);
    expect(await flags.done).toBe(1);
  });
});
