import type { TikTokClient } from './client.ts';

export type AdvertiserInfo = Record<string, unknown> & { advertiser_id: string; timezone?: string | null; display_timezone?: string | null };

/** TikTok's advertiser/info/ takes at most this many ids per call. */
export const ADVERTISER_INFO_BATCH = 100;

/** Names, currency, time zone and the rest for each advertiser, in batches of 100. */
export async function advertiserInfo(client: TikTokClient, ids: readonly string[]): Promise<AdvertiserInfo[]> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += ADVERTISER_INFO_BATCH) batches.push(ids.slice(i, i + ADVERTISER_INFO_BATCH));
  const answers = await Promise.all(
    batches.map((batch) => client.get<{ list?: Record<string, unknown>[] }>('advertiser/info/', { advertiser_ids: batch })),
  );
  return answers.flatMap((a) => a.list ?? []).map((row) => ({ ...row, advertiser_id: String(row['advertiser_id']) }));
}

/** The IANA zone TikTok reports the advertiser's days in. */
export function timeZoneOf(info: AdvertiserInfo): string {
  const zone = info.timezone ?? info.display_timezone;
  return typeof zone === 'string' && zone !== '' ? zone : 'UTC';
}
