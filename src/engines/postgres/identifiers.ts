// Postgres names: at most 63 bytes (longer ones are silently cut, so two long names could meet) and no NUL.
// Everything else (quotes, spaces, unicode, upper case) is kept and quoted wherever a name is used.

import { createHash } from 'node:crypto';

const MAX_BYTES = 63;
const HASH_LENGTH = 8;

/**
 * The Postgres name for a stream or field name: the name itself when it fits, else a prefix cut at a
 * character boundary plus `_` and 8 hex digits of the name's SHA-256, so the result is the same on every
 * run and two long names that share a prefix stay apart.
 */
export function postgresName(name: string): string {
  const clean = name.replaceAll('\0', '');
  if (clean !== '' && Buffer.byteLength(clean, 'utf8') <= MAX_BYTES && clean === name) return name;
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, HASH_LENGTH);
  return `${truncateUtf8(clean, MAX_BYTES - HASH_LENGTH - 1)}_${hash}`;
}

/** A derived name (index, staging table) built from a base name and a suffix, kept within 63 bytes. */
export function derivedName(base: string, suffix: string): string {
  const whole = `${base}${suffix}`;
  if (Buffer.byteLength(whole, 'utf8') <= MAX_BYTES) return whole;
  const hash = createHash('sha256').update(whole, 'utf8').digest('hex').slice(0, HASH_LENGTH);
  const room = MAX_BYTES - Buffer.byteLength(suffix, 'utf8') - HASH_LENGTH - 1;
  return `${truncateUtf8(base, room)}_${hash}${suffix}`;
}

/**
 * Assigns distinct Postgres names to a list of field names. Names are distinct in JSON but may meet after
 * shortening, or collide with a reserved column; the later one then gets a hash suffix (stable because the
 * order of properties in a schema is stable).
 */
export function distinctNames(names: readonly string[], reserved: ReadonlySet<string>): Map<string, string> {
  const taken = new Set(reserved);
  const result = new Map<string, string>();
  for (const name of names) {
    let candidate = postgresName(name);
    if (taken.has(candidate)) candidate = derivedName(candidate, `_${shortHash(name)}`);
    taken.add(candidate);
    result.set(name, candidate);
  }
  return result;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}

function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}
