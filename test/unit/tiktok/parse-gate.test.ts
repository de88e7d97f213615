import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { addDays } from '../../../src/streams/dates.ts';
import { ParseGate, ParseTicket } from '../../../src/tiktok/parse-gate.ts';
import { configFor } from '../../support/credentials.ts';
import { emulator } from '../../support/emulator.ts';
import { readInProcess, recordsOf } from '../../support/read.ts';

// The parse gate keeps report pages as bytes until their reader wants them, and bounds the pages parsed and
// alive at once (src/tiktok/parse-gate.ts). Its first version deadlocked: answers read ahead took the permits in
// the order they arrived, and the page a reader waited for could never get one.

describe('ParseGate', () => {
  it('hands out its permits in order, and a closed ticket gives its permit to the next in line', async () => {
    const gate = new ParseGate(2, 1);
    const [a, b, c] = await Promise.all([gate.ticket(), gate.ticket(), gate.ticket()]);
    await a.acquire();
    await b.acquire();
    expect(gate.free).toBe(0);
    let cHeld = false;
    const waiting = c.acquire().then(() => (cHeld = c.held));
    await Promise.resolve();
    expect(cHeld).toBe(false);
    a.close();
    await waiting;
    expect(cHeld).toBe(true);
    b.close();
    c.close();
    expect(gate.free).toBe(2);
  });

  it('grants a ticket when its reader acquires it, or when it is closed (the answer is then parsed and dropped)', async () => {
    const gate = new ParseGate(1, 0);
    const held = await gate.ticket();
    await held.acquire();
    const wanted = await gate.ticket();
    const dropped = await gate.ticket();
    const order: string[] = [];
    void wanted.granted.then(() => order.push('wanted'));
    void dropped.granted.then(() => order.push('dropped'));
    const acquiring = wanted.acquire();
    dropped.close();
    await Promise.resolve();
    expect(order).toEqual(['dropped']);
    held.close();
    await acquiring;
    expect(order).toEqual(['dropped', 'wanted']);
    wanted.close();
    expect(gate.free).toBe(1);
  });

  it('a ticket closed while it waits returns the permit it gets, and acquiring twice takes one permit', async () => {
    const gate = new ParseGate(1, 0);
    const first = await gate.ticket();
    await first.acquire();
    await first.acquire();
    const second = await gate.ticket();
    const waiting = second.acquire();
    second.close();
    first.close();
    await waiting;
    expect(second.held).toBe(false);
    expect(gate.free).toBe(1);
  });

  it('bounds answers asked for ahead of their readers, and takes the place back once wanted or closed', async () => {
    const gate = new ParseGate(2, 2);
    const one = gate.aheadTicket();
    const two = gate.aheadTicket();
    expect(one).toBeDefined();
    expect(two).toBeDefined();
    expect(gate.aheadTicket()).toBeUndefined();
    await one!.acquire();
    expect(gate.aheadFree).toBe(1);
    two!.close();
    expect(gate.aheadFree).toBe(2);
    one!.close();
    expect(gate.aheadFree).toBe(2);
    expect(gate.free).toBe(2);
  });

  it('bounds answers as a whole: a ticket waits for a place, ahead tickets need one, a closed ticket frees one once', async () => {
    const gate = new ParseGate(2, 2, 3);
    const one = await gate.ticket();
    const ahead = gate.aheadTicket();
    const two = await gate.ticket();
    expect(ahead).toBeDefined();
    expect(gate.placesFree).toBe(0);
    expect(gate.aheadTicket()).toBeUndefined();
    let fourth: ParseTicket | undefined;
    const waiting = gate.ticket().then((t) => (fourth = t));
    await new Promise((resolve) => setImmediate(resolve));
    expect(fourth).toBeUndefined();
    one.close();
    one.close();
    await waiting;
    expect(fourth).toBeDefined();
    expect(gate.placesFree).toBe(0);
    for (const t of [ahead!, two, fourth!]) t.close();
    expect(gate.placesFree).toBe(3);
  });
});

describe('report reads behind the parse gate', () => {
  // Five advertisers whose 30-day windows each take several 1,000-row pages, so readers hold pages and read ahead.
  const NOW = new Date();
  const END = addDays(NOW.toISOString().slice(0, 10), -2);
  let api: Emulator;
  beforeAll(async () => {
    api = await emulator({ advertisers: 5, now: NOW, campaignsPerAdvertiser: 3, adgroupsPerCampaign: 3, adsPerAdgroup: 14 });
  });
  afterAll(() => api?.close());
  afterEach(() => vi.restoreAllMocks());

  /** Watches every ticket: how many hold a permit at once, and whether any answer was parsed before it was wanted. */
  function watchTickets() {
    const seen = { held: 0, maxHeld: 0, acquired: 0, answers: 0, maxAnswers: 0 };
    const acquire = ParseTicket.prototype.acquire;
    const close = ParseTicket.prototype.close;
    const ticket = ParseGate.prototype.ticket;
    const aheadTicket = ParseGate.prototype.aheadTicket;
    const closed = new WeakSet<ParseTicket>();
    const opened = (t: ParseTicket | undefined) => {
      if (t !== undefined) seen.maxAnswers = Math.max(seen.maxAnswers, ++seen.answers);
      return t;
    };
    vi.spyOn(ParseGate.prototype, 'ticket').mockImplementation(async function (this: ParseGate) {
      return opened(await ticket.call(this))!;
    });
    vi.spyOn(ParseGate.prototype, 'aheadTicket').mockImplementation(function (this: ParseGate) {
      return opened(aheadTicket.call(this));
    });
    vi.spyOn(ParseTicket.prototype, 'acquire').mockImplementation(async function (this: ParseTicket) {
      const wasHeld = this.held;
      await acquire.call(this);
      if (this.held && !wasHeld) {
        seen.acquired++;
        seen.maxHeld = Math.max(seen.maxHeld, ++seen.held);
      }
    });
    vi.spyOn(ParseTicket.prototype, 'close').mockImplementation(function (this: ParseTicket) {
      if (this.held) seen.held--;
      if (!closed.has(this)) {
        closed.add(this);
        seen.answers--;
      }
      close.call(this);
    });
    return seen;
  }

  it('reads every row once, with at most two pages parsed and no more answers alive than the concurrency (1, 2, 8)', async () => {
    const keysOf = (rows: Record<string, unknown>[]) => rows.map((r) => `${String(r['ad_id'])}|${String(r['stat_time_day'])}`);
    let reference: string[] | undefined;
    for (const concurrency of [8, 2, 1]) {
      const seen = watchTickets();
      const { messages } = await readInProcess(configFor(api.url, { start_date: addDays(END, -59), end_date: END, async_reports: 'off', max_concurrency: concurrency }), [
        'ads_reports_daily',
      ]);
      vi.restoreAllMocks();
      const keys = keysOf(recordsOf(messages, 'ads_reports_daily'));
      expect(new Set(keys).size, `concurrency ${concurrency}: no row twice`).toBe(keys.length);
      // Several pages per 30-day window and advertiser: 5 × 2 windows × ≥ 2 pages.
      expect(seen.acquired, `concurrency ${concurrency}: pages parsed`).toBeGreaterThanOrEqual(20);
      expect(seen.maxHeld, `concurrency ${concurrency}: pages parsed and alive at once`).toBeLessThanOrEqual(2);
      expect(seen.held, `concurrency ${concurrency}: every permit given back`).toBe(0);
      // Answers asked for, waiting as bytes or being consumed: never more than may be in flight.
      expect(seen.maxAnswers, `concurrency ${concurrency}: answers alive at once`).toBeLessThanOrEqual(concurrency);
      expect(seen.answers, `concurrency ${concurrency}: every ticket closed`).toBe(0);
      if (reference === undefined) reference = keys.sort();
      else expect(keys.sort()).toEqual(reference);
    }
    expect(reference!.length).toBeGreaterThan(15_000);
  }, 120_000);
});
