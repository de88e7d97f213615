import type { FieldTable } from './fields.ts';

// Field sets of TikTok's entity answers (v1.3), as Airbyte's connector recorded them. Records may carry more
// fields than listed: the schemas allow additional properties.

export const ADVERTISER_FIELDS: FieldTable = {
  advertiser_id: 'id', name: 'str', company: 'str', timezone: 'str', display_timezone: 'str', currency: 'str',
  country: 'str', status: 'str', role: 'str', balance: 'num', create_time: 'int', email: 'str',
  cellphone_number: 'str', telephone_number: 'str', address: 'str', industry: 'str', language: 'str',
  license_no: 'str', license_url: 'str', license_city: 'str', license_province: 'str', promotion_area: 'str',
  promotion_center_city: 'str', promotion_center_province: 'str', contacter: 'str', description: 'str',
  rejection_reason: 'str', brand: 'str', owner_bc_id: 'id', advertiser_account_type: 'str',
};

export const ADVERTISER_ID_FIELDS: FieldTable = { advertiser_id: 'id', advertiser_name: 'str' };

export const CAMPAIGN_FIELDS: FieldTable = {
  campaign_id: 'id', advertiser_id: 'id', campaign_name: 'str', campaign_type: 'str', objective_type: 'str',
  objective: 'str', budget: 'num', budget_mode: 'str', operation_status: 'str', secondary_status: 'str',
  is_new_structure: 'bool', is_smart_performance_campaign: 'bool', is_search_campaign: 'bool',
  is_advanced_dedicated_campaign: 'bool', app_promotion_type: 'str', special_industries: 'str[]',
  roas_bid: 'num', deep_bid_type: 'str', rf_campaign_type: 'str', budget_optimize_on: 'bool',
  bid_type: 'str', optimization_goal: 'str', split_test_variable: 'str', campaign_app_profile_page_state: 'str',
  campaign_product_source: 'str', rta_id: 'str', rta_bid_enabled: 'bool', rta_product_selection_enabled: 'bool',
  postback_window_mode: 'str', disable_skan_campaign: 'bool', po_number: 'str', virtual_objective_type: 'str',
  create_time: 'ts', modify_time: 'ts',
};

export const AD_GROUP_FIELDS: FieldTable = {
  adgroup_id: 'id', advertiser_id: 'id', campaign_id: 'id', campaign_name: 'str', adgroup_name: 'str',
  operation_status: 'str', secondary_status: 'str', budget: 'num', budget_mode: 'str', bid_type: 'str',
  bid_price: 'num', conversion_bid_price: 'num', deep_bid_type: 'str', deep_cpa_bid: 'num', roas_bid: 'num',
  billing_event: 'str', optimization_goal: 'str', optimization_event: 'str', secondary_optimization_event: 'str',
  pixel_id: 'id', promotion_type: 'str', promotion_website_type: 'str', app_id: 'str', app_type: 'str',
  app_download_url: 'str', placement_type: 'str', placements: 'str[]', search_result_enabled: 'bool',
  comment_disabled: 'bool', video_download_disabled: 'bool', share_disabled: 'bool',
  audience_type: 'str', audience_ids: 'str[]', excluded_audience_ids: 'str[]', location_ids: 'str[]',
  zipcode_ids: 'str[]', languages: 'str[]', gender: 'str', age_groups: 'str[]', spending_power: 'str',
  household_income: 'str[]', interest_category_ids: 'str[]', interest_keyword_ids: 'str[]',
  actions: 'obj[]', operating_systems: 'str[]', min_android_version: 'str', min_ios_version: 'str',
  device_model_ids: 'str[]', device_price_ranges: 'int[]', network_types: 'str[]', carrier_ids: 'str[]',
  isp_ids: 'str[]', is_hfss: 'bool', schedule_type: 'str', schedule_start_time: 'ts', schedule_end_time: 'ts',
  dayparting: 'str', pacing: 'str', frequency: 'int', frequency_schedule: 'int', is_new_structure: 'bool',
  is_smart_performance_campaign: 'bool', auto_targeting_enabled: 'bool', brand_safety_type: 'str',
  category_exclusion_ids: 'str[]', inventory_filter_enabled: 'bool', creative_material_mode: 'str',
  shopping_ads_type: 'str', product_source: 'str', catalog_id: 'str', scheduled_budget: 'num',
  statistic_type: 'str', attribution_event_count: 'str', click_attribution_window: 'str',
  view_attribution_window: 'str', skip_learning_phase: 'int', split_test_adgroup_ids: 'str[]',
  targeting_expansion: 'obj', included_custom_actions: 'obj[]', excluded_custom_actions: 'obj[]',
  schedule_infos: 'obj[]', bid_display_mode: 'str', conversion_window: 'str', category_id: 'str', keywords: 'str[]',
  next_day_retention: 'num', ios14_quota_type: 'str', brand_safety_partner: 'str',
  adgroup_app_profile_page_state: 'str', feed_type: 'str', delivery_mode: 'str', purchased_reach: 'int',
  purchased_impression: 'int', rf_purchased_type: 'str', rf_estimated_cpr: 'num', rf_estimated_frequency: 'num',
  create_time: 'ts', modify_time: 'ts',
};

export const AD_FIELDS: FieldTable = {
  ad_id: 'id', advertiser_id: 'id', campaign_id: 'id', campaign_name: 'str', adgroup_id: 'id', adgroup_name: 'str',
  ad_name: 'str', ad_text: 'str', ad_texts: 'str[]', ad_format: 'str', operation_status: 'str',
  secondary_status: 'str', call_to_action: 'str', call_to_action_id: 'str', card_id: 'str',
  landing_page_url: 'str', landing_page_urls: 'str[]', display_name: 'str', profile_image_url: 'str',
  identity_type: 'str', identity_id: 'str', identity_authorized_bc_id: 'str', video_id: 'str',
  image_ids: 'str[]', music_id: 'str', carousel_image_index: 'int', tiktok_item_id: 'str',
  is_aco: 'bool', is_new_structure: 'bool', creative_type: 'str', creative_authorized: 'bool',
  impression_tracking_url: 'str', click_tracking_url: 'str', tracking_pixel_id: 'id',
  tracking_app_id: 'str', tracking_offline_event_set_ids: 'str[]', vast_moat_enabled: 'bool',
  playable_url: 'str', page_id: 'id', deeplink: 'str', deeplink_type: 'str', fallback_type: 'str',
  app_name: 'str', optimization_event: 'str', brand_safety_postbid_partner: 'str', brand_safety_vast_url: 'str',
  avatar_icon_web_uri: 'str', viewability_postbid_partner: 'str', viewability_vast_url: 'str',
  create_time: 'ts', modify_time: 'ts',
};
