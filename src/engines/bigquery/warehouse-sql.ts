// BigQuery's face to the analytics: its view dialect, its sink's table names, and the views as statements.

import type { WarehouseSql } from '../../analytics/warehouse.ts';
import { planTable } from './layout.ts';
import { bigQueryDialect, bigQueryViewStatements } from './view-sql.ts';

export const bigQueryWarehouseSql: WarehouseSql = {
  dialect: bigQueryDialect,
  tableOf(stream) {
    const layout = planTable(stream, undefined);
    return { table: layout.table, columns: new Map(layout.columns.map((column) => [column.property, column.name])) };
  },
  keyExpression: (columns) => `CONCAT(${columns.map((column) => `CAST(${column} AS STRING)`).join(", '|', ")})`,
  // CREATE OR REPLACE VIEW statements, to run with `bq query` or in the console.
  viewScript: (destination, streams) =>
    bigQueryViewStatements(streams, destination.database, destination.container, destination.tables).map((statement) => `${statement};\n`).join('\n'),
};
