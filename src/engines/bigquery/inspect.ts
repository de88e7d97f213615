// Which streams a BigQuery dataset holds: those with a row in the sync state table (listing the dataset's
// tables would cost a request per table to learn their columns, and the views do without them).

import type { LoadedDestination } from '../../analytics/loaded.ts';
import { openBigQuerySink } from './bigquery-sink.ts';
import { dbtOutputOf } from './dbt-profile.ts';
import type { BigQueryTarget } from './target.ts';

export async function inspectBigQuery(target: BigQueryTarget): Promise<LoadedDestination> {
  const sink = await openBigQuerySink(target);
  let names: Set<string>;
  try {
    names = new Set((await sink.readState()).keys());
  } finally {
    await sink.close();
  }
  return {
    database: target.projectId,
    container: target.dataset,
    dbtOutput: dbtOutputOf(target),
    loaded: (stream) => names.has(stream),
    tables: undefined,
  };
}
