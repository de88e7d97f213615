// BigQuery as an Engine: `bigquery://PROJECT/DATASET` URLs and configs shaped like Airbyte's
// destination-bigquery (a project_id). The client library is heavy (@google-cloud/bigquery), so the sink, the
// inspection and the view SQL are imported when first asked for.

import { systemError } from '../../errors.ts';
import type { DestinationTarget, Engine } from '../engine.ts';
import { bigQueryDestinationSpecification, isBigQueryConfig, targetFromBigQueryConfig } from './destination-config.ts';
import { targetFromBigQueryUrl, type BigQueryTarget } from './target.ts';

const isBigQueryTarget = (target: DestinationTarget): target is BigQueryTarget => target.engine === 'bigquery';

function bigQueryTarget(target: DestinationTarget): BigQueryTarget {
  if (!isBigQueryTarget(target)) throw systemError(`The BigQuery engine was given a ${target.engine} target (${target.display}).`);
  return target;
}

export const bigQueryEngine: Engine<BigQueryTarget> = {
  name: 'bigquery',
  title: 'BigQuery',
  schemes: ['bigquery'],
  urlHint: 'bigquery://…',
  urlForm: 'bigquery://PROJECT/DATASET[?location=EU&key_file=…]',
  containerNoun: 'dataset',
  destinationSpec: bigQueryDestinationSpecification,
  // Nothing to export: the profile's oauth method takes the application-default credentials.
  dbtSetup: undefined,
  recognisesConfig: isBigQueryConfig,
  targetFromUrl: (url, container) => targetFromBigQueryUrl(url.trim(), container),
  targetFromConfig: (config) => targetFromBigQueryConfig(config),
  containerOf: (target) => bigQueryTarget(target).dataset,
  async openSink(target, log) {
    const { openBigQuerySink } = await import('./bigquery-sink.ts');
    return openBigQuerySink(bigQueryTarget(target), log === undefined ? {} : { log });
  },
  async inspect(target) {
    const { inspectBigQuery } = await import('./inspect.ts');
    return inspectBigQuery(bigQueryTarget(target));
  },
  async warehouseSql() {
    const { bigQueryWarehouseSql } = await import('./warehouse-sql.ts');
    return bigQueryWarehouseSql;
  },
};
