// TikTok's sandbox serves only part of the API: ad management and reports, not the advertiser lookups,
// pixels or Spark Ads. With the `sandbox` option those endpoints refuse every call.

import { ApiError } from '../http/api-error.ts';
import type { Route } from '../http/route.ts';

/** `route`, refused with 40001 when the emulator plays TikTok's sandbox. */
export function productionOnly(path: string, route: Route): Route {
  return {
    ...route,
    handle(ctx) {
      if (ctx.state.world.options.sandbox) {
        throw new ApiError(40001, `The sandbox environment does not support /open_api/v1.3/${path}. Use a production ad account and access token.`);
      }
      return route.handle(ctx);
    },
  };
}
