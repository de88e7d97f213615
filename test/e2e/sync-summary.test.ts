// The sync summary says what happened to each stream: a sync that never reached TikTok marks its streams "failed"
// or "not run", not "ok", and does not claim rows were kept.

import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../support/cli.ts';
import { configFor } from '../support/credentials.ts';
import { scratch } from '../support/files.ts';
import { freshSchema, type TestSchema } from '../support/postgres.ts';
import { runNode } from '../support/process.ts';

const files = scratch();
const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const schema of schemas) await schema.drop();
});

describe('sync summary', () => {
  it('TikTok unreachable: the stream that began "failed", the one after it "not run", no "rows committed … are kept"', async () => {
    const db = await freshSchema('summary');
    schemas.push(db);
    const config = files.json('refused.json', configFor('http://127.0.0.1:9', { max_retries: 0 }));
    const result = await runNode([CLI, 'sync', '--config', config, '--destination', db.url, '--schema', db.schema, '--streams', 'advertisers,ads'], {
      cwd: ROOT,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    const rows = result.stdout.split('\n').filter((line) => /^\s*(advertisers|ads)\s/.test(line));
    expect(rows, result.stdout).toHaveLength(2);
    // advertisers began (the source announced it) and failed; ads, after it, never began.
    expect(rows[0]).toMatch(/^advertisers\s.*\sfailed\s*$/);
    expect(rows[1]).toMatch(/^ads\s.*\snot run\s*$/);
    for (const row of rows) expect(row).not.toMatch(/\bok\b/);
    expect(result.stdout).toMatch(/^Sync incomplete: 0 rows/m);
    expect(result.stderr).not.toContain('Rows committed before the failure are kept');
    expect(result.stderr).toContain('Nothing was committed');
  });
});
