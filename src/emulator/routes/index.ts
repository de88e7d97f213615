import type { Route } from '../http/route.ts';
import { advertiserInfo } from './advertiser-info.ts';
import { adGet, adgroupGet, campaignGet } from './entities.ts';
import { accessToken, advertiserGet } from './oauth.ts';
import { reportIntegratedGet } from './report-integrated.ts';
import { reportTaskCancel, reportTaskCheck, reportTaskCreate, reportTaskDownload } from './report-task.ts';

/** API paths below /open_api/v1.3/ (v1.2 takes the same paths). */
export const ROUTES: Readonly<Record<string, Route>> = {
  'oauth2/access_token/': accessToken,
  'oauth2/advertiser/get/': advertiserGet,
  'advertiser/info/': advertiserInfo,
  'campaign/get/': campaignGet,
  'adgroup/get/': adgroupGet,
  'ad/get/': adGet,
  'report/integrated/get/': reportIntegratedGet,
  'report/task/create/': reportTaskCreate,
  'report/task/check/': reportTaskCheck,
  'report/task/download/': reportTaskDownload,
  'report/task/cancel/': reportTaskCancel,
};
