// OAuth: exchanging a one-time auth code for the long-term token, and listing the token's advertisers.

import { ApiError, paramError } from '../http/api-error.ts';
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

export const accessToken: Route = {
  method: 'POST',
  auth: false,
  family: 'normal',
  handle({ state, params }) {
    const appId = checkApp(state, params);
    const code = params.requiredString('auth_code');
    if (!state.authCodes().includes(code) || state.usedAuthCodes.has(code)) {
      throw paramError('auth_code: The auth_code is invalid, expired or has already been used.');
    }
    state.usedAuthCodes.add(code);
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
