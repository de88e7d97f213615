// npm run bench [-- part[,part…]]: every figure is a ratio measured within this one run, on this machine, so noise
// cancels out. Parts: source (P1, P2, P3, P5 read, P6, P7), sink (P4, P5 sync), bigquery (P4 BigQuery), airbyte (the
// side-by-side lines), image (the Docker image's size, where an engine answers). Writes docs/benchmarks/README.md, chart.svg and latest.json (see report.ts); figures of parts
// not run are carried forward from the previous report with their own date. `report` redraws without measuring.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { addDays } from '../../src/streams/dates.ts';
import { type Group, groupOf, machineNow, mergeRuns, readLastRun, readRecorded, writeReport } from './report.ts';
import { type Figure, emissionRate, incrementalRequests, memory, rateLimitedWallTime, requestEfficiency } from './source.ts';
import { ROOT, startEmulatorProcess } from './support.ts';

const PARTS = ['source', 'sink', 'bigquery', 'airbyte', 'image'] as const;
const only = process.argv[2];
const dir = join(ROOT, 'docs/benchmarks');

// `npm run bench -- report`: draw README.md and chart.svg again from latest.json, measuring nothing.
if (only === 'report') {
  const last = readLastRun(dir);
  if (last === undefined) {
    console.error('docs/benchmarks/latest.json has no run to draw; run the bench first.');
    process.exit(2);
  }
  writeReport(dir, last.run, last.figures);
  console.log(`Report: ${join(dir, 'README.md')}`);
  process.exit(0);
}
const wanted = new Set(only ? only.split(',') : PARTS);
for (const part of wanted) {
  if (!(PARTS as readonly string[]).includes(part)) {
    console.error(`Unknown bench part "${part}"; parts: ${PARTS.join(', ')}`);
    process.exit(2);
  }
}
const runs = (part: (typeof PARTS)[number]) => wanted.has(part);

const loadAtStart = loadavg()[0] ?? 0;
const measuredAt = new Date().toISOString();
const yesterday = addDays(measuredAt.slice(0, 10), -1);
const figures: (Figure & { group: Group })[] = [];
const print = (f: Figure, group: Group = groupOf(f.name)) => {
  figures.push({ ...f, group });
  console.log(`${f.pass ? 'PASS' : 'FAIL'}  ${f.name} = ${f.value.toFixed(3)} (goal ${f.goal})  — ${f.detail}`);
};

// 5 advertisers × 20 campaigns × 10 ad groups × 13 ads, a year of delivery: about 1 M ad-day rows.
const big = await startEmulatorProcess(['--seed', '7', '--advertisers', '5', '--campaigns', '20', '--adgroups', '10', '--ads', '13', '--history-days', '400']);
try {
  if (runs('source')) {
    print(await emissionRate(300_000));
    const backfill = await requestEfficiency(big, yesterday);
    print(backfill.figure);
    print(await incrementalRequests(big, yesterday, backfill));
    for (const f of await memory(big, yesterday, backfill)) print(f);
    const { planAccuracy } = await import('./plan.ts');
    for (const f of await planAccuracy(big, yesterday)) print(f);
  }
  if (runs('sink')) {
    const { sinkThroughput } = await import('./sink.ts');
    for (const f of await sinkThroughput(big, yesterday)) print(f);
  }
  if (runs('bigquery')) {
    const { bigQueryThroughput } = await import('./bigquery.ts');
    for (const f of await bigQueryThroughput(big, yesterday)) print(f);
  }
} finally {
  big.stop();
}

// Side by side with Airbyte's strategy: tools/bench/backfill.ts (its own emulators) returns the figures. Until that
// file is in the checkout this part measures nothing, and the report keeps any lines measured earlier.
if (runs('airbyte') && existsSync(join(ROOT, 'tools/bench/backfill.ts'))) {
  const { backfillFigures } = (await import('./backfill.ts')) as { backfillFigures: (yesterday: string) => Promise<Figure[]> };
  for (const f of await backfillFigures(yesterday)) print(f, "Side by side with Airbyte's strategy");
}

if (runs('source')) {
  const limited = await startEmulatorProcess(['--seed', '11', '--advertisers', '4', '--qps', '10', '--campaigns', '4', '--adgroups', '3', '--ads', '6']);
  try {
    print(await rateLimitedWallTime(limited, 10, yesterday));
  } finally {
    limited.stop();
  }
}

const notMeasured: string[] = [];
if (runs('image')) {
  const { imageFigure, measureImage } = await import('./image.ts');
  const sizes = measureImage(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  if ('notMeasured' in sizes) {
    notMeasured.push(sizes.notMeasured);
    console.log(`NOT MEASURED  ${sizes.notMeasured}`);
  } else {
    print(imageFigure(sizes), 'Other');
  }
}

const merged = mergeRuns(readRecorded(dir), figures, measuredAt);
writeReport(dir, { measuredAt, machine: machineNow(loadAtStart), only, note: process.env.BENCH_NOTE, notMeasured }, merged);
console.log(`Report: ${join(dir, 'README.md')}`);
process.exit(figures.every((f) => f.pass) ? 0 : 1);
