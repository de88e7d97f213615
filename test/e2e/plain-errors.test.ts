import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { scratch } from '../support/files.ts';

// `views` prints SQL for psql or bq and `dbt` a list of files: their stdout is piped, so a failure must not put an
// Airbyte TRACE there. One line on stderr, a non-zero exit.

const files = scratch();
const unreachable = 'postgres://postgres@127.0.0.1:9/test';

describe('views and dbt report failures on stderr only', () => {
  const cases: [string, string[], RegExp][] = [
    ['views, destination unreachable', ['views', '--destination', unreachable], /^views: config_error: Nothing accepts connections at postgres:\/\/postgres@127\.0\.0\.1:9/],
    ['views, unknown flag', ['views', '--destination', unreachable, '--bogus'], /^views: config_error: Unknown option '--bogus' \(.*views --help shows the usage\)$/],
    ['dbt, destination unreachable', ['dbt', '--destination', unreachable, '--out', `${files.dir}/dbt`], /^dbt: config_error: Nothing accepts connections/],
    ['dbt, missing --out', ['dbt', '--destination', unreachable], /^dbt: config_error: Missing --out DIR\./],
  ];
  for (const [name, args, line] of cases) {
    it(name, async () => {
      const result = await runCli(args, { timeoutMs: 30_000 });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      const lines = result.stderr.split('\n').filter((text) => text !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(line);
    });
  }
});

describe('a reader that goes away', () => {
  it('discover | head: exit 141 without a word on stderr (no EPIPE stack)', async () => {
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../support/cli.ts');
    // The reader is gone before the CLI writes its catalog.
    const config = files.json('discover-config.json', { credentials: { auth_type: 'oauth2.0', app_id: 'A', secret: 'S', access_token: 'T' } });
    const child = spawn(process.execPath, [CLI, 'discover', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });
});
