// Calendar arithmetic on "YYYY-MM-DD" strings. Report days are the advertiser's own calendar days, so
// "today" is asked of its time zone, never of UTC.

const DAY_MS = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const standardOffsets = new Map<string, number>();

/** The zone's UTC offset in minutes at an instant (DST included), from Intl's "GMT+05:45" form. */
function offsetMinutesAt(timeZone: string, at: Date): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/**
 * The zone's standard offset in the year of `at`: the smaller of its January and July offsets (daylight saving
 * moves clocks forward, in either hemisphere).
 */
export function standardOffsetMinutes(timeZone: string, at: Date): number {
  const year = at.getUTCFullYear();
  const key = `${timeZone}|${year}`;
  let offset = standardOffsets.get(key);
  if (offset === undefined) {
    offset = Math.min(offsetMinutesAt(timeZone, new Date(Date.UTC(year, 0, 1))), offsetMinutesAt(timeZone, new Date(Date.UTC(year, 6, 1))));
    standardOffsets.set(key, offset);
  }
  return offset;
}

/**
 * The calendar date of an ad account in `timeZone` at `now`. TikTok's account clocks do not observe daylight
 * saving ("an ad account created in California will use UTC-8 for the entire year", TikTok's help centre), so
 * the day follows the zone's standard offset all year: at 07:30 UTC on 1 July a Los Angeles account is still on
 * 30 June.
 */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Date(now.getTime() + standardOffsetMinutes(timeZone, now) * 60_000).toISOString().slice(0, 10);
}

/** An epoch-seconds instant as a date in `timeZone`. */
export function dateOfEpoch(seconds: number, timeZone: string): string {
  return todayIn(timeZone, new Date(seconds * 1000));
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const maxDate = (a: string, b: string): string => (a > b ? a : b);
export const minDate = (a: string, b: string): string => (a < b ? a : b);
