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

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local day and hour in `timeZone` at `instant`. */
export function localClock(instant: Date, timeZone: string): LocalClock {
  let year = 0, month = 0, day = 0, hour = 0;
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
    else if (part.type === 'hour') hour = Number(part.value);
  }
  return { day: Date.UTC(year, month - 1, day) / DAY_MS, hour: hour % 24 };
}
