// Crashes, stress variant (issue 12, `npm run test:stress`): 20 SIGKILL points per engine spread over the run
// (during requests, mid-COPY, with rows written and their state not yet, once a staging table is in use, after
// N state rows), each followed by a re-run; then `destination write` cut off at seven places of its stdin. Each
// ends with the tables of an uninterrupted run, 0 rows lost, 0 duplicated. A point whose event never comes in a
// run (a COPY of a few hundred rows can be over between two polls) lets that run finish: at least 16 of the
// 20 must fire.

import { crashSuite, type KillPoint } from '../support/crash-suite.ts';

const requests = (atLeast: number): KillPoint => ({ kind: 'requests', atLeast });
const states = (atLeast: number): KillPoint => ({ kind: 'states', atLeast });
const staging: KillPoint = { kind: 'staging' };
const copy: KillPoint = { kind: 'copy' };
const uncommitted: KillPoint = { kind: 'uncommitted' };

crashSuite({
  advertisers: 4,
  requestsPerSecond: 10,
  postgresPoints: [
    requests(5), uncommitted, states(1), copy, staging,
    requests(8), states(2), uncommitted, copy, states(3),
    staging, requests(12), states(4), uncommitted, copy,
    staging, states(5), requests(10), states(2), uncommitted,
  ],
  bigQueryPoints: [
    requests(3), staging, states(1), requests(6), staging,
    states(2), requests(9), staging, states(3), requests(12),
    staging, states(1), requests(4), staging, states(2),
    requests(8), staging, states(3), requests(10), staging,
  ],
  stdinCuts: [{ at: 0.1 }, { at: 0.25 }, { at: 0.4, lineEnd: true }, { at: 0.55 }, { at: 0.7 }, { at: 0.85, lineEnd: true }, { at: 0.95 }],
  minKilled: { postgres: 16, bigQuery: 16 },
});
