// OAuth: exchanging a one-time auth code for the long-term token, revoking a token, and listing the token's
// advertisers.

import { ApiError } from '../http/api-error.ts';
import type { Params } from '../http/params.ts';
import { json, type Route } from '../http/route.ts';
import type { EmulatorState } from '../state.ts';

/** Permission scopes granted with the token (TikTok returns permission ids). */
const SCOPES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14];

/** The app named by `app_id`/`secret` (the startup app or one minted by the admin route). */
function checkApp(state: EmulatorState, params: Params): string {
  const appId = params.requiredString('app_id');
  const secret = params.requiredString('secret');
  const app = state.tokens.app(appId);
  if (app === undefined || secret !== app.secret) {
    throw new ApiError(40001, 'The app_id or secret is invalid, or the app has no permission.');
  }
  return appId;
}

const AUTH_CODE_REFUSALS = {
  unknown: 'The auth_code is invalid. Please re-authorize and try again with a new auth_code.',
  used: 'The auth_code has already been used. Please re-authorize and try again with a new auth_code.',
  expired: 'The auth_code has expired. Please re-authorize and try again with a new auth_code.',
} as const;

export const accessToken: Route = {
  method: 'POST',
  auth: false,
  family: 'normal',
  handle({ state, params, now }) {
    const appId = checkApp(state, params);
    const code = params.requiredString('auth_code');
    // 40110 for an auth code that is unknown, used or older than an hour (TikTok's return-code list; auth-codes.ts).
    const redeemed = state.authCodes.redeem(code, now.getTime());
    if (redeemed !== 'ok') throw new ApiError(40110, AUTH_CODE_REFUSALS[redeemed]);
    return json({
      // The app's live token; a fresh one when all of its tokens were revoked (re-authorisation).
      access_token: state.tokens.tokenOf(appId) ?? state.tokens.mint(appId).accessToken,
      scope: SCOPES,
      advertiser_ids: state.world.advertisers.map((a) => a.id),
    });
  },
};

export const advertiserGet: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params }) {
    checkApp(state, params);
    return json({ list: state.world.advertisers.map((a) => ({ advertiser_id: a.id, advertiser_name: a.name })) });
  },
};

/**
 * POST oauth2/revoke_token/ {app_id, secret, access_token} (tiktok-api.md, "Corrections": OAuth): the token
 * stops working at once — later calls with it answer 40105, as for any revoked token (server.ts). A token of
 * another app is 40113 (TikTok's "app_id inconsistent with the token's app"); an unknown or already revoked
 * one 40105. Like the token exchange it takes no Access-Token header: the app's credentials authorise it.
 */
export const revokeToken: Route = {
  method: 'POST',
  auth: false,
  family: 'normal',
  handle({ state, params }) {
    const appId = checkApp(state, params);
    const token = params.requiredString('access_token');
    const issued = state.tokens.lookup(token);
    if (issued === undefined || issued.revoked) throw new ApiError(40105, 'Access token is incorrect or has been revoked.');
    if (issued.appId !== appId) throw new ApiError(40113, "The app_id is inconsistent with the token's app information. Please retry after correcting it.");
    state.tokens.revoke(token);
    return json({});
  },
};
