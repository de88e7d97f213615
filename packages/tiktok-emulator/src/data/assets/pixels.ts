// Pixels (pixel/list/) with their events, and the per-day event counts pixel/event/stats/ sums up.

import { formatUtcSeconds } from '../calendar.ts';
import { hash32, pick } from '../hash.ts';
import type { Advertiser } from '../model.ts';
import type { World } from '../world.ts';
import { id19, KIND, secondIn, token } from './ids.ts';
import { anchorSeconds, memo } from './store.ts';

/** Standard events: TikTok's event code and the optimisation event it feeds. */
const STANDARD_EVENTS = [
  ['COMPLETE_PAYMENT', 'SHOPPING', 'Purchase'],
  ['ADD_TO_CART', 'ON_WEB_CART', 'Add to cart'],
  ['INITIATE_CHECKOUT', 'INITIATE_ORDER', 'Checkout'],
  ['SUBMIT_FORM', 'FORM', 'Lead form'],
  ['VIEW_CONTENT', 'ON_WEB_DETAIL', 'Product view'],
  ['REGISTRATION', 'ON_WEB_REGISTER', 'Sign-up'],
  ['CONTACT', 'CONSULT', 'Contact'],
  ['SEARCH', 'ON_WEB_SEARCH', 'Search'],
  ['ADD_PAYMENT_INFO', 'ON_WEB_ADD_BILLING', 'Payment info'],
  ['SUBSCRIBE', 'ON_WEB_SUBSCRIBE', 'Subscribe'],
] as const;
const CURRENCY_EVENTS: ReadonlySet<string> = new Set(['COMPLETE_PAYMENT', 'ADD_TO_CART', 'INITIATE_CHECKOUT', 'ADD_PAYMENT_INFO', 'SUBSCRIBE']);
const PARTNERS = ['Shopify', 'WooCommerce', 'Google Tag Manager', 'BigCommerce'];
const DAY = 86_400;

export interface PixelEvent {
  code: string;
  custom: boolean;
  key: number;
  record: Record<string, unknown>;
}

export interface Pixel {
  id: string;
  code: string;
  name: string;
  createSeconds: number;
  catalog: boolean;
  events: readonly PixelEvent[];
  record: Record<string, unknown>;
}

function event(pixelKey: number, pixelCode: string, n: number, currency: string, pixelId: string): PixelEvent {
  const key = hash32(pixelKey, 0xe7, n);
  const custom = n >= 6 && hash32(key, 1) % 2 === 0;
  const [code, optimization, label] = custom ? [`CUSTOM_EVENT_${n}`, 'CUSTOM', `Custom ${n}`] : STANDARD_EVENTS[n % STANDARD_EVENTS.length]!;
  const byUrl = hash32(key, 2) % 2 === 0;
  return {
    code,
    custom,
    key,
    record: {
      event_id: `${pixelId.slice(0, 12)}${String(n).padStart(7, '0')}`,
      name: label,
      event_code: code,
      custom_event_type: code,
      optimization_event: optimization,
      event_type: byUrl ? 'URL' : 'CLICK',
      statistic_type: hash32(key, 3) % 3 === 0 ? 'ONCE' : 'EVERY_TIME',
      deprecated: hash32(key, 4) % 10 === 0,
      currency_value: CURRENCY_EVENTS.has(code) ? String(5 + (hash32(key, 5) % 95)) : '',
      // A string since Airbyte 5.0.0 (#73357): the account currency, or empty for non-value events.
      currency: CURRENCY_EVENTS.has(code) ? currency : '',
      rules: byUrl
        ? [{ trigger: 'PAGEVIEW', variable: 'PAGE_URL_V2', operator: 'OPERATOR_CONTAINS', value: `/${code.toLowerCase().replace(/_/g, '-')}` }]
        : [{ trigger: 'CLICK', variable: 'ELEMENT', operator: 'OPERATOR_EQ', value: `#btn-${token('alnum', 6, key, 6)}` }],
      ...(custom ? {} : { pixel_code: pixelCode }),
    },
  };
}

/** The advertiser's pixels, oldest first (TikTok's default `order_by` EARLIEST_CREATE). */
export function pixelsOf(world: World, advertiser: Advertiser): readonly Pixel[] {
  return memo(world, advertiser, 'pixels', () => {
    const anchor = anchorSeconds(world);
    // Advertiser #0 always holds more than one page (20) of pixels, so paging by page_info matters.
    const count = advertiser.index === 0 ? 27 : 1 + (hash32(advertiser.key, 0x61c) % 30);
    const pixels: Pixel[] = [];
    for (let i = 0; i < count; i++) {
      const key = hash32(advertiser.key, 0x61d, i);
      const id = id19(advertiser, KIND.pixel, i);
      const code = `C${token('upper', 19, key, 1)}`;
      const name = `${advertiser.company} pixel ${i + 1}`;
      const created = secondIn(advertiser, anchor, hash32(key, 2));
      const partner = hash32(key, 3) % 3 === 0 ? pick(PARTNERS, hash32(key, 4)) : '';
      const events = Array.from({ length: 2 + (hash32(key, 5) % 9) }, (_, n) => event(key, code, n, advertiser.currency.code, id));
      const catalog = hash32(key, 6) % 4 === 0;
      pixels.push({
        id,
        code,
        name,
        createSeconds: created,
        catalog,
        events,
        record: {
          pixel_id: id,
          pixel_code: code,
          pixel_name: name,
          pixel_category: partner === '' ? 'DEVELOPER' : 'PARTNER',
          pixel_setup_mode: partner === '' ? (hash32(key, 7) % 2 === 0 ? 'DEVELOPER_MODE' : 'STANDARD_MODE') : 'PARTNER_MODE',
          partner_name: partner,
          create_time: formatUtcSeconds(created),
          pixel_script: `<script>!function (w, d, t) { w.TiktokAnalyticsObject=t; var ttq=w[t]=w[t]||[]; ttq.load('${code}'); ttq.page(); }(window, document, 'ttq');</script>`,
          advanced_matching_fields: { phone_number: hash32(key, 8) % 2 === 0, email: hash32(key, 9) % 3 !== 0 },
          asset_ownership: {
            asset_relation_status: 'OWNER_BY_ADV',
            ownership_status: true,
            owner_bc_id: id19(advertiser, KIND.bc, 0),
          },
          events: events.map((e) => e.record),
        },
      });
    }
    return pixels.sort((a, b) => a.createSeconds - b.createSeconds || (a.id < b.id ? -1 : 1));
  });
}

export interface EventCounts {
  browser: number;
  server: number;
  attributed: number;
  preview: number;
}

/** One event's counts on one UTC day (zero before the pixel existed). */
export function eventCountsOn(pixel: Pixel, event: PixelEvent, day: number): EventCounts {
  if (day * DAY + DAY <= pixel.createSeconds) return { browser: 0, server: 0, attributed: 0, preview: 0 };
  const h = hash32(event.key, day);
  const base = event.custom ? 20 : 200;
  const browser = h % base;
  const server = hash32(h, 1) % Math.ceil(base / 2);
  const total = browser + server;
  return { browser, server, attributed: Math.floor(total * (hash32(h, 2) % 40) / 100), preview: hash32(h, 3) % 3 };
}
