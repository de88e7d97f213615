// Music for ads (file/music/get/): TikTok's system library, the same for every advertiser and without a
// `modify_time` (why Airbyte reads this stream as full refresh), plus each advertiser's own uploads.

import { hash32, pick } from '../hash.ts';
import type { Advertiser } from '../model.ts';
import type { World } from '../world.ts';
import { formatUtcSeconds } from '../calendar.ts';
import { id19, KIND, md5Like, secondAfter, secondIn, systemId19, token } from './ids.ts';
import { anchorSeconds, memo } from './store.ts';

const SYSTEM_TRACKS = 48;
const STYLES = ['Pop', 'Electronic', 'Hip Hop', 'Rock', 'Jazz', 'Classical', 'Ambient', 'Latin', 'Country', 'R&B'];
const WORDS = ['Sunrise', 'Neon', 'Velvet', 'Echo', 'Drift', 'Pulse', 'Summer', 'Glow', 'Rush', 'Bloom', 'Orbit', 'Tide'];
const AUTHORS = ['Studio Lumen', 'The Parallels', 'Mira Kane', 'DJ Koa', 'North Avenue', 'Lyra Beats', 'Otto Field'];

export type Music = Record<string, unknown>;

function track(key: number, musicId: string, materialId: string, createSeconds: number, system: boolean, label: string): Music {
  const name = `${pick(WORDS, hash32(key, 1))} ${pick(WORDS, hash32(key, 2))}`;
  const signature = md5Like(key, 3);
  const record: Music = {
    music_id: musicId,
    material_id: materialId,
    sources: [system ? 'SYSTEM' : 'CUSTOMIZE'],
    author: system ? pick(AUTHORS, hash32(key, 4)) : label,
    liked: hash32(key, 5) % 4 === 0,
    cover_url: `https://p16-sg.tiktokcdn.com/obj/ad-site-i18n-sg/${signature}~c5_200x200.jpeg`,
    url: `https://sf16-sg.tiktokcdn.com/obj/ies-music-sg/${token('alnum', 20, key, 6)}.mp3`,
    duration: (10_000 + (hash32(key, 7) % 170_000)) / 1000,
    style: pick(STYLES, hash32(key, 8)),
    signature,
    name,
    file_name: `${name.toLowerCase().replace(' ', '_')}.mp3`,
    copyright: system ? 'COMMERCIAL_USE_ALLOWED' : 'OWNED',
    create_time: formatUtcSeconds(createSeconds),
  };
  return record;
}

/** The system library followed by the advertiser's uploads (newest first), as file/music/get/ lists them. */
export function musicOf(world: World, advertiser: Advertiser): readonly Music[] {
  return memo(world, advertiser, 'music', () => {
    const { seed } = world.options;
    const anchor = anchorSeconds(world);
    const system: Music[] = [];
    // System tracks are older than any account: spread over the year 2020.
    for (let i = 0; i < SYSTEM_TRACKS; i++) {
      const key = hash32(seed, 0x5e5, i);
      system.push(track(key, systemId19(seed, KIND.music, i), systemId19(seed, KIND.musicMaterial, i), 1_577_836_800 + (key % 31_536_000), true, ''));
    }
    const own: { seconds: number; record: Music }[] = [];
    const count = 5 + (hash32(advertiser.key, 0x5e6) % 11);
    for (let i = 0; i < count; i++) {
      const key = hash32(advertiser.key, 0x5e7, i);
      const created = secondIn(advertiser, anchor, hash32(key, 9));
      const modified = secondAfter(created, anchor, hash32(key, 10));
      const record = track(key, id19(advertiser, KIND.music, i), id19(advertiser, KIND.musicMaterial, i), created, false, advertiser.company);
      record.modify_time = formatUtcSeconds(modified);
      own.push({ seconds: created, record });
    }
    own.sort((a, b) => b.seconds - a.seconds);
    return [...system, ...own.map((o) => o.record)];
  });
}
