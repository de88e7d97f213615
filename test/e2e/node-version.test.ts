import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';
import { runProcess } from '../support/process.ts';

// The bins on a Node older than 22 (the machine's system Node, outside node_modules): one line saying which Node
// they found, which they need and what to run instead, exit 2, before anything that needs Node 22 is loaded.

/** A Node binary older than 22 on this machine, with its version; undefined when there is none. */
function oldNode(): { path: string; version: string } | undefined {
  const candidates = [
    ...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '' && !dir.includes('node_modules')).map((dir) => join(dir, 'node')),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ];
  for (const path of new Set(candidates.filter((file) => existsSync(file)).map((file) => realpathSync(file)))) {
    let version: string;
    try {
      version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      continue;
    }
    if (Number(/^v(\d+)\./.exec(version)?.[1] ?? 'NaN') < 22) return { path, version };
  }
  return undefined;
}

const old = oldNode();
if (old === undefined) console.warn('node-version test skipped: no Node older than 22 on this machine');

describe.skipIf(old === undefined)('bins on an old Node', () => {
  for (const [bin, program, args] of [
    ['dist/bin/source.js', 'source-tiktok-marketing', ['spec']],
    ['dist/bin/destination.js', 'destination-postgres-tiktok', ['spec']],
    ['dist/bin/source.js', 'source-tiktok-marketing', ['check', '--config', '/nonexistent.json']],
  ] as const) {
    it(`${bin} ${args.join(' ')} on ${old?.version}: one line on stderr, exit 2, nothing on stdout`, async () => {
      const result = await runProcess(old!.path, [resolve(ROOT, bin), ...args], { cwd: ROOT, timeoutMs: 30_000 });
      expect(result.stdout).toBe('');
      expect(result.code).toBe(2);
      const lines = result.stderr.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Node ${old!.version}`);
      expect(lines[0]).toContain('Node >= 22');
      expect(lines[0]).toContain(`npx ${program} …`);
    });
  }
});
