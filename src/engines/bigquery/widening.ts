// A numeric column that meets a value it cannot hold is widened in place, never filled with NULL: BigQuery's
// ALTER COLUMN … SET DATA TYPE turns INT64 into NUMERIC, BIGNUMERIC or FLOAT64 and NUMERIC into BIGNUMERIC or
// FLOAT64, keeping every stored value. The narrowest type that holds the value is taken, FLOAT64 only when no
// decimal type can (it rounds). Other columns keep their type: a value that is not a number at all in an INT64
// column is a bad value, not a wider one, and goes NULL with its note in `_airbyte_meta`; so does a value that
// does not fit a key, partitioning or clustering column, whose type the table's layout and every MERGE rely on.

import { encoderFor, INVALID } from './encode.ts';
import { quote } from './names.ts';

/** The numeric types, narrowest first, each with the types BigQuery may widen it to. */
const WIDER: Readonly<Record<string, readonly string[]>> = {
  INT64: ['NUMERIC', 'BIGNUMERIC', 'FLOAT64'],
  NUMERIC: ['BIGNUMERIC', 'FLOAT64'],
};

/** One column's change of type, as the sink applies it to the stream table and its staging table. */
export interface Widening {
  column: string;
  from: string;
  to: string;
}

/** The narrowest type `type` may widen to that holds `value`, or undefined (not numeric, or nothing holds it). */
export function widerTypeFor(type: string, value: unknown): string | undefined {
  for (const candidate of WIDER[type] ?? []) {
    if (encoderFor(candidate)(value) !== INVALID) return candidate;
  }
  return undefined;
}

/** The statement that widens one column of a table (`ref` already quoted). */
export function alterColumnTypeSql(ref: string, widening: Widening): string {
  return `ALTER TABLE ${ref} ALTER COLUMN ${quote(widening.column)} SET DATA TYPE ${widening.to}`;
}
