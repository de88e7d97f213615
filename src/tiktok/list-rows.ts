// A page of a list endpoint kept as its bytes, its rows parsed a few at a time as they are consumed. A report page
// is ~1.5 MB of JSON (3 MB as a string with one non-Latin-1 character): decoded and parsed whole, the text is a
// large object the collector frees only in a full GC, and the page's ~1 MB of parsed rows outlives the young
// generation while its rows go out. Here one scan finds the rows' byte ranges; the envelope around them is parsed
// on its own, and rows are decoded and parsed in small groups that die young.

import { freeMemory } from '../free-memory.ts';
import { transportError } from './errors.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const ZERO = 0x30;
const NINE = 0x39;
/** Rows decoded and parsed together: ~50 KB of text, well under V8's large-object size even as two-byte text. */
const GROUP = 32;
/** Digits in a row (outside strings) from which a number may not fit a double exactly (as src/json.ts). */
const UNSAFE_DIGITS = 16;

const utf8 = new TextDecoder();

/** A page's envelope (its list left empty) and its rows, each parsed on first use. */
export interface SplitAnswer {
  envelope: unknown;
  rows: ListRows;
}

/**
 * Splits an answer `{…,"data":{…,"list":[{…},{…}],…}}` (TikTok's envelope around a list page) into its envelope and
 * the byte ranges of the list's objects. Anything else (another shape, a number too long for a double outside a
 * string, JSON that does not close) answers undefined, and the caller parses the whole text as usual.
 */
export function splitListAnswer(bytes: Uint8Array, path: string): SplitAnswer | undefined {
  const n = bytes.length;
  const starts: number[] = [];
  const ends: number[] = [];
  let depth = 0;
  let listOpen = -1;
  let listClose = -1;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      // Past the string: a quote preceded by a backslash is part of it (escapes are skipped in pairs).
      for (i++; i < n; i++) {
        const s = bytes[i]!;
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
      if (i >= n) return undefined;
      digits = 0;
      continue;
    }
    if (c >= ZERO && c <= NINE) {
      if (++digits >= UNSAFE_DIGITS) return undefined;
      continue;
    }
    digits = 0;
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (listOpen >= 0 && listClose < 0 && depth === 3 && c === OPEN_OBJECT) starts.push(i);
      else if (c === OPEN_ARRAY && depth === 2 && listOpen < 0 && keyBefore(bytes, i) === 'list') listOpen = i;
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth < 0) return undefined;
      if (listOpen >= 0 && listClose < 0) {
        if (depth === 3 && c === CLOSE_OBJECT) ends.push(i + 1);
        else if (depth === 2 && c === CLOSE_ARRAY) listClose = i;
      }
    }
  }
  if (depth !== 0 || listOpen < 0 || listClose < 0 || starts.length !== ends.length) return undefined;
  // Only objects, separated by commas: an element of another kind (a number, a string) is not a row we know.
  if (!onlyObjects(bytes, listOpen, listClose, starts, ends)) return undefined;
  const head = utf8.decode(bytes.subarray(0, listOpen + 1)) + utf8.decode(bytes.subarray(listClose));
  let envelope: unknown;
  try {
    envelope = JSON.parse(head);
  } catch {
    return undefined;
  }
  return { envelope, rows: new ListRows(bytes, Int32Array.from(starts), Int32Array.from(ends), path) };
}

/** The key whose value starts at `at` (`"key"` then `:` before it, spaces allowed), or undefined. */
function keyBefore(bytes: Uint8Array, at: number): string | undefined {
  let i = at - 1;
  while (i >= 0 && isSpace(bytes[i]!)) i--;
  if (bytes[i] !== 0x3a) return undefined;
  i--;
  while (i >= 0 && isSpace(bytes[i]!)) i--;
  if (bytes[i] !== QUOTE) return undefined;
  const end = i;
  for (i--; i >= 0 && bytes[i] !== QUOTE; i--);
  return i < 0 ? undefined : utf8.decode(bytes.subarray(i + 1, end));
}

function onlyObjects(bytes: Uint8Array, open: number, close: number, starts: readonly number[], ends: readonly number[]): boolean {
  const gap = (from: number, to: number, commas: number): boolean => {
    let seen = 0;
    for (let i = from; i < to; i++) {
      const c = bytes[i]!;
      if (c === 0x2c) seen++;
      else if (!isSpace(c)) return false;
    }
    return seen === commas;
  };
  if (starts.length === 0) return gap(open + 1, close, 0);
  if (!gap(open + 1, starts[0]!, 0) || !gap(ends[ends.length - 1]!, close, 0)) return false;
  for (let k = 1; k < starts.length; k++) if (!gap(ends[k - 1]!, starts[k]!, 1)) return false;
  return true;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * A list's rows over the page's bytes: iterable (rows parsed GROUP at a time, as they are reached) and with a
 * length. A row is parsed again if iterated again; nothing of a group is kept once the next one is parsed.
 */
export class ListRows implements Iterable<unknown> {
  readonly #bytes: Uint8Array;
  readonly #starts: Int32Array;
  readonly #ends: Int32Array;
  /** The endpoint that answered, for the error a broken row raises. */
  readonly #path: string;

  constructor(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, path: string) {
    this.#bytes = bytes;
    this.#starts = starts;
    this.#ends = ends;
    this.#path = path;
  }

  get length(): number {
    return this.#starts.length;
  }

  /**
   * Frees the page's bytes now, once its rows are consumed: the buffer outlived the young generation, and left
   * to the collector it would wait for a full GC (tens of MB of pages did, between two).
   */
  release(): void {
    // The page's buffer may be longer than its bytes (a body shorter than its Content-Length); it is the page's alone.
    freeMemory(this.#bytes, false);
  }

  *[Symbol.iterator](): Iterator<unknown> {
    const count = this.#starts.length;
    for (let first = 0; first < count; first += GROUP) {
      const last = Math.min(first + GROUP, count) - 1;
      // The rows and the commas between them, as one JSON array. The scan found no number a double cannot hold.
      const text = utf8.decode(this.#bytes.subarray(this.#starts[first]!, this.#ends[last]!));
      let group: unknown[] | undefined;
      try {
        group = JSON.parse(`[${text}]`) as unknown[];
      } catch {
        group = undefined;
      }
      // The scan checks structure, not every token: a row it passed may still not be JSON. Rows before it have
      // gone out already, so the answer cannot be retried here; it fails as TikTok's (a transient error).
      if (group?.length !== last - first + 1) {
        throw transportError(this.#path, `answered rows ${first + 1}–${last + 1} of a page that are not valid JSON`);
      }
      yield* group;
    }
  }
}
