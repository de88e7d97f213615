// BigQuery names. Columns take letters, digits and underscores, start with a letter or underscore, are at
// most 300 characters, must not start with a few reserved prefixes, and are case-insensitive: `Spend` and
// `spend` are one column. Tables take the same characters here (BigQuery allows more, but dbt and most SQL
// tools quote them badly). A name that breaks a rule is cleaned and given 8 hex digits of its SHA-256, so it
// is the same on every run and two names that clean alike stay apart.

import { createHash } from 'node:crypto';

export const MAX_COLUMN_LENGTH = 300;
export const MAX_TABLE_LENGTH = 1024;
const HASH_LENGTH = 8;
const SIMPLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_PREFIXES = ['_table_', '_file_', '_partition', '_row_timestamp', '__root__', '_colidentifier', '_change_'];

export function bigQueryName(name: string, maxLength: number = MAX_COLUMN_LENGTH): string {
  const reserved = RESERVED_PREFIXES.some((prefix) => name.toLowerCase().startsWith(prefix));
  if (SIMPLE.test(name) && name.length <= maxLength && !reserved) return name;
  let clean = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(clean) || reserved) clean = `_${clean}`;
  return `${clean.slice(0, maxLength - HASH_LENGTH - 1)}_${shortHash(name)}`;
}

/**
 * Distinct BigQuery column names for a list of field names. Two names may meet after cleaning, or differ only
 * in case (distinct in JSON, one column in BigQuery), or meet a reserved column: the later one gets a hash
 * suffix, stable because the order of properties in a schema is stable.
 */
export function distinctColumnNames(names: readonly string[], reserved: ReadonlySet<string>): Map<string, string> {
  const taken = new Set([...reserved].map((name) => name.toLowerCase()));
  const result = new Map<string, string>();
  for (const name of names) {
    let candidate = bigQueryName(name);
    if (taken.has(candidate.toLowerCase())) candidate = `${candidate.slice(0, MAX_COLUMN_LENGTH - HASH_LENGTH - 1)}_${shortHash(`column:${name}`)}`;
    taken.add(candidate.toLowerCase());
    result.set(name, candidate);
  }
  return result;
}

/** A name in backticks, as BigQuery's GoogleSQL quotes identifiers (our names never hold a backtick). */
export function quote(name: string): string {
  return `\`${name.replace(/[`\\]/g, '_')}\``;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}
