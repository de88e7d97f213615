// Paging, filtering and permission rules shared by the asset, audience, pixel and Spark Ads endpoints.

import type { Advertiser } from '../data/model.ts';
import { ApiError, paramError } from '../http/api-error.ts';
import type { Params } from '../http/params.ts';
import type { EmulatorState } from '../state.ts';
import { pageInfo } from './access.ts';

export interface Page {
  page: number;
  pageSize: number;
}

/** `page` and a `page_size` TikTok documents as min..max (outside → 40002 naming the parameter). */
export function strictPage(params: Params, fallback: number, max: number): Page {
  return { page: params.integer('page', 1, 1, 1_000_000), pageSize: params.integer('page_size', fallback, 1, max) };
}

/**
 * `page` and a `page_size` served at most `cap` per page without complaint, for endpoints whose limit
 * TikTok leaves undocumented: page_info then shows the size actually served.
 */
export function cappedPage(params: Params, fallback: number, cap: number): Page {
  const asked = params.integer('page_size', fallback, 1, 1000);
  return { page: params.integer('page', 1, 1, 1_000_000), pageSize: Math.min(asked, cap) };
}

/** One page of `items` and its page_info. */
export function pageOf<T>(items: readonly T[], { page, pageSize }: Page): { slice: T[]; page_info: ReturnType<typeof pageInfo> } {
  return { slice: items.slice((page - 1) * pageSize, page * pageSize), page_info: pageInfo(page, pageSize, items.length) };
}

/** The `filtering` JSON object (absent → {}); keys outside `known` are refused, as for the entity lists. */
export function filteringObject(params: Params, known: readonly string[]): Record<string, unknown> {
  const value = params.json('filtering');
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw paramError('filtering: Not a valid JSON object.');
  const filter = value as Record<string, unknown>;
  for (const key of Object.keys(filter)) if (!known.includes(key)) throw paramError(`filtering: Unknown field ${key}.`);
  return filter;
}

/** A list of ids (strings or numbers) of at most `max` entries, or undefined when absent. */
export function filterIds(filter: Record<string, unknown>, key: string, max: number): Set<string> | undefined {
  const value = filter[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw paramError(`filtering.${key}: Not a valid list.`);
  if (value.length > max) throw paramError(`filtering.${key}: Length must be between 0 and ${max}.`);
  return new Set(value.map((v) => {
    if (typeof v !== 'string' && typeof v !== 'number') throw paramError(`filtering.${key}: Not a valid list of strings.`);
    return String(v);
  }));
}

/** A whole number given as a JSON number or its digits (TikTok's own examples quote them). */
export function filterInteger(filter: Record<string, unknown>, key: string): number | undefined {
  const value = filter[key];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0) throw paramError(`filtering.${key}: Not a valid integer.`);
  return n;
}

export function filterNumbers(filter: Record<string, unknown>, key: string): number[] | undefined {
  const value = filter[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw paramError(`filtering.${key}: Not a valid list.`);
  return value.map((v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (!Number.isFinite(n) || n <= 0) throw paramError(`filtering.${key}: Not a valid list of numbers.`);
    return n;
  });
}

export function filterBoolean(filter: Record<string, unknown>, key: string): boolean | undefined {
  const value = filter[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  throw paramError(`filtering.${key}: Not a valid boolean.`);
}

export function filterText(filter: Record<string, unknown>, key: string): string | undefined {
  const value = filter[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw paramError(`filtering.${key}: Not a valid string.`);
  return value;
}

/**
 * An advertiser whose authorisation lacks the creative-library scope (option `creativeDeniedAdvertiser`):
 * TikTok answers 40001 naming the endpoint and method, as PostHog met it (posthog #82936).
 */
export function requireCreativeScope(state: EmulatorState, advertiser: Advertiser, path: string): void {
  if (advertiser.index === state.world.options.creativeDeniedAdvertiser) {
    throw new ApiError(40001, `advertiser does not grant you ${path}:GET permission`);
  }
}
