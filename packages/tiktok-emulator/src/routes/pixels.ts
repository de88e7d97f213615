// pixel/list/, pixel/instant_page/event/ and pixel/event/stats/ (all production only).

import { parseJsonLossless } from '../json.ts';
import { parseDay } from '../data/calendar.ts';
import { instantPageEvents, OBJECTIVE_TYPES, OPTIMIZATION_GOALS, supportsPair } from '../data/assets/instant-pages.ts';
import { eventCountsOn, pixelsOf, type Pixel } from '../data/assets/pixels.ts';
import { ApiError, paramError } from '../http/api-error.ts';
import type { Params } from '../http/params.ts';
import { json, type Route } from '../http/route.ts';
import { advertiserParam } from './access.ts';
import { cappedPage, filterBoolean, filteringObject, pageOf } from './asset-params.ts';

/**
 * pixel/list/'s page limit is undocumented (unconfirmed): the emulator serves at most 20 a page whatever
 * is asked. A client asking 100 and stopping on "fewer rows than page_size" reads one page only.
 */
export const PIXEL_PAGE_CAP = 20;

export const pixelList: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params }) {
    const advertiser = advertiserParam(state, params);
    const pixelId = params.string('pixel_id');
    const code = params.string('code');
    const name = params.string('name')?.toLowerCase();
    const order = params.string('order_by') ?? 'EARLIEST_CREATE';
    if (order !== 'EARLIEST_CREATE' && order !== 'LATEST_CREATE') throw paramError(`order_by: Invalid enum value ${order}.`);
    const catalogOnly = filterBoolean(filteringObject(params, ['available_for_catalog_only']), 'available_for_catalog_only') ?? false;
    const matches = pixelsOf(state.world, advertiser).filter((p: Pixel) =>
      (pixelId === undefined || p.id === pixelId)
      && (code === undefined || p.code === code)
      && (name === undefined || p.name.toLowerCase().includes(name))
      && (!catalogOnly || p.catalog));
    const ordered = order === 'LATEST_CREATE' ? [...matches].reverse() : matches;
    const { slice, page_info } = pageOf(ordered, cappedPage(params, 20, PIXEL_PAGE_CAP));
    return json({ pixels: slice.map((p) => p.record), page_info });
  },
};

function enumParam(params: Params, name: string, values: readonly string[]): string {
  const value = params.requiredString(name);
  if (!values.includes(value)) throw paramError(`${name}: Invalid enum value ${value}.`);
  return value;
}

export const instantPageEvent: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params }) {
    const advertiser = advertiserParam(state, params);
    const objective = enumParam(params, 'objective_type', OBJECTIVE_TYPES);
    const goal = enumParam(params, 'optimization_goal', OPTIMIZATION_GOALS);
    // The wording Airbyte's handler matches to skip an unsupported pair (#73314).
    if (!supportsPair(objective, goal)) throw paramError('one or more value of the param(s) is not acceptable: objective_type, optimization_goal');
    return json({ list: instantPageEvents(advertiser, objective, goal) });
  },
};

/** At most 10 pixels per call and a 31-day range (both unconfirmed: third-party code says 10 ids). */
export const STATS_MAX_PIXELS = 10;
export const STATS_MAX_DAYS = 31;
const DAY_MS = 86_400_000;

function pixelIds(params: Params): string[] {
  const raw = params.raw('pixel_ids');
  if (raw === undefined || raw === '') throw paramError('pixel_ids: Missing data for required field.');
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = parseJsonLossless(raw);
    } catch {
      value = raw;
    }
  }
  // Airbyte before 4.8.12 sent a bare id and met exactly this (#70241).
  if (!Array.isArray(value)) throw paramError('pixel_ids: Field must be set to array.');
  if (value.length < 1 || value.length > STATS_MAX_PIXELS) throw paramError(`pixel_ids: Length must be between 1 and ${STATS_MAX_PIXELS}.`);
  return [...new Set(value.map(String))];
}

function dateRange(params: Params, today: number): { start: number; end: number } {
  const value = params.json('date_range');
  if (value === undefined || value === null) throw paramError('date_range: Missing data for required field.');
  if (typeof value !== 'object' || Array.isArray(value)) throw paramError('date_range: Not a valid JSON object.');
  const { start_date: startText, end_date: endText } = value as Record<string, unknown>;
  const start = typeof startText === 'string' ? parseDay(startText) : undefined;
  const end = typeof endText === 'string' ? parseDay(endText) : undefined;
  if (start === undefined) throw paramError('date_range.start_date: Not a valid date (YYYY-MM-DD).');
  if (end === undefined) throw paramError('date_range.end_date: Not a valid date (YYYY-MM-DD).');
  if (start > today) throw paramError('date_range.start_date: The start date cannot be later than today (UTC).');
  if (end < start) throw paramError('date_range: end_date must not be earlier than start_date.');
  if (end - start + 1 > STATS_MAX_DAYS) throw paramError(`date_range: The range cannot exceed ${STATS_MAX_DAYS} days.`);
  return { start, end };
}

export const pixelEventStats: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params, now }) {
    const advertiser = advertiserParam(state, params);
    const ids = pixelIds(params);
    const today = Math.floor(now.getTime() / DAY_MS);
    const { start, end } = dateRange(params, today);
    const own = new Map(pixelsOf(state.world, advertiser).map((p) => [p.id, p]));
    const pixels = ids.map((id) => {
      const pixel = own.get(id);
      // Another advertiser's pixel and an unknown id get the same answer: TikTok does not say which.
      if (pixel === undefined) throw new ApiError(40001, `Adv has no permission to operate on the Pixel: ${id}`);
      return pixel;
    });
    const last = Math.min(end, today);
    return json({
      list: pixels.map((pixel) => ({
        pixel_id: pixel.id,
        statistics: pixel.events.map((event) => {
          let browser = 0, server = 0, attributed = 0, preview = 0;
          for (let day = start; day <= last; day++) {
            const counts = eventCountsOn(pixel, event, day);
            browser += counts.browser;
            server += counts.server;
            attributed += counts.attributed;
            preview += counts.preview;
          }
          return {
            pixel_event_type: event.custom ? 'CUSTOM' : 'STANDARD',
            custom_event_type: event.code,
            attributed_count: attributed,
            preview_count: preview,
            total_count: browser + server,
            browser_event_total_count: browser,
            server_event_total_count: server,
          };
        }),
      })),
    });
  },
};
