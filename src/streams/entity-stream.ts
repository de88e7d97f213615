import type { EntityStream } from './definitions.ts';
import { type FieldTable, objectSchema } from './fields.ts';

/** An entity list as a stream: keyed by its id, incremental client-side on modify_time. */
export const entityStream = (
  name: string,
  path: string,
  key: string,
  allStatuses: string,
  fields: FieldTable,
  pageSize?: number,
): EntityStream => ({
  kind: 'entity',
  name,
  path,
  allStatuses,
  fields,
  schema: objectSchema(fields),
  primaryKey: [key],
  cursorField: 'modify_time',
  ...(pageSize === undefined ? {} : { pageSize }),
});
