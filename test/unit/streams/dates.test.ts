import { describe, expect, it } from 'vitest';
import { standardOffsetMinutes, todayIn } from '../../../src/streams/dates.ts';

// TikTok's ad-account clocks keep the zone's standard offset all year (no daylight saving).
describe('advertiser calendar', () => {
  it('follows the standard offset in summer and in winter, in both hemispheres', () => {
    // 07:30 UTC on 1 July: Los Angeles wall clocks say 00:30 on 1 July (PDT), the account (UTC−8) says 30 June.
    expect(todayIn('America/Los_Angeles', new Date('2025-07-01T07:30:00Z'))).toBe('2025-06-30');
    expect(todayIn('America/Los_Angeles', new Date('2025-07-01T08:30:00Z'))).toBe('2025-07-01');
    expect(todayIn('America/Los_Angeles', new Date('2025-01-15T07:30:00Z'))).toBe('2025-01-14');
    // Sydney: standard +10:00, daylight +11:00 in January.
    expect(todayIn('Australia/Sydney', new Date('2025-01-15T13:30:00Z'))).toBe('2025-01-15');
    expect(todayIn('Australia/Sydney', new Date('2025-01-15T14:30:00Z'))).toBe('2025-01-16');
    expect(standardOffsetMinutes('Australia/Sydney', new Date('2025-01-15T00:00:00Z'))).toBe(600);
  });

  it('handles the clock extremes and quarter-hour zones', () => {
    expect(standardOffsetMinutes('Pacific/Kiritimati', new Date('2025-03-01T00:00:00Z'))).toBe(14 * 60);
    expect(standardOffsetMinutes('Etc/GMT+12', new Date('2025-03-01T00:00:00Z'))).toBe(-12 * 60);
    expect(standardOffsetMinutes('Asia/Kathmandu', new Date('2025-03-01T00:00:00Z'))).toBe(345);
    expect(todayIn('Pacific/Kiritimati', new Date('2025-03-01T10:00:00Z'))).toBe('2025-03-02');
    expect(todayIn('Etc/GMT+12', new Date('2025-03-01T11:59:00Z'))).toBe('2025-02-28');
    expect(todayIn('UTC', new Date('2025-03-01T23:59:00Z'))).toBe('2025-03-01');
  });
});

describe('dates', () => {
  it('computes today in the advertiser time zone', () => {
    const now = new Date('2026-11-25T20:00:00Z');
    expect(todayIn('Pacific/Kiritimati', now)).toBe('2026-11-26');
    expect(todayIn('Etc/GMT+12', now)).toBe('2026-11-25');
    expect(todayIn('Etc/GMT+12', new Date('2026-11-25T11:00:00Z'))).toBe('2026-11-24');
  });
});
