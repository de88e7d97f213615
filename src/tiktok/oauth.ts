import type { TikTokClient } from './client.ts';

export interface TokenGrant {
  access_token: string;
  scope: number[];
  advertiser_ids: string[];
}

/** Trades a one-time auth_code (valid one hour) for a long-term access token. No Access-Token header. */
export function exchangeAuthCode(client: TikTokClient, appId: string, secret: string, authCode: string): Promise<TokenGrant> {
  return client.post<TokenGrant>('oauth2/access_token/', { app_id: appId, secret, auth_code: authCode }, 'sync', false);
}

/** The advertisers the token was authorised for (not available in the sandbox). */
export async function authorisedAdvertisers(
  client: TikTokClient,
  appId: string,
  secret: string,
): Promise<{ advertiser_id: string; advertiser_name: string }[]> {
  const data = await client.get<{ list?: { advertiser_id: string | number; advertiser_name: string }[] }>(
    'oauth2/advertiser/get/',
    { app_id: appId, secret },
  );
  return (data.list ?? []).map((a) => ({ advertiser_id: String(a.advertiser_id), advertiser_name: a.advertiser_name }));
}
