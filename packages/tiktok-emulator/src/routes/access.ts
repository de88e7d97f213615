import type { Advertiser } from '../data/model.ts';
import { ApiError } from '../http/api-error.ts';
import type { Params } from '../http/params.ts';
import type { EmulatorState } from '../state.ts';

/** The advertiser named by `advertiser_id`, which the token must be able to operate (else 40001 or 40300). */
export function advertiserParam(state: EmulatorState, params: Params, name = 'advertiser_id'): Advertiser {
  return accessibleAdvertiser(state, params.requiredId(name));
}

/**
 * TikTok's answers for an advertiser the token cannot operate (tiktok-api.md, "Corrections": Other codes):
 * 40001 "No permission to operate advertiser …" for one the authorisation does not cover — an id the world
 * does not hold, or one marked unreachable — and 40300 for a deleted one (its return-code list: "The
 * advertiser does not exist or has been deleted"). 40002 stays for parameters and objects below the advertiser.
 */
export function accessibleAdvertiser(state: EmulatorState, id: string): Advertiser {
  const advertiser = state.world.advertiserById.get(id);
  const access = state.advertiserAccess.of(id);
  if (advertiser === undefined || access === 'unreachable') throw new ApiError(40001, `No permission to operate advertiser ${id}.`);
  if (access === 'deleted') throw new ApiError(40300, `The advertiser ${id} does not exist or has been deleted.`);
  return advertiser;
}

/** `page` and `page_size` as TikTok takes them: page from 1, size 1..1000, default 10. */
export function paging(params: Params): { page: number; pageSize: number } {
  return {
    page: params.integer('page', 1, 1, 1_000_000),
    pageSize: params.integer('page_size', 10, 1, 1000),
  };
}

export function pageInfo(page: number, pageSize: number, total: number) {
  return { page, page_size: pageSize, total_number: total, total_page: Math.ceil(total / pageSize) };
}
