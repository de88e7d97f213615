// campaign/get/, adgroup/get/ and ad/get/: one advertiser's objects, in id order, paged, with TikTok's
// filtering object (deleted objects only when a status filter asks for them).

import { formatUtcSeconds } from '../data/calendar.ts';
import type { Ad, Adgroup, AdvertiserTree, Campaign } from '../data/model.ts';
import { AD_FIELDS, ADGROUP_FIELDS, adgroupRecord, adRecord, type ApiRecord, CAMPAIGN_FIELDS, campaignRecord } from '../data/records.ts';
import { paramError } from '../http/api-error.ts';
import { json, type Route } from '../http/route.ts';
import { advertiserParam, pageInfo, paging } from './access.ts';
import { project } from './advertiser-info.ts';

type Entity = Campaign | Adgroup | Ad;

interface EntityKind {
  prefix: 'CAMPAIGN' | 'ADGROUP' | 'AD';
  list(tree: AdvertiserTree): readonly Entity[];
  record(entity: Entity): ApiRecord;
  fields: ReadonlySet<string>;
  /** Filtering keys TikTok's SDK documents for the endpoint; others are refused. */
  filters: ReadonlySet<string>;
}

const COMMON_FILTERS = ['buying_types', 'campaign_ids', 'campaign_system_origins', 'creation_filter_end_time', 'creation_filter_start_time', 'objective_type', 'optimization_goal', 'primary_status', 'secondary_status'];

const campaignOf = (e: Entity): Campaign => ('campaign' in e ? e.campaign : e);
const adgroupOf = (e: Entity): Adgroup | undefined => ('adgroup' in e ? e.adgroup : 'campaign' in e ? e : undefined);

const KINDS: Record<'campaign' | 'adgroup' | 'ad', EntityKind> = {
  campaign: {
    prefix: 'CAMPAIGN',
    list: (tree) => tree.campaigns,
    record: (e) => campaignRecord(e as Campaign),
    fields: CAMPAIGN_FIELDS,
    filters: new Set([...COMMON_FILTERS, 'campaign_name', 'campaign_product_source', 'campaign_type', 'creative_campaign_type', 'is_smart_performance_campaign', 'sales_destination', 'split_test_enabled']),
  },
  adgroup: {
    prefix: 'ADGROUP',
    list: (tree) => tree.adgroups,
    record: (e) => adgroupRecord(e as Adgroup),
    fields: ADGROUP_FIELDS,
    filters: new Set([...COMMON_FILTERS, 'adgroup_ids', 'adgroup_name', 'bid_strategy', 'billing_events', 'creative_material_mode', 'promotion_type', 'split_test_enabled']),
  },
  ad: {
    prefix: 'AD',
    list: (tree) => tree.ads,
    record: (e) => adRecord(e as Ad),
    fields: AD_FIELDS,
    filters: new Set([...COMMON_FILTERS, 'ad_ids', 'ad_name', 'adgroup_ids', 'creative_material_mode', 'destination', 'modified_after']),
  },
};

type Predicate = (entity: Entity) => boolean;

/** A filter's id list (at most 100), or undefined when the filter leaves it out. */
export function idSet(filter: Record<string, unknown>, key: string, max = 100): Set<string> | undefined {
  const value = filter[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw paramError(`filtering.${key}: Not a valid list.`);
  if (value.length > max) throw paramError(`filtering.${key}: Length must be between 1 and ${max}.`);
  return new Set(value.map(String));
}

function textFilter(filter: Record<string, unknown>, key: string): string | undefined {
  const value = filter[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw paramError(`filtering.${key}: Not a valid string.`);
  return value;
}

function predicates(kind: EntityKind, filter: Record<string, unknown>): Predicate[] {
  for (const key of Object.keys(filter)) {
    if (!kind.filters.has(key)) throw paramError(`filtering: Unknown field ${key}.`);
  }
  const checks: Predicate[] = [deletedRule(kind, filter)];
  const campaigns = idSet(filter, 'campaign_ids');
  if (campaigns) checks.push((e) => campaigns.has(campaignOf(e).id));
  const adgroups = idSet(filter, 'adgroup_ids');
  if (adgroups) checks.push((e) => { const g = adgroupOf(e); return g !== undefined && adgroups.has(g.id); });
  const ads = idSet(filter, 'ad_ids');
  if (ads) checks.push((e) => ads.has(e.id));
  const objective = textFilter(filter, 'objective_type');
  if (objective !== undefined) checks.push((e) => campaignOf(e).objective.objective_type === objective);
  for (const [key, name] of [['campaign_name', 'campaign'], ['adgroup_name', 'adgroup'], ['ad_name', 'ad']] as const) {
    const text = textFilter(filter, key);
    if (text !== undefined && kind.prefix.toLowerCase() === name) checks.push((e) => e.name.includes(text));
  }
  const after = textFilter(filter, 'modified_after');
  if (after !== undefined) checks.push((e) => formatUtcSeconds(e.modifySeconds) > after);
  const createdFrom = textFilter(filter, 'creation_filter_start_time');
  if (createdFrom !== undefined) checks.push((e) => formatUtcSeconds(e.createSeconds) >= createdFrom);
  const createdTo = textFilter(filter, 'creation_filter_end_time');
  if (createdTo !== undefined) checks.push((e) => formatUtcSeconds(e.createSeconds) <= createdTo);
  return checks;
}

/**
 * Deleted objects are hidden unless `secondary_status` asks for them (`<KIND>_STATUS_ALL`, or a delete
 * status itself) or `primary_status` is STATUS_ALL / STATUS_DELETE.
 */
function deletedRule(kind: EntityKind, filter: Record<string, unknown>): Predicate {
  const secondary = textFilter(filter, 'secondary_status');
  if (secondary !== undefined) {
    if (!secondary.startsWith(`${kind.prefix}_STATUS_`)) throw paramError(`filtering.secondary_status: Invalid value ${secondary}.`);
    if (secondary === `${kind.prefix}_STATUS_ALL`) return () => true;
    if (secondary === `${kind.prefix}_STATUS_NOT_DELETE`) return (e) => !e.deleted;
    return (e) => e.secondaryStatus === secondary;
  }
  const primary = textFilter(filter, 'primary_status') ?? 'STATUS_NOT_DELETE';
  switch (primary) {
    case 'STATUS_ALL': return () => true;
    case 'STATUS_NOT_DELETE': return (e) => !e.deleted;
    case 'STATUS_DELETE': return (e) => e.deleted;
    case 'STATUS_DELIVERY_OK': return (e) => !e.deleted && Number.isFinite(e.endDay) === false;
    case 'STATUS_DISABLE': return (e) => !e.deleted && e.operationStatus === 'DISABLE';
    default: throw paramError(`filtering.primary_status: Invalid value ${primary}.`);
  }
}

function entityRoute(kind: EntityKind): Route {
  return {
    method: 'GET',
    auth: true,
    family: 'normal',
    handle({ state, params }) {
      const advertiser = advertiserParam(state, params);
      const { page, pageSize } = paging(params);
      const fields = params.stringArray('fields');
      for (const field of fields ?? []) if (!kind.fields.has(field)) throw paramError(`fields: Invalid field name: ${field}.`);
      const filtering = params.json('filtering');
      if (filtering !== undefined && filtering !== null && (typeof filtering !== 'object' || Array.isArray(filtering))) {
        throw paramError('filtering: Not a valid JSON object.');
      }
      const checks = predicates(kind, (filtering ?? {}) as Record<string, unknown>);
      const matching = kind.list(state.world.tree(advertiser)).filter((e) => checks.every((check) => check(e)));
      const slice = matching.slice((page - 1) * pageSize, page * pageSize);
      return json({
        list: slice.map((e) => project(kind.record(e), fields)),
        page_info: pageInfo(page, pageSize, matching.length),
      });
    },
  };
}

export const campaignGet = entityRoute(KINDS.campaign);
export const adgroupGet = entityRoute(KINDS.adgroup);
export const adGet = entityRoute(KINDS.ad);
