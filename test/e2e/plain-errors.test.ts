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
