import type { Route } from '../http/route.ts';
import { advertiserInfo } from './advertiser-info.ts';
import { customAudienceList } from './audiences.ts';
import { imageSearch, videoSearch } from './creative-search.ts';
import { musicGet, portfolioList } from './creatives.ts';
import { adGet, adgroupGet, campaignGet } from './entities.ts';
import { gmvMaxCampaignGet, gmvMaxReportGet, gmvMaxStoreList } from './gmv-max.ts';
import { accessToken, advertiserGet, revokeToken } from './oauth.ts';
import { instantPageEvent, pixelEventStats, pixelList } from './pixels.ts';
import { reportIntegratedGet } from './report-integrated.ts';
import { reportTaskCancel, reportTaskCheck, reportTaskCreate, reportTaskDownload } from './report-task.ts';
import { productionOnly } from './sandbox.ts';
import { ttVideoList } from './spark-ads.ts';
import { smartPlusAdGet, smartPlusAdgroupGet, smartPlusCampaignGet } from './smart-plus.ts';
import { smartPlusMaterialBreakdown, smartPlusMaterialOverview } from './smart-plus-materials.ts';

/** Endpoints TikTok's sandbox does not serve (Airbyte leaves their streams out for sandbox tokens). */
const PRODUCTION_ONLY: Readonly<Record<string, Route>> = {
  'oauth2/advertiser/get/': advertiserGet,
  'advertiser/info/': advertiserInfo,
  'tt_video/list/': ttVideoList,
  'pixel/list/': pixelList,
  'pixel/instant_page/event/': instantPageEvent,
  'pixel/event/stats/': pixelEventStats,
};

/** API paths below /open_api/v1.3/ (v1.2 takes the same paths). */
export const ROUTES: Readonly<Record<string, Route>> = {
  'oauth2/access_token/': accessToken,
  'oauth2/revoke_token/': revokeToken,
  ...Object.fromEntries(Object.entries(PRODUCTION_ONLY).map(([path, route]) => [path, productionOnly(path, route)])),
  'campaign/get/': campaignGet,
  'adgroup/get/': adgroupGet,
  'ad/get/': adGet,
  'report/integrated/get/': reportIntegratedGet,
  'report/task/create/': reportTaskCreate,
  'report/task/check/': reportTaskCheck,
  'report/task/download/': reportTaskDownload,
  'report/task/cancel/': reportTaskCancel,
  'dmp/custom_audience/list/': customAudienceList,
  'file/image/ad/search/': imageSearch,
  'file/video/ad/search/': videoSearch,
  'file/music/get/': musicGet,
  'creative/portfolio/list/': portfolioList,
  'smart_plus/campaign/get/': smartPlusCampaignGet,
  'smart_plus/adgroup/get/': smartPlusAdgroupGet,
  'smart_plus/ad/get/': smartPlusAdGet,
  'smart_plus/material_report/overview/': smartPlusMaterialOverview,
  'smart_plus/material_report/breakdown/': smartPlusMaterialBreakdown,
  'gmv_max/store/list/': gmvMaxStoreList,
  'gmv_max/campaign/get/': gmvMaxCampaignGet,
  'gmv_max/report/get/': gmvMaxReportGet,
};
