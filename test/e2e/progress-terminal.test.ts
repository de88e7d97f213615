// `sync` on a real pseudo-terminal (util-linux `script`), its output replayed through a minimal terminal model: what a
// person finds in the scrollback afterwards is one final drawing of the progress and the summary table, never the
// stale frames a redraw leaves when its lines wrap or outgrow the screen.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { addDays } from '../../src/streams/dates.ts';
import { CLI, ROOT } from '../support/cli.ts';
import { configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { type TestSchema, freshSchema } from '../support/postgres.ts';
import { startProcess } from '../support/process.ts';
import { replayTerminal } from '../support/terminal.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const END = '2026-11-18';
/** Slow enough (4 requests a second over two months) for the live area to be redrawn many times. */
const PACE = { start_date: addDays(END, -60), end_date: END, requests_per_second: 4, async_reports: 'off' };

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A word for sh -c. */
const quoted = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** A progress line of the live area: a stream's bar, or the finished streams' line. */
const isProgress = (line: string) => /^\S+ +\[[#-]/.test(line) || /^\d+ streams? done \(/.test(line);

describe.skipIf(!hasScript)('sync on a terminal', () => {
  let api: Emulator;
  let dir: string;
  const schemas: TestSchema[] = [];
  let node: string;

  beforeAll(async () => {
    api = await emulator({ advertisers: 3, seed: 7, now: NOW });
    dir = mkdtempSync(join(tmpdir(), 'progress-pty-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(configFor(api.url, PACE)));
    // The Node the tests run on (the project's), not whatever `node` the shell finds.
    node = process.execPath;
  });
  afterAll(async () => {
    await Promise.all(schemas.map((s) => s.drop()));
    await api?.close();
  });

  /** `sync` under a pseudo-terminal `stty` sizes; answers everything the terminal received. */
  async function syncOnTerminal(stty: string, streams: string[]): Promise<string> {
    const db = await freshSchema('pty');
    schemas.push(db);
    const sync = [node, CLI, 'sync', '--config', join(dir, 'config.json'), '--destination', db.url, '--schema', db.schema, '--streams', streams.join(','), '--no-views'];
    const run = await startProcess('script', ['-qefc', `stty ${stty} && exec ${sync.map(quoted).join(' ')}`, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, TIKTOK_SOURCE_NOW: NOW.toISOString() },
      timeoutMs: 150_000,
    }).done;
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    // Redrawn in place many times: the test saw the live area at work.
    expect(run.stdout.split('\x1b[').length, run.stdout.slice(-2000)).toBeGreaterThan(10);
    return run.stdout;
  }

  it('a terminal smaller than the progress: the scrollback holds the finished streams once and the table, no stale frame', async () => {
    const streams = ['campaigns', 'ad_groups', 'ads', 'advertisers', 'campaigns_reports_daily', 'ad_groups_reports_daily', 'advertisers_reports_daily'];
    const output = await syncOnTerminal('cols 60 rows 6', streams);
    const lines = replayTerminal(output, 60, 6);
    const total = /^Synced: ([\d,]+) rows/m.exec(lines.join('\n'))?.[1];
    expect(total, lines.join('\n')).toBeDefined();
    // 7 streams on 5 rows: the finished ones share a line.
    expect(lines.filter(isProgress)).toEqual([`7 streams done (${total} rows)`]);
    expect(lines.filter((line) => /^stream +mode +rows synced +status$/.test(line))).toHaveLength(1);
  }, 180_000);

  it('a terminal that does not say its size: drawn for 80 columns, so an 80-column terminal keeps only the final bars', async () => {
    const streams = ['campaigns', 'campaigns_reports_daily', 'ad_groups_reports_daily'];
    const output = await syncOnTerminal('cols 0 rows 0', streams);
    const lines = replayTerminal(output, 80, 24);
    const progress = lines.filter(isProgress);
    expect(progress.map((line) => line.split(' ')[0]), lines.join('\n')).toEqual(streams);
    for (const line of progress) expect(line).toMatch(/ 100 % {2}[\d,]+ {2}done/);
    expect(lines.filter((line) => /^stream +mode +rows synced +status$/.test(line))).toHaveLength(1);
  }, 180_000);
});
