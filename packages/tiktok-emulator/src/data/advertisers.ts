import { localClock } from './calendar.ts';
import { ADVERTISER_STATUSES, COMPANY_SUFFIX, COMPANY_WORDS, CURRENCIES, INDUSTRIES, LANGUAGES, ZONES } from './catalog.ts';
import { hash32, pick, unit } from './hash.ts';
import type { Advertiser } from './model.ts';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * The advertisers the token can access. `anchor` is the instant the timeline is laid out against (the
 * emulator's clock at start), so stats_start_date stays fixed while "today" moves.
 */
export function generateAdvertisers(seed: number, count: number, historyDays: number, anchor: Date): Advertiser[] {
  const advertisers: Advertiser[] = [];
  for (let index = 0; index < count; index++) {
    const key = hash32(seed, 0xad, index);
    const zone = ZONES[index % ZONES.length] ?? ZONES[0]!;
    const currency = CURRENCIES[zone.currency] ?? CURRENCIES.USD!;
    // "70…" keeps every id above 2^53; the index suffix keeps them unique.
    const id = `70${pad(hash32(key, 1) % 100_000_000, 8)}${pad(hash32(key, 2) % 100_000, 5)}${pad(index, 4)}`;
    const company = `${pick(COMPANY_WORDS, hash32(key, 3))} ${pick(COMPANY_SUFFIX, hash32(key, 4))}`;
    const today = localClock(anchor, zone.timezone).day;
    const statsStartDay = today - historyDays + 1 + (index % 3 === 2 ? Math.min(5, historyDays - 1) : 0);
    advertisers.push({
      index,
      id,
      name: `${company.replace(' ', '')}${pad(index, 2)}`,
      company,
      zone,
      currency,
      statsStartDay,
      createTimeSeconds: (statsStartDay - 3 - (hash32(key, 5) % 30)) * 86_400 + (hash32(key, 6) % 86_400),
      key,
      scale: 0.5 + 2.5 * unit(hash32(key, 7)),
      status: index < 2 ? 'STATUS_ENABLE' : pick(ADVERTISER_STATUSES, hash32(key, 8)),
      balance: Math.round(unit(hash32(key, 9)) * 500_000) / 100,
      industry: pick(INDUSTRIES, hash32(key, 10)),
      language: pick(LANGUAGES, hash32(key, 11)),
    });
  }
  return advertisers;
}
