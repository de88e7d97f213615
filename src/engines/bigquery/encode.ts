// Values → the JSON text of one NDJSON field, for a column of a given BigQuery type. Every value is checked
// here, in JS, against the column it goes to: a value BigQuery would refuse becomes NULL (and a note in
// `_airbyte_meta`), because one refused value fails a whole load job. INT64 and NUMERIC are written as JSON
// strings: BigQuery reads integers beyond 2^53 exactly only that way, and a decimal string is never rounded.

/** The encoder's answer for a value that does not fit the column. */
export const INVALID: unique symbol = Symbol('invalid');
export type Encoder = (value: unknown) => string | typeof INVALID;

const INTEGER_TEXT = /^[+-]?\d+$/;
const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';

/** The text of a JSON number or numeric string, whatever form the record holds it in. */
function numberText(value: unknown): string | undefined {
  if (JSON.isRawJSON(value)) return value.rawJSON;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  return undefined;
}

const encodeInt64: Encoder = (value) => {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return INVALID;
    // A double beyond 2^53 was already rounded by whoever produced it; its digits are what it says.
    const text = Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
    return fitsInt64(text) ? `"${text}"` : INVALID;
  }
  const text = JSON.isRawJSON(value) ? value.rawJSON : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined || !INTEGER_TEXT.test(text) || !fitsInt64(text)) return INVALID;
  return `"${text.replace(/^\+/, '')}"`;
};

function fitsInt64(text: string): boolean {
  const negative = text.startsWith('-');
  const digits = text.replace(/^[+-]?0*/, '');
  const limit = negative ? INT64_MIN_ABS : INT64_MAX;
  return digits.length < limit.length || (digits.length === limit.length && digits <= limit);
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A decimal in plain notation with at most `scale` fraction digits (rounded half away from zero, as BigQuery
 * rounds a NUMERIC) and at most `integerDigits` before the point; undefined when it does not fit.
 */
export function decimalText(text: string, integerDigits: number, scale: number): string | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  const shift = Number(exponent);
  if (!Number.isSafeInteger(shift) || Math.abs(shift) > 1000) return undefined;
  let digits = `${whole}${fraction}`;
  let point = whole.length + shift;
  if (point < 0) {
    digits = `${'0'.repeat(-point)}${digits}`;
    point = 0;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  let units = BigInt(`${digits.slice(0, point + scale).padEnd(point + scale, '0')}` || '0');
  const next = digits.charAt(point + scale);
  if (next !== '' && next >= '5') units += 1n;
  let integer = units.toString().padStart(scale + 1, '0');
  const fractional = scale === 0 ? '' : integer.slice(-scale).replace(/0+$/, '');
  integer = scale === 0 ? integer : integer.slice(0, -scale);
  integer = integer.replace(/^0+(?=\d)/, '');
  if (integer.length > integerDigits) return undefined;
  const negative = sign === '-' && (integer !== '0' || fractional !== '');
  return `${negative ? '-' : ''}${integer}${fractional === '' ? '' : `.${fractional}`}`;
}

function decimalEncoder(integerDigits: number, scale: number): Encoder {
  return (value) => {
    const text = numberText(value);
    const decimal = text === undefined ? undefined : decimalText(text, integerDigits, scale);
    return decimal === undefined ? INVALID : `"${decimal}"`;
  };
}

const encodeFloat64: Encoder = (value) => {
  const text = numberText(value);
  if (text === undefined || !DECIMAL_TEXT.test(text)) return INVALID;
  const number = Number(text);
  return Number.isFinite(number) ? String(number) : INVALID;
};

const encodeBool: Encoder = (value) => {
  if (value === true || value === 1) return 'true';
  if (value === false || value === 0) return 'false';
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === 'false') return text;
  }
  return INVALID;
};

/** Text with lone UTF-16 surrogates made U+FFFD: BigQuery refuses invalid UTF-8 and JSON escapes of them. */
export function stringJson(text: string): string {
  return JSON.stringify(text.isWellFormed() ? text : text.toWellFormed());
}

const encodeString: Encoder = (value) => {
  if (typeof value === 'string') return stringJson(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `"${String(value)}"`;
  if (JSON.isRawJSON(value)) return `"${value.rawJSON}"`;
  return stringJson(JSON.stringify(value) ?? 'null');
};

// A \uD800-\uDFFF escape not part of a pair (BigQuery's JSON type refuses lone surrogates).
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2}|d[89a-f][0-9a-f]{2})/gi;

/** JSON text a JSON column accepts: ids stay digits (RawJSON), lone surrogates become U+FFFD. */
export function jsonValueText(text: string): string {
  if (!text.includes('\\u')) return text;
  return text.replace(LONE_SURROGATE_ESCAPE, (whole: string, backslashes: string, escape: string) =>
    escape.length > 4 ? whole : `${backslashes}\\ufffd`,
  );
}

const encodeJson: Encoder = (value) => jsonValueText(JSON.stringify(value) ?? 'null');

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isRealDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0));
}

function isRealTime(hour: number, minute: number, second: number): boolean {
  return hour < 24 && minute < 60 && second < 60;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)? ?([Zz]|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

interface Moment {
  date: string;
  time: string;
  offset: string | undefined;
}

/** `YYYY-MM-DD[ HH:MM[:SS[.fff…]]][offset]`, split; the fraction cut to microseconds (BigQuery's precision). */
function momentOf(value: unknown): Moment | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TIMESTAMP.exec(value.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction, offset] = match;
  if (!isRealDate(Number(year), Number(month), Number(day))) return undefined;
  if (!isRealTime(Number(hour), Number(minute), Number(second))) return undefined;
  const micros = fraction === undefined ? '' : `.${fraction.slice(0, 6)}`;
  return { date: `${year}-${month}-${day}`, time: `${hour}:${minute}:${second}${micros}`, offset };
}

const encodeDate: Encoder = (value) => {
  const moment = momentOf(value);
  return moment === undefined ? INVALID : `"${moment.date}"`;
};

/** A wall-clock time as given: an offset, if any, is dropped (the column says the time is local). */
const encodeDatetime: Encoder = (value) => {
  const moment = momentOf(value);
  return moment === undefined ? INVALID : `"${moment.date} ${moment.time}"`;
};

/** An instant: a value without an offset is read as UTC, as BigQuery itself reads it. */
const encodeTimestamp: Encoder = (value) => {
  const moment = momentOf(value);
  if (moment === undefined) return INVALID;
  const offset = moment.offset === undefined || /^(z|utc)$/i.test(moment.offset) ? '+00:00' : normalOffset(moment.offset);
  return `"${moment.date} ${moment.time}${offset}"`;
};

function normalOffset(offset: string): string {
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2, 4).padEnd(2, '0')}`;
}

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const encodeTime: Encoder = (value) => {
  if (typeof value !== 'string') return INVALID;
  const match = TIME.exec(value.trim());
  if (match === null) return INVALID;
  const [, hour = '', minute = '', second = '00', fraction] = match;
  if (!isRealTime(Number(hour), Number(minute), Number(second))) return INVALID;
  return `"${hour}:${minute}:${second}${fraction === undefined ? '' : `.${fraction.slice(0, 6)}`}"`;
};

const unsupported: Encoder = () => INVALID;

/**
 * The encoder for a column, by the type the table really has (a table made by someone else may differ from
 * what the schema asks for today: the table's type wins, values that do not fit it become NULL).
 */
export function encoderFor(standardType: string): Encoder {
  switch (standardType) {
    case 'INT64':
      return encodeInt64;
    case 'NUMERIC':
      return decimalEncoder(29, 9);
    case 'BIGNUMERIC':
      return decimalEncoder(38, 38);
    case 'FLOAT64':
      return encodeFloat64;
    case 'BOOL':
      return encodeBool;
    case 'STRING':
      return encodeString;
    case 'JSON':
      return encodeJson;
    case 'DATE':
      return encodeDate;
    case 'DATETIME':
      return encodeDatetime;
    case 'TIMESTAMP':
      return encodeTimestamp;
    case 'TIME':
      return encodeTime;
    default:
      // STRUCT, ARRAY, BYTES, GEOGRAPHY, RANGE, INTERVAL: types this sink never creates and cannot fill.
      return unsupported;
  }
}
