// The GMV Max views: `gmv_max_performance_daily` (cost, net cost, orders, gross revenue, ROI per day, store and
// campaign) and `tiktok_spend_daily`, all TikTok spend per day and advertiser — auction ads (the advertiser-level
// daily report, which counts every auction campaign once, deleted ones included) plus GMV Max (which the auction
// report does not hold) — with the currency, for the one number TikTok Ads Manager shows.

import type { ReadyViewPlan, SpendViewPlan, TypedViewPlan } from './model.ts';
import type { ViewNames } from './naming.ts';
import { ALL_SPEND_VIEW, GMV_MAX_PERFORMANCE_VIEW } from '../view-names.ts';

/** The typed view of a stream, when planned and holding the columns. */
function typedOf(typed: readonly TypedViewPlan[], stream: string, columns: readonly string[]): TypedViewPlan | undefined {
  const plan = typed.find((p) => p.stream === stream);
  return plan !== undefined && columns.every((c) => plan.columns.some((column) => column.name === c)) ? plan : undefined;
}

const GROSS_REVENUE =
  'gross revenue counts the paid, organic and affiliate orders of the promoted products, per SKU, so it is not the shop\'s revenue and does not add up across products sharing an order';

export function planGmvMaxViews(typed: readonly TypedViewPlan[], names: ViewNames): { ready: ReadyViewPlan[]; spend: SpendViewPlan[] } {
  const ready: ReadyViewPlan[] = [];
  const spend: SpendViewPlan[] = [];
  const gmv = typedOf(typed, 'gmv_max_campaign_reports_daily', ['stat_time_day', 'advertiser_id', 'cost']);
  if (gmv !== undefined) {
    const has = (column: string) => gmv.columns.some((c) => c.name === column);
    const group = ['advertiser_id', 'advertiser_name', 'currency', 'timezone', 'store_id', 'campaign_id', 'campaign_name', 'gmv_max_promotion_type'];
    const sum = (name: string, type: 'numeric' | 'bigint') => ({ kind: 'sum' as const, name, column: has(name) ? name : undefined, type });
    ready.push({
      view: names.claim(GMV_MAX_PERFORMANCE_VIEW),
      source: gmv.view,
      description: `GMV Max cost, net cost, orders, gross revenue, ROI and cost per order per day, store and campaign (from ${gmv.view}); ${GROSS_REVENUE}. Orders and revenue are NULL before 2024-09-27, when TikTok recorded none.`,
      groupBy: [
        { name: 'date_day', column: 'stat_time_day', type: 'date' },
        ...group.flatMap((name) => gmv.columns.filter((c) => c.name === name).map((c) => ({ name, column: name, type: c.type }))),
      ],
      measures: [
        sum('cost', 'numeric'),
        sum('net_cost', 'numeric'),
        sum('orders', 'bigint'),
        sum('gross_revenue', 'numeric'),
        { kind: 'ratio', name: 'roi', numerator: 'gross_revenue', denominator: 'cost', factor: 1 },
        { kind: 'ratio', name: 'cost_per_order', numerator: 'cost', denominator: 'orders', factor: 1 },
      ],
    });
  }
  const auction = typedOf(typed, 'advertisers_reports_daily', ['stat_time_day', 'advertiser_id', 'spend']);
  if (gmv !== undefined && auction !== undefined) {
    spend.push({
      view: names.claim(ALL_SPEND_VIEW),
      description: `All TikTok spend per day and advertiser, in its currency: auction ads (spend of ${auction.view}) plus GMV Max (cost of ${gmv.view}), the total TikTok Ads Manager shows.`,
      parts: [
        { typed: auction, spend: 'spend', as: 'auction_spend', description: "Spend of auction ads (the advertiser-level daily report), in the advertiser's currency; 0 when none." },
        { typed: gmv, spend: 'cost', as: 'gmv_max_cost', description: "Cost of GMV Max campaigns (TikTok Shop), in the advertiser's currency; 0 when none." },
      ],
      groupBy: [
        { name: 'date_day', column: 'stat_time_day', type: 'date', description: "The day, in the advertiser's time zone." },
        { name: 'advertiser_id', column: 'advertiser_id', type: 'bigint', description: 'TikTok advertiser id (19 digits, exact).' },
        { name: 'advertiser_name', column: 'advertiser_name', type: 'text', description: 'Advertiser name (advertisers table).' },
        { name: 'currency', column: 'currency', type: 'text', description: "The advertiser's currency (ISO 4217): every amount of the row is in it." },
      ],
      total: { name: 'total_spend', description: 'auction_spend + gmv_max_cost: all TikTok spend of the day.' },
    });
  }
  return { ready, spend };
}
