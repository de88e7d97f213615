// The dbt profile output that reaches a BigQuery dataset: dbt-bigquery's oauth method, which takes the
// application-default credentials, so no key ever lands in profiles.yml. Models go to a dataset of their own.

import type { YamlValue } from '../../analytics/dbt/yaml.ts';
import type { BigQueryTarget } from './target.ts';

export function dbtOutputOf(target: BigQueryTarget): { [key: string]: YamlValue } {
  return {
    type: 'bigquery',
    method: 'oauth',
    project: target.projectId,
    dataset: `${target.dataset}_dbt`,
    threads: 4,
    ...(target.location ? { location: target.location } : {}),
  };
}
