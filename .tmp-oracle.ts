import { readFileSync } from 'node:fs';
const data = JSON.parse(readFileSync('/tmp/density.json', 'utf8')) as Record<string, number[]>;
let best = 0, min = 0, greedy30 = 0;
for (const c of Object.values(data)) {
  const n = c.length; const cost = new Array(n + 1).fill(Infinity); cost[n] = 0;
  for (let i = n - 1; i >= 0; i--) { let rows = 0; for (let L = 1; L <= 30 && i + L <= n; L++) { rows += c[i + L - 1]!; cost[i] = Math.min(cost[i], cost[i + L] + Math.max(1, Math.ceil(rows / 1000))); } }
  best += cost[0]; min += Math.ceil(c.reduce((a, b) => a + b, 0) / 1000);
  for (let i = 0; i < n; i += 30) greedy30 += Math.max(1, Math.ceil(c.slice(i, i + 30).reduce((a, b) => a + b, 0) / 1000));
}
console.log('oracle', (best / min).toFixed(4), 'fixed30', (greedy30 / min).toFixed(4));
