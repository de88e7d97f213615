// Custom audiences (dmp/custom_audience/list/): customer files, lookalikes and engagement audiences.

import { formatUtcSeconds } from '../calendar.ts';
import { hash32, pick } from '../hash.ts';
import type { Advertiser } from '../model.ts';
import type { World } from '../world.ts';
import { id16, KIND, secondIn } from './ids.ts';
import { anchorSeconds, memo } from './store.ts';

const TYPES = [
  ['Customer File Audience', 'Customers'],
  ['Lookalike Audience', 'Lookalike'],
  ['Engagement Audience', 'Engaged viewers'],
  ['Website Traffic Audience', 'Site visitors'],
  ['App Activity Audience', 'App users'],
] as const;
const FILE_TYPES = ['EMAIL_SHA256', 'PHONE_SHA256', 'IDFA_MD5', 'GAID_SHA256', 'MULTIPLE_TYPES'];
const DAY = 86_400;

export interface Audience {
  id: string;
  record: Record<string, unknown>;
}

/** The advertiser's audiences, newest first. Audiences expire 365 days after their last use. */
export function audiencesOf(world: World, advertiser: Advertiser): readonly Audience[] {
  return memo(world, advertiser, 'audiences', () => {
    const anchor = anchorSeconds(world);
    const count = 5 + (hash32(advertiser.key, 0xa0d) % 21);
    const list: { seconds: number; audience: Audience }[] = [];
    for (let i = 0; i < count; i++) {
      const key = hash32(advertiser.key, 0xa0e, i);
      const [type, label] = pick(TYPES, hash32(key, 1));
      const created = secondIn(advertiser, anchor, hash32(key, 2));
      const expires = created + 365 * DAY;
      const id = id16(advertiser, KIND.audience, i);
      const fileBased = type === 'Customer File Audience';
      list.push({
        seconds: created,
        audience: {
          id,
          record: {
            audience_id: id,
            name: `${label} ${String(i + 1).padStart(3, '0')}`,
            audience_type: type,
            shared: hash32(key, 3) % 5 === 0,
            is_creator: hash32(key, 4) % 7 !== 0,
            // An audience still being computed is not valid yet; expired ones never are.
            is_valid: expires > anchor && hash32(key, 5) % 9 !== 0,
            is_expiring: expires > anchor && expires - anchor < 30 * DAY,
            calculate_type: fileBased ? pick(FILE_TYPES, hash32(key, 6)) : null,
            cover_num: 1_000 + (hash32(key, 7) % 5_000_000),
            create_time: formatUtcSeconds(created),
            expired_time: formatUtcSeconds(expires),
          },
        },
      });
    }
    return list.sort((a, b) => b.seconds - a.seconds || (a.audience.id < b.audience.id ? -1 : 1)).map((x) => x.audience);
  });
}
