// Kysely over exactly one pg connection. The sink needs one session throughout: its staging tables are
// temporary tables, COPY and the merge must see the same ones, and a transaction must not hop connections.

import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** The tables the sink reads through the query builder; data tables are reached with `sql` and quoted names. */
export interface SinkDatabase {
  _sync_state: {
    stream_name: string;
    state: string;
    updated_at: Date;
  };
}

export type SinkKysely = Kysely<SinkDatabase>;

export function kyselyOver(client: pg.Client): SinkKysely {
  // pg.Client has everything Kysely uses from a pooled client except release(), which is a no-op here:
  // the connection lives as long as the sink.
  const pooled = { query: client.query.bind(client), release: () => undefined } as unknown as PostgresPoolClient;
  const pool: PostgresPool = {
    connect: () => Promise.resolve(pooled),
    end: () => Promise.resolve(),
  };
  return new Kysely<SinkDatabase>({ dialect: new PostgresDialect({ pool }) });
}
