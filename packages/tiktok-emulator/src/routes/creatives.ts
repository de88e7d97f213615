// file/music/get/ (music for ads) and creative/portfolio/list/ (interactive add-ons).

import { musicOf } from '../data/assets/music.ts';
import { DEFAULT_PORTFOLIO_TYPES, PORTFOLIO_TYPES, portfoliosOf } from '../data/assets/portfolios.ts';
import { paramError } from '../http/api-error.ts';
import { json, type Route } from '../http/route.ts';
import { advertiserParam } from './access.ts';
import { cappedPage, filterIds, filteringObject, pageOf, requireCreativeScope, strictPage } from './asset-params.ts';

/**
 * TikTok does not document file/music/get/'s page_size range (unconfirmed): the emulator serves at most 50
 * a page, whatever is asked, so a client must page by page_info (Airbyte asks 100 and stops at 50).
 */
export const MUSIC_PAGE_CAP = 50;
const MUSIC_SCENES = ['CREATIVE_ASSET', 'CAROUSEL_ADS'];

export const musicGet: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params }) {
    const advertiser = advertiserParam(state, params);
    requireCreativeScope(state, advertiser, '/file/music/get/');
    const scene = params.string('music_scene') ?? 'CREATIVE_ASSET';
    if (!MUSIC_SCENES.includes(scene)) throw paramError(`music_scene: Invalid enum value ${scene}.`);
    const filter = filteringObject(params, ['music_ids', 'material_ids']);
    const ids = filterIds(filter, 'music_ids', 100);
    const materials = filterIds(filter, 'material_ids', 100);
    const matches = musicOf(state.world, advertiser).filter((m) =>
      (ids === undefined || ids.has(String(m.music_id))) && (materials === undefined || materials.has(String(m.material_id))));
    const { slice, page_info } = pageOf(matches, cappedPage(params, 20, MUSIC_PAGE_CAP));
    return json({ musics: slice, page_info });
  },
};

const TYPES: ReadonlySet<string> = new Set(PORTFOLIO_TYPES);

export const portfolioList: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params }) {
    const advertiser = advertiserParam(state, params);
    const filter = filteringObject(params, ['creative_portfolio_ids', 'creative_portfolio_types']);
    const ids = filterIds(filter, 'creative_portfolio_ids', 100);
    const types = filterIds(filter, 'creative_portfolio_types', TYPES.size);
    for (const type of types ?? []) if (!TYPES.has(type)) throw paramError(`filtering.creative_portfolio_types: Invalid enum value ${type}.`);
    // TikTok lists every type but CTA unless the filter names the types.
    const wanted = types ?? DEFAULT_PORTFOLIO_TYPES;
    const matches = portfoliosOf(state.world, advertiser).filter((p) => wanted.has(p.type) && (ids === undefined || ids.has(p.id)));
    const { slice, page_info } = pageOf(matches, strictPage(params, 20, 100));
    return json({ creative_portfolios: slice.map((p) => p.record), page_info });
  },
};
