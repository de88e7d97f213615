// Faults, stress variant (issue 12, `npm run test:stress`): 50 % injected faults of every kind (reads, syncs into
// Postgres and the local BigQuery), and BigQuery at 10 % too. With a fault on every other request and no cap
// on faults in a row, 8 retries run out somewhere in a few hundred requests (0.5⁹ each): 20 retries, as an
// operator facing such an API would set.

import { faultSuite } from '../support/fault-suite.ts';

faultSuite({ rates: [0.5], bigQueryRates: [0.1, 0.5], maxRetries: 20 });
