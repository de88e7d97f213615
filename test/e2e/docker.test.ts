// The Docker images, built and run by a real engine (issue 23): the shared script prepares one (LOCAL_DOCKER_SCRIPT,
// default ../shared/tools/local-docker.sh), the project's Dockerfile is built once for both targets, and every
// container runs as an orchestrator runs it: `--network host` (the engine has no bridge), a read-only root with a
// tmpfs /tmp, files mounted read-only. Checked against the repository's emulator and Postgres, the source image
// beside the CLI built from the same sources (the image must behave as the CLI does). `vitest run -t docker`
// selects this file. Without an engine it says why and counts as skipped; the Dockerfile is then still read
// (test/e2e/packaging.test.ts) and its stages replayed (test/e2e/package.test.ts).

import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { CLI, ROOT, ofType, parseMessages, runCli } from '../support/cli.ts';
import {
  DESTINATION_IMAGE,
  SOURCE_IMAGE,
  buildImages,
  docker,
  prepareEngine,
  pruneOlderBuilds,
  runArgs,
  runContainer,
  shellWord,
  startContainer,
} from '../support/docker.ts';
import { emulator as startEmulator } from '../support/emulator.ts';
import { EMULATOR_CREDENTIALS, PACKAGE, startReadEmulator, tempDir, writeReadInputs } from '../support/package.ts';
import { freshSchema, type TestSchema } from '../support/postgres.ts';
import { runNode, runProcess, type ProcessOutput } from '../support/process.ts';

const engine = await prepareEngine();
if (!engine.ok) {
  console.warn(`\n*** Docker image tests SKIPPED: no Docker engine: ${engine.reason} ***\n`);
  it.skip(`docker: the images built and run by a real engine (no engine: ${engine.reason})`, () => undefined);
}

/** Where the containers find their files: /secrets (config, catalog), as Airbyte mounts them. */
const IN_CONTAINER = '/secrets';

let dir: string;
let api: Emulator | undefined;
let inputs: ReturnType<typeof writeReadInputs>;
const schemas: TestSchema[] = [];
let runs: Awaited<ReturnType<typeof runEverything>>;

async function schema(prefix: string): Promise<TestSchema> {
  const made = await freshSchema(prefix);
  schemas.push(made);
  return made;
}

/** A file of the mounted folder, as the container sees it. */
const inside = (file: string): string => `${IN_CONTAINER}/${file.slice(dir.length + 1)}`;

/** A file in the mounted folder, readable by the image's user (uid 1000) as a file given to a container must be. */
function writeShared(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value), { mode: 0o644 });
  return path;
}

function source(args: string[]): Promise<ProcessOutput> {
  return runContainer(SOURCE_IMAGE, args, { mounts: { [dir]: IN_CONTAINER } });
}

function destination(args: string[], stdin?: string): Promise<ProcessOutput> {
  return runContainer(DESTINATION_IMAGE, args, { mounts: { [dir]: IN_CONTAINER }, ...(stdin === undefined ? {} : { stdin }) });
}

/** `docker run source read | docker run -i destination write`, through a shell's pipe as an orchestrator wires it. */
function readIntoWrite(destinationConfig: string, catalog: string): Promise<ProcessOutput> {
  const read = runArgs(SOURCE_IMAGE, ['read', '--config', inside(inputs.config), '--catalog', inside(catalog)], { mounts: { [dir]: IN_CONTAINER } });
  const write = runArgs(DESTINATION_IMAGE, ['write', '--config', inside(destinationConfig), '--catalog', inside(catalog)], { mounts: { [dir]: IN_CONTAINER }, interactive: true });
  const line = `docker ${read.map(shellWord).join(' ')} | docker ${write.map(shellWord).join(' ')}`;
  return runProcess('bash', ['-c', `set -o pipefail; ${line}`], { timeoutMs: 300_000 });
}

/** The CLI's `sync` (its output is for people, not Airbyte messages). */
function cliSync(args: string[]): Promise<ProcessOutput> {
  return runNode([CLI, ...args], { cwd: ROOT, timeoutMs: 280_000 });
}

/** The records' data, one canonical JSON string each, sorted: two reads of the same data compare equal. */
function recordData(stdout: string): string[] {
  return ofType(parseMessages(stdout), 'RECORD').map((m) => `${m.record.stream} ${JSON.stringify(m.record.data)}`).sort();
}

async function tableDigests(db: TestSchema, streams: readonly string[]): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const stream of streams) digests[stream] = await db.digest(stream, 'row_text');
  return digests;
}

async function stateRows(db: TestSchema): Promise<string[]> {
  return (await db.query<{ stream_name: string }>(`select stream_name from "${db.schema}"._sync_state order by 1`).catch(() => [])).map((row) => row.stream_name);
}

/** Every container's run of the fast checks, all started once the images are there: each test then only asserts. */
async function runEverything() {
  const badToken = writeShared('bad-token.json', { ...JSON.parse(readFileSync(inputs.config, 'utf8')), credentials: { auth_type: 'oauth2.0', app_id: EMULATOR_CREDENTIALS.appId, secret: EMULATOR_CREDENTIALS.secret, access_token: 'revoked-token' } });
  const [containerSchema, cliSchema, pipedSchema] = [await schema('dk_sync'), await schema('dk_cli'), await schema('dk_pipe')];
  const destinationConfig = writeShared('destination.json', { url: containerSchema.url, schema: pipedSchema.schema });
  const unreachable = writeShared('destination-unreachable.json', { url: 'postgres://postgres@127.0.0.1:1/none', schema: 'x' });
  const sync = (config: string, db: TestSchema) => ['sync', '--config', config, '--destination', db.url, '--schema', db.schema, '--streams', inputs.streams.join(',')];
  const read = ['read', '--config', inside(inputs.config), '--catalog', inside(inputs.catalog)];
  const [spec, check, checkBadToken, discover, containerRead, cliRead, cliDiscover] = await Promise.all([
    source(['spec']),
    source(['check', '--config', inside(inputs.config)]),
    source(['check', '--config', inside(badToken)]),
    source(['discover', '--config', inside(inputs.config)]),
    source(read),
    runCli(['read', '--config', inputs.config, '--catalog', inputs.catalog]),
    runCli(['discover', '--config', inputs.config]),
  ]);
  // The syncs at the same moment (the same days, so the same rows); the pipe of two images after them.
  const [syncRun, cliSyncRun, destinationSpec, destinationCheck, destinationCheckFailed, contents, inspect] = await Promise.all([
    source(sync(inside(inputs.config), containerSchema)),
    cliSync(sync(inputs.config, cliSchema)),
    destination(['spec']),
    destination(['check', '--config', inside(destinationConfig)]),
    destination(['check', '--config', inside(unreachable)]),
    runContainer(SOURCE_IMAGE, ['-c', 'id -u; ls node_modules; find / -xdev \\( -iname "*emulator*" -o -iname "bigquery-local*" -o -path "*/tools/bench*" \\) -print 2>/dev/null; ls dist'], { entrypoint: 'sh' }),
    docker(['image', 'inspect', '--format', '{{json .Config}}', SOURCE_IMAGE, DESTINATION_IMAGE]),
  ]);
  const pipe = await readIntoWrite(destinationConfig, inputs.catalog);
  return {
    spec, check, checkBadToken, discover, containerRead, cliRead, cliDiscover, syncRun, cliSyncRun, pipe, destinationSpec, destinationCheck, destinationCheckFailed, contents,
    configs: inspect.stdout.trim().split('\n').map((line) => JSON.parse(line) as { User: string; Labels: Record<string, string>; Entrypoint: string[] }),
    containerSchema, cliSchema, pipedSchema,
  };
}

describe.skipIf(!engine.ok)('docker images (a real engine)', () => {
  beforeAll(async () => {
    dir = tempDir('docker');
    // The image's user (uid 1000) reads the mounted folder; the test runs as whoever it is.
    chmodSync(dir, 0o755);
    const buildStart = new Date();
    const [build, started] = await Promise.all([buildImages(), startReadEmulator()]);
    console.log(`docker: both images built in ${build.seconds.toFixed(0)} s`);
    await pruneOlderBuilds(buildStart);
    api = started;
    inputs = writeReadInputs(dir, started.url);
    runs = await runEverything();
  }, 900_000);

  afterAll(async () => {
    await api?.close();
    for (const db of schemas) await db.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('docker: the source image', () => {
    it('spec is spec.json; the image runs as uid 1000 with Airbyte\'s labels', () => {
      expect(runs.spec.code, runs.spec.stderr).toBe(0);
      const specs = ofType(parseMessages(runs.spec.stdout), 'SPEC');
      expect(specs).toHaveLength(1);
      expect(specs[0]?.spec.connectionSpecification).toEqual(JSON.parse(readFileSync(join(ROOT, 'spec.json'), 'utf8')));
      const [config] = runs.configs;
      expect(config?.User).toBe('1000:1000');
      expect(config?.Labels).toMatchObject({ 'io.airbyte.name': expect.stringMatching(/\/source-/), 'io.airbyte.version': PACKAGE.version });
      expect(runs.contents.stdout.split('\n')[0]).toBe('1000');
    });

    it('check: SUCCEEDED against the emulator with --config from a read-only mounted folder, FAILED with a revoked token', () => {
      for (const [run, status] of [[runs.check, 'SUCCEEDED'], [runs.checkBadToken, 'FAILED']] as const) {
        expect(run.code, run.stderr).toBe(0);
        expect(ofType(parseMessages(run.stdout), 'CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual([status]);
      }
      expect(runs.checkBadToken.stdout).not.toContain('revoked-token');
    });

    it('discover: the catalog the CLI prints', () => {
      expect(runs.discover.code, runs.discover.stderr).toBe(0);
      const catalogs = ofType(parseMessages(runs.discover.stdout), 'CATALOG');
      expect(catalogs).toHaveLength(1);
      expect(catalogs).toEqual(ofType(runs.cliDiscover.messages, 'CATALOG'));
      expect(catalogs[0]?.catalog.streams.map((s) => s.name)).toEqual(expect.arrayContaining(inputs.streams));
    });

    it('read: every line a valid Airbyte message, the same records as the CLI, a state per stream', () => {
      expect(runs.containerRead.code, runs.containerRead.stderr.slice(-2000)).toBe(0);
      expect(runs.cliRead.code, runs.cliRead.stderr.slice(-2000)).toBe(0);
      // parseMessages validates each line against the protocol schema.
      const messages = parseMessages(runs.containerRead.stdout);
      const records = recordData(runs.containerRead.stdout);
      for (const stream of inputs.streams) expect(records.filter((r) => r.startsWith(`${stream} `)).length, stream).toBeGreaterThan(0);
      expect(records).toEqual(recordData(runs.cliRead.stdout));
      expect(new Set(ofType(messages, 'STATE').map((m) => m.state.stream?.stream_descriptor.name))).toEqual(new Set(inputs.streams));
      expect(ofType(messages, 'TRACE').filter((m) => m.trace.type === 'ERROR')).toEqual([]);
    });

    it('sync into Postgres: the same rows as the CLI\'s sync, and a state per stream', async () => {
      expect(runs.syncRun.code, runs.syncRun.stderr.slice(-2000)).toBe(0);
      expect(runs.cliSyncRun.code, runs.cliSyncRun.stderr.slice(-2000)).toBe(0);
      const loaded = await tableDigests(runs.containerSchema, inputs.streams);
      expect(loaded).toEqual(await tableDigests(runs.cliSchema, inputs.streams));
      const records = recordData(runs.cliRead.stdout);
      for (const stream of inputs.streams) expect(loaded[stream], stream).toMatch(new RegExp(`^${records.filter((r) => r.startsWith(`${stream} `)).length}:`));
      expect(await stateRows(runs.containerSchema)).toEqual([...inputs.streams].sort());
    });

    it('holds the connector only: production dependencies, no emulator, no tools; everything above ran on a read-only root', () => {
      expect(runs.contents.code, runs.contents.stderr).toBe(0);
      const [, ...lines] = runs.contents.stdout.trim().split('\n');
      for (const name of Object.keys(PACKAGE.dependencies)) expect(lines, name).toContain(name.split('/')[0]);
      for (const name of Object.keys(PACKAGE.devDependencies)) expect(lines, name).not.toContain(name.split('/')[0]);
      expect(lines.filter((line) => line.startsWith('/'))).toEqual([]);
      expect(lines).not.toContain('tiktok-emulator');
      expect(lines).toContain('bin');
    });
  });

  describe('docker: the destination image', () => {
    it('spec, check SUCCEEDED against Postgres and FAILED against nothing, under Airbyte\'s labels', () => {
      expect(runs.destinationSpec.code, runs.destinationSpec.stderr).toBe(0);
      const [spec] = ofType(parseMessages(runs.destinationSpec.stdout), 'SPEC');
      expect(spec?.spec.supported_destination_sync_modes).toEqual(expect.arrayContaining(['overwrite', 'append', 'append_dedup']));
      for (const [run, status] of [[runs.destinationCheck, 'SUCCEEDED'], [runs.destinationCheckFailed, 'FAILED']] as const) {
        expect(run.code, run.stderr).toBe(0);
        expect(ofType(parseMessages(run.stdout), 'CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual([status]);
      }
      const [, config] = runs.configs;
      expect(config?.User).toBe('1000:1000');
      expect(config?.Labels).toMatchObject({ 'io.airbyte.name': expect.stringMatching(/\/destination-/), 'io.airbyte.version': PACKAGE.version });
      expect(config?.Entrypoint.at(-1)).toBe('/airbyte/integration_code/dist/bin/destination.js');
    });

    it('read | write between the two images loads the rows the source read, and acknowledges its states', async () => {
      expect(runs.pipe.code, runs.pipe.stderr.slice(-2000)).toBe(0);
      // As many states acknowledged as a read of the same moment emits, each once committed.
      const acknowledged = ofType(parseMessages(runs.pipe.stdout), 'STATE');
      expect(acknowledged.length).toBe(ofType(parseMessages(runs.containerRead.stdout), 'STATE').length);
      // The catalog file's schemas (not discover's) shape these tables, so rows are counted against the read's records.
      const records = recordData(runs.cliRead.stdout);
      for (const stream of inputs.streams) {
        const [row] = await runs.pipedSchema.query<{ n: number }>(`select count(*)::int as n from "${runs.pipedSchema.schema}"."${stream}"`);
        expect(row?.n, stream).toBe(records.filter((r) => r.startsWith(`${stream} `)).length);
      }
      expect(await stateRows(runs.pipedSchema)).toEqual([...inputs.streams].sort());
    });
  });

  describe('docker: docker stop during a long sync', () => {
    it('commits what it can, keeps the state of what committed, says why, exits 143 within the grace period; the next run continues', async () => {
      // A slow API (4 requests a second) and a long history: the sync takes far longer than the test waits.
      const slow = await startEmulator({ seed: 5, advertisers: 6, qps: 4, ...EMULATOR_CREDENTIALS });
      try {
        const config = writeShared('slow.json', { ...JSON.parse(readFileSync(inputs.config, 'utf8')), api_base_url: slow.url, start_date: '2025-01-01', requests_per_second: 4 });
        const [stopped, whole] = [await schema('dk_stop'), await schema('dk_whole')];
        const args = (file: string, db: TestSchema) => ['sync', '--config', file, '--destination', db.url, '--schema', db.schema, '--streams', 'ads_reports_daily'];
        const name = `tiktok-stop-${process.pid}`;
        const first = startContainer(SOURCE_IMAGE, args(inside(config), stopped), { name, mounts: { [dir]: IN_CONTAINER } });
        // The uninterrupted reference, from the CLI, meanwhile.
        const reference = cliSync(args(config, whole));
        let ended = false;
        void first.done.finally(() => (ended = true));
        while (!ended && (await stateRows(stopped)).length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
        expect(ended, 'the sync ended before it could be stopped').toBe(false);
        // docker stop: SIGTERM, then SIGKILL after 10 s. 143 is the connector's own exit; a SIGKILL would be 137.
        await docker(['stop', '--time', '10', name]);
        const stop = await first.done;
        expect(stop.code, stop.stderr.slice(-2000)).toBe(143);
        expect(stop.stderr).toMatch(/^SIGTERM received: stopping/m);
        expect(stop.stderr).toMatch(/Stopped by SIGTERM before the end: rows committed so far are kept with their state/);
        const [kept] = await stopped.query<{ n: number }>(`select count(*)::int as n from "${stopped.schema}".ads_reports_daily`);
        expect(kept?.n).toBeGreaterThan(0);
        expect(await stateRows(stopped)).toEqual(['ads_reports_daily']);

        const next = await runContainer(SOURCE_IMAGE, args(inside(config), stopped), { mounts: { [dir]: IN_CONTAINER } });
        expect(next.code, next.stderr.slice(-2000)).toBe(0);
        const all = await reference;
        expect(all.code, all.stderr.slice(-2000)).toBe(0);
        // Continued: the rows of an uninterrupted sync, none twice, and fewer read again than there are.
        expect(await tableDigests(stopped, ['ads_reports_daily'])).toEqual(await tableDigests(whole, ['ads_reports_daily']));
        const synced = (out: string) => Number(/^Synced: ([\d,]+) rows/m.exec(out)?.[1]?.replaceAll(',', '') ?? NaN);
        expect(synced(next.stdout)).toBeLessThan(synced(all.stdout));
      } finally {
        await slow.close();
      }
    }, 300_000);
  });
});
