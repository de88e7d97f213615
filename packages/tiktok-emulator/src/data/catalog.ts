// Fixed vocabularies the generator draws from: time zones spanning UTC−12…UTC+14, currencies with their
// minor units, and the enum words TikTok's records carry.

export interface ZoneInfo {
  timezone: string;
  /** What TikTok shows as display_timezone (sometimes a different name for the same offset). */
  display: string;
  country: string;
  currency: string;
}

/** Advertiser #0 is UTC+14 and #1 UTC−12 (the two ends of the clock); the rest spread in between. */
export const ZONES: readonly ZoneInfo[] = [
  { timezone: 'Pacific/Kiritimati', display: 'Pacific/Kiritimati', country: 'KI', currency: 'AUD' },
  { timezone: 'Etc/GMT+12', display: 'Etc/GMT+12', country: 'UM', currency: 'USD' },
  { timezone: 'America/Los_Angeles', display: 'America/Los_Angeles', country: 'US', currency: 'USD' },
  { timezone: 'Europe/Moscow', display: 'Europe/Moscow', country: 'RU', currency: 'RUB' },
  { timezone: 'Asia/Shanghai', display: 'Asia/Shanghai', country: 'CN', currency: 'CNY' },
  { timezone: 'America/Sao_Paulo', display: 'America/Sao_Paulo', country: 'BR', currency: 'BRL' },
  { timezone: 'Australia/Sydney', display: 'Australia/Sydney', country: 'AU', currency: 'AUD' },
  { timezone: 'Asia/Kolkata', display: 'Asia/Kolkata', country: 'IN', currency: 'INR' },
  { timezone: 'UTC', display: 'UTC', country: 'GB', currency: 'GBP' },
  { timezone: 'Asia/Tokyo', display: 'Asia/Tokyo', country: 'JP', currency: 'JPY' },
  { timezone: 'Europe/Berlin', display: 'Europe/Berlin', country: 'DE', currency: 'EUR' },
  { timezone: 'Etc/GMT+8', display: 'America/Los_Angeles', country: 'US', currency: 'USD' },
  { timezone: 'America/New_York', display: 'America/New_York', country: 'US', currency: 'USD' },
  { timezone: 'Asia/Kathmandu', display: 'Asia/Kathmandu', country: 'NP', currency: 'USD' },
  { timezone: 'Pacific/Auckland', display: 'Pacific/Auckland', country: 'NZ', currency: 'NZD' },
  { timezone: 'America/St_Johns', display: 'America/St_Johns', country: 'CA', currency: 'CAD' },
  { timezone: 'Europe/Istanbul', display: 'Europe/Istanbul', country: 'TR', currency: 'USD' },
  { timezone: 'Asia/Seoul', display: 'Asia/Seoul', country: 'KR', currency: 'KRW' },
  { timezone: 'Pacific/Honolulu', display: 'Pacific/Honolulu', country: 'US', currency: 'USD' },
  { timezone: 'Europe/Paris', display: 'Europe/Paris', country: 'FR', currency: 'EUR' },
];

export interface CurrencyInfo {
  code: string;
  /** Digits of the minor unit (JPY and KRW have none). */
  decimals: number;
  /** Units per US dollar, to keep prices plausible in every currency. */
  perUsd: number;
}

export const CURRENCIES: Readonly<Record<string, CurrencyInfo>> = {
  USD: { code: 'USD', decimals: 2, perUsd: 1 },
  EUR: { code: 'EUR', decimals: 2, perUsd: 0.92 },
  GBP: { code: 'GBP', decimals: 2, perUsd: 0.79 },
  JPY: { code: 'JPY', decimals: 0, perUsd: 150 },
  KRW: { code: 'KRW', decimals: 0, perUsd: 1350 },
  BRL: { code: 'BRL', decimals: 2, perUsd: 5 },
  RUB: { code: 'RUB', decimals: 2, perUsd: 90 },
  CNY: { code: 'CNY', decimals: 2, perUsd: 7.2 },
  AUD: { code: 'AUD', decimals: 2, perUsd: 1.5 },
  NZD: { code: 'NZD', decimals: 2, perUsd: 1.65 },
  CAD: { code: 'CAD', decimals: 2, perUsd: 1.36 },
  INR: { code: 'INR', decimals: 2, perUsd: 83 },
};

export const COMPANY_WORDS = ['Nimbus', 'Quartz', 'Harbor', 'Lumen', 'Cobalt', 'Juniper', 'Vertex', 'Saffron', 'Orbit', 'Maple'];
export const COMPANY_SUFFIX = ['Labs', 'Goods', 'Studio', 'Outfitters', 'Digital', 'Co', 'Games', 'Foods'];
export const INDUSTRIES = ['291905', '290102', '290401', '291302', '290701'];
export const LANGUAGES = ['en', 'ru', 'zh', 'pt', 'ja', 'de', 'fr', 'ko', ''];
export const ADVERTISER_STATUSES = ['STATUS_ENABLE', 'STATUS_ENABLE', 'STATUS_ENABLE', 'STATUS_LIMIT', 'STATUS_ENABLE'];

export interface ObjectiveInfo {
  objective_type: string;
  objective: string;
  optimization_goal: string;
  billing_event: string;
  promotion_type: string;
  /** What the `result` metric counts for this objective. */
  result: 'clicks' | 'conversion' | 'install' | 'reach' | 'views';
}

export const OBJECTIVES: readonly ObjectiveInfo[] = [
  { objective_type: 'TRAFFIC', objective: 'LANDING_PAGE', optimization_goal: 'CLICK', billing_event: 'CPC', promotion_type: 'WEBSITE', result: 'clicks' },
  { objective_type: 'WEB_CONVERSIONS', objective: 'CONVERSION', optimization_goal: 'CONVERT', billing_event: 'OCPM', promotion_type: 'WEBSITE', result: 'conversion' },
  { objective_type: 'APP_PROMOTION', objective: 'APP_INSTALL', optimization_goal: 'INSTALL', billing_event: 'OCPM', promotion_type: 'APP_ANDROID', result: 'install' },
  { objective_type: 'REACH', objective: 'REACH', optimization_goal: 'REACH', billing_event: 'CPM', promotion_type: 'WEBSITE', result: 'reach' },
  { objective_type: 'VIDEO_VIEWS', objective: 'VIDEO_VIEWS', optimization_goal: 'ENGAGED_VIEW', billing_event: 'CPV', promotion_type: 'WEBSITE', result: 'views' },
];

export const CALLS_TO_ACTION = ['LEARN_MORE', 'SHOP_NOW', 'SIGN_UP', 'DOWNLOAD_NOW', 'CONTACT_US', 'READ_MORE'];
export const AD_TEXTS = [
  'Open-source data integration for modern teams',
  'Fresh picks, delivered tomorrow',
  'Your weekend, upgraded — try it free',
  'Build faster. Ship sooner.',
  'Limited drop: 20% off, today only',
  'The app 2M runners swear by',
  'Say "hello" to faster checkout, again',
];
export const AGE_GROUPS = ['AGE_13_17', 'AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54', 'AGE_55_100'];
export const LOCATION_IDS = ['6252001', '2017370', '3469034', '1814991', '2921044', '1861060'];
