// The name rule for custom reports: a name any analytics view may take (typed, ready, or a hashed fallback) is
// refused, whichever was synced first; and the rule holds every name the planner actually gives.

import { describe, expect, it } from 'vitest';
import { planViews } from '../../../src/analytics/views.ts';
import { parseConfig } from '../../../src/config.ts';
import { sinkStreamsOf } from '../../../src/load/sink.ts';
import { discover } from '../../../src/source.ts';
import { STREAMS_BY_NAME } from '../../../src/streams/definitions.ts';
import { customReportNameClash } from '../../../src/streams/custom-reports.ts';
import { configuredCatalogFor } from '../../../src/sync.ts';
import { possibleViewNames } from '../../../src/view-names.ts';
import { configFor } from '../../support/credentials.ts';

const REPORTS = [...STREAMS_BY_NAME.values()].filter((stream) => stream.kind === 'report').map((stream) => stream.name);
const CUSTOM = { name: 'ads_by_gender_age_daily', report_type: 'AUDIENCE', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day', 'gender', 'age'], metrics: ['spend', 'impressions'] };

describe('custom report names and analytics views', () => {
  it('refuses the typed view of a built-in report, a ready view and a hashed fallback, naming what it is', () => {
    expect(customReportNameClash('ads_by_country_daily', REPORTS)).toBe('the typed view of ads_reports_by_country_daily');
    expect(customReportNameClash('ads_reports_by_country_daily_typed', REPORTS)).toBe('the typed view of ads_reports_by_country_daily');
    expect(customReportNameClash('campaign_performance_daily', REPORTS)).toBe('a ready analytics view');
    expect(customReportNameClash('ad_group_spend_by_platform_lifetime', REPORTS)).toBe('a ready analytics view');
    const hashed = [...possibleViewNames(REPORTS).keys()].find((name) => /^campaign_performance_daily_[0-9a-f]{6}$/.test(name));
    expect(hashed).toBeDefined();
    expect(customReportNameClash(hashed!, REPORTS)).toBe('a ready analytics view');
  });

  it('leaves other names free, and sees the views of the other custom reports', () => {
    for (const name of ['my_ads_daily', 'ads_by_gender_age_daily', 'ads_by_country_daily_custom', 'campaign_spend_daily']) expect(customReportNameClash(name, REPORTS), name).toBeUndefined();
    expect(customReportNameClash('foo_daily', [...REPORTS, 'foo_reports_daily'])).toBe('the typed view of foo_reports_daily');
    expect(() => parseConfig(configFor('http://127.0.0.1:9', { custom_reports: [{ ...CUSTOM, name: 'foo_reports_daily' }, { ...CUSTOM, name: 'foo_daily' }] }))).toThrow(
      /custom_reports\[1\] "foo_daily"\.name: is the name of an analytics view the connector creates \(the typed view of foo_reports_daily\)/,
    );
  });

  it('every view the planner gives, for every report stream and whatever tables the schema holds, is a refused name', () => {
    const config = parseConfig(configFor('http://127.0.0.1:9', { custom_reports: [CUSTOM] }));
    const streams = sinkStreamsOf(configuredCatalogFor(discover(config), [...REPORTS, CUSTOM.name], false));
    const reserved = possibleViewNames([...REPORTS, CUSTOM.name]);
    const plain = planViews(streams, new Map());
    // A schema whose tables take every first-choice name: the planner falls back to `_typed` and hashed names.
    const crowded = planViews(streams, new Map([...reserved.keys()].filter((name) => !/_[0-9a-f]{6}$/.test(name)).map((name) => [name, new Map()])));
    for (const set of [plain, crowded]) {
      const names = [...set.typed.map((plan) => plan.view), ...set.ready.map((plan) => plan.view)];
      expect(names.length).toBeGreaterThan(REPORTS.length);
      expect(names.filter((name) => !reserved.has(name))).toEqual([]);
    }
  });
});
