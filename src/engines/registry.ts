// Which engine a destination names, and opening it: `postgres://…` → Postgres, `bigquery://…` → BigQuery.
// The only place that knows both engines; `sync` and `destination` ask here.

import { openBigQuerySink } from './bigquery/bigquery-sink.ts';
import { isBigQueryConfig, targetFromBigQueryConfig } from './bigquery/destination-config.ts';
import { targetFromBigQueryUrl, type BigQueryTarget } from './bigquery/target.ts';
import { DEFAULT_SCHEMA, targetFromUrl, type PostgresTarget } from './postgres/connection.ts';
import { targetFromDestinationConfig } from './postgres/destination-config.ts';
import { openPostgresSink } from './postgres/postgres-sink.ts';
import type { Sink } from './sink.ts';

export type SinkTarget = PostgresTarget | BigQueryTarget;

export function isBigQueryTarget(target: SinkTarget): target is BigQueryTarget {
  return 'projectId' in target;
}

/** A target from a destination URL; `schema` is the Postgres schema, or the BigQuery dataset when the URL names none. */
export function targetFromDestinationUrl(url: string, schema: string = DEFAULT_SCHEMA): SinkTarget {
  return /^bigquery:/i.test(url.trim()) ? targetFromBigQueryUrl(url.trim(), schema) : targetFromUrl(url, schema);
}

/** Opens the target's sink; `log` hears the engine's notes (BigQuery: retries, jobs spent), stderr by default. */
export async function openSink(target: SinkTarget, log?: (line: string) => void): Promise<Sink> {
  return isBigQueryTarget(target) ? openBigQuerySink(target, log === undefined ? {} : { log }) : openPostgresSink(target);
}

/** Where the tables go, in words: `schema "tiktok_ads"` or `dataset "tiktok_ads"`. */
export function containerOf(target: SinkTarget): string {
  return isBigQueryTarget(target) ? `dataset "${target.dataset}"` : `schema "${target.schema}"`;
}

/** A target from a destination config: Airbyte destination-bigquery's fields (project_id, …) or destination-postgres'. */
export function targetFromConfig(input: unknown): SinkTarget {
  return isBigQueryConfig(input) ? targetFromBigQueryConfig(input) : targetFromDestinationConfig(input);
}
