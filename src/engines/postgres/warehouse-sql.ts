// Postgres' face to the analytics: its view dialect, its sink's table names, and the views as a psql script.

import type { WarehouseSql } from '../../analytics/warehouse.ts';
import { planTable } from './layout.ts';
import { postgresDialect } from './view-sql.ts';
import { postgresViewScript } from './views.ts';

export const postgresWarehouseSql: WarehouseSql = {
  dialect: postgresDialect,
  tableOf(stream) {
    const layout = planTable(stream, 0, undefined);
    return { table: layout.table, columns: new Map(layout.columns.map((column) => [column.property, column.name])) };
  },
  keyExpression: (columns) => columns.map((column) => `${column}::text`).join(` || '|' || `),
  // The script a sync runs by itself (unless --no-views), with the comments it recognises as its own.
  viewScript: (destination, streams) => postgresViewScript(destination.container, streams, destination.tables ?? new Map()),
};
