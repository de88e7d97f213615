// Query parameters as the REST API sends them: named (`@name`) or positional (`?`), typed for ZetaSQL and bound
// to DuckDB as text inside a CAST to the parameter's type (arrays as JSON text).

import type { ParameterTypes } from './analyzer.ts';
import { BigQueryError } from './errors.ts';
import type { Token } from './tokens.ts';
import { isPunct } from './tokens.ts';
import { duckType } from './types.ts';
import { zetaParameterType } from './zeta-catalog.ts';

export interface QueryParameter {
  name?: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue: { value?: string; arrayValues?: { value?: string }[] };
}

export interface Parameters {
  readonly zeta: ParameterTypes;
  /** Positional (`?`) parameters are bound as `_p1`, `_p2`… in the order the `?` appear in a statement. */
  readonly positional: boolean;
  readonly duckTypes: Map<string, string>;
  readonly values: Record<string, unknown>;
}

export function parseParameters(parameters: readonly QueryParameter[]): Parameters {
  const named: ParameterTypes['named'][number][] = [];
  const positionalTypes: ParameterTypes['positional'][number][] = [];
  const positional = parameters.length > 0 && parameters.every((p) => p.name === undefined);
  if (!positional && parameters.some((p) => p.name === undefined)) {
    throw new BigQueryError('invalid', 'Query parameters must all be named or all be positional', { location: 'query' });
  }
  const duckTypes = new Map<string, string>();
  const values: Record<string, unknown> = {};
  parameters.forEach((parameter, i) => {
    const name = parameter.name ?? `_p${i + 1}`;
    const type = parameter.parameterType;
    if (positional) positionalTypes.push(zetaParameterType(type));
    else named.push({ name, type: zetaParameterType(type) });
    if (type.type.toUpperCase() === 'ARRAY') {
      duckTypes.set(name, `${duckType({ name, type: type.arrayType?.type ?? 'STRING' })}[]`);
      values[name] = JSON.stringify((parameter.parameterValue.arrayValues ?? []).map((v) => v.value ?? null));
      return;
    }
    duckTypes.set(name, duckType({ name, type: type.type }));
    values[name] = parameter.parameterValue.value ?? null;
  });
  return { zeta: { named, positional: positionalTypes }, positional, duckTypes, values };
}

/** Only the parameters a statement uses (DuckDB refuses unused named values). */
export function bindings(sql: string, values: Record<string, unknown>): Record<string, unknown> | undefined {
  const used = Object.entries(values).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql));
  if (used.length === 0) return undefined;
  // Values go in as text (arrays as JSON text) and the CAST( … AS T) around each $name gives them their type.
  return Object.fromEntries(used);
}

/** `?` → `@_p1`, `@_p2`…, so positional parameters take the named path (their CAST and binding). */
export function numberPositional(tokens: Token[]): Token[] {
  let n = 0;
  return tokens.map((token) => (isPunct(token, '?') ? { kind: 'param', text: `@_p${++n}` } : token));
}

