// What the analytics need of a warehouse engine, declared here so that nothing in analytics/ imports an engine:
// each engine (src/engines/<name>/) implements it, and the `views` and `dbt` commands pass it in.

import type { SinkStream } from '../load/sink.ts';
import type { LoadedDestination } from './loaded.ts';
import type { Dialect } from './sql.ts';

/** A stream's table as the engine's sink names it: the table, and the column of each property. */
export interface TableNames {
  table: string;
  /** Property → column; names the engine shortens or cleans differ from the property. */
  columns: ReadonlyMap<string, string>;
}

export interface WarehouseSql {
  /** How the engine spells the parts of a view that differ between engines. */
  dialect: Dialect;
  tableOf(stream: SinkStream): TableNames;
  /** One text value made of a composite key's (quoted) columns, for dbt's unique test. */
  keyExpression(columns: readonly string[]): string;
  /** Every view for these streams as the `views` command prints it: SQL to run by hand. */
  viewScript(destination: LoadedDestination, streams: readonly SinkStream[]): string;
}
