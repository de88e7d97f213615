// Values → COPY text format fields. Every value is checked here, in JS, against the column it goes to: a
// value Postgres would reject becomes NULL (and a note in `_airbyte_meta`), so one bad value can never fail
// the COPY of a whole batch. Only backslash, tab, newline and carriage return need escaping in text format;
// NUL cannot be stored by Postgres in text or jsonb at all and is dropped.

/** The encoder's answer for a value that does not fit the column. */
export const INVALID: unique symbol = Symbol('invalid');
export type Encoder = (value: unknown) => string | typeof INVALID;

const COPY_SPECIAL = /[\\\t\n\r\0]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r\0]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '' };

export function escapeCopyText(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (char) => COPY_ESCAPES[char] ?? '') : text;
}

// \u0000 (after an even number of backslashes, i.e. a real escape) and lone surrogates: jsonb refuses both.
// A high surrogate escaped together with its low one is a valid pair and is kept.
const JSON_UNSUPPORTED_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2}|d[89a-f][0-9a-f]{2})/gi;

/**
 * JSON text that jsonb accepts. RawJSON ids stay digits (JSON.stringify writes them verbatim). Lone UTF-16
 * surrogates become U+FFFD and NUL is dropped, as in text columns.
 */
export function jsonText(value: unknown): string {
  return jsonbSafe(JSON.stringify(value) ?? 'null');
}

/** JSON text made acceptable to jsonb (see jsonText). */
export function jsonbSafe(text: string): string {
  if (!text.includes('\\u')) return text;
  return text.replace(JSON_UNSUPPORTED_ESCAPE, (whole: string, backslashes: string, escape: string) => {
    if (escape === '0000') return backslashes;
    return escape.length > 4 ? whole : `${backslashes}\\ufffd`;
  });
}

const encodeJson: Encoder = (value) => escapeCopyText(jsonText(value));

const encodeText: Encoder = (value) => {
  if (typeof value === 'string') return escapeCopyText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (JSON.isRawJSON(value)) return value.rawJSON;
  return escapeCopyText(jsonText(value));
};

const INTEGER_TEXT = /^[+-]?\d+$/;

function integerEncoder(digits: number, max: string): Encoder {
  const fits = (text: string): boolean => {
    const unsigned = text.replace(/^[+-]?0*/, '');
    if (unsigned.length !== digits) return unsigned.length < digits;
    // The negative bound is one larger than the positive one.
    return text.startsWith('-') ? unsigned <= (BigInt(max) + 1n).toString() : unsigned <= max;
  };
  const maxNumber = Number(max);
  return (value) => {
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || Math.abs(value) > maxNumber) return INVALID;
      return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
    }
    const text = JSON.isRawJSON(value) ? value.rawJSON : typeof value === 'string' ? value.trim() : undefined;
    return text !== undefined && INTEGER_TEXT.test(text) && fits(text) ? text : INVALID;
  };
}

const encodeBigint = integerEncoder(19, '9223372036854775807');
const encodeInteger = integerEncoder(10, '2147483647');
const encodeSmallint = integerEncoder(5, '32767');

const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const encodeNumeric: Encoder = (value) => {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : INVALID;
  const text = JSON.isRawJSON(value) ? value.rawJSON : typeof value === 'string' ? value.trim() : undefined;
  return text !== undefined && NUMERIC_TEXT.test(text) ? text : INVALID;
};

const encodeBoolean: Encoder = (value) => {
  if (value === true) return 't';
  if (value === false) return 'f';
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true') return 't';
    if (text === 'false') return 'f';
  }
  if (value === 1) return 't';
  if (value === 0) return 'f';
  return INVALID;
};

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isRealDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0));
}

const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;

/** A date, or the date part of a timestamp (as Postgres itself casts it). */
const encodeDate: Encoder = (value) => {
  if (typeof value !== 'string') return INVALID;
  const match = DATE_PREFIX.exec(value.trim());
  if (match === null || !isRealDate(Number(match[1]), Number(match[2]), Number(match[3]))) return INVALID;
  return value.trim().slice(0, 10);
};

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)? ?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** ISO 8601 / `YYYY-MM-DD HH:MM:SS` with an optional offset; how an offset is treated is the column type's business. */
const encodeTimestamp: Encoder = (value) => {
  if (typeof value !== 'string') return INVALID;
  const text = value.trim();
  const match = TIMESTAMP.exec(text);
  if (match === null || !isRealDate(Number(match[1]), Number(match[2]), Number(match[3]))) return INVALID;
  if (!isRealTime(match[4], match[5], match[6])) return INVALID;
  return text;
};

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const encodeTime: Encoder = (value) => {
  if (typeof value !== 'string') return INVALID;
  const text = value.trim();
  const match = TIME.exec(text);
  return match !== null && isRealTime(match[1], match[2], match[3]) ? text : INVALID;
};

function isRealTime(hour: string | undefined, minute: string | undefined, second: string | undefined): boolean {
  if (hour === undefined) return true;
  const h = Number(hour);
  const m = Number(minute);
  const s = second === undefined ? 0 : Number(second);
  if (h === 24) return m === 0 && s === 0;
  return h < 24 && m < 60 && s <= 60;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

const encodeUuid: Encoder = (value) => (typeof value === 'string' && UUID.test(value.trim()) ? value.trim() : INVALID);

/**
 * The encoder for a column, by the type the table really has (`format_type`), which may differ from what the
 * schema asks for today: the table's type wins, values that do not fit it become NULL.
 */
export function encoderFor(columnType: string): Encoder {
  const base = columnType.replace(/\(.*?\)/g, '').replace(/\s+/g, ' ').trim();
  switch (base) {
    case 'bigint':
      return encodeBigint;
    case 'integer':
      return encodeInteger;
    case 'smallint':
      return encodeSmallint;
    case 'numeric':
    case 'double precision':
    case 'real':
      return encodeNumeric;
    case 'boolean':
      return encodeBoolean;
    case 'date':
      return encodeDate;
    case 'timestamp without time zone':
    case 'timestamp with time zone':
      return encodeTimestamp;
    case 'time without time zone':
    case 'time with time zone':
      return encodeTime;
    case 'json':
    case 'jsonb':
      return encodeJson;
    case 'uuid':
      return encodeUuid;
    default:
      // text, character varying and types this sink never creates: handed over as text.
      return encodeText;
  }
}
