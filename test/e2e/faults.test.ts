// Faults, CI variant (issue 12): 10 % and 30 % injected faults of every kind give exactly the rows of a clean run
// (reads of entity, report, audience, custom-report and report-task streams; syncs into Postgres at 10 % and
// 30 %, into the local BigQuery at 30 %); faults that cannot heal (a revoked token, 40002 on one advertiser, a
// destination that goes away) end with the right error or a named skip and keep what was committed before them.
// 50 %, and BigQuery at 10 % and 50 %: test/stress/faults.stress.test.ts.

import { faultSuite } from '../support/fault-suite.ts';

faultSuite({ rates: [0.1, 0.3], bigQueryRates: [0.3], unhealable: true });
