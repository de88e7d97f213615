// Ids, digests and times for the generated Asset Library, pixels and Spark Ads posts. All of it derives
// from the advertiser's key and an index, so two emulators with one seed serve the same bytes.

import { hash32 } from '../hash.ts';
import type { Advertiser } from '../model.ts';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** What an id names; part of every id so two kinds never share one. */
export const KIND = {
  audience: 11,
  imageMaterial: 12,
  videoMaterial: 13,
  music: 14,
  musicMaterial: 15,
  portfolio: 16,
  pixel: 17,
  sparkItem: 18,
  identity: 19,
  bc: 20,
  anchor: 21,
  gmvStore: 22,
  gmvCampaign: 23,
  gmvItemGroup: 24,
  gmvItem: 25,
  gmvRoom: 26,
} as const;

export type IdKind = (typeof KIND)[keyof typeof KIND];

/**
 * A 19-digit id as TikTok's material, pixel and post ids look: "7", the kind, the advertiser index, a
 * salt and the running index (unique while an advertiser holds fewer than 1,000,000 of a kind).
 */
export function id19(advertiser: Advertiser, kind: IdKind, index: number): string {
  return `7${pad(kind, 2)}${pad(advertiser.index, 4)}${pad(hash32(advertiser.key, 0xa5, kind) % 1_000_000, 6)}${pad(index, 6)}`;
}

/** A 16-digit id (custom audiences): "1", the kind's last digit, advertiser index, salt, running index. */
export function id16(advertiser: Advertiser, kind: IdKind, index: number): string {
  return `1${kind % 10}${pad(advertiser.index, 4)}${pad(hash32(advertiser.key, 0xa6, kind) % 10_000, 4)}${pad(index, 6)}`;
}

/** 32 lowercase hex digits: the MD5 `signature` TikTok gives every file. */
export function md5Like(...parts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < 4; i++) out += hash32(...parts, 0x3d5, i).toString(16).padStart(8, '0');
  return out;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `length` characters of `alphabet` drawn from the hash parts. */
export function token(alphabet: 'alnum' | 'upper' | 'b64', length: number, ...parts: readonly number[]): string {
  const chars = alphabet === 'alnum' ? ALNUM : alphabet === 'upper' ? UPPER : B64;
  let out = '';
  for (let i = 0; i < length; i++) out += chars[hash32(...parts, 0x70c, i) % chars.length];
  return out;
}

/** Epoch seconds → "2020-06-10T07:39:14Z", the image and video search time format. */
export function isoSeconds(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

/**
 * A second between the advertiser's creation and the emulator's start (minus a minute), spread by `h`:
 * no asset was made or edited after the emulator started.
 */
export function secondIn(advertiser: Advertiser, anchorSeconds: number, h: number): number {
  const from = advertiser.createTimeSeconds;
  const to = Math.max(from, anchorSeconds - 60);
  return from + (h % (to - from + 1));
}

/** A 19-digit id shared by every advertiser (TikTok's system music): the advertiser slot is 9999, which no
 * generated advertiser has (at most 9,999 of them, indexed from 0). */
export function systemId19(seed: number, kind: IdKind, index: number): string {
  return `7${pad(kind, 2)}9999${pad(hash32(seed, 0xa7, kind) % 1_000_000, 6)}${pad(index, 6)}`;
}

/** A second from `from` up to the emulator's start (minus a minute), spread by `h`: a later edit. */
export function secondAfter(from: number, anchorSeconds: number, h: number): number {
  return from + (h % (Math.max(0, anchorSeconds - 60 - from) + 1));
}
