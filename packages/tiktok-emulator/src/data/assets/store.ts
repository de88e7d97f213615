// Generated asset lists are built once per world and advertiser, on first use, and kept: a library of
// 10,000+ images is paged through many times in one test.

import type { Advertiser } from '../model.ts';
import type { World } from '../world.ts';

const cache = new WeakMap<World, Map<string, unknown>>();

/** The list `build` makes for (world, advertiser, kind), built at most once. */
export function memo<T>(world: World, advertiser: Advertiser, kind: string, build: () => T): T {
  let byKey = cache.get(world);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(world, byKey);
  }
  const key = `${kind}|${advertiser.index}`;
  if (byKey.has(key)) return byKey.get(key) as T;
  const value = build();
  byKey.set(key, value);
  return value;
}

/** The emulator's start instant in epoch seconds: every generated create/modify time precedes it. */
export const anchorSeconds = (world: World) => Math.floor(world.anchor.getTime() / 1000);
