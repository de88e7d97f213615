// Calendar days as integers (days since 1970-01-01) and the advertiser's local clock. Report dates are the
// advertiser's own calendar, so every "today" is computed in its IANA time zone.

const DAY_MS = 86_400_000;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "YYYY-MM-DD" → day number, or undefined when the text is not a real calendar date. */
export function parseDay(text: string): number | undefined {
  const match = YMD.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

const dayTexts = new Map<number, string>();

/** Day number → "YYYY-MM-DD" (memoised: report rows print the same few hundred days again and again). */
export function formatDay(day: number): string {
  let text = dayTexts.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayTexts.size < 100_000) dayTexts.set(day, text);
  }
  return text;
}

const HOURS = Array.from({ length: 24 }, (_, h) => ` ${h < 10 ? '0' : ''}${h}:00:00`);

/** Day number (+ hour) → TikTok's stat_time format "YYYY-MM-DD HH:00:00". */
export function formatStatTime(day: number, hour = 0): string {
  return formatDay(day) + HOURS[hour]!;
}

/** Epoch seconds → "YYYY-MM-DD HH:MM:SS" (UTC), the entity create_time/modify_time format. */
export function formatUtcSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export interface LocalClock {
  /** The local calendar day number. */
  day: number;
  /** The local hour 0..23. */
  hour: number;
}

// TikTok's ad accounts keep one UTC offset all year: "TikTok Ads Manager does not support … daylight savings
// time", and "an ad account created in California will use UTC-8 time zone for the entire year" (TikTok
// Ads help: "Time zone" and "About Daylight Saving Time and Scheduling LIVE Shopping Ads"). So an
// advertiser's report calendar is its zone's *standard* offset, never shifted: every day has 24 hours and
// 2025-03-09 02:00:00 in Los Angeles is an ordinary hour (10:00 UTC).

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const standardOffsets = new Map<string, number>();

/** The zone's UTC offset in minutes at `instant` (DST included, as the IANA database says). */
function offsetAt(instant: Date, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23',
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const f: Record<string, number> = {};
  for (const part of formatter.formatToParts(instant)) if (part.type !== 'literal') f[part.type] = Number(part.value);
  const wall = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour! % 24, f.minute!);
  return Math.round((wall - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The zone's standard (non-DST) offset in minutes for the year of `instant`: the smaller of its January
 * and July offsets, since daylight saving always moves clocks forward (both hemispheres).
 */
export function standardOffsetMinutes(instant: Date, timeZone: string): number {
  const year = instant.getUTCFullYear();
  const key = `${timeZone}|${year}`;
  let offset = standardOffsets.get(key);
  if (offset === undefined) {
    offset = Math.min(offsetAt(new Date(Date.UTC(year, 0, 1)), timeZone), offsetAt(new Date(Date.UTC(year, 6, 1)), timeZone));
    standardOffsets.set(key, offset);
  }
  return offset;
}

/** The advertiser's report day and hour at `instant`: the zone's standard offset, all year (see above). */
export function localClock(instant: Date, timeZone: string): LocalClock {
  const local = instant.getTime() + standardOffsetMinutes(instant, timeZone) * 60_000;
  const day = Math.floor(local / DAY_MS);
  return { day, hour: Math.floor((local - day * DAY_MS) / 3_600_000) };
}
