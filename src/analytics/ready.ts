// The ready analysis views: what people ask first, answered from the typed views.
// - `<level>_performance_daily` (advertiser, campaign, ad group, ad): spend, impressions, clicks, conversions
//   and CTR, CPC, CPM, CPA per day and object, from the daily report whose key is exactly (id, day).
// - `<level>_spend_by_<breakdown>_<daily|lifetime>` for audience reports broken down by gender, age or platform:
//   per day (or lifetime) and object, spend and impressions per breakdown value as columns.
// Ratios are recomputed from the sums (CTR = Σclicks / Σimpressions × 100, in percent as TikTok reports it),
// never averaged, and NULL where the denominator is 0.

import { PIVOTED_BREAKDOWNS, pivotColumn } from './breakdowns.ts';
import { ENTITY_TABLES } from './entities.ts';
import type { LogicalType, Measure, ReadyViewPlan, TypedViewPlan } from './model.ts';
import type { ViewNames } from './naming.ts';
import { performanceViewName, pivotViewName } from '../view-names.ts';

const LEVELS: { id: string; name: string; context: string[] }[] = [
  { id: 'advertiser_id', name: 'advertiser', context: [] },
  { id: 'campaign_id', name: 'campaign', context: ['campaign_name'] },
  { id: 'adgroup_id', name: 'ad_group', context: ['adgroup_name', 'campaign_id', 'campaign_name'] },
  { id: 'ad_id', name: 'ad', context: ['ad_name', 'adgroup_id', 'adgroup_name', 'campaign_id', 'campaign_name'] },
];

const ADVERTISER_CONTEXT = ENTITY_TABLES[0]?.columns.map((column) => column.name) ?? [];

export function planReadyViews(typed: readonly TypedViewPlan[], names: ViewNames): ReadyViewPlan[] {
  const ready: ReadyViewPlan[] = [];
  for (const level of LEVELS) {
    const source = typed.find((plan) => plan.time === 'stat_time_day' && sameSet(plan.key, [level.id, 'stat_time_day']) && has(plan, 'spend'));
    if (source === undefined) continue;
    ready.push({
      view: names.claim(performanceViewName(level.name)),
      source: source.view,
      description: `Spend, impressions, clicks, conversions, CTR, CPC, CPM and CPA per day and ${level.name.replace('_', ' ')} (from ${source.view}).`,
      groupBy: groupBy(source, level),
      measures: performanceMeasures(source),
    });
  }
  for (const plan of typed) {
    const level = LEVELS.findLast((candidate) => plan.key.includes(candidate.id));
    if (level === undefined) continue;
    for (const breakdown of plan.breakdowns) {
      const values = PIVOTED_BREAKDOWNS[breakdown];
      if (values === undefined || !has(plan, breakdown) || !has(plan, 'spend')) continue;
      ready.push({
        view: names.claim(pivotViewName(level.name, breakdown, plan.time === undefined ? 'lifetime' : plan.time === 'stat_time_day' ? 'daily' : 'hourly')),
        source: plan.view,
        description: `Spend and impressions by ${breakdown} as columns, per ${plan.time === undefined ? '' : 'day and '}${level.name.replace('_', ' ')} (from ${plan.view}).`,
        groupBy: groupBy(plan, level),
        measures: pivotMeasures(plan, breakdown, values),
      });
    }
  }
  return ready;
}

function groupBy(plan: TypedViewPlan, level: (typeof LEVELS)[number]): ReadyViewPlan['groupBy'] {
  const out: ReadyViewPlan['groupBy'] = [];
  if (plan.time === 'stat_time_day') out.push({ name: 'date_day', column: 'stat_time_day', type: 'date' });
  else if (plan.time !== undefined) out.push({ name: plan.time, column: plan.time, type: 'timestamp' });
  const wanted = ['advertiser_id', ...ADVERTISER_CONTEXT, ...(level.id === 'advertiser_id' ? [] : [level.id]), ...level.context];
  for (const name of wanted) {
    const column = plan.columns.find((c) => c.name === name);
    if (column !== undefined && !out.some((c) => c.name === name)) out.push({ name, column: name, type: column.type });
  }
  return out;
}

function performanceMeasures(plan: TypedViewPlan): Measure[] {
  const sum = (name: string, column: string, type: LogicalType): Measure => ({ kind: 'sum', name, column: has(plan, column) ? column : undefined, type });
  return [
    sum('spend', 'spend', 'numeric'),
    sum('impressions', 'impressions', 'bigint'),
    sum('clicks', 'clicks', 'bigint'),
    sum('conversions', 'conversion', 'bigint'),
    { kind: 'ratio', name: 'ctr', numerator: 'clicks', denominator: 'impressions', factor: 100 },
    { kind: 'ratio', name: 'cpc', numerator: 'spend', denominator: 'clicks', factor: 1 },
    { kind: 'ratio', name: 'cpm', numerator: 'spend', denominator: 'impressions', factor: 1000 },
    { kind: 'ratio', name: 'cpa', numerator: 'spend', denominator: 'conversion', factor: 1 },
  ];
}

function pivotMeasures(plan: TypedViewPlan, breakdown: string, values: readonly string[]): Measure[] {
  const measures: Measure[] = [];
  for (const [metric, type] of [['spend', 'numeric'], ['impressions', 'bigint']] as const) {
    if (!has(plan, metric)) continue;
    // Every column of a pivot is 0 where no row has a value (a gender with no rows that day), so that
    // `spend_male + spend_female + spend_none + spend_other = spend` holds as written, with no COALESCE.
    measures.push({ kind: 'sum', name: metric, column: metric, type, zeroWhenNone: true });
    for (const value of values) {
      measures.push({ kind: 'sum', name: pivotColumn(metric, value), column: metric, type, filter: { column: breakdown, values: [value] }, zeroWhenNone: true });
    }
    measures.push({ kind: 'sum', name: `${metric}_other`, column: metric, type, filter: { column: breakdown, others: [...values] }, zeroWhenNone: true });
  }
  return measures;
}

function has(plan: TypedViewPlan, column: string): boolean {
  return plan.columns.some((c) => c.name === column);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && b.every((item) => a.includes(item));
}

/** What a ready view's column holds, for the column's comment (where the engine keeps one) and documentation. */
export function describeReadyColumn(plan: ReadyViewPlan, name: string, typed: TypedViewPlan | undefined): string {
  const group = plan.groupBy.find((g) => g.name === name);
  if (group !== undefined) return typed?.columns.find((c) => c.name === group.column)?.description ?? `${name} (${group.type}).`;
  const measure = plan.measures.find((m) => m.name === name);
  if (measure === undefined) return name;
  if (measure.kind === 'ratio') {
    const scale = measure.factor === 1 ? '' : ` × ${measure.factor}`;
    return `Σ${measure.numerator} / Σ${measure.denominator}${scale}, recomputed from the sums; NULL when Σ${measure.denominator} is 0.`;
  }
  if (measure.column === undefined) return `Σ${name}: NULL, the report has no such metric.`;
  const filter = measure.filter;
  const zero = measure.zeroWhenNone === true ? '; 0 when no row has one, so the columns add up to the total.' : '.';
  if (filter === undefined) return `Σ${measure.column}${zero}`;
  return 'values' in filter
    ? `Σ${measure.column} of the rows whose ${filter.column} is ${filter.values.join(' or ')}${zero}`
    : `Σ${measure.column} of the rows whose ${filter.column} is none of ${filter.others.join(', ')} (or missing)${zero}`;
}
