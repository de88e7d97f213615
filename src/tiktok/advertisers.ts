import type { TikTokClient } from './client.ts';
import { TikTokApiError } from './errors.ts';

export type AdvertiserInfo = Record<string, unknown> & { advertiser_id: string; timezone?: string | null; display_timezone?: string | null };

/** TikTok's advertiser/info/ takes at most this many ids per call. */
export const ADVERTISER_INFO_BATCH = 100;

export interface AdvertiserInfoResult {
  found: AdvertiserInfo[];
  /** Ids TikTok refused as not accessible, each with TikTok's answer. */
  inaccessible: { advertiserId: string; error: TikTokApiError }[];
}

/**
 * Names, currency, time zone and the rest for each advertiser, in batches of 100. TikTok refuses a whole batch
 * when one id in it is not accessible; such a batch is split in halves until the refused ids stand alone, so
 * one revoked advertiser costs a few calls, not the read.
 */
export async function advertiserInfo(client: TikTokClient, ids: readonly string[]): Promise<AdvertiserInfoResult> {
  const result: AdvertiserInfoResult = { found: [], inaccessible: [] };
  const describe = async (batch: readonly string[]): Promise<void> => {
    try {
      const answer = await client.get<{ list?: Record<string, unknown>[] }>('advertiser/info/', { advertiser_ids: batch });
      for (const row of answer.list ?? []) result.found.push({ ...row, advertiser_id: String(row['advertiser_id']) });
    } catch (error) {
      if (!(error instanceof TikTokApiError && error.kind === 'not_accessible')) throw error;
      if (batch.length === 1) {
        result.inaccessible.push({ advertiserId: batch[0]!, error });
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await Promise.all([describe(batch.slice(0, half)), describe(batch.slice(half))]);
    }
  };
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += ADVERTISER_INFO_BATCH) batches.push(ids.slice(i, i + ADVERTISER_INFO_BATCH));
  await Promise.all(batches.map(describe));
  // Keep the caller's order: batches answer concurrently.
  const order = new Map(ids.map((id, index) => [id, index]));
  result.found.sort((a, b) => (order.get(a.advertiser_id) ?? 0) - (order.get(b.advertiser_id) ?? 0));
  return result;
}

/** The IANA zone TikTok reports the advertiser's days in; UTC when TikTok gave none (the reader warns). */
export function timeZoneOf(info: AdvertiserInfo): string {
  return zoneOf(info) ?? 'UTC';
}

export function hasTimeZone(info: AdvertiserInfo): boolean {
  return zoneOf(info) !== undefined;
}

function zoneOf(info: AdvertiserInfo): string | undefined {
  for (const zone of [info.timezone, info.display_timezone]) if (typeof zone === 'string' && zone !== '') return zone;
  return undefined;
}
