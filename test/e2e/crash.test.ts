// Crashes, CI variant (issue 12): a sync into Postgres and into the local BigQuery SIGKILLed at a handful of
// observable points and re-run each time, and `destination write` whose stdin is cut off mid-stream, end with
// the tables of an uninterrupted run (0 rows lost, 0 duplicated). All 20 points: test/stress/crash.stress.test.ts.

import { crashSuite } from '../support/crash-suite.ts';

crashSuite({
  postgresPoints: [
    { kind: 'requests', atLeast: 5 },
    { kind: 'states', atLeast: 1 },
    { kind: 'uncommitted' },
    { kind: 'staging' },
    { kind: 'states', atLeast: 3 },
  ],
  bigQueryPoints: [{ kind: 'requests', atLeast: 5 }, { kind: 'staging' }, { kind: 'states', atLeast: 2 }],
  stdinCuts: [{ at: 0.35 }, { at: 0.7, lineEnd: true }],
});
