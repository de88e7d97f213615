// smart_plus/campaign/get/, smart_plus/adgroup/get/ and smart_plus/ad/get/: one advertiser's Upgraded Smart+
// objects (data/smart-plus.ts), paged, with the filtering keys TikTok's SDK documents for each
// (FilteringSmartPlusCampaignGet / …AdgroupGet / …AdGet). Deleted objects only when a status filter asks for them.

import { formatUtcSeconds } from '../data/calendar.ts';
import type { AdvertiserTree } from '../data/model.ts';
import { adgroupRecord, type ApiRecord, campaignRecord } from '../data/records.ts';
import { mainMaterialOf, type SmartPlusAd, smartPlusAdgroups, smartPlusAds, smartPlusCampaigns } from '../data/smart-plus.ts';
import { paramError } from '../http/api-error.ts';
import { json, type Route } from '../http/route.ts';
import { advertiserParam } from './access.ts';
import { filteringObject, pageOf, strictPage } from './asset-params.ts';
import { idSet } from './entities.ts';
import { project } from './advertiser-info.ts';

interface SmartPlusObject {
  id: string;
  campaignId: string;
  adgroupId: string | undefined;
  deleted: boolean;
  record: ApiRecord;
}

interface SmartPlusKind {
  prefix: 'CAMPAIGN' | 'ADGROUP' | 'AD';
  list(tree: AdvertiserTree): SmartPlusObject[];
  /** The SDK's filtering keys for the endpoint; others are refused. */
  filters: readonly string[];
  /** The filter naming the kind's own ids. */
  ownIds: string;
  /** The largest page_size the endpoint takes. */
  maxPageSize: number;
}

const CAMPAIGN_AUTOMATION = { campaign_automation_type: 'UPGRADED_SMART_PLUS' } as const;

export function smartPlusAdRecord(ad: SmartPlusAd): ApiRecord {
  const first = ad.creatives[0]!;
  const modify = Math.max(...ad.creatives.map((c) => c.modifySeconds));
  return {
    advertiser_id: ad.campaign.advertiser.id,
    campaign_id: ad.campaign.id,
    adgroup_id: ad.adgroup.id,
    smart_plus_ad_id: ad.id,
    ad_name: `${ad.adgroup.name} · Smart+ ad`,
    operation_status: ad.adgroup.operationStatus,
    secondary_status: ad.adgroup.deleted ? 'AD_STATUS_DELETE' : first.secondaryStatus,
    creative_list: ad.creatives.map((creative) => {
      const material = mainMaterialOf(creative);
      return {
        creative_info: {
          ad_format: creative.video ? 'SINGLE_VIDEO' : 'SINGLE_IMAGE',
          material_name: creative.name,
          ...(material.type === 'VIDEO_NON_SPARK_ADS' ? { video_info: { video_id: material.id } } : { image_info: [{ web_uri: material.id }] }),
        },
        material_operation_status: creative.operationStatus === 'DISABLE' ? 'DISABLE' : 'ENABLE',
      };
    }),
    ad_text_list: [...new Set(ad.creatives.map((c) => c.text))].map((ad_text) => ({ ad_text })),
    landing_page_url_list: [{ landing_page_url: `https://${ad.campaign.advertiser.company.toLowerCase().replace(/\s+/g, '')}.example/p/${first.index}` }],
    create_time: formatUtcSeconds(first.createSeconds),
    modify_time: formatUtcSeconds(modify),
  };
}

const STATUS_FILTERS = ['creation_filter_end_time', 'creation_filter_start_time', 'objective_type', 'primary_status', 'secondary_status'];

const KINDS: Record<'campaign' | 'adgroup' | 'ad', SmartPlusKind> = {
  campaign: {
    prefix: 'CAMPAIGN',
    list: (tree) => smartPlusCampaigns(tree).map((c) => ({ id: c.id, campaignId: c.id, adgroupId: undefined, deleted: c.deleted, record: { ...campaignRecord(c), ...CAMPAIGN_AUTOMATION } })),
    filters: [...STATUS_FILTERS, 'campaign_ids', 'campaign_name'],
    ownIds: 'campaign_ids',
    maxPageSize: 100,
  },
  adgroup: {
    prefix: 'ADGROUP',
    list: (tree) => smartPlusAdgroups(tree).map((g) => ({ id: g.id, campaignId: g.campaign.id, adgroupId: g.id, deleted: g.deleted, record: { ...adgroupRecord(g), ...CAMPAIGN_AUTOMATION } })),
    filters: [...STATUS_FILTERS, 'adgroup_ids', 'adgroup_name', 'campaign_ids', 'optimization_goal', 'promotion_type'],
    ownIds: 'adgroup_ids',
    maxPageSize: 100,
  },
  ad: {
    prefix: 'AD',
    list: (tree) => smartPlusAds(tree).map((ad) => ({ id: ad.id, campaignId: ad.campaign.id, adgroupId: ad.adgroup.id, deleted: ad.adgroup.deleted, record: smartPlusAdRecord(ad) })),
    filters: [...STATUS_FILTERS, 'adgroup_ids', 'campaign_ids', 'modified_after', 'optimization_goal', 'smart_plus_ad_ids'],
    ownIds: 'smart_plus_ad_ids',
    maxPageSize: 100,
  },
};

/** Deleted objects are left out unless secondary_status is `<KIND>_STATUS_ALL` or primary_status STATUS_ALL. */
function showsDeleted(kind: SmartPlusKind, filter: Record<string, unknown>): boolean {
  const secondary = filter['secondary_status'];
  if (secondary !== undefined) {
    if (typeof secondary !== 'string' || !secondary.startsWith(`${kind.prefix}_STATUS_`)) throw paramError(`filtering.secondary_status: Invalid value ${String(secondary)}.`);
    return secondary === `${kind.prefix}_STATUS_ALL`;
  }
  return filter['primary_status'] === 'STATUS_ALL';
}

function smartPlusRoute(kind: SmartPlusKind): Route {
  return {
    method: 'GET',
    auth: true,
    family: 'normal',
    handle({ state, params }) {
      const advertiser = advertiserParam(state, params);
      const page = strictPage(params, 10, kind.maxPageSize);
      const filter = filteringObject(params, kind.filters);
      const own = idSet(filter, kind.ownIds);
      const campaigns = idSet(filter, 'campaign_ids');
      const adgroups = kind.prefix === 'CAMPAIGN' ? undefined : idSet(filter, 'adgroup_ids');
      const deleted = showsDeleted(kind, filter);
      const matching = kind.list(state.world.tree(advertiser)).filter((o) =>
        (deleted || !o.deleted)
        && (own === undefined || own.has(o.id))
        && (campaigns === undefined || campaigns.has(o.campaignId))
        && (adgroups === undefined || (o.adgroupId !== undefined && adgroups.has(o.adgroupId))));
      const fields = params.stringArray('fields');
      const { slice, page_info } = pageOf(matching, page);
      return json({ list: slice.map((o) => project(o.record, fields)), page_info });
    },
  };
}

export const smartPlusCampaignGet = smartPlusRoute(KINDS.campaign);
export const smartPlusAdgroupGet = smartPlusRoute(KINDS.adgroup);
export const smartPlusAdGet = smartPlusRoute(KINDS.ad);
