// The entity tables a report view joins for names, currency and time zone. These four tables are the
// connector's own entity streams; which of them a warehouse holds is found out when the views are planned.

import type { LogicalType } from './model.ts';

export interface EntityColumn {
  /** The view column. */
  name: string;
  /** The entity table's column. */
  column: string;
  type: LogicalType;
  description: string;
}

export interface EntityTable {
  table: string;
  alias: string;
  /** The id the report and the entity share. */
  key: string;
  columns: EntityColumn[];
}

export const ENTITY_TABLES: readonly EntityTable[] = [
  {
    table: 'advertisers',
    alias: 'adv',
    key: 'advertiser_id',
    columns: [
      { name: 'advertiser_name', column: 'name', type: 'text', description: 'Advertiser name (advertisers table).' },
      { name: 'currency', column: 'currency', type: 'text', description: "The advertiser's currency (ISO 4217): every money metric is in it." },
      { name: 'timezone', column: 'timezone', type: 'text', description: "The advertiser's time zone (IANA): report days and hours are local to it." },
    ],
  },
  {
    table: 'campaigns',
    alias: 'cmp',
    key: 'campaign_id',
    columns: [{ name: 'campaign_name', column: 'campaign_name', type: 'text', description: 'Campaign name (campaigns table; the report\'s own when the campaign is not loaded).' }],
  },
  {
    table: 'ad_groups',
    alias: 'adg',
    key: 'adgroup_id',
    columns: [{ name: 'adgroup_name', column: 'adgroup_name', type: 'text', description: 'Ad group name (ad_groups table; the report\'s own when the ad group is not loaded).' }],
  },
  {
    table: 'ads',
    alias: 'ad',
    key: 'ad_id',
    columns: [{ name: 'ad_name', column: 'ad_name', type: 'text', description: 'Ad name (ads table; the report\'s own when the ad is not loaded).' }],
  },
];

/** The ids that name a level of the account tree; any other key column of a report is a breakdown. */
export const LEVEL_IDS: ReadonlySet<string> = new Set(ENTITY_TABLES.map((entity) => entity.key));

/** Column every entity table needs to pick its latest row per key. */
export const LOADED_AT = '_airbyte_extracted_at';
