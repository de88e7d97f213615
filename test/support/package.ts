// The shipped package, exercised the way users get it: `npm pack` from the sources (its prepack builds dist/),
// `npx ./source-tiktok-marketing-*.tgz …` from a clean folder (production dependencies only), and the Docker
// image's stages replayed from the Dockerfile without a Docker engine. Shared by test/e2e/package.test.ts (Node 24)
// and test/stress/package-node22.stress.test.ts (Node 22).

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Emulator } from 'tiktok-emulator';
import { ROOT } from './cli.ts';
import { emulator } from './emulator.ts';
import { runProcess } from './process.ts';

export const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  files: string[];
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
export const TARBALL = `${PACKAGE.name}-${PACKAGE.version}.tgz`;
/** The Node 24 binary of the `node@24` dev dependency (the Docker image's node:24). */
export const NODE24_BIN_DIR = join(ROOT, 'node_modules', 'node', 'bin');

/** The dev workspace's tools (tools/: the local BigQuery, the demo, the benchmarks) by file name: the package and
 * the image hold the connector only, so no file of theirs may match. */
export const DEV_TOOL_FILE = /bigquery-local|demo|bench|dev-install/i;
/** Commands the connector's CLI once had and that now run from the dev workspace (npm start, npm run bigquery-local). */
export const DEV_TOOL_COMMANDS = ['demo', 'bigquery-local', 'emulator'] as const;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `tiktok-${label}-`));
}

/**
 * The environment of a user's shell with the given Node first on PATH: no node_modules/.bin of this repository
 * (its dev tools must not leak into a "clean" run), none of the npm_* variables `npm test` exports, no PG_URL
 * (the demo must not find a database through it). npm's cache is the caller's choice.
 */
export function userEnv(nodeBinDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^npm_/i.test(key) || key === 'PG_URL' || key === 'DEMO_PG_URL' || key === 'NODE_OPTIONS' || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  const path = (process.env['PATH'] ?? '').split(delimiter).filter((entry) => entry !== '' && !entry.includes('node_modules/.bin'));
  env['PATH'] = [nodeBinDir, ...path].join(delimiter);
  return { ...env, ...extra };
}

/** The npm cache users already have: tarballs come from it, so a test install asks the registry little. */
export function userNpmCache(): string {
  return process.env['npm_config_cache'] ?? join(homedir(), '.npm');
}

/**
 * A cache folder of our own whose content store is the user's: npx puts its install under `<cache>/_npx/`, so that
 * install lives in (and is removed with) the test's temp folder, while the downloads are shared.
 */
export function privateCacheSharingContent(dir: string): string {
  const cache = join(dir, '.npm-cache');
  mkdirSync(cache, { recursive: true });
  const content = join(userNpmCache(), '_cacache');
  if (existsSync(content)) symlinkSync(content, join(cache, '_cacache'));
  return cache;
}

export async function run(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<Run> {
  const { code, stdout, stderr } = await runProcess(command, args, { cwd: options.cwd, env: options.env, timeoutMs: options.timeoutMs ?? 180_000 });
  return { code, stdout, stderr };
}

/** Runs and insists on exit 0, with the output in the error: a failed install or build must say why. */
export async function runOk(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<Run> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.code}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
  }
  return result;
}

// ---- Dockerfile -------------------------------------------------------------------------------------------------

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Stages and their instructions; continuation lines joined, comments dropped. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  for (const line of logical) {
    const match = /^(\w+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`Dockerfile line not understood: ${line}`);
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!;
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`FROM not understood: ${args}`);
      stages.push({ image: from[1]!, name: from[2], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${keyword} before FROM`);
    stage.instructions.push({ keyword, args });
  }
  return stages;
}

/**
 * A stage as the engine builds it: a stage that starts `FROM <an earlier stage>` holds that stage's instructions
 * first, and its image is the one the chain starts from.
 */
export function resolveStage(stages: readonly Stage[], stage: Stage): Stage {
  const parent = stages.slice(0, stages.indexOf(stage)).find((candidate) => candidate.name !== undefined && candidate.name === stage.image);
  if (parent === undefined) return stage;
  const base = resolveStage(stages, parent);
  return { image: base.image, name: stage.name, instructions: [...base.instructions, ...stage.instructions] };
}

/** The stage `docker build --target NAME` builds, resolved (resolveStage). */
export function targetStage(stages: readonly Stage[], name: string): Stage {
  const stage = stages.find((candidate) => candidate.name === name);
  if (stage === undefined) throw new Error(`the Dockerfile has no stage "${name}" (stages: ${stages.map((s) => s.name ?? s.image).join(', ')})`);
  return resolveStage(stages, stage);
}

/** `LABEL a=1 b="two words"` of a stage, all its LABEL instructions together. */
export function labelsOf(stage: Stage): Record<string, string> {
  return Object.assign({}, ...stage.instructions.filter((i) => i.keyword === 'LABEL').map((i) => parseEnv(i.args))) as Record<string, string>;
}

export interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
}

export function parseCopy(args: string): Copy {
  const words = args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
    else throw new Error(`COPY flag not supported here: ${flag}`);
  }
  const destination = words.pop();
  if (destination === undefined || words.length === 0) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { from, sources: words, destination };
}

/** `ENV A=1 B="two words"` → { A: '1', B: 'two words' } (LABEL's keys may hold dots). */
export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    const raw = match[2]!;
    env[match[1]!] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return env;
}

export interface Replayed {
  workdir: string;
  env: Record<string, string>;
  entrypoint: string[] | undefined;
  runs: string[];
}

/**
 * A stage replayed in a folder standing for the image's root: WORKDIR, COPY (from the build context or an earlier
 * stage's folder), ENV and RUN (`sh -c`, as Docker's shell form). `substitute` may take over a RUN.
 */
export async function replayStage(
  stage: Stage,
  root: string,
  options: { context: string; stageRoots: Record<string, string>; env: Record<string, string>; substitute?: (command: string, workdir: string) => Promise<boolean> },
): Promise<Replayed> {
  let workdir = root;
  const env: Record<string, string> = {};
  let entrypoint: string[] | undefined;
  const runs: string[] = [];
  const inRoot = (base: string, path: string) => (path.startsWith('/') ? join(base, path) : resolve(workdir, path));
  for (const { keyword, args } of stage.instructions) {
    switch (keyword) {
      case 'WORKDIR':
        workdir = inRoot(root, args);
        mkdirSync(workdir, { recursive: true });
        break;
      case 'COPY': {
        const copy = parseCopy(args);
        const base = copy.from === undefined ? options.context : options.stageRoots[copy.from];
        if (base === undefined) throw new Error(`COPY --from=${copy.from}: no such stage replayed`);
        const destination = inRoot(root, copy.destination);
        const toDirectory = copy.destination.endsWith('/') || copy.sources.length > 1;
        for (const source of copy.sources) {
          const from = copy.from === undefined ? join(base, source) : inRoot(base, source);
          if (!existsSync(from)) throw new Error(`COPY source ${source} does not exist (${from})`);
          cpSync(from, toDirectory ? join(destination, source.split('/').at(-1)!) : destination, { recursive: true });
        }
        break;
      }
      case 'ENV':
        Object.assign(env, parseEnv(args));
        break;
      case 'RUN':
        runs.push(args);
        if (await options.substitute?.(args, workdir)) break;
        await runOk('sh', ['-c', args], { cwd: workdir, env: { ...options.env, ...env } });
        break;
      case 'ENTRYPOINT':
        entrypoint = JSON.parse(args) as string[];
        break;
      // The user matters inside an engine only (test/e2e/docker.test.ts runs the image as built).
      case 'USER':
      case 'LABEL':
      case 'EXPOSE':
      case 'CMD':
        break;
      default:
        throw new Error(`Dockerfile instruction not replayed: ${keyword}`);
    }
  }
  return { workdir, env, entrypoint, runs };
}

// ---- pack ------------------------------------------------------------------------------------------------------

/**
 * The Dockerfile's build stage replayed in a fresh folder, which doubles as the pack's source tree:
 * - its dev install (`npm ci` without --omit=dev) is this repository's node_modules, linked (same lockfile; 500 MB
 *   not installed twice);
 * - its compile RUN must be `npx <the build script>`; in its place runs `npm pack`, whose prepack runs that same
 *   build script. So one compile proves three things: the build stage copies all tsc needs, prepack builds dist/,
 *   and the tarball's dist/ is that build (the folder had no dist/ before).
 */
export async function buildStageAndPack(stages: readonly Stage[], env: Record<string, string>): Promise<{ root: string; build: Replayed; tarball: string; files: string[]; workdir: string }> {
  const stage = stages[0];
  if (!stage) throw new Error('Dockerfile has no stage');
  const root = tempDir('docker-build');
  try {
    return await buildAndPackIn(stage, root, env);
  } catch (error) {
    // The caller only learns of the folder on success: a failed build must not leave it behind.
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

async function buildAndPackIn(stage: Stage, root: string, env: Record<string, string>): Promise<{ root: string; build: Replayed; tarball: string; files: string[]; workdir: string }> {
  const out = join(root, '.pack');
  mkdirSync(out);
  const build = await replayStage(stage, root, {
    context: ROOT,
    stageRoots: {},
    env,
    substitute: async (command, workdir) => {
      if (/^npm ci\b/.test(command) && !command.includes('--omit=dev')) {
        symlinkSync(join(ROOT, 'node_modules'), join(workdir, 'node_modules'));
        return true;
      }
      if (command === `npx ${PACKAGE.scripts['build']}`) {
        if (existsSync(join(workdir, 'dist'))) throw new Error('the build stage has a dist/ before compiling: the pack would not prove prepack');
        cpSync(join(ROOT, 'README.md'), join(workdir, 'README.md'));
        await runOk('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: workdir, env });
        return true;
      }
      return false;
    },
  });
  if (!build.runs.includes(`npx ${PACKAGE.scripts['build']}`)) throw new Error(`the build stage never runs \`npx ${PACKAGE.scripts['build']}\` (runs: ${build.runs.join(' | ')})`);
  const tarball = join(out, TARBALL);
  if (!existsSync(tarball)) throw new Error(`npm pack made no ${TARBALL} (found: ${readdirSync(out).join(', ')})`);
  const listing = await runOk('tar', ['-tzf', tarball], { cwd: out, env });
  const files = listing.stdout.split('\n').filter((line) => line !== '' && !line.endsWith('/')).map((line) => line.replace(/^package\//, ''));
  return { root, build, tarball, files, workdir: build.workdir };
}

/**
 * `npx ./<tarball> <args>` from a clean folder holding only the tarball: npx installs the package with its
 * production dependencies (a dependency's devDependencies are never installed) and runs its bin. Returns the run
 * and that install's folder, which the other cases reuse instead of installing again.
 */
export async function npxFromTarball(tarball: string, args: readonly string[], nodeBinDir: string): Promise<{ result: Run; clean: string; installed: string }> {
  const clean = tempDir('npx');
  try {
    cpSync(tarball, join(clean, TARBALL));
    const env = userEnv(nodeBinDir, { npm_config_cache: privateCacheSharingContent(clean), npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' });
    const result = await run('npx', ['--yes', `./${TARBALL}`, ...args], { cwd: clean, env });
    const npx = join(clean, '.npm-cache', '_npx');
    const installs = existsSync(npx) ? readdirSync(npx).map((hash) => join(npx, hash, 'node_modules')).filter((dir) => existsSync(join(dir, PACKAGE.name))) : [];
    if (installs.length !== 1) throw new Error(`expected one npx install of ${TARBALL}, found ${installs.length}\n${result.stderr}`);
    return { result, clean, installed: installs[0]! };
  } catch (error) {
    rmSync(clean, { recursive: true, force: true });
    throw error;
  }
}

// ---- the CLI of an installed package ---------------------------------------------------------------------------

export const EMULATOR_CREDENTIALS = { accessToken: 'pkg-test-access-token', appId: '7268034192837465012', secret: 'pkg-test-app-secret' };

/**
 * The API the packaged CLI reads from: the repository's emulator (the tiktok-emulator workspace package, which the
 * package does not ship), in the test's own process.
 */
export function startReadEmulator(): Promise<Emulator> {
  return emulator({ seed: 12, advertisers: 2, ...EMULATOR_CREDENTIALS });
}

/** A config for the emulator and a catalog of an entity stream, an incremental entity stream and a report. */
export function writeReadInputs(dir: string, apiUrl: string): { config: string; catalog: string; streams: string[] } {
  const streams = ['advertisers', 'campaigns', 'ads_reports_daily'];
  const startDate = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      credentials: { auth_type: 'oauth2.0', app_id: EMULATOR_CREDENTIALS.appId, secret: EMULATOR_CREDENTIALS.secret, access_token: EMULATOR_CREDENTIALS.accessToken },
      api_base_url: apiUrl,
      start_date: startDate,
      requests_per_second: 50,
    }),
  );
  const full = JSON.parse(readFileSync(join(ROOT, 'integration_tests', 'configured_catalog.json'), 'utf8')) as { streams: { stream: { name: string } }[] };
  const catalog = join(dir, 'catalog.json');
  writeFileSync(catalog, JSON.stringify({ streams: full.streams.filter((entry) => streams.includes(entry.stream.name)) }));
  return { config, catalog, streams };
}

/** A dev dependency's folder in an installed tree: present means the install was not production-only. */
export function devDependenciesIn(nodeModules: string): string[] {
  return Object.keys(PACKAGE.devDependencies).filter((name) => existsSync(join(nodeModules, name)));
}
