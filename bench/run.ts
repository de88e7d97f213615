// npm run bench: every figure is a ratio measured within this one run, on this machine, so noise cancels out.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays } from '../src/streams/dates.ts';
import { type Figure, emissionRate, memory, rateLimitedWallTime, requestEfficiency } from './source.ts';
import { ROOT, startEmulatorProcess } from './support.ts';

const only = process.argv[2];
const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);
const figures: Figure[] = [];
const print = (f: Figure) => {
  figures.push(f);
  console.log(`${f.pass ? 'PASS' : 'FAIL'}  ${f.name} = ${f.value.toFixed(3)} (goal ${f.goal})  — ${f.detail}`);
};

// 5 advertisers × 20 campaigns × 10 ad groups × 13 ads, a year of delivery: about 1 M ad-day rows.
const big = await startEmulatorProcess(['--seed', '7', '--advertisers', '5', '--campaigns', '20', '--adgroups', '10', '--ads', '13', '--history-days', '400']);
try {
  if (!only || only === 'source') {
    print(await emissionRate(300_000));
    const p1 = await requestEfficiency(big, yesterday);
    print(p1.figure);
    for (const f of await memory(big, yesterday, p1)) print(f);
  }
  if (!only || only === 'sink') {
    const { sinkThroughput } = await import('./sink.ts');
    for (const f of await sinkThroughput(big, yesterday)) print(f);
  }
  if (!only || only === 'bigquery') {
    const { bigQueryThroughput } = await import('./bigquery.ts');
    for (const f of await bigQueryThroughput(big, yesterday)) print(f);
  }
} finally {
  big.stop();
}

if (!only || only === 'source') {
  const limited = await startEmulatorProcess(['--seed', '11', '--advertisers', '4', '--qps', '10', '--campaigns', '4', '--adgroups', '3', '--ads', '6']);
  try {
    print(await rateLimitedWallTime(limited, 10, yesterday));
  } finally {
    limited.stop();
  }
}

const dir = join(ROOT, 'docs/benchmarks');
mkdirSync(dir, { recursive: true });
const stamp = new Date().toISOString();
const table = figures.map((f) => `| ${f.name} | ${f.value.toFixed(3)} | ${f.goal} | ${f.pass ? 'pass' : 'FAIL'} | ${f.detail} |`).join('\n');
writeFileSync(
  join(dir, `latest${only ? `-${only}` : ''}.md`),
  `# Benchmarks (${stamp})\n\nMeasured by \`npm run bench\` on this machine (2 cores); every figure is a ratio within one run.\n\n| figure | value | goal | verdict | detail |\n|---|---|---|---|---|\n${table}\n`,
);
writeFileSync(join(dir, `latest${only ? `-${only}` : ''}.json`), JSON.stringify({ measuredAt: stamp, figures }, null, 2) + '\n');
process.exit(figures.every((f) => f.pass) ? 0 : 1);
