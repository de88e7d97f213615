import type { JsonSchema } from '../protocol/types.ts';
import { type FieldTable, fieldSchema, objectSchema } from './fields.ts';

// Record schemas of the non-report streams (audiences, creative assets, Spark Ads, pixels), field for field
// as Airbyte's connector declares them. Records pass through as TikTok sends them, plus `advertiser_id` (so a
// row says whose it is); every schema allows extra properties, since TikTok adds fields over time.

/** TikTok's creative and audience times: "2020-06-10T07:39:14Z" (UTC, with zone) or "YYYY-MM-DD HH:MM:SS". */
const DATE_TIME: JsonSchema = { type: ['null', 'string'], format: 'date-time' };

const object = (fields: FieldTable, extra: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: ['null', 'object'],
  additionalProperties: true,
  properties: { ...propertiesOf(fields), ...extra },
});
const arrayOf = (item: JsonSchema): JsonSchema => ({ type: ['null', 'array'], items: item });
const propertiesOf = (fields: FieldTable): Record<string, JsonSchema> =>
  Object.fromEntries(Object.entries(fields).map(([name, type]) => [name, fieldSchema(type)]));
const withTimes = (fields: FieldTable, times: string[], extra: Record<string, JsonSchema> = {}): JsonSchema =>
  objectSchema({ advertiser_id: 'id', ...fields }, { ...Object.fromEntries(times.map((t) => [t, DATE_TIME])), ...extra });

export const AUDIENCE_SCHEMA = withTimes(
  {
    shared: 'bool', is_creator: 'bool', is_valid: 'bool', is_expiring: 'bool',
    audience_id: 'str', name: 'str', audience_type: 'str', calculate_type: 'str', cover_num: 'int',
  },
  ['create_time', 'expired_time'],
);

export const IMAGE_SCHEMA = withTimes(
  {
    image_id: 'str', format: 'str', image_url: 'str', signature: 'str', material_id: 'str', file_name: 'str',
    height: 'int', width: 'int', size: 'int', is_carousel_usable: 'bool', displayable: 'bool',
  },
  ['create_time', 'modify_time'],
);

export const VIDEO_SCHEMA = withTimes(
  {
    video_id: 'str', video_cover_url: 'str', format: 'str', preview_url: 'str', signature: 'str', material_id: 'str',
    file_name: 'str', preview_url_expire_time: 'ts', duration: 'num', bit_rate: 'num', height: 'int', width: 'int',
    size: 'int', allowed_placements: 'str[]', allow_download: 'bool', displayable: 'bool',
  },
  ['create_time', 'modify_time'],
);

export const MUSIC_SCHEMA = withTimes(
  {
    music_id: 'str', material_id: 'str', author: 'str', cover_url: 'str', url: 'str', style: 'str', signature: 'str',
    name: 'str', file_name: 'str', copyright: 'str', sources: 'str[]', liked: 'bool', duration: 'num',
  },
  ['create_time', 'modify_time'],
);

export const PORTFOLIO_SCHEMA = withTimes(
  { creative_portfolio_id: 'str', creative_portfolio_type: 'str', creative_portfolio_preview_url: 'str' },
  [],
);

export const SPARK_AD_SCHEMA = withTimes({ spark_ads_post_id: 'str' }, [], {
  user_info: object({ tiktok_name: 'str', identity_id: 'str', identity_type: 'str' }),
  item_info: object(
    { text: 'str', status: 'str', auth_code: 'str', item_id: 'str', item_type: 'str', carousel_info: 'obj' },
    { anchor_list: arrayOf(object({ id: 'str', status: 'str', product_regions: 'str[]', url: 'str', title: 'str' })) },
  ),
  auth_info: object({ auth_start_time: 'str', ad_auth_status: 'str', invite_start_time: 'str', auth_end_time: 'str' }),
  video_info: object({
    duration: 'num', preview_url: 'str', bit_rate: 'int', height: 'int', width: 'int', size: 'int', signature: 'str',
    poster_url: 'str',
  }),
});

export const PIXEL_SCHEMA = withTimes(
  {
    pixel_id: 'str', pixel_code: 'str', pixel_name: 'str', pixel_category: 'str', pixel_script: 'str',
    pixel_setup_mode: 'str', partner_name: 'str',
  },
  ['create_time'],
  {
    advanced_matching_fields: object({ phone_number: 'bool', email: 'bool' }),
    asset_ownership: object({ asset_relation_status: 'str', ownership_status: 'bool', owner_bc_id: 'str' }),
    events: arrayOf(
      object(
        {
          currency_value: 'str', currency: 'str', name: 'str', deprecated: 'bool', event_type: 'str',
          optimization_event: 'str', custom_event_type: 'str', event_code: 'str', event_id: 'str', statistic_type: 'str',
        },
        { rules: arrayOf(object({ operator: 'str', trigger: 'str', value: 'str', variable: 'str' })) },
      ),
    ),
  },
);

export const PIXEL_INSTANT_PAGE_EVENTS_SCHEMA = withTimes(
  { objective_type: 'str', optimization_goal: 'str', business_type: 'str' },
  [],
  {
    instant_page_events: object(
      {},
      {
        objective_types: arrayOf(
          object(
            { objective_type: 'str' },
            { optimization_goals: arrayOf(object({ optimization_goal: 'str', optimization_events: 'str[]' })) },
          ),
        ),
      },
    ),
  },
);

export const PIXEL_EVENTS_STATISTICS_SCHEMA = withTimes({ pixel_id: 'str' }, [], {
  statistics: arrayOf(
    object({
      pixel_event_type: 'str', custom_event_type: 'str', attributed_count: 'int', preview_count: 'int', total_count: 'int',
      browser_event_total_count: 'int', server_event_total_count: 'int',
    }),
  ),
});
