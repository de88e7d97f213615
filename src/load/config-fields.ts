// Reading fields of a destination config (every engine's alike): each refusal names the field.

import { configError } from '../errors.ts';

/** A string field; absent, null and '' are all "not given". */
export function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw configError(`Invalid destination config: ${key} must be a string.`);
  return value;
}

/** A string field that must be given; `alternative` says what may stand in for it (", or give a url"). */
export function requiredString(input: Record<string, unknown>, key: string, alternative = ''): string {
  const value = optionalString(input, key);
  if (value === undefined) throw configError(`Invalid destination config: ${key} is required${alternative}.`);
  return value;
}

/** `analytics_views`: true unless the config says false. */
export function analyticsViewsOf(input: Record<string, unknown>): boolean {
  const views = input['analytics_views'] ?? true;
  if (typeof views !== 'boolean') throw configError('Invalid destination config: analytics_views must be true or false.');
  return views;
}
