// The API shapes of generated objects, field for field as TikTok's v1.3 answers carry them (ids as
// strings, times as "YYYY-MM-DD HH:MM:SS" UTC, many tracking fields null, some absent).

import { formatUtcSeconds } from './calendar.ts';
import { AGE_GROUPS, CALLS_TO_ACTION, LOCATION_IDS } from './catalog.ts';
import { hash32, pick } from './hash.ts';
import type { Ad, Adgroup, Advertiser, Campaign } from './model.ts';

export type ApiRecord = Record<string, unknown>;

const masked = (digits: string) => `+${digits.slice(0, 5)}****${digits.slice(-2)}`;

export function advertiserRecord(a: Advertiser): ApiRecord {
  const phone = String(hash32(a.key, 0x7e1) % 1_000_000_000).padStart(9, '0');
  return {
    advertiser_id: a.id,
    name: a.name,
    company: a.company,
    description: a.index % 3 === 0 ? null : `https://${a.company.toLowerCase().replace(/\s+/g, '')}.example`,
    status: a.status,
    role: 'ROLE_ADVERTISER',
    rejection_reason: '',
    timezone: a.zone.timezone,
    display_timezone: a.zone.display,
    currency: a.currency.code,
    country: a.zone.country,
    language: a.language,
    industry: a.industry,
    address: a.index % 2 === 0 ? null : `${100 + (a.key % 800)} Market Street`,
    balance: a.balance,
    create_time: a.createTimeSeconds,
    email: 'i***************@**********',
    contacter: `${a.company.slice(0, 2)}***${a.company.slice(-2)}`,
    telephone_number: masked(`1${phone}`),
    cellphone_number: masked(`1${phone}`),
    advertiser_account_type: 'AUCTION',
    promotion_area: '0',
    promotion_center_province: null,
    promotion_center_city: null,
    license_no: a.index % 2 === 0 ? null : '',
    license_url: null,
    license_city: null,
    license_province: null,
    brand: null,
  };
}

export const ADVERTISER_FIELDS: readonly string[] = Object.keys(advertiserRecord(sampleAdvertiser()));

export function campaignRecord(c: Campaign): ApiRecord {
  return {
    advertiser_id: c.advertiser.id,
    campaign_id: c.id,
    campaign_name: c.name,
    campaign_type: 'REGULAR_CAMPAIGN',
    objective_type: c.objective.objective_type,
    objective: c.objective.objective,
    budget: c.budget,
    budget_mode: c.budgetMode,
    budget_optimize_on: c.budgetMode === 'BUDGET_MODE_DAY',
    operation_status: c.operationStatus,
    secondary_status: c.secondaryStatus,
    bid_type: null,
    deep_bid_type: null,
    roas_bid: 0,
    optimization_goal: null,
    split_test_variable: null,
    is_new_structure: true,
    is_smart_performance_campaign: c.smartPlus,
    is_search_campaign: false,
    is_advanced_dedicated_campaign: false,
    app_promotion_type: c.objective.result === 'install' ? 'APP_INSTALL' : 'UNSET',
    campaign_product_source: null,
    campaign_app_profile_page_state: null,
    rf_campaign_type: 'STANDARD',
    special_industries: [],
    disable_skan_campaign: null,
    po_number: null,
    virtual_objective_type: null,
    create_time: formatUtcSeconds(c.createSeconds),
    modify_time: formatUtcSeconds(c.modifySeconds),
  };
}

export function adgroupRecord(g: Adgroup): ApiRecord {
  const c = g.campaign;
  const o = c.objective;
  const automatic = g.automaticPlacement;
  const ageStart = hash32(g.key, 0x41) % 3;
  return {
    advertiser_id: g.advertiser.id,
    campaign_id: c.id,
    campaign_name: c.name,
    adgroup_id: g.id,
    adgroup_name: g.name,
    operation_status: g.operationStatus,
    secondary_status: g.secondaryStatus,
    promotion_type: o.promotion_type,
    placement_type: automatic ? 'PLACEMENT_TYPE_AUTOMATIC' : 'PLACEMENT_TYPE_NORMAL',
    placements: automatic ? null : ['PLACEMENT_TIKTOK', 'PLACEMENT_PANGLE'],
    location_ids: [pick(LOCATION_IDS, hash32(g.key, 0x42))],
    age_groups: hash32(g.key, 0x43) % 3 === 0 ? null : AGE_GROUPS.slice(1 + ageStart, 4 + ageStart),
    gender: pick(['GENDER_UNLIMITED', 'GENDER_UNLIMITED', 'GENDER_MALE', 'GENDER_FEMALE'], hash32(g.key, 0x44)),
    languages: hash32(g.key, 0x45) % 2 === 0 ? [] : ['en'],
    budget: g.budget,
    budget_mode: 'BUDGET_MODE_DAY',
    scheduled_budget: 0,
    schedule_type: g.scheduleEndSeconds === undefined ? 'SCHEDULE_FROM_NOW' : 'SCHEDULE_START_END',
    schedule_start_time: formatUtcSeconds(g.createSeconds + 3600),
    schedule_end_time: formatUtcSeconds(g.scheduleEndSeconds ?? g.createSeconds + 10 * 365 * 86_400),
    schedule_infos: null,
    dayparting: hash32(g.key, 0x46) % 4 === 0 ? '0'.repeat(48).concat('1'.repeat(240), '0'.repeat(48)) : '1'.repeat(336),
    pacing: 'PACING_MODE_SMOOTH',
    bid_type: 'BID_TYPE_NO_BID',
    bid_price: 0,
    conversion_bid_price: 0,
    deep_bid_type: null,
    deep_cpa_bid: 0,
    bid_display_mode: 'CPMV',
    billing_event: o.billing_event,
    optimization_goal: o.optimization_goal,
    optimization_event: o.result === 'conversion' ? 'SHOPPING' : null,
    secondary_optimization_event: null,
    conversion_window: null,
    pixel_id: o.result === 'conversion' ? String(7_100_000_000_000_000_000n + BigInt(hash32(g.key, 0x47))) : null,
    app_id: o.result === 'install' ? String(7_200_000_000_000_000_000n + BigInt(hash32(g.key, 0x48))) : null,
    app_type: o.result === 'install' ? 'APP_ANDROID' : null,
    app_download_url: null,
    creative_material_mode: 'CUSTOM',
    audience_ids: [],
    excluded_audience_ids: [],
    interest_category_ids: hash32(g.key, 0x49) % 2 === 0 ? [] : ['15'],
    interest_keyword_ids: [],
    actions: [],
    included_custom_actions: [],
    excluded_custom_actions: [],
    operating_systems: [],
    network_types: [],
    device_model_ids: [],
    device_price_ranges: [],
    frequency: null,
    frequency_schedule: null,
    category_id: '0',
    keywords: null,
    is_hfss: false,
    is_new_structure: true,
    skip_learning_phase: 0,
    next_day_retention: null,
    comment_disabled: false,
    share_disabled: false,
    video_download_disabled: false,
    search_result_enabled: false,
    inventory_filter_enabled: false,
    auto_targeting_enabled: false,
    ios14_quota_type: 'UNOCCUPIED',
    brand_safety_type: 'NO_BRAND_SAFETY',
    brand_safety_partner: null,
    adgroup_app_profile_page_state: null,
    statistic_type: null,
    feed_type: null,
    delivery_mode: null,
    purchased_reach: null,
    purchased_impression: null,
    rf_purchased_type: null,
    rf_estimated_cpr: null,
    rf_estimated_frequency: null,
    create_time: formatUtcSeconds(g.createSeconds),
    modify_time: formatUtcSeconds(g.modifySeconds),
  };
}

export function adRecord(ad: Ad): ApiRecord {
  const g = ad.adgroup;
  const c = ad.campaign;
  const identity = hash32(ad.key, 0x51) % 2 === 0;
  const avatar = `ad-site-i18n-sg/${hash32(ad.key, 0x52).toString(16).padStart(8, '0')}5d0d${hash32(ad.key, 0x53).toString(16).padStart(8, '0')}`;
  const record: ApiRecord = {
    advertiser_id: ad.advertiser.id,
    campaign_id: c.id,
    campaign_name: c.name,
    adgroup_id: g.id,
    adgroup_name: g.name,
    ad_id: ad.id,
    ad_name: ad.name,
    ad_text: ad.text,
    ad_texts: null,
    ad_format: ad.video ? 'SINGLE_VIDEO' : 'SINGLE_IMAGE',
    operation_status: ad.operationStatus,
    secondary_status: ad.secondaryStatus,
    video_id: ad.video ? videoIdOf(ad) : null,
    image_ids: [imageIdOf(ad)],
    identity_type: identity ? 'CUSTOMIZED_USER' : 'UNSET',
    identity_id: identity ? String(7_080_000_000_000_000_000n + BigInt(hash32(ad.key, 0x58))) : '',
    display_name: ad.advertiser.company,
    avatar_icon_web_uri: avatar,
    profile_image_url: `https://p21-ad-sg.ibyteimg.com/large/${avatar}`,
    landing_page_url: `https://${ad.advertiser.company.toLowerCase().replace(/\s+/g, '')}.example/p/${ad.index}`,
    landing_page_urls: null,
    call_to_action_id: identity ? String(7_080_100_000_000_000_000n + BigInt(hash32(ad.key, 0x59))) : null,
    deeplink: '',
    deeplink_type: 'NORMAL',
    fallback_type: 'UNSET',
    app_name: '',
    playable_url: '',
    page_id: null,
    card_id: null,
    music_id: null,
    creative_type: null,
    creative_authorized: hash32(ad.key, 0x5a) % 2 === 0,
    is_aco: c.smartPlus,
    is_new_structure: true,
    vast_moat_enabled: false,
    optimization_event: null,
    impression_tracking_url: null,
    click_tracking_url: null,
    brand_safety_postbid_partner: 'UNSET',
    brand_safety_vast_url: null,
    viewability_postbid_partner: 'UNSET',
    viewability_vast_url: null,
    create_time: formatUtcSeconds(ad.createSeconds),
    // TikTok leaves modify_time empty on Smart+ ads; Airbyte once dropped such rows.
    modify_time: c.smartPlus ? null : formatUtcSeconds(ad.modifySeconds),
  };
  // Like the recorded answers: call_to_action is absent when a call_to_action_id stands in for it.
  if (record.call_to_action_id === null) record.call_to_action = pick(CALLS_TO_ACTION, hash32(ad.key, 0x5b));
  return record;
}

/** The ad's video (video ads only): TikTok's video ids are text. */
export function videoIdOf(ad: Ad): string {
  return `v10033g50000${hash32(ad.key, 0x54).toString(36).padStart(7, '0')}c77ub${hash32(ad.key, 0x55).toString(36).padStart(7, '0')}`;
}

/** The ad's image (every ad has one: the cover of a video ad). */
export function imageIdOf(ad: Ad): string {
  return `v0201/${hash32(ad.key, 0x56).toString(16).padStart(8, '0')}${hash32(ad.key, 0x57).toString(16).padStart(8, '0')}`;
}

/** Every field name each list endpoint can return (the `fields` parameter is checked against these). */
export const CAMPAIGN_FIELDS: ReadonlySet<string> = new Set(Object.keys(campaignRecord(sampleCampaign())));
export const ADGROUP_FIELDS: ReadonlySet<string> = new Set(Object.keys(adgroupRecord(sampleAdgroup())));
export const AD_FIELDS: ReadonlySet<string> = new Set([...Object.keys(adRecord(sampleAd())), 'call_to_action']);

function sampleAdvertiser(): Advertiser {
  return {
    index: 0, id: '0', name: 'x', company: 'x y', zone: { timezone: 'UTC', display: 'UTC', country: 'GB', currency: 'GBP' },
    currency: { code: 'GBP', decimals: 2, perUsd: 1 }, statsStartDay: 0, createTimeSeconds: 0, key: 1, scale: 1,
    status: 'STATUS_ENABLE', balance: 0, industry: '0', language: 'en',
  };
}

function sampleCampaign(): Campaign {
  return {
    index: 0, id: '0', name: 'x', advertiser: sampleAdvertiser(), own: 'active', deleted: false, createSeconds: 0,
    modifySeconds: 0, createDay: 0, endDay: Infinity, secondaryStatus: '', operationStatus: 'ENABLE', key: 1,
    objective: { objective_type: 'TRAFFIC', objective: 'LANDING_PAGE', optimization_goal: 'CLICK', billing_event: 'CPC', promotion_type: 'WEBSITE', result: 'clicks' },
    smartPlus: false, budgetMode: 'BUDGET_MODE_DAY', budget: 0,
  };
}

function sampleAdgroup(): Adgroup {
  const campaign = sampleCampaign();
  return { ...campaign, campaign, automaticPlacement: true, budget: 0, scheduleEndSeconds: undefined };
}

function sampleAd(): Ad {
  const adgroup = sampleAdgroup();
  return {
    ...adgroup, campaign: adgroup.campaign, adgroup, anchor: false, startDay: 0, video: true, text: '', curve: 0,
    baseImpressions: 0, ctr: 0, cpmMinor: 0, cvr: 0, installRate: 0, playTenths: 0, frequency: 1,
  };
}
