// Breakdowns with a short, fixed list of values, which ready views turn into columns (spend_male,
// spend_age_25_34, …). TikTok's documented values; rows with any other value (or none) land in `_other`, so the
// columns still add up to the total. Long lists (country_code, province_id, language) stay rows.

export { PIVOTED_BREAKDOWNS } from '../view-names.ts';

/** `spend` + `MALE` → `spend_male`; `AGE_25_34` → `spend_age_25_34`. */
export function pivotColumn(metric: string, value: string): string {
  return `${metric}_${value.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
}
