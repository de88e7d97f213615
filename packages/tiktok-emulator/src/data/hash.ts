// Deterministic numbers from the seed. Everything the emulator serves is a pure function of (seed, keys),
// so two emulators with the same seed answer byte for byte the same, and nothing uses Math.random.

/** Mixes 32-bit integer parts into one well-spread unsigned 32-bit hash (murmur3 finaliser per step). */
export function hash32(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Parts may exceed 32 bits (day numbers times factors, seeds): fold the high half in as well.
    const lo = part >>> 0;
    const hi = Math.floor(part / 4294967296) >>> 0;
    h = fmix(h ^ lo);
    h = fmix((h + hi + 0x85ebca6b) >>> 0);
  }
  return h;
}

function fmix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A hash as a number in [0, 1). */
export function unit(h: number): number {
  return (h >>> 0) / 4294967296;
}

/** FNV-1a over a string's UTF-16 units: for fingerprints of requests and other text keys. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h >>> 0);
}

/** mulberry32: a tiny seeded generator for drawing several numbers from one key. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks one element of a non-empty list by a hash. */
export function pick<T>(list: readonly T[], h: number): T {
  const value = list[(h >>> 0) % list.length];
  if (value === undefined) throw new Error('pick from an empty list');
  return value;
}
