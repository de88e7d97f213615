// The local BigQuery's entry: `npm run bigquery-local -- [flags]` (or `node tools/bigquery-local/main.ts [flags]` on
// Node 24). A dev tool, not a connector command: the connector's CLI and package know nothing of it.

import { runBigQueryLocalCommand } from './command.ts';

runBigQueryLocalCommand(process.argv.slice(2)).then(
  (code) => {
    // Exits now: the ZetaSQL client's channel may still hold the event loop after the endpoint closed.
    process.exit(code);
  },
  (error: unknown) => {
    // Usage errors and a missing dev dependency are answered by the command in one line; anything else is a bug
    // of this tool, whose stack is what its developer needs.
    process.stderr.write(`bigquery-local: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
