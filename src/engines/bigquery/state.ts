// The sync state, stored beside the data (as dlt does): `<dataset>._sync_state`, one row per stream. It is
// written in the same transaction as the rows it covers (commit-script.ts), so a state never runs ahead of its
// rows nor behind them. The state is kept as JSON text (STRING): read back byte for byte, 19-digit ids included.

import { STATE_TABLE } from './layout.ts';
import { quote } from './names.ts';
import { tableRef } from './ddl.ts';

export function stateTableRef(project: string, dataset: string): string {
  return tableRef(project, dataset, STATE_TABLE);
}

export function createStateTableSql(ref: string): string {
  return `CREATE TABLE IF NOT EXISTS ${ref} (\n  stream_name STRING NOT NULL,\n  state STRING NOT NULL,\n  updated_at TIMESTAMP NOT NULL\n)`;
}

export function readStateSql(ref: string): string {
  return `SELECT stream_name, state FROM ${ref} ORDER BY stream_name`;
}

/**
 * An upsert of one stream's state; parameters @stream_name<suffix> and @state<suffix> (query parameters: no
 * quoting to get wrong; the suffix tells apart the states of one commit script).
 */
export function storeStateSql(ref: string, suffix = ''): string {
  return [
    `MERGE ${ref} AS target`,
    `USING (SELECT @stream_name${suffix} AS stream_name, @state${suffix} AS state) AS source`,
    `ON target.${quote('stream_name')} = source.stream_name`,
    'WHEN MATCHED THEN UPDATE SET state = source.state, updated_at = CURRENT_TIMESTAMP()',
    'WHEN NOT MATCHED THEN INSERT (stream_name, state, updated_at) VALUES (source.stream_name, source.state, CURRENT_TIMESTAMP())',
  ].join('\n');
}

export function deleteStateSql(ref: string, suffix = ''): string {
  return `DELETE FROM ${ref} WHERE stream_name = @stream_name${suffix}`;
}
