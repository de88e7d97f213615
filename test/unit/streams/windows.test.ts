import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/streams/dates.ts';
import { WindowPlanner } from '../../../src/streams/windows.ts';

describe('window planner', () => {
  const pagesFor = (density: number, days: number) => {
    const planner = new WindowPlanner('2025-01-01', addDays('2025-01-01', days - 1), 30);
    let requests = 0;
    while (!planner.done) {
      const w = planner.next();
      const rows = density * w.days;
      requests += Math.max(1, Math.ceil(rows / 1000));
      planner.completed(w, rows);
    }
    return requests;
  };
  it('fills pages: medium density needs no more requests than rows/1000 plus a little', () => {
    // 50 rows a day: 30-day windows would cost 2 pages for 1500 rows; 20-day windows fill one page exactly.
    expect(pagesFor(50, 365)).toBeLessThanOrEqual(Math.ceil((50 * 365) / 1000) + 2);
    expect(pagesFor(548, 365) / Math.ceil((548 * 365) / 1000)).toBeLessThanOrEqual(1.05);
  });
  it('halves on 40067 and learns the row ceiling', () => {
    const planner = new WindowPlanner('2025-01-01', '2025-12-31', 30);
    const first = planner.next();
    expect(first.days).toBe(30);
    expect(planner.tooLarge(first)).toBe(true);
    const second = planner.next();
    expect(second.days).toBe(15);
    planner.completed(second, 15 * 1000);
    // 30 days drew 40067 at 1000 rows/day: the next windows stay under 30 000 rows.
    expect(planner.next().days).toBeLessThan(30);
    const single = new WindowPlanner('2025-01-01', '2025-01-01', 30);
    expect(single.tooLarge(single.next())).toBe(false);
  });
});
