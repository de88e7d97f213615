import { readFileSync } from 'node:fs';
import { WindowPlanner } from './src/streams/windows.ts';
import { addDays, daysBetween } from './src/streams/dates.ts';
const data = JSON.parse(readFileSync('/tmp/density.json', 'utf8')) as Record<string, number[]>;
const start = '2025-01-01';
let made = 0, min = 0;
for (const counts of Object.values(data)) {
  const p = new WindowPlanner(start, addDays(start, counts.length - 1), 30);
  let req = 0;
  while (!p.done) {
    const w = p.next();
    const a = daysBetween(start, w.start);
    const rows = counts.slice(a, a + w.days).reduce((x, y) => x + y, 0);
    req += Math.max(1, Math.ceil(rows / 1000));
    p.completed(w, rows);
  }
  const total = counts.reduce((x, y) => x + y, 0);
  made += req; min += Math.max(Math.ceil(total / 1000), Math.ceil(counts.length / 30));
  const d = counts.slice(0, 30).reduce((x, y) => x + y) / 30;
  console.log('adv', req, Math.ceil(total / 1000), 'density first30', d.toFixed(0), 'last30', (counts.slice(-30).reduce((x, y) => x + y) / 30).toFixed(0));
}
console.log('ratio', (made / min).toFixed(4));
