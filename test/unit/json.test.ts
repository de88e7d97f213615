import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from '../../src/json.ts';

const ADV = '7001035076276387841';

describe('ids stay exact', () => {
  it('parses 19-digit integers as digits and writes them back verbatim', () => {
    const parsed = parseJsonLossless(`{"advertiser_id": ${ADV}, "n": 5}`) as Record<string, unknown>;
    expect(parsed['advertiser_id']).toBe(ADV);
    expect(parsed['n']).toBe(5);
    expect(JSON.stringify({ id: JSON.rawJSON(ADV) })).toBe(`{"id":${ADV}}`);
  });
});
