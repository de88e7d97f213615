// Reading a stream's JSON schema: its top-level properties, in schema order.

import type { JsonSchema } from '../../protocol/types.ts';

export function propertiesOf(schema: JsonSchema): [string, unknown][] {
  const properties = schema['properties'];
  return typeof properties === 'object' && properties !== null && !Array.isArray(properties) ? Object.entries(properties) : [];
}
