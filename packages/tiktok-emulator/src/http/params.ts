import { parseJsonLossless } from '../json.ts';
import { paramError } from './api-error.ts';

/**
 * Request parameters from the query string and, when present, a JSON body (TikTok's examples send JSON
 * bodies even with GET; POST endpoints take only the body). Query values are text; body values keep their
 * JSON type. Errors name the parameter the way TikTok's messages do.
 */
export class Params {
  readonly #query: URLSearchParams;
  readonly #body: Record<string, unknown>;

  constructor(query: URLSearchParams, body: Record<string, unknown> = {}) {
    this.#query = query;
    this.#body = body;
  }

  has(name: string): boolean {
    return this.#query.has(name) || this.#body[name] !== undefined;
  }

  raw(name: string): unknown {
    const values = this.#query.getAll(name);
    if (values.length > 1) return values;
    if (values.length === 1) return values[0];
    return this.#body[name] ?? undefined;
  }

  /** The body's own keys (for endpoints that reject unknown ones). */
  bodyKeys(): string[] {
    return Object.keys(this.#body);
  }

  string(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw paramError(`${name}: Not a valid string.`);
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw paramError(`${name}: Missing data for required field.`);
    return value;
  }

  /** A numeric id (advertiser, campaign, task…) as its exact digits. */
  requiredId(name: string): string {
    const value = this.requiredString(name).trim();
    if (!/^\d{1,20}$/.test(value)) throw paramError(`${name}: Not a valid integer.`);
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const text = this.string(name);
    if (text === undefined || text === '') return fallback;
    if (!/^-?\d+$/.test(text.trim())) throw paramError(`${name}: Not a valid integer.`);
    const value = Number(text);
    if (value < min || value > max) throw paramError(`${name}: Must be greater than or equal to ${min} and less than or equal to ${max}.`);
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined || value === null || value === '') return fallback;
    if (value === true || value === 'true' || value === 'True' || value === '1') return true;
    if (value === false || value === 'false' || value === 'False' || value === '0') return false;
    throw paramError(`${name}: Not a valid boolean.`);
  }

  /** A JSON value given either as JSON text (query) or as a structured body value. */
  json(name: string): unknown {
    const value = this.raw(name);
    if (typeof value !== 'string') return value ?? undefined;
    if (value.trim() === '') return undefined;
    try {
      return parseJsonLossless(value);
    } catch {
      throw paramError(`${name}: Invalid JSON string.`);
    }
  }

  /** A list of strings: a JSON array (text or body), or the parameter repeated in the query. */
  stringArray(name: string, maxLength = Infinity): string[] | undefined {
    const repeated = this.#query.getAll(name);
    const value = repeated.length > 1
      ? repeated.flatMap((x) => (x.trimStart().startsWith('[') ? asList(name, safeParse(name, x)) ?? [] : [x]))
      : asList(name, this.json(name));
    if (value === undefined) return undefined;
    if (value.length > maxLength) throw paramError(`${name}: Length must be between 1 and ${maxLength}.`);
    return value;
  }
}

function safeParse(name: string, text: string): unknown {
  try {
    return parseJsonLossless(text);
  } catch {
    throw paramError(`${name}: Invalid JSON string.`);
  }
}

function asList(name: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw paramError(`${name}: Not a valid list.`);
  return value.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' && Number.isFinite(item)) return String(item);
    throw paramError(`${name}: Not a valid list of strings.`);
  });
}
