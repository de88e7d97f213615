import type { Advertiser } from '../data/model.ts';
import { paramError } from '../http/api-error.ts';
import type { Params } from '../http/params.ts';
import type { EmulatorState } from '../state.ts';

/** The advertiser named by `advertiser_id`, which the token must be able to reach (else 40002). */
export function advertiserParam(state: EmulatorState, params: Params, name = 'advertiser_id'): Advertiser {
  return accessibleAdvertiser(state, params.requiredId(name));
}

export function accessibleAdvertiser(state: EmulatorState, id: string): Advertiser {
  const advertiser = state.world.advertiserById.get(id);
  if (advertiser === undefined) {
    throw paramError(`Advertiser ID ${id} does not exist or you do not have permission to access it.`);
  }
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
