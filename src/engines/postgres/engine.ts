// Postgres as an Engine: `postgres://` URLs and configs shaped like Airbyte's destination-postgres (or a url).
// The driver (pg, pg-copy-streams, kysely) is loaded with the sink, the inspection or the view SQL, not with
// this module, which every command's usage text reads.

import { systemError } from '../../errors.ts';
import type { DestinationTarget, Engine } from '../engine.ts';
import { DBT_PASSWORD_VARIABLE } from './dbt-profile.ts';
import { destinationSpecification, targetFromDestinationConfig } from './destination-config.ts';
import { targetFromUrl, type PostgresTarget } from './target.ts';

const isPostgresTarget = (target: DestinationTarget): target is PostgresTarget => target.engine === 'postgres';

function postgresTarget(target: DestinationTarget): PostgresTarget {
  if (!isPostgresTarget(target)) throw systemError(`The Postgres engine was given a ${target.engine} target (${target.display}).`);
  return target;
}

export const postgresEngine: Engine<PostgresTarget> = {
  name: 'postgres',
  title: 'Postgres',
  schemes: ['postgres', 'postgresql'],
  urlHint: 'postgres://…',
  urlForm: 'postgres://user:password@host:5432/db',
  containerNoun: 'schema',
  destinationSpec: destinationSpecification,
  dbtSetup: `export ${DBT_PASSWORD_VARIABLE} first`,
  // A url, or the host of Airbyte's destination-postgres fields.
  recognisesConfig: (config) => config['url'] !== undefined || config['host'] !== undefined,
  targetFromUrl: (url, container) => targetFromUrl(url, container),
  targetFromConfig: (config) => targetFromDestinationConfig(config),
  containerOf: (target) => postgresTarget(target).schema,
  async openSink(target, log) {
    const { openPostgresSink } = await import('./postgres-sink.ts');
    return openPostgresSink(postgresTarget(target), log === undefined ? {} : { log });
  },
  async inspect(target) {
    const { inspectPostgres } = await import('./inspect.ts');
    return inspectPostgres(postgresTarget(target));
  },
  async warehouseSql() {
    const { postgresWarehouseSql } = await import('./warehouse-sql.ts');
    return postgresWarehouseSql;
  },
};
