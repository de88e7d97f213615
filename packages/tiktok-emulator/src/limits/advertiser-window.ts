// TikTok's third throttle, beside the app's QPS/QPM/QPD windows: each advertiser may be the subject of at most
// 20 calls a second on any one path (code 40133, "Advertiser (ID)'s QPS (21) reaches QPS limit 20 for current
// path…" — the wording TikTok's return-code list gives and Airbyte's connector test recorded). It is counted per
// advertiser and path across every app and token, since it protects the advertiser's data, not an app's quota.

import { SlidingWindow } from './sliding-window.ts';

/** TikTok's per-advertiser, per-path limit (tiktok-api.md, "Corrections": 40133 at 20). */
export const ADVERTISER_PATH_QPS = 20;

/** TikTok's 40133 message: `qps` is the rate the refused call would have made. */
export function advertiserQpsMessage(advertiserId: string, qps: number, limit: number): string {
  return `Advertiser (${advertiserId})'s QPS (${qps}) reaches QPS limit ${limit} for current path, request is temporarily restricted.`;
}

export class AdvertiserPathWindows {
  readonly #limit: number;
  readonly #windows = new Map<string, SlidingWindow>();

  /** `limit` calls a second per advertiser and path; 0 turns the window off. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  get limit(): number {
    return this.#limit;
  }

  /**
   * Counts the call and returns undefined, or returns the refusal's message when the advertiser's second on
   * this path is full (a refused call is not counted: it never reached the advertiser's data).
   */
  admit(advertiserId: string, route: string, realMs = performance.now()): string | undefined {
    if (this.#limit <= 0) return undefined;
    const key = `${advertiserId}|${route}`;
    let window = this.#windows.get(key);
    if (window === undefined) {
      window = new SlidingWindow(this.#limit, 1000);
      this.#windows.set(key, window);
    }
    if (window.full(realMs)) return advertiserQpsMessage(advertiserId, this.#limit + 1, this.#limit);
    window.record(realMs);
    return undefined;
  }
}
