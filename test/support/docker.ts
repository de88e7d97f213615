// A real Docker engine for the image tests (test/e2e/docker.test.ts): prepared by the shared script that installs
// and starts one on this machine kind (no registry reachable: it builds the Dockerfile's base image locally), then
// the project's Dockerfile built once for both targets, and containers run as an orchestrator runs them.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './cli.ts';
import { type ProcessOptions, type ProcessOutput, runProcess, startProcess, type StartedProcess } from './process.ts';

/** The shared script that brings up an engine; never copied into the project, found beside it (CI has it). */
export const LOCAL_DOCKER_SCRIPT = process.env['LOCAL_DOCKER_SCRIPT'] ?? resolve(ROOT, '../shared/tools/local-docker.sh');

export const SOURCE_IMAGE = 'source-tiktok-marketing-ts:test';
export const DESTINATION_IMAGE = 'destination-postgres-tiktok:test';

export type Engine = { ok: true } | { ok: false; reason: string };

/**
 * Runs the shared script (idempotent: a running engine and a built base are kept). A missing script fails under
 * CI=true, as every missing shared file does; an engine that cannot be had is the caller's loud skip.
 */
export async function prepareEngine(): Promise<Engine> {
  if (!existsSync(LOCAL_DOCKER_SCRIPT)) {
    const reason = `the engine script ${LOCAL_DOCKER_SCRIPT} does not exist (set LOCAL_DOCKER_SCRIPT)`;
    if (process.env['CI'] === 'true') throw new Error(`${reason}: the image tests cannot be skipped in CI.`);
    return { ok: false, reason };
  }
  // The first run installs docker.io and builds the base image: minutes.
  const prepared = await runProcess('bash', [LOCAL_DOCKER_SCRIPT], { timeoutMs: 900_000 });
  if (prepared.code !== 0) {
    const said = prepared.stderr.trim().split('\n').at(-1) ?? '';
    return { ok: false, reason: `${LOCAL_DOCKER_SCRIPT} exited ${prepared.code}${said ? `: ${said}` : ''}` };
  }
  return { ok: true };
}

/** `docker …`, its output; rejects with the output when it exits non-zero. */
export async function docker(args: readonly string[], options: ProcessOptions = {}): Promise<ProcessOutput> {
  const result = await runProcess('docker', args, { timeoutMs: 600_000, ...options });
  if (result.code !== 0) throw new Error(`docker ${args.slice(0, 3).join(' ')} … exited ${result.code}\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-3000)}`);
  return result;
}

/**
 * Both images from the project's Dockerfile, as the README builds them: the default target (the source) first;
 * the destination shares every layer but its last three, so its build is cached.
 */
export async function buildImages(): Promise<{ seconds: number }> {
  const started = performance.now();
  const env = { ...process.env, DOCKER_BUILDKIT: '0' };
  await docker(['build', '--network', 'host', '-t', SOURCE_IMAGE, ROOT], { env });
  await docker(['build', '--network', 'host', '--target', 'destination', '-t', DESTINATION_IMAGE, ROOT], { env });
  return { seconds: (performance.now() - started) / 1000 };
}

/** The labels that name this project's images: the build stage's, and each image's Airbyte name. */
const OWN_LABELS = ['source-tiktok-marketing.stage=build', 'io.airbyte.name=airbyte/source-tiktok-marketing-ts', 'io.airbyte.name=airbyte/destination-postgres-tiktok'];

/**
 * Removes this project's untagged images made before `before`: the builds a newer one replaced. On a storage driver
 * without copy-on-write each is gigabytes; the newest build, kept, is the next build's cache.
 */
export async function pruneOlderBuilds(before: Date): Promise<void> {
  for (const label of OWN_LABELS) await docker(['image', 'prune', '--force', '--filter', `until=${before.toISOString()}`, '--filter', `label=${label}`]);
}

export interface ContainerOptions {
  /** Host folder → container path, mounted read-only (Airbyte passes config and catalog files this way). */
  mounts?: Record<string, string>;
  name?: string;
  /** Keep stdin open (`-i`): the destination reads its messages there. */
  interactive?: boolean;
  /** `--entrypoint`: to look inside the image. */
  entrypoint?: string;
}

/**
 * `docker run` as the tests (and the README) run every container: removed after, the host's network (the engine
 * has no bridge; the emulator and Postgres listen on the host), a read-only root with a tmpfs /tmp only.
 */
export function runArgs(image: string, args: readonly string[], options: ContainerOptions = {}): string[] {
  return [
    'run', '--rm', '--network', 'host', '--read-only', '--tmpfs', '/tmp',
    ...(options.interactive ? ['-i'] : []),
    ...(options.name ? ['--name', options.name] : []),
    ...(options.entrypoint ? ['--entrypoint', options.entrypoint] : []),
    ...Object.entries(options.mounts ?? {}).flatMap(([host, container]) => ['-v', `${host}:${container}:ro`]),
    image,
    ...args,
  ];
}

/** A container run to its end: its exit code is the container's. */
export function runContainer(image: string, args: readonly string[], options: ContainerOptions & { stdin?: string } = {}): Promise<ProcessOutput> {
  return runProcess('docker', runArgs(image, args, { ...options, interactive: options.interactive ?? options.stdin !== undefined }), {
    timeoutMs: 300_000,
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
}

/** A container started in the background, for a test that stops it. */
export function startContainer(image: string, args: readonly string[], options: ContainerOptions = {}): StartedProcess {
  return startProcess('docker', runArgs(image, args, options), { timeoutMs: 300_000 });
}

/** A word for `sh -c`, quoted. */
export const shellWord = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;
