// The shipped package and the Docker image, as users get them, on Node 24 (the node@24 dev dependency, the
// Docker image's node:24). One pack and one install of each kind for the whole file (beforeAll):
//   - `npm pack` from a fresh copy of the sources (no dist/: the tarball has a build only if prepack made it);
//   - `npx ./source-tiktok-marketing-<v>.tgz spec` in a clean folder (production dependencies only), whose install
//     then runs check, discover and read (against the repository's emulator, the tiktok-emulator workspace package, which the
//     package does not ship), and sync of the same streams into Postgres (a schema of its own: PG_URL, or the embedded
//     server, test/support/postgres.ts), and knows none of the dev workspace's tools (tools/, the emulator);
//   - the Dockerfile's stages replayed without a Docker engine: the build stage's COPYs then its compile (the same
//     build script, run by the pack's prepack in that very folder: one compile for both), the runtime stage's
//     `npm ci --omit=dev --ignore-scripts`, its COPYs, and its ENTRYPOINT run as written.
// The Node 22 variant is test/stress/package-node22.stress.test.ts.

import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { ROOT, parseMessages } from '../support/cli.ts';
import { freshSchema, type TestSchema } from '../support/postgres.ts';
import {
  DEV_TOOL_COMMANDS,
  DEV_TOOL_FILE,
  NODE24_BIN_DIR,
  PACKAGE,
  type Replayed,
  type Run,
  buildStageAndPack,
  devDependenciesIn,
  npxFromTarball,
  parseCopy,
  parseDockerfile,
  replayStage,
  resolveStage,
  run,
  startReadEmulator,
  tempDir,
  userEnv,
  writeReadInputs,
} from '../support/package.ts';

const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const STAGES = parseDockerfile(DOCKERFILE);
const BUILD = STAGES[0]!;
/** The default target (the last stage), with the stages it starts from. */
const RUNTIME = resolveStage(STAGES, STAGES.at(-1)!);
const ENV24 = userEnv(NODE24_BIN_DIR, { npm_config_update_notifier: 'false' });

const temps: string[] = [];

let packed: Awaited<ReturnType<typeof buildStageAndPack>>;
let npx: { result: Run; clean: string; installed: string };
let runtime: Replayed;
let runtimeRoot: string;
let emulator: Emulator | undefined;
let inputs: ReturnType<typeof writeReadInputs>;
/** Where the installed package's `sync` loads the streams `read` reads. */
let db: TestSchema | undefined;
let modules: string[];
/** Every command's run, all started at once once the installs are there: each test then only asserts. */
let runs: Awaited<ReturnType<typeof runEverything>>;

/** Runs the installed package's bin from the clean folder (as `npx source-tiktok-marketing …` would). */
function packaged(args: string[]): Promise<Run> {
  return run(join(npx.installed, '.bin', PACKAGE.name), args, { cwd: npx.clean, env: ENV24 });
}

/** The Docker ENTRYPOINT exactly as written; only the image's root moves to the replay folder. */
function entrypoint(args: string[]): Promise<Run> {
  const [command, ...rest] = runtime.entrypoint ?? [];
  if (command === undefined) throw new Error('the runtime stage has no ENTRYPOINT');
  const moved = rest.map((arg) => (arg.startsWith('/') ? join(runtimeRoot, arg) : arg));
  return run(command, [...moved, ...args], { cwd: runtime.workdir, env: { ...ENV24, ...runtime.env } });
}

async function allOf<T extends Record<string, Promise<unknown>>>(promises: T): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const entries = await Promise.all(Object.entries(promises).map(async ([key, promise]) => [key, await promise] as const));
  return Object.fromEntries(entries) as { [K in keyof T]: Awaited<T[K]> };
}

function database(): TestSchema {
  if (db === undefined) throw new Error('no test schema: beforeAll did not create it');
  return db;
}

function runEverything() {
  const read = ['read', '--config', inputs.config, '--catalog', inputs.catalog];
  // bin/source.js and bin/destination.js run their command when imported; every other module only defines things.
  const script = `for (const m of ${JSON.stringify(modules)}) await import('./' + m); console.log('loaded', ${modules.length});`;
  return allOf({
    nodeVersion: run('node', ['-p', 'process.versions.node'], { cwd: npx.clean, env: ENV24 }),
    check: packaged(['check', '--config', inputs.config]),
    discover: packaged(['discover', '--config', inputs.config]),
    read: packaged(read),
    // At the same moment as read, against the same emulator: both see the same days, so the same rows.
    sync: packaged(['sync', '--config', inputs.config, '--destination', database().url, '--schema', database().schema, '--streams', inputs.streams.join(',')]),
    help: packaged(['--help']),
    devTools: Promise.all(DEV_TOOL_COMMANDS.map((command) => packaged([command]))),
    destinationSpec: run(join(npx.installed, '.bin', 'destination-postgres-tiktok'), ['spec'], { cwd: npx.clean, env: ENV24 }),
    modules: run('node', ['--input-type=module', '-e', script], { cwd: join(npx.installed, PACKAGE.name), env: { ...ENV24, NODE_ENV: 'production' } }),
    dockerSpec: entrypoint(['spec']),
    dockerCheck: entrypoint(['check', '--config', inputs.config]),
    dockerRead: entrypoint(read),
    dockerDevTools: Promise.all(DEV_TOOL_COMMANDS.map((command) => entrypoint([command]))),
  });
}

beforeAll(async () => {
  packed = await buildStageAndPack(STAGES, ENV24);
  temps.push(packed.root);
  runtimeRoot = tempDir('docker-runtime');
  temps.push(runtimeRoot);
  // Both installs at once: they wait mostly on the network. The runtime stage gets a cache of its own, because
  // its RUN ends with `npm cache clean --force`, which must clean nothing but that.
  const [fromNpx, replayed] = await Promise.all([
    npxFromTarball(packed.tarball, ['spec'], NODE24_BIN_DIR).then((result) => {
      temps.push(result.clean);
      return result;
    }),
    replayStage(RUNTIME, runtimeRoot, {
      context: ROOT,
      stageRoots: BUILD.name ? { [BUILD.name]: packed.root } : {},
      env: userEnv(NODE24_BIN_DIR, { npm_config_cache: join(runtimeRoot, '.npm-cache'), npm_config_update_notifier: 'false' }),
    }),
  ]);
  npx = fromNpx;
  runtime = replayed;
  emulator = await startReadEmulator();
  inputs = writeReadInputs(npx.clean, emulator.url);
  db = await freshSchema('pkg');
  modules = packed.files.filter((file) => file.startsWith('dist/') && file.endsWith('.js') && !/^dist\/bin\//.test(file));
  runs = await runEverything();
}, 400_000);

afterAll(async () => {
  await emulator?.close();
  await db?.drop();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function ofType<T extends AirbyteMessage['type']>(messages: AirbyteMessage[], type: T): Extract<AirbyteMessage, { type: T }>[] {
  return messages.filter((m): m is Extract<AirbyteMessage, { type: T }> => m.type === type);
}

/** SPEC carries the spec.json shipped beside dist/ (read from there: others may edit the repository's meanwhile). */
function expectSpec(result: Run, specJson: string): void {
  expect(result.code, result.stderr).toBe(0);
  const messages = parseMessages(result.stdout);
  expect(messages.map((m) => m.type)).toEqual(['SPEC']);
  expect(ofType(messages, 'SPEC')[0]?.spec.connectionSpecification).toEqual(JSON.parse(readFileSync(specJson, 'utf8')));
}

function expectCheckSucceeded(result: Run): void {
  expect(result.code, result.stderr).toBe(0);
  const statuses = ofType(parseMessages(result.stdout), 'CONNECTION_STATUS');
  expect(statuses.map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
}

function expectRead(result: Run): void {
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
  const messages = parseMessages(result.stdout);
  const records = ofType(messages, 'RECORD');
  for (const stream of inputs.streams) expect(records.filter((m) => m.record.stream === stream).length, stream).toBeGreaterThan(0);
  expect(ofType(messages, 'STATE').length).toBeGreaterThan(0);
  expect(ofType(messages, 'TRACE').filter((m) => m.trace.type === 'ERROR')).toEqual([]);
}

/** The dev workspace's commands (demo, bigquery-local) are unknown to the shipped CLI: a config_error naming the
 * command (on stderr, and as the one TRACE on stdout), exit 1, never a module-not-found stack. */
function expectUnknownCommands(results: readonly Run[]): void {
  expect(results).toHaveLength(DEV_TOOL_COMMANDS.length);
  results.forEach((result, i) => {
    const command = DEV_TOOL_COMMANDS[i]!;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(`config_error: Unknown command "${command}".`);
    expect(result.stderr + result.stdout).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (package|module)|\n\s+at /);
    const traces = ofType(parseMessages(result.stdout), 'TRACE');
    expect(traces.map((m) => (m.trace.type === 'ERROR' ? m.trace.error.failure_type : m.trace.type))).toEqual(['config_error']);
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && statSync(join(dir, file)).isFile())
    .map((file) => file.replace(/\.ts$/, ''));
}

describe('the npm package', () => {
  it('npm pack builds dist/ through prepack and ships dist/, spec.json, README.md and package.json only', () => {
    // The pack was made where there was no dist/ (buildStageAndPack checks): every compiled file comes from prepack,
    // one for each source file, none left over from older sources.
    const compiled = packed.files.filter((file) => file.startsWith('dist/') && file.endsWith('.js')).map((file) => file.slice('dist/'.length, -'.js'.length));
    expect(compiled.sort()).toEqual(sourceFiles(join(packed.workdir, 'src')).sort());
    for (const target of Object.values(PACKAGE.bin)) expect(packed.files).toContain(target);
    const outside = packed.files.filter((file) => !file.startsWith('dist/') && !['package.json', 'spec.json', 'README.md'].includes(file));
    expect(outside).toEqual([]);
    expect(packed.files.filter((file) => file.endsWith('.ts'))).toEqual([]);
    // The dev workspace (tools/: the local BigQuery, the demo, the benchmarks) is never built nor shipped.
    expect(packed.files.filter((file) => DEV_TOOL_FILE.test(file))).toEqual([]);
    // The emulator is the tiktok-emulator workspace package: none of it is shipped.
    expect(packed.files.filter((file) => /emulator/i.test(file))).toEqual([]);
  });

  it('`npx ./<tarball> spec` runs from a clean folder on Node 24 with production dependencies only', async () => {
    expect(runs.nodeVersion.stdout.trim()).toMatch(/^24\./);
    expectSpec(npx.result, join(npx.installed, PACKAGE.name, 'spec.json'));
    expect(devDependenciesIn(npx.installed)).toEqual([]);
    for (const name of Object.keys(PACKAGE.dependencies)) expect(existsSync(join(npx.installed, name)), name).toBe(true);
  });

  it('check, discover and read against the emulator emit valid messages', () => {
    expectCheckSucceeded(runs.check);
    expect(runs.discover.code, runs.discover.stderr).toBe(0);
    const [catalog] = parseMessages(runs.discover.stdout).flatMap((m) => (m.type === 'CATALOG' ? [m.catalog] : []));
    expect(catalog?.streams.map((s) => s.name)).toEqual(expect.arrayContaining(['advertisers', 'ads_reports_daily']));
    expectRead(runs.read);
  });

  it('sync loads into Postgres as many rows per stream as read emits records', async () => {
    expect(runs.sync.code, runs.sync.stderr.slice(-2000)).toBe(0);
    const records = ofType(parseMessages(runs.read.stdout), 'RECORD');
    const emitted = Object.fromEntries(inputs.streams.map((stream) => [stream, records.filter((m) => m.record.stream === stream).length]));
    const loaded: Record<string, number> = {};
    for (const stream of inputs.streams) {
      const [row] = await database().query<{ n: number }>(`select count(*)::int as n from "${database().schema}"."${stream}"`);
      loaded[stream] = row?.n ?? -1;
    }
    expect(loaded).toEqual(emitted);
    for (const stream of inputs.streams) expect(loaded[stream], stream).toBeGreaterThan(0);
    // Each stream's state is stored beside its table, for the next sync to continue from.
    const stored = await database().query<{ stream_name: string }>(`select stream_name from "${database().schema}"._sync_state order by 1`);
    expect(stored.map((row) => row.stream_name)).toEqual([...inputs.streams].sort());
  });

  it('every compiled module loads in the production install: no static import of a dev dependency', () => {
    expect(modules.length).toBeGreaterThan(50);
    expect(runs.modules.stderr).toBe('');
    expect(runs.modules.stdout.trim()).toBe(`loaded ${modules.length}`);
  });

  it('the dev tools are no commands of it: its usage names neither demo nor bigquery-local, and both are unknown', () => {
    expect(runs.help.code, runs.help.stderr).toBe(0);
    expect(runs.help.stderr).toMatch(/^Usage: source-tiktok-marketing <command>/);
    for (const command of DEV_TOOL_COMMANDS) expect(runs.help.stderr).not.toContain(command);
    expectUnknownCommands(runs.devTools);
  });

  it('the Airbyte destination bin runs from the production install', () => {
    expect(runs.destinationSpec.code, runs.destinationSpec.stderr).toBe(0);
    expect(parseMessages(runs.destinationSpec.stdout).map((m) => m.type)).toEqual(['SPEC']);
  });
});

describe('the Docker image, checked without Docker', () => {
  it('every COPY source of the build context exists and is not excluded by .dockerignore', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    const sources = STAGES.flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'COPY').map((i) => parseCopy(i.args))).filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources);
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'spec.json', 'README.md']));
    // Neither the dev workspace nor the whole context (which holds it) goes into an image.
    expect(sources.filter((source) => ['.', './', '*', 'tools'].includes(source) || source.startsWith('tools/'))).toEqual([]);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(ignored.filter((pattern) => source === pattern || source.startsWith(`${pattern}/`)), source).toEqual([]);
    }
  });

  it('the build stage copies everything `tsc -p tsconfig.build.json` needs (its tsc ran on those files alone)', () => {
    expect(BUILD.image).toMatch(/^node:24\b/);
    // buildStageAndPack ran the stage's COPYs, then the build script in place of its compile RUN: it exits non-zero
    // (and fails the file) when a file tsc needs was not copied. Here: the stage does compile, to dist/.
    expect(packed.build.runs).toContain(`npx ${PACKAGE.scripts['build']}`);
    expect(PACKAGE.scripts['build']).toBe('tsc -p tsconfig.build.json');
    expect(PACKAGE.scripts['prepack']).toMatch(/\bnpm run build\b/);
    const dist = join(packed.workdir, 'dist');
    for (const target of Object.values(PACKAGE.bin)) expect(existsSync(join(dist, relative('dist', target))), target).toBe(true);
  });

  it('the runtime stage installs production dependencies only, without install scripts', () => {
    expect(RUNTIME.image).toMatch(/^node:24\b/);
    const install = runtime.runs.find((command) => /\bnpm ci\b/.test(command));
    expect(install).toMatch(/--omit=dev/);
    expect(install).toMatch(/--ignore-scripts/);
    expect(runtime.env['NODE_ENV']).toBe('production');
    expect(devDependenciesIn(join(runtime.workdir, 'node_modules'))).toEqual([]);
    expect(existsSync(join(runtime.workdir, 'dist', 'bin', 'source.js'))).toBe(true);
    // The connector only: no dev workspace, and no build of a tool in dist/.
    expect(existsSync(join(runtime.workdir, 'tools'))).toBe(false);
    expect(readdirSync(join(runtime.workdir, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => DEV_TOOL_FILE.test(file))).toEqual([]);
  });

  it('its ENTRYPOINT, exactly as written, runs spec, check and read against the emulator', () => {
    expect(runtime.entrypoint?.[0]).toBe('node');
    expect(runtime.entrypoint?.slice(1, -1).every((arg) => arg.startsWith('--'))).toBe(true);
    expectSpec(runs.dockerSpec, join(runtime.workdir, 'spec.json'));
    expectCheckSucceeded(runs.dockerCheck);
    expectRead(runs.dockerRead);
    expectUnknownCommands(runs.dockerDevTools);
  });
});
