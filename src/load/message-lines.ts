// AirbyteMessages from JSON lines (a destination's stdin). Parsed at the edge: each line is checked for the
// fields the loader relies on, and a bad line stops the load with its line number, never silently skipped.
// Big integers are parsed losslessly, so 19-digit ids reach the table exactly.

import type { Readable } from 'node:stream';
import { systemError } from '../errors.ts';
import { parseJsonLossless, rawInteger } from '../json.ts';
import type { AirbyteMessage } from '../protocol/types.ts';

/** Splits a text stream into lines without holding more than the current chunk and one partial line. */
export async function* linesOf(input: Readable): AsyncGenerator<string> {
  input.setEncoding('utf8');
  let rest = '';
  for await (const chunk of input as AsyncIterable<string>) {
    const text = rest === '' ? chunk : rest + chunk;
    let start = 0;
    let end = text.indexOf('\n', start);
    while (end !== -1) {
      yield text.slice(start, end);
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    rest = text.slice(start);
  }
  if (rest !== '') yield rest;
}

export async function* messagesOf(lines: AsyncIterable<string>): AsyncGenerator<AirbyteMessage> {
  let number = 0;
  for await (const line of lines) {
    number++;
    const message = parseMessageLine(line, number);
    if (message !== undefined) yield message;
  }
}

/** A run of 16+ digits anywhere in the line: the only case where a second, exact parse can differ. */
const UNSAFE_DIGITS = /\d{16}/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One line → one message; blank lines and message types a destination ignores give undefined. */
export function parseMessageLine(line: string, number: number): AirbyteMessage | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = parseJsonLossless(text);
  } catch (error) {
    throw badLine(number, `is not JSON (${(error as Error).message})`, text);
  }
  if (!isObject(value) || typeof value['type'] !== 'string') throw badLine(number, 'is not an AirbyteMessage (no "type")', text);
  switch (value['type']) {
    case 'RECORD': {
      const record = value['record'];
      if (!isObject(record)) throw badLine(number, 'is a RECORD without a "record" object', text);
      if (typeof record['stream'] !== 'string' || record['stream'] === '') throw badLine(number, 'is a RECORD without "record.stream"', text);
      if (!isObject(record['data'])) throw badLine(number, 'is a RECORD whose "record.data" is not an object', text);
      // emitted_at is required by the protocol; a missing one is stamped now rather than failing the load.
      if (typeof record['emitted_at'] !== 'number') record['emitted_at'] = Date.now();
      return value as AirbyteMessage;
    }
    case 'STATE': {
      if (!isObject(value['state'])) throw badLine(number, 'is a STATE without a "state" object', text);
      // Echoed as received: a 19-digit integer goes back out as that integer, not as its digits in quotes.
      return (UNSAFE_DIGITS.test(text) ? parseJsonLossless(text, rawInteger) : value) as AirbyteMessage;
    }
    case 'TRACE':
      if (!isObject(value['trace'])) throw badLine(number, 'is a TRACE without a "trace" object', text);
      return value as AirbyteMessage;
    case 'LOG':
      return value as AirbyteMessage;
    default:
      return undefined;
  }
}

function badLine(number: number, problem: string, text: string): Error {
  const excerpt = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return systemError(`Input line ${number} ${problem}: ${excerpt}`);
}
