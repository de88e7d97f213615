import type { AdvertiserInfo } from '../tiktok/advertisers.ts';
import type { TikTokClient } from '../tiktok/client.ts';

// TikTok's sandbox (sandbox_access_token credentials, https://sandbox-ads.tiktok.com/open_api/v1.3/) serves ad
// management and reports but not the advertiser lookups (oauth2/advertiser/get/, advertiser/info/): Airbyte's
// check failed there for that reason (airbytehq/airbyte #46211). The sandbox advertiser is therefore described
// from the config alone, and the connection is checked on an endpoint the sandbox does serve.

/**
 * Without advertiser/info/ the advertiser's time zone is unknown. "Today" is taken in the zone furthest ahead
 * (UTC+14), so the advertiser's own today is always inside the range, whatever its zone: asking for a day that
 * has not begun there costs nothing, missing one would lose rows (the bug Airbyte's 5.0.1 fixed with UTC+1 day).
 */
export const SANDBOX_TIME_ZONE = 'Pacific/Kiritimati';

export function sandboxAdvertiser(advertiserId: string): AdvertiserInfo {
  return { advertiser_id: advertiserId, timezone: SANDBOX_TIME_ZONE };
}

/** One cheap call the sandbox serves (one campaign of the advertiser): proves the token and the advertiser id. */
export async function probeSandbox(client: TikTokClient, advertiserId: string): Promise<void> {
  await client.get('campaign/get/', { advertiser_id: advertiserId, page: 1, page_size: 1 });
}
