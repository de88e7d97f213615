// Instant page events (pixel/instant_page/event/): which instant-page events an advertiser can optimise
// for, per objective and optimisation goal. Only some objective × goal pairs make sense to TikTok; the
// others are refused (see SUPPORTED).

import { hash32 } from '../hash.ts';
import type { Advertiser } from '../model.ts';

export const OBJECTIVE_TYPES = ['APP_PROMOTION', 'WEB_CONVERSIONS', 'REACH', 'TRAFFIC', 'VIDEO_VIEWS', 'PRODUCT_SALES', 'ENGAGEMENT',
  'LEAD_GENERATION', 'RF_REACH', 'TOPVIEW_REACH'] as const;

export const OPTIMIZATION_GOALS = ['CLICK', 'CONVERT', 'INSTALL', 'IN_APP_EVENT', 'SHOW', 'REACH', 'LEAD_GENERATION', 'CONVERSATION',
  'FOLLOWERS', 'PAGE_VISIT', 'VALUE', 'AUTOMATIC_VALUE_OPTIMIZATION', 'GMV', 'PURCHASES', 'INITIATE_CHECKOUTS', 'MT_LIVE_ROOM',
  'PRODUCT_CLICK_IN_LIVE', 'ENGAGED_VIEW', 'ENGAGED_VIEW_FIFTEEN', 'TRAFFIC_LANDING_PAGE_VIEW', 'DESTINATION_VISIT', 'PREFERRED_LEAD'] as const;

/** The goals each objective takes for instant pages (TikTok's objective/goal pairing for ad groups). */
const SUPPORTED: Readonly<Record<string, readonly string[]>> = {
  APP_PROMOTION: ['CLICK', 'INSTALL', 'IN_APP_EVENT', 'VALUE'],
  WEB_CONVERSIONS: ['CLICK', 'CONVERT', 'VALUE', 'TRAFFIC_LANDING_PAGE_VIEW'],
  REACH: ['REACH', 'SHOW'],
  TRAFFIC: ['CLICK', 'TRAFFIC_LANDING_PAGE_VIEW', 'DESTINATION_VISIT'],
  VIDEO_VIEWS: ['ENGAGED_VIEW', 'ENGAGED_VIEW_FIFTEEN'],
  PRODUCT_SALES: ['CLICK', 'CONVERT', 'VALUE', 'GMV', 'PURCHASES', 'INITIATE_CHECKOUTS', 'PRODUCT_CLICK_IN_LIVE', 'MT_LIVE_ROOM'],
  ENGAGEMENT: ['FOLLOWERS', 'PAGE_VISIT'],
  LEAD_GENERATION: ['CLICK', 'LEAD_GENERATION', 'CONVERSATION', 'PREFERRED_LEAD', 'CONVERT'],
  RF_REACH: [],
  TOPVIEW_REACH: [],
};

export function supportsPair(objective: string, goal: string): boolean {
  return SUPPORTED[objective]?.includes(goal) ?? false;
}

/** Instant-page kinds: forms only serve leads, app profiles only app installs. */
function businessTypes(objective: string): string[] {
  if (objective === 'LEAD_GENERATION') return ['INSTANT_FORM', 'CUSTOM'];
  if (objective === 'APP_PROMOTION') return ['APP_PROFILE', 'CUSTOM'];
  return ['CUSTOM'];
}

const EVENTS: Readonly<Record<string, readonly string[]>> = {
  INSTANT_FORM: ['INSTANT_FORM_VIEW', 'INSTANT_FORM_SUBMIT'],
  APP_PROFILE: ['APP_PROFILE_VIEW', 'APP_PROFILE_CLICK_DOWNLOAD'],
  CUSTOM: ['INSTANT_PAGE_VIEW', 'CLICK_BUTTON', 'CLICK_LANDING_PAGE', 'PAGE_DURATION'],
};

/**
 * The records for a supported pair: one per business type the advertiser has instant pages of. An
 * advertiser without instant pages of a type gets none (an empty list is a normal answer).
 */
export function instantPageEvents(advertiser: Advertiser, objective: string, goal: string): Record<string, unknown>[] {
  return businessTypes(objective)
    .filter((type) => hash32(advertiser.key, 0x1e, type.length, objective.length) % 5 !== 0)
    .map((type) => ({
      business_type: type,
      instant_page_events: {
        objective_types: [{
          objective_type: objective,
          optimization_goals: [{
            optimization_goal: goal,
            optimization_events: EVENTS[type]!.filter((_, i) => i === 0 || hash32(advertiser.key, 0x1f, i, goal.length) % 3 !== 0),
          }],
        }],
      },
    }));
}
