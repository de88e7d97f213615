// The benchmark report: docs/benchmarks/README.md (a table and an SVG chart drawn here) and latest.json, the
// figures it is made from. Every run keeps the previous run's value of each figure beside the new one, and a
// subset run (`npm run bench -- sink`) carries the figures it did not measure forward with their own date, so
// the report is always whole and never passes off an old figure as new.

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Figure } from './source.ts';

/** The report's sections, in order; a figure's group says where it goes. */
export const GROUPS = [
  'P1 requests',
  'P2 rate limit',
  'P3 emission',
  'P4 sink load',
  'P5 memory',
  'P6 incremental',
  'P7 plan',
  "Side by side with Airbyte's strategy",
  'Other',
] as const;
export type Group = (typeof GROUPS)[number];

export interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  /** One-minute load average when the run started and when it ended. */
  loadAtStart: number;
  loadAtEnd: number;
}

interface Previous {
  value: number;
  pass: boolean;
  measuredAt: string;
}

export interface RecordedFigure extends Figure {
  group: Group;
  measuredAt: string;
  previous?: Previous;
}

export interface ReportRun {
  measuredAt: string;
  machine: Machine;
  only: string | undefined;
  note: string | undefined;
  /** What this run could not measure and why ("Docker image size: no Docker engine"); their figures are carried forward. */
  notMeasured?: readonly string[];
}

interface RecordedRun {
  measuredAt: string;
  machine?: Machine;
  only?: string;
  note?: string;
  notMeasured?: string[];
  figures: RecordedFigure[];
}

/** The last run as latest.json recorded it, to draw the report again without measuring (`npm run bench -- report`). */
export function readLastRun(dir: string): { run: ReportRun; figures: RecordedFigure[] } | undefined {
  const path = join(dir, 'latest.json');
  if (!existsSync(path)) return undefined;
  const recorded = JSON.parse(readFileSync(path, 'utf8')) as RecordedRun;
  if (recorded.machine === undefined) return undefined;
  return {
    run: { measuredAt: recorded.measuredAt, machine: recorded.machine, only: recorded.only, note: recorded.note, ...(recorded.notMeasured ? { notMeasured: recorded.notMeasured } : {}) },
    figures: [...readRecorded(dir).values()].sort((a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group)),
  };
}

/** Figures renamed since earlier reports: their old values still count as "previous". */
const OLD_NAMES: Record<string, string> = {
  'Sink: end-to-end sync time / psql \\copy of the same rows': 'P4 sync of ~1 M rows into Postgres / psql \\copy of the same rows',
  'Sink: sync peak RSS at ~1 M rows (MB)': 'P5 sync peak RSS at ~1 M rows (MB)',
  'Sink: sync RSS growth ~100 k → ~1 M rows': 'P5 sync RSS growth ~100 k → ~1 M rows',
  'P5 peak RSS at ~1 M rows (MB)': 'P5 read peak RSS at ~1 M rows (MB)',
  'P5 RSS growth ~100 k → ~1 M rows': 'P5 read RSS growth ~100 k → ~1 M rows',
  'BigQuery sink: load jobs for the backfill': 'P4 BigQuery: load jobs for the backfill',
  'BigQuery sink: sync time into the local endpoint / into Postgres': 'P4 BigQuery: sync into the local endpoint / into Postgres',
};

export function groupOf(name: string): Group {
  const match = /^P([1-7])\b/.exec(name);
  if (match) return GROUPS[Number(match[1]) - 1] as Group;
  return 'Other';
}

export function machineNow(loadAtStart: number): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    loadAtStart,
    loadAtEnd: loadavg()[0] ?? 0,
  };
}

/**
 * Every figure recorded so far, newest first per name: latest.json, then the subset files earlier versions of
 * the bench wrote (latest-<only>.json), each figure dated by its own file when it has no date of its own.
 */
export function readRecorded(dir: string): Map<string, RecordedFigure> {
  const byName = new Map<string, RecordedFigure>();
  if (!existsSync(dir)) return byName;
  const files = readdirSync(dir).filter((file) => /^latest(-[\w-]+)?\.json$/.test(file));
  for (const file of files) {
    let run: RecordedRun;
    try {
      run = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RecordedRun;
    } catch {
      continue; // A hand-damaged file is not worth failing the bench for; its figures are simply not carried.
    }
    for (const figure of run.figures ?? []) {
      const name = OLD_NAMES[figure.name] ?? figure.name;
      const recorded: RecordedFigure = { ...figure, name, group: figure.group ?? groupOf(name), measuredAt: figure.measuredAt ?? run.measuredAt };
      const known = byName.get(name);
      if (known === undefined || known.measuredAt < recorded.measuredAt) byName.set(name, recorded);
    }
  }
  return byName;
}

/** This run's figures with their previous values, followed by the figures carried forward from earlier runs. */
export function mergeRuns(previous: Map<string, RecordedFigure>, measured: readonly (Figure & { group: Group })[], measuredAt: string): RecordedFigure[] {
  const merged: RecordedFigure[] = [];
  const seen = new Set<string>();
  for (const figure of measured) {
    const before = previous.get(figure.name);
    seen.add(figure.name);
    merged.push({
      ...figure,
      measuredAt,
      ...(before === undefined ? {} : { previous: { value: before.value, pass: before.pass, measuredAt: before.measuredAt } }),
    });
  }
  for (const figure of previous.values()) if (!seen.has(figure.name)) merged.push(figure);
  return merged.sort((a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group));
}

const format = (value: number): string =>
  !Number.isFinite(value) ? String(value) : Math.abs(value) >= 100 ? value.toFixed(1) : Math.abs(value) >= 10 ? value.toFixed(2) : value.toFixed(3);
const day = (iso: string): string => iso.slice(0, 16).replace('T', ' ') + ' UTC';
const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The goal as a bound, when it is one ("<= 1.05", ">= 0.5"); "reported" figures have none. */
export function boundOf(goal: string): { op: '<=' | '>='; limit: number } | undefined {
  const match = /^(<=|>=)\s*(-?[\d.]+)/.exec(goal.trim());
  return match ? { op: match[1] as '<=' | '>=', limit: Number(match[2]) } : undefined;
}

/**
 * How much of its goal a figure uses: 1 is exactly at the goal, below 1 is met. For "at least" goals the
 * ratio is inverted, so every bar reads the same way.
 */
export function shareOfGoal(value: number, goal: string): number | undefined {
  const bound = boundOf(goal);
  if (bound === undefined || !Number.isFinite(value)) return undefined;
  if (bound.op === '<=') return bound.limit === 0 ? (value <= 0 ? 0 : Number.POSITIVE_INFINITY) : value / bound.limit;
  return value === 0 ? Number.POSITIVE_INFINITY : bound.limit / value;
}

const escapeXml = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/**
 * A horizontal bar per figure with a bound: its share of the goal this run (thick) and the run before (thin,
 * grey), against the goal line at 1. Bars past twice the goal are cut at the edge and say so.
 */
export function chartSvg(figures: readonly RecordedFigure[]): string {
  const rows = figures.filter((f) => shareOfGoal(f.value, f.goal) !== undefined);
  const labelWidth = 430;
  const barWidth = 360;
  const scale = 2; // the plot spans 0 … 2 × goal
  const rowHeight = 30;
  const top = 44;
  const height = top + rows.length * rowHeight + 36;
  const width = labelWidth + barWidth + 90;
  const x = (share: number) => labelWidth + Math.min(share, scale) * (barWidth / scale);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Each figure as a share of its goal (left of the line: goal met)</text>`,
    `<text x="10" y="36" fill="#555">thick bar: this run; thin grey bar: the run before; "at least" goals inverted so shorter is always better</text>`,
  ];
  rows.forEach((figure, index) => {
    const y = top + index * rowHeight;
    const share = shareOfGoal(figure.value, figure.goal) as number;
    const colour = figure.pass ? '#2e7d32' : '#c62828';
    const label = figure.name.length > 66 ? `${figure.name.slice(0, 65)}…` : figure.name;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(label)}</text>`);
    parts.push(`<rect x="${labelWidth}" y="${y + 4}" width="${(x(share) - labelWidth).toFixed(1)}" height="14" fill="${colour}"/>`);
    const before = figure.previous ? shareOfGoal(figure.previous.value, figure.goal) : undefined;
    if (before !== undefined) parts.push(`<rect x="${labelWidth}" y="${y + 20}" width="${(x(before) - labelWidth).toFixed(1)}" height="4" fill="#9e9e9e"/>`);
    const cut = share > scale ? ' ▶' : '';
    parts.push(`<text x="${(x(share) + 4).toFixed(1)}" y="${y + 15}" fill="${colour}">${escapeXml(`${format(figure.value)}${cut}`)}</text>`);
  });
  const goalX = x(1);
  const bottom = top + rows.length * rowHeight;
  parts.push(`<line x1="${goalX}" y1="${top - 2}" x2="${goalX}" y2="${bottom}" stroke="#000" stroke-dasharray="4 3"/>`);
  for (const tick of [0, 0.5, 1, 1.5, 2]) {
    parts.push(`<text x="${x(tick)}" y="${bottom + 16}" text-anchor="middle" fill="#555">${tick === 1 ? 'goal' : `${tick}×`}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function machineLine(machine: Machine | undefined): string {
  if (machine === undefined) return 'machine not recorded';
  return `${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB memory, Node ${machine.node}`;
}

/** Load above half the cores before the run started means other work shared the machine. */
export function sharedNote(machine: Machine): string {
  const busy = Math.max(machine.loadAtStart, machine.loadAtEnd);
  if (busy <= machine.cores / 2) return 'The machine was otherwise idle during this run (load average at most ' + busy.toFixed(1) + ').';
  return (
    `**The machine was shared during this run**: load average ${machine.loadAtStart.toFixed(1)} at the start and ` +
    `${machine.loadAtEnd.toFixed(1)} at the end on ${machine.cores} cores. Absolute times are slow and noisy; the ratios ` +
    'compare two things measured back to back in the same conditions, which is why the report is made of ratios.'
  );
}

export function reportMarkdown(run: ReportRun, figures: readonly RecordedFigure[]): string {
  const met = figures.filter((f) => f.pass).length;
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\`${run.only ? ` (this time \`npm run bench -- ${run.only}\`)` : ''} at ${day(run.measuredAt)} on ${machineLine(run.machine)}.`,
    sharedNote(run.machine),
    ...(run.note ? ['', run.note] : []),
    ...(run.notMeasured?.length ? ['', ...run.notMeasured.map((what) => `Not measured this run: ${what}.`)] : []),
    '',
    `**${met} of ${figures.length} figures meet their goal.** Each is a ratio of two things measured in the same run (or a peak`,
    'measured by the kernel), so it can be compared across machines; the previous column is the run before, and a',
    'figure this run did not measure is shown with the date it was measured.',
    '',
    '![Each figure as a share of its goal](chart.svg)',
    '',
    'Where the time and the memory go, found with `--cpu-prof`, `--trace-gc` and RSS sampling: [profiling.md](profiling.md).',
    '',
  ];
  for (const group of GROUPS) {
    const members = figures.filter((f) => f.group === group);
    if (members.length === 0) continue;
    lines.push(`## ${group}`, '', '| figure | this run | goal | met | previous | detail |', '|---|---|---|---|---|---|');
    for (const f of members) {
      const now = f.measuredAt === run.measuredAt ? format(f.value) : `${format(f.value)} (${day(f.measuredAt)})`;
      const before = f.previous ? `${format(f.previous.value)} ${f.previous.pass ? '✓' : '✗'} (${f.previous.measuredAt.slice(0, 10)})` : '—';
      lines.push(`| ${cell(f.name)} | ${now} | ${cell(f.goal)} | ${f.pass ? '✓ yes' : '✗ **no**'} | ${before} | ${cell(f.detail)} |`);
    }
    lines.push('');
  }
  lines.push(
    '## How each figure is measured',
    '',
    '- **P1** `read` of a one-year daily ads backfill (5 advertisers, ~1 M rows) against the emulator: report requests made ÷ the fewest a perfect reader needs (one per 1,000 rows, at least one per 30-day window).',
    '- **P2** wall time of a read under an emulator limit of q requests per second ÷ (requests ÷ q).',
    '- **P3** the source\'s row → RECORD → stdout path vs a bare `JSON.stringify` loop over the same rows (best of interleaved rounds).',
    '- **P4** `sync` of the same ~1 M rows (emulator → source → sink, as a user runs it) ÷ `psql \\copy` of exactly the rows it loaded; BigQuery through the local endpoint (`bigquery-local`) counts its load jobs.',
    '- **P5** peak RSS (the kernel\'s maxRSS) of `read` and `sync` at ~100 k and ~1 M rows, with the CLI\'s own V8 flags and without them; the detail says what the peak was made of (V8 heap, buffers outside it).',
    '- **P6** report requests of a steady-state incremental `read` (the next day, from the backfill\'s state: the attribution window re-read) ÷ the backfill\'s requests.',
    '- **P7** `read --summary-json` of P1\'s one-year backfill at the Basic tier (10 requests a second): the plan it makes first (what `--plan` prints) ÷ what the read then did, in requests and in wall time.',
    '',
  );
  return lines.join('\n');
}

/** Writes README.md, chart.svg and latest.json. */
export function writeReport(dir: string, run: ReportRun, figures: readonly RecordedFigure[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'chart.svg'), chartSvg(figures));
  writeFileSync(join(dir, 'README.md'), reportMarkdown(run, figures));
  const recorded: RecordedRun = {
    measuredAt: run.measuredAt,
    machine: run.machine,
    ...(run.only === undefined ? {} : { only: run.only }),
    ...(run.note === undefined ? {} : { note: run.note }),
    ...(run.notMeasured?.length ? { notMeasured: [...run.notMeasured] } : {}),
    figures: [...figures],
  };
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(recorded, null, 2) + '\n');
}
