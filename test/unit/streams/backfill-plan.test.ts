// The backfill plan: how the synchronous lane and report tasks split an advertiser's range (the cost model),
// how the plan changes with what it learns (slow, throttled tasks; a throttled synchronous lane), fairness of
// the shared task lane, and, against the emulator, both lanes at once: the rows of a sync-only read, each once,
// a failed or overtaken task handing its days back, and checkpoints only over days whose rows were all emitted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import type { AirbyteMessage, RecordData } from '../../../src/protocol/types.ts';
import { SyncRate, TaskCostModel, chooseSplit, syncRequestsFor } from '../../../src/streams/backfill-plan.ts';
import { BackfillSpans } from '../../../src/streams/backfill-spans.ts';
import { addDays } from '../../../src/streams/dates.ts';
import { TaskLane } from '../../../src/streams/task-lane.ts';
import { configFor } from '../../support/credentials.ts';
import { emulator } from '../../support/emulator.ts';
import { deduped, lastStates, readInProcess, recordsOf, rowDifferences } from '../../support/read.ts';

describe('lane assignment', () => {
  const hourly = { days: 300, rowsPerDay: 400, granularity: 'hour' as const, syncRequestsPerSecond: 3 };
  const laneTimes = (taskDays: number, task: { fixedMs: number; msPerRow: number }) => ({
    syncMs: (syncRequestsFor(hourly.days - taskDays, hourly.rowsPerDay, 'hour') / hourly.syncRequestsPerSecond) * 1000,
    taskMs: task.fixedMs + task.msPerRow * hourly.rowsPerDay * taskDays,
  });

  it('balances the lanes: a task whose time grows with its rows takes the share that ends with the synchronous lane', () => {
    // Sync alone: 300 requests at 3/s = 100 s. Task: 5 s + 1 ms a row (0.4 s a day).
    const task = { fixedMs: 5000, msPerRow: 1 };
    const split = chooseSplit({ ...hourly, task });
    const { syncMs, taskMs } = laneTimes(split.taskDays, task);
    // 5 + 0.4k = (300 − k) / 3 → k ≈ 130, both lanes about 57 s.
    // Within 5 % of the fastest split, the one with fewer requests (more task days) wins.
    expect(split.taskDays).toBeGreaterThanOrEqual(125);
    expect(split.taskDays).toBeLessThanOrEqual(140);
    expect(Math.abs(syncMs - taskMs)).toBeLessThan(0.1 * split.wallMs);
    expect(split.wallMs).toBeLessThan(0.6 * 100_000);
  });

  it('a cheap task takes the whole span (fewer requests at the same wall time); a dear one takes nothing', () => {
    const cheap = chooseSplit({ ...hourly, task: { fixedMs: 1000, msPerRow: 0.001 } });
    expect(cheap.taskDays).toBe(300);
    expect(cheap.requests).toBe(4);
    expect(chooseSplit({ ...hourly, task: { fixedMs: 200_000, msPerRow: 0.001 } }).taskDays).toBe(0);
  });

  it('a daily backfill stays synchronous when a task would save no requests', () => {
    // 90 days of 30 rows: three 30-day windows of one page each; a task costs four.
    const split = chooseSplit({ days: 90, rowsPerDay: 30, granularity: 'day', syncRequestsPerSecond: 0.5, task: { fixedMs: 100, msPerRow: 0 } });
    expect(split.taskDays).toBe(0);
    expect(split.requests).toBe(3);
  });
});

describe('re-planning', () => {
  const input = { days: 300, rowsPerDay: 400, granularity: 'hour' as const, syncRequestsPerSecond: 3 };

  it('slow tasks: the learned cost gives the next task fewer days', () => {
    const model = new TaskCostModel({ fixedMs: 2000, msPerRow: 0.02 });
    const before = chooseSplit({ ...input, task: model.cost }).taskDays;
    model.observe(10_000, 40_000);
    model.observe(40_000, 70_000);
    // Two tasks: 30 s fixed plus 1 ms a row.
    expect(model.cost.msPerRow).toBeCloseTo(1, 5);
    expect(model.cost.fixedMs).toBeCloseTo(30_000, 0);
    const after = chooseSplit({ ...input, task: model.cost }).taskDays;
    expect(before).toBe(300);
    expect(after).toBeLessThan(before);
    expect(after).toBeGreaterThan(0);
  });

  it('throttled tasks (40100 on create, paced polls) are slow tasks: measured, they take less', () => {
    const model = new TaskCostModel({ fixedMs: 2000, msPerRow: 0.02 });
    // A task of 4,000 rows that took 90 s because its calls were refused and retried.
    model.observe(4000, 90_000);
    // The synchronous lane alone would take 50 s.
    const fast = { ...input, syncRequestsPerSecond: 6 };
    expect(chooseSplit({ ...fast, task: { fixedMs: 2000, msPerRow: 0.02 } }).taskDays).toBe(300);
    expect(chooseSplit({ ...fast, task: model.cost }).taskDays).toBe(0);
  });

  it('a throttled synchronous lane: its measured rate falls, and tasks take more of the range', () => {
    const task = { fixedMs: 5000, msPerRow: 1 };
    const rate = new SyncRate(3);
    const planned = chooseSplit({ ...input, syncRequestsPerSecond: rate.requestsPerSecond, task }).taskDays;
    // 10 requests in 20 s: 0.5 a second, a sixth of what was expected.
    rate.observe(10, 20_000);
    expect(rate.requestsPerSecond).toBeCloseTo(0.5, 5);
    expect(chooseSplit({ ...input, syncRequestsPerSecond: rate.requestsPerSecond, task }).taskDays).toBeGreaterThan(planned);
  });
});

describe('the two lanes of one range', () => {
  it('meet in the middle; the synchronous lane reads on into a running task, which then delivers only the rest', () => {
    const spans = new BackfillSpans('2026-01-01', '2026-01-10');
    expect(spans.nextForSync()).toEqual({ start: '2026-01-01', end: '2026-01-10' });
    spans.takeForSync({ start: '2026-01-01', end: '2026-01-01' });
    const task = spans.takeForTask(6);
    expect(task).toEqual({ start: '2026-01-05', end: '2026-01-10' });
    expect(spans.freeDays).toBe(3);
    // The synchronous lane goes on past the free days into the task's.
    spans.takeForSync({ start: '2026-01-02', end: '2026-01-05' });
    expect(spans.taskStillNeeded(task!)).toBe(true);
    const delivers = spans.taskDelivers(task!);
    expect(delivers('2026-01-05')).toBe(false);
    expect(delivers('2026-01-06')).toBe(true);
    expect(spans.nextForSync()).toBeUndefined();
  });

  it('a checkpoint covers only a finished prefix: a later span done first waits for the days before it', () => {
    const spans = new BackfillSpans('2026-01-01', '2026-01-10');
    spans.takeForSync({ start: '2026-01-01', end: '2026-01-01' });
    const task = spans.takeForTask(9)!;
    spans.taskDelivers(task);
    expect(spans.finish(task, 'task')).toBeUndefined();
    expect(spans.finish({ start: '2026-01-01', end: '2026-01-01' }, 'sync')).toBe('2026-01-10');
  });

  it('a window given back (40067) inside a running task returns to that task, not to the free days', () => {
    const spans = new BackfillSpans('2026-01-01', '2026-03-31');
    const task = spans.takeForTask(60)!;
    const stolen = { start: task.start, end: addDays(task.start, 29) };
    // The synchronous lane read every free day, then took 30 of the task's, which TikTok found too many.
    spans.takeForSync({ start: '2026-01-01', end: addDays(task.start, -1) });
    spans.takeForSync(stolen);
    spans.giveBack(stolen, 'sync');
    // Another task must not take those days too (both would deliver them).
    expect(spans.takeForTask(30)).toBeUndefined();
    expect(spans.taskDelivers(task)(task.start)).toBe(true);
  });

  it('a failed task gives back the days the synchronous lane has not read', () => {
    const spans = new BackfillSpans('2026-01-01', '2026-01-10');
    const task = spans.takeForTask(10)!;
    spans.takeForSync({ start: '2026-01-01', end: '2026-01-03' });
    spans.giveBack(task, 'task');
    expect(spans.freeDays).toBe(7);
    expect(spans.nextForSync()).toEqual({ start: '2026-01-04', end: '2026-01-10' });
  });
});

describe('fairness of the task lane', () => {
  it('a freed slot goes to the advertiser with the least work left, not the one that asked first', async () => {
    const lane = new TaskLane(1, new TaskCostModel({ fixedMs: 1000, msPerRow: 0 }));
    const holder = await lane.acquire(10);
    const granted: string[] = [];
    const large = lane.acquire(1_000_000).then((release) => {
      granted.push('large');
      release();
    });
    const small = lane.acquire(500).then((release) => {
      granted.push('small');
      release();
    });
    holder();
    await Promise.all([large, small]);
    expect(granted).toEqual(['small', 'large']);
  });
});

// Against the emulator: hourly advertiser reports (24 rows a day) of two advertisers, on a frozen clock.
const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);
const HOURLY = 'advertisers_reports_hourly';
const KEY = ['advertiser_id', 'stat_time_hour'];
const DAYS = 30;
const RANGE = { start_date: addDays(END, -(DAYS - 1)), end_date: END, async_requests_per_second: 10, requests_per_second: 10 };

interface World {
  emu: Emulator;
  calls: (path: string) => number;
  post: (path: string, body: unknown) => Promise<void>;
}
async function world(options: Parameters<typeof emulator>[0]): Promise<World> {
  const emu = await emulator({ advertisers: 2, now: NOW, seed: 5, ...options });
  return {
    emu,
    calls: (path) => Object.entries(emu.stats().byPath).filter(([p]) => p.includes(path)).reduce((n, [, c]) => n + c, 0),
    post: async (path, body) => {
      const response = await fetch(`${emu.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(200);
    },
  };
}

let syncOnly: RecordData[];
beforeAll(async () => {
  const w = await world({});
  try {
    const { messages } = await readInProcess(configFor(w.emu.url, { ...RANGE, async_reports: 'off', requests_per_second: 100 }), [HOURLY]);
    syncOnly = recordsOf(messages, HOURLY);
    expect(syncOnly.length).toBe(2 * DAYS * 24);
  } finally {
    await w.emu.close();
  }
});

describe('both lanes against the emulator', () => {
  let slow: World;
  beforeAll(async () => {
    // Tasks that take 1.5 s: long enough for the synchronous lane to read on meanwhile.
    slow = await world({ taskLatencyMs: 1500 });
  });
  afterAll(() => slow?.emu.close());

  it('run at once: the rows of a sync-only read, each once, in far fewer requests; both advertisers advance together', async () => {
    const { messages, requests } = await readInProcess(configFor(slow.emu.url, RANGE), [HOURLY]);
    const rows = recordsOf(messages, HOURLY);
    expect(rows.length).toBe(syncOnly.length);
    expect(rowDifferences(deduped(rows, KEY), deduped(syncOnly, KEY))).toEqual([]);
    // One task per advertiser, and the synchronous lane did not idle while they ran: more than its first window.
    expect(slow.calls('report/task/create')).toBe(2);
    expect(slow.calls('report/integrated/get')).toBeGreaterThan(2 * 2);
    expect(requests).toBeLessThan(0.75 * 2 * DAYS);
    // Neither advertiser waits for the other: each has rows in the first half of the stream.
    const firstHalf = new Set(rows.slice(0, rows.length / 2).map((r) => String(r['advertiser_id'])));
    expect(firstHalf.size).toBe(2);
    // The plan's total reached the user: an ESTIMATE near the row count.
    const estimates = messages.flatMap((m) => (m.type === 'TRACE' && m.trace.type === 'ESTIMATE' ? [m.trace.estimate?.row_estimate ?? 0] : []));
    expect(Math.max(...estimates)).toBeGreaterThan(0.9 * rows.length);
  });

  it('killed mid-read and resumed: each STATE covers only days whose rows were all out; the resume completes the rows', async () => {
    const perDay = countByAdvertiserDay(syncOnly);
    // A slow synchronous lane (1 request a second per advertiser): its window is still out when the task delivers.
    const slowSync = { ...RANGE, requests_per_second: 2 };
    const first = await readInProcess(configFor(slow.emu.url, slowSync), [HOURLY], { stopAfterRecords: 900 });
    expectStatesCoverEmittedDays(first.messages, perDay);
    const state = lastStates(first.messages);
    expect(state.length).toBe(1);
    const second = await readInProcess(configFor(slow.emu.url, RANGE), [HOURLY], { state });
    expectStatesCoverEmittedDays(second.messages, perDay, first.messages);
    const union = [...recordsOf(first.messages, HOURLY), ...recordsOf(second.messages, HOURLY)];
    expect(rowDifferences(deduped(union, KEY), deduped(syncOnly, KEY))).toEqual([]);
  });
});

describe('tasks that fail or fall behind', () => {
  it('FAILED tasks hand their days back: every day read synchronously exactly once, the same rows', async () => {
    const w = await world({});
    try {
      await w.post('tasks/next', { outcome: 'FAILED', count: 100 });
      const { messages } = await readInProcess(configFor(w.emu.url, RANGE), [HOURLY]);
      expect(w.calls('report/task/create')).toBe(2);
      expect(w.calls('report/integrated/get')).toBe(2 * DAYS);
      const rows = recordsOf(messages, HOURLY);
      expect(rows.length).toBe(syncOnly.length);
      expect(rowDifferences(deduped(rows, KEY), deduped(syncOnly, KEY))).toEqual([]);
    } finally {
      await w.emu.close();
    }
  });

  it('throttled task calls (40100 on create): the synchronous lane reads on meanwhile; the same rows, each once', async () => {
    const w = await world({ taskLatencyMs: 500 });
    try {
      await w.post('faults', { rate: 1, kinds: ['code40100'], paths: ['report/task/create/'], for_requests: 2 });
      const { messages } = await readInProcess(configFor(w.emu.url, RANGE), [HOURLY]);
      expect(w.emu.stats().faults).toBe(2);
      expect(w.calls('report/task/create')).toBeGreaterThanOrEqual(2 + 2);
      const rows = recordsOf(messages, HOURLY);
      expect(rows.length).toBe(syncOnly.length);
      expect(rowDifferences(deduped(rows, KEY), deduped(syncOnly, KEY))).toEqual([]);
    } finally {
      await w.emu.close();
    }
  });

  it('a task far slower than planned is overtaken: the synchronous lane reads its days and the task is cancelled', async () => {
    const w = await world({ taskLatencyMs: 120_000 });
    try {
      const { messages } = await readInProcess(configFor(w.emu.url, { ...RANGE, requests_per_second: 100 }), [HOURLY]);
      expect(w.calls('report/task/create')).toBe(2);
      expect(w.calls('report/task/cancel')).toBe(2);
      expect(w.calls('report/task/download')).toBe(0);
      expect(rowDifferences(deduped(recordsOf(messages, HOURLY), KEY), deduped(syncOnly, KEY))).toEqual([]);
      // Overtaken is not failed: no warning about it.
      expect(messages.some((m) => m.type === 'LOG' && /report task/.test(m.log.message))).toBe(false);
    } finally {
      await w.emu.close();
    }
  });
});

describe('steady state', () => {
  it('an incremental sync re-reads only the attribution window, synchronously', async () => {
    const w = await world({ taskLatencyMs: 50 });
    try {
      const cursorState = [{ type: 'STREAM', stream: { stream_descriptor: { name: HOURLY }, stream_state: { stat_time_hour: `${END} 00:00:00` } } }];
      await readInProcess(configFor(w.emu.url, { ...RANGE, attribution_window: 7 }), [HOURLY], { state: cursorState });
      expect(w.calls('report/task/create')).toBe(0);
      expect(w.calls('report/integrated/get')).toBe(2 * 8);
    } finally {
      await w.emu.close();
    }
  });
});

const dayOf = (row: RecordData) => String(row['stat_time_hour']).slice(0, 10);
function countByAdvertiserDay(rows: RecordData[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) {
    const key = `${String(row['advertiser_id'])}|${dayOf(row)}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/**
 * At every STATE, each advertiser's cursor day and every day before it (in the range) has all its rows among
 * the records emitted so far (this read's, after those of `before`, the read it resumes).
 */
function expectStatesCoverEmittedDays(messages: AirbyteMessage[], expected: Map<string, number>, before: AirbyteMessage[] = []): void {
  const seen = new Map<string, Set<string>>();
  const note = (row: RecordData) => {
    const key = `${String(row['advertiser_id'])}|${dayOf(row)}`;
    const set = seen.get(key) ?? new Set<string>();
    set.add(String(row['stat_time_hour']));
    seen.set(key, set);
  };
  for (const row of recordsOf(before, HOURLY)) note(row);
  let checked = 0;
  for (const message of messages) {
    if (message.type === 'RECORD') note(message.record.data);
    if (message.type !== 'STATE' || !message.state.stream) continue;
    const states = (message.state.stream.stream_state as { states?: { partition: { advertiser_id: unknown }; cursor: Record<string, string> }[] }).states ?? [];
    for (const { partition, cursor } of states) {
      const through = String(cursor['stat_time_hour']).slice(0, 10);
      for (let day = RANGE.start_date; day <= through; day = addDays(day, 1)) {
        const key = `${String(partition.advertiser_id)}|${day}`;
        expect(seen.get(key)?.size ?? 0, `${key} at a STATE through ${through}`).toBe(expected.get(key) ?? 0);
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThan(0);
}
