// The dbt profile output that reaches a Postgres schema. Never the password itself: dbt reads it from an
// environment variable. Models go to a schema of their own beside the loaded one.

import type { YamlValue } from '../../analytics/dbt/yaml.ts';
import type { PostgresTarget } from './target.ts';

export const DBT_PASSWORD_VARIABLE = 'TIKTOK_ADS_PG_PASSWORD';

export function dbtOutputOf(target: PostgresTarget): { [key: string]: YamlValue } {
  // Host, port and sslmode as the URL gave them; a target made of fields shows them in its masked display.
  const url = new URL(target.client.connectionString ?? target.display);
  const sslmode = url.searchParams.get('sslmode');
  return {
    type: 'postgres',
    host: url.hostname || 'localhost',
    port: Number(url.port || 5432),
    user: target.user,
    password: `{{ env_var('${DBT_PASSWORD_VARIABLE}', '') }}`,
    dbname: target.database,
    schema: `${target.schema}_dbt`,
    threads: 4,
    ...(sslmode ? { sslmode } : {}),
  };
}
