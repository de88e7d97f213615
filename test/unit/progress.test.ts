// Progress for people watching a long read: per stream rows of the expected total, percent and ETA, as plain
// lines on a log and as a live bar on a terminal, never on stdout.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { estimateMessage, streamStatusMessage } from '../../src/protocol/messages.ts';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { ReadProgress, barLines, progressLine, withProgress } from '../../src/progress.ts';
import { liveArea } from '../../src/progress-live.ts';
import { ReadActivity } from '../../src/read-activity.ts';
import { parseConfig } from '../../src/config.ts';
import { targetFromUrl } from '../../src/engines/postgres/target.ts';
import { defaultConfiguredCatalog } from '../../src/source.ts';
import { runSync } from '../../src/sync.ts';
import { addDays } from '../../src/streams/dates.ts';
import { runCli } from '../support/cli.ts';
import { configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { freshSchema } from '../support/postgres.ts';

const record = (stream: string): AirbyteMessage => ({ type: 'RECORD', record: { stream, data: {}, emitted_at: 0 } });

describe('the figures', () => {
  it('rows of the estimate, percent, rate and ETA per stream; finished streams counted', () => {
    let now = 0;
    const progress = new ReadProgress(() => now);
    progress.observe(streamStatusMessage('campaigns', 'STARTED'));
    progress.observe(record('campaigns'));
    progress.observe(streamStatusMessage('campaigns', 'COMPLETE'));
    progress.observe(estimateMessage('ads_reports_daily', 1_000));
    for (let i = 0; i < 410; i++) progress.observe(record('ads_reports_daily'));
    now = 5_000;
    // 410 rows in 5 s: 82 rows/s, 590 left: ETA 7 s.
    expect(progressLine(progress)).toBe('[progress 5 s] ads_reports_daily 410 / 1,000 rows (41 %), 82 rows/s, ETA 7 s; 1 stream done (1 rows)');
    const [campaigns, ads] = barLines(progress, 100);
    expect(ads).toMatch(/^ads_reports_daily +\[#{12}-{18}\] +41 % {2}410 \/ 1,000 {2}ETA 7 s$/);
    expect(campaigns).toMatch(/^campaigns .*100 % {2}1 {2}done$/);
  });

  it('never shows 100 % or an ETA before the stream is done, even past its estimate', () => {
    let now = 0;
    const progress = new ReadProgress(() => now);
    progress.observe(estimateMessage('ads', 10));
    for (let i = 0; i < 12; i++) progress.observe(record('ads'));
    now = 2_000;
    expect(progressLine(progress)).toBe('[progress 2 s] ads 12 / 12 rows (99 %), 6 rows/s');
  });
});

describe("with the source's plan (a read in this process)", () => {
  it('never shows 99 % while windows are left, even with more rows than expected; 99 % once all are read', () => {
    let now = 0;
    const activity = new ReadActivity({ now: () => now });
    const progress = new ReadProgress(() => now, activity);
    const plan = activity.plan('ads');
    plan.expect(1);
    plan.begin('a', 20, 10, 1000);
    plan.finished('a', { from: 0, to: 9, days: 10, rows: 100, window: true });
    // The plan expects 200 rows; 199 came already (the day's late rows): still 98 %, a window is left.
    for (let i = 0; i < 199; i++) progress.observe(record('ads'));
    const ads = progress.streams.get('ads')!;
    expect(progress.expected(ads)).toBe(200);
    expect(progress.percent(ads)).toBe(98);
    for (let i = 0; i < 50; i++) progress.observe(record('ads'));
    expect(progress.percent(ads)).toBe(98);
    plan.finished('a', { from: 10, to: 19, days: 10, rows: 149, window: true });
    expect(progress.percent(ads)).toBe(99);
    progress.observe(streamStatusMessage('ads', 'COMPLETE'));
    expect(progress.percent(ads)).toBe(100);
  });

  it("shows the plan's total, its ETA and what the stream waits on", () => {
    let now = 0;
    const activity = new ReadActivity({ now: () => now, waits: () => "waiting 12 s for TikTok's rate limit" });
    const progress = new ReadProgress(() => now, activity);
    const plan = activity.plan('ads');
    plan.expect(2);
    plan.begin('a', 30, 10, 1000);
    for (let i = 0; i < 200; i++) progress.observe(record('ads'));
    for (let i = 0; i < 2; i++) {
      now = i * 1_000;
      plan.finished('a', { from: i * 10, to: i * 10 + 9, days: 10, rows: 100, window: true });
    }
    plan.tasksProcessing = 2;
    // 300 rows for a, and one advertiser more like it; 1 + 3 windows left at one a second.
    expect(progressLine(progress)).toBe(
      "[progress 1 s] ads 200 / 600 rows (33 %), 200 rows/s, ETA 4 s, 2 TikTok report tasks processing, waiting 12 s for TikTok's rate limit",
    );
  });
});

describe('the bars fit the terminal', () => {
  it('each line within the width, the finished streams on one line when they would not fit the height', () => {
    const progress = new ReadProgress(() => 0);
    for (let i = 0; i < 12; i++) {
      progress.observe(estimateMessage(`stream_with_a_long_name_${i}`, 10));
      progress.observe(record(`stream_with_a_long_name_${i}`));
      if (i < 11) progress.observe(streamStatusMessage(`stream_with_a_long_name_${i}`, 'COMPLETE'));
    }
    const lines = barLines(progress, 40, () => '1,234,567 committed', 5);
    expect(lines).toEqual(['11 streams done (11 rows)', expect.stringMatching(/^stream_with_a_long_name_11 +\[#*-+…$/)]);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(39);
  });
});

describe('the last line', () => {
  it('says done after a whole read, stopped after a failed one, with what was read before', async () => {
    async function* failing(): AsyncGenerator<AirbyteMessage> {
      yield estimateMessage('ads', 10);
      yield record('ads');
      throw new Error('TikTok said no');
    }
    const lines: string[] = [];
    const error = await (async () => {
      for await (const _ of withProgress(failing(), { write: (l) => lines.push(l), intervalMs: 60_000 })) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(lines).toEqual([expect.stringMatching(/^\[progress stopped, 0 s\] ads 1 \/ 10 rows \(10 %\)\n$/)]);
    lines.length = 0;
    for await (const _ of withProgress((async function* () { yield record('ads'); })(), { write: (l) => lines.push(l), intervalMs: 60_000 })) void _;
    expect(lines).toEqual([expect.stringMatching(/^\[progress done, 0 s\] ads 1 rows\n$/)]);
  });
});

describe('on a terminal', () => {
  function fakeTerminal(): { terminal: NodeJS.WriteStream; output: () => string } {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    return { terminal: Object.assign(sink, { columns: 100, isTTY: true }) as unknown as NodeJS.WriteStream, output: () => chunks.join('') };
  }

  it('redraws the bars in place; another line written meanwhile erases them first and stays', () => {
    const { terminal, output } = fakeTerminal();
    const area = liveArea(terminal);
    area.draw(['a 10 %', 'b 20 %']);
    area.draw(['a 30 %', 'b 40 %']);
    terminal.write('TikTok suspended this app\'s API calls …\n');
    area.draw(['a 50 %', 'b 60 %']);
    area.release();
    terminal.write('after\n');
    const up = '\x1b[2A\r\x1b[J';
    expect(output()).toBe(`a 10 %\nb 20 %\n${up}a 30 %\nb 40 %\n${up}TikTok suspended this app's API calls …\na 50 %\nb 60 %\nafter\n`);
  });

  it('cuts each line to the width (80 when the terminal does not say) and shows the last lines that fit its height', () => {
    const { terminal, output } = fakeTerminal();
    Object.assign(terminal, { columns: 0, rows: 3 });
    const area = liveArea(terminal);
    area.draw(['x'.repeat(200), 'b', 'c']);
    area.release();
    // 2 rows: the cursor's row stays free; 79 columns: a line filling the last one wraps in some terminals.
    expect(output()).toBe(`b\nc\n`);
    const wide = fakeTerminal();
    Object.assign(wide.terminal, { columns: 0 });
    const area2 = liveArea(wide.terminal);
    area2.draw(['x'.repeat(200)]);
    area2.release();
    expect(wide.output()).toBe(`${'x'.repeat(78)}…\n`);
  });

  it('a read through withProgress ends with its bars drawn on the terminal, nothing added to the messages', async () => {
    const { terminal, output } = fakeTerminal();
    async function* messages(): AsyncGenerator<AirbyteMessage> {
      yield estimateMessage('ads', 4);
      for (let i = 0; i < 4; i++) yield record('ads');
      yield streamStatusMessage('ads', 'COMPLETE');
    }
    const passed: AirbyteMessage[] = [];
    for await (const m of withProgress(messages(), { tty: true, terminal })) passed.push(m);
    expect(passed).toHaveLength(6);
    expect(output()).toMatch(/ads +\[#+\] +100 % {2}4 {2}done\n$/);
  });
});

describe('stderr not a terminal', () => {
  let api: Emulator;
  let dir: string;
  const NOW = new Date();
  const END = addDays(NOW.toISOString().slice(0, 10), -2);
  // A slow budget (2 calls a second) over several report windows, so lines come while rows are flowing.
  const SLOW = { start_date: addDays(END, -120), end_date: END, requests_per_second: 2, async_reports: 'off' };
  beforeAll(async () => {
    api = await emulator({ advertisers: 2, now: NOW, seed: 3 });
    dir = mkdtempSync(join(tmpdir(), 'progress-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(configFor(api.url, SLOW)));
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(defaultConfiguredCatalog(['campaigns_reports_daily'])));
  });
  afterAll(() => api?.close());

  it('a sync prints lines with rows of the estimate, percent, ETA and the rows committed', async () => {
    const db = await freshSchema('progress');
    try {
      const lines: string[] = [];
      const result = await runSync({
        config: parseConfig(configFor(api.url, SLOW)),
        target: targetFromUrl(db.url, db.schema),
        streams: ['campaigns_reports_daily'],
        log: (line) => lines.push(line),
        progressIntervalMs: 300,
      });
      expect(result.ok, result.error?.message).toBe(true);
      const mid = lines.filter((l) => /^\[progress [^\]]+\] campaigns_reports_daily [\d,]+ \/ [\d,]+ rows \(\d+ %\), [\d,]+ rows\/s, ETA \d+ s, [\d,]+ committed\n$/.test(l));
      expect(mid.length, lines.join('')).toBeGreaterThan(0);
    } finally {
      await db.drop();
    }
  });

  it('prints lines with rows of the estimate, percent and ETA on stderr every interval, and none on stdout', async () => {
    const result = await runCli(['read', '--config', join(dir, 'config.json'), '--catalog', join(dir, 'catalog.json')], {
      env: { TIKTOK_SOURCE_PROGRESS_SECONDS: '0.3' },
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('[progress'));
    const mid = lines.filter((l) => /campaigns_reports_daily [\d,]+ \/ [\d,]+ rows \(\d+ %\), [\d,]+ rows\/s, ETA \d+/.test(l));
    expect(mid.length, result.stderr).toBeGreaterThan(0);
    const records = result.messages.filter((m) => m.type === 'RECORD').length;
    expect(lines.at(-1)).toMatch(new RegExp(`^\\[progress done, \\d+ s\\] 1 stream done \\(${records.toLocaleString('en-US')} rows\\)$`));
    // stdout is the protocol only (runCli parsed every line as a message).
    expect(result.stdout).not.toContain('[progress');
  });
});
