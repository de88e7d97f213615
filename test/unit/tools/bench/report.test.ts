// The benchmark report's own logic (tools/bench/report.ts): goals read as bounds, previous figures kept beside new
// ones, figures of parts not run carried forward with their date, and a chart that is well-formed SVG.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundOf, chartSvg, groupOf, mergeRuns, readRecorded, reportMarkdown, shareOfGoal, writeReport } from '../../../../tools/bench/report.ts';

const machine = { cores: 2, cpu: 'test cpu', memoryGb: 8, node: 'v24.0.0', loadAtStart: 5, loadAtEnd: 6 };

describe('benchmark report', () => {
  it('reads goals as bounds and figures as a share of them (shorter is better either way)', () => {
    expect(boundOf('<= 1.05')).toEqual({ op: '<=', limit: 1.05 });
    expect(boundOf('>= 0.5')).toEqual({ op: '>=', limit: 0.5 });
    expect(boundOf('reported')).toBeUndefined();
    expect(shareOfGoal(2.1, '<= 2')).toBeCloseTo(1.05);
    expect(shareOfGoal(1, '>= 0.5')).toBeCloseTo(0.5);
    expect(shareOfGoal(3, 'reported')).toBeUndefined();
    expect(groupOf('P4 sync of ~1 M rows')).toBe('P4 sink load');
    expect(groupOf('something else')).toBe('Other');
  });

  it('keeps the previous value beside the new one, and carries figures a subset run did not measure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
    writeFileSync(
      join(dir, 'latest.json'),
      JSON.stringify({
        measuredAt: '2026-11-25T22:44:28.935Z',
        figures: [
          { name: 'P1 requests / minimum', value: 1.045, goal: '<= 1.05', pass: true, detail: 'old' },
          // A name from before the P4/P5 renaming still counts as the previous value.
          { name: 'Sink: sync RSS growth ~100 k → ~1 M rows', value: 0.13, goal: '<= 0.10', pass: false, detail: 'old' },
        ],
      }),
    );
    const now = '2026-11-28T14:00:00.000Z';
    const measured = [{ name: 'P5 sync RSS growth ~100 k → ~1 M rows', value: 0.04, goal: '<= 0.10', pass: true, detail: 'new', group: groupOf('P5 sync') }];
    const merged = mergeRuns(readRecorded(dir), measured, now);
    expect(merged.map((f) => f.name)).toEqual(['P1 requests / minimum', 'P5 sync RSS growth ~100 k → ~1 M rows']);
    expect(merged[1]).toMatchObject({ value: 0.04, measuredAt: now, previous: { value: 0.13, pass: false, measuredAt: '2026-11-25T22:44:28.935Z' } });
    expect(merged[0]).toMatchObject({ value: 1.045, measuredAt: '2026-11-25T22:44:28.935Z' });

    const run = { measuredAt: now, machine, only: 'sink', note: undefined };
    const text = reportMarkdown(run, merged);
    expect(text).toContain('2 cores (test cpu), 8 GB memory, Node v24.0.0');
    expect(text).toContain('The machine was shared during this run');
    expect(text).toContain('| P5 sync RSS growth ~100 k → ~1 M rows | 0.040 | <= 0.10 | ✓ yes | 0.130 ✗ (2026-11-25) | new |');
    expect(text).toContain('| P1 requests / minimum | 1.045 (2026-11-25 22:44 UTC) |');

    writeReport(dir, run, merged);
    const again = readRecorded(dir);
    expect(again.get('P5 sync RSS growth ~100 k → ~1 M rows')?.previous?.value).toBe(0.13);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('![Each figure as a share of its goal](chart.svg)');
  });

  it('draws one bar per bounded figure, escaped, cut at twice the goal', () => {
    const svg = chartSvg([
      { name: 'P4 a <b> & c', value: 5, goal: '<= 2', pass: false, detail: '', group: 'P4 sink load', measuredAt: 'x', previous: { value: 1.5, pass: true, measuredAt: 'w' } },
      { name: 'reported only', value: 3, goal: 'reported', pass: true, detail: '', group: 'Other', measuredAt: 'x' },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('P4 a &lt;b&gt; &amp; c');
    expect(svg).not.toContain('reported only');
    expect(svg).toContain('5.000 ▶');
    expect(svg.match(/<rect /g)).toHaveLength(3); // background, this run, previous run
  });
});
