import { describe, expect, it } from 'vitest';
import { isMissingScope } from '../../../src/streams/smart-plus-scope.ts';
import { TikTokApiError } from '../../../src/tiktok/errors.ts';

// TikTok's permission code 40001 means two things on a Smart+ creative report: the app lacks the report's scope
// (every advertiser alike: skip the streams), or this token may not operate one advertiser (TikTok's "No
// permission to operate advertiser <id>": skip that advertiser only, as on every other endpoint).

const refusal = (path: string, message: string, code = 40001) => new TikTokApiError({ code, message, path });

describe('a missing "Upgraded Smart+ Report" scope', () => {
  it('is a 40001 on a creative report that names no advertiser', () => {
    expect(isMissingScope(refusal('smart_plus/material_report/overview/', 'No permission to access this API: the app has not been granted the "Upgraded Smart+ Report" scope.'))).toBe(true);
    expect(isMissingScope(refusal('smart_plus/material_report/breakdown/', 'Permission denied.'))).toBe(true);
  });

  it('is not an advertiser the token may not operate, another endpoint, or another code', () => {
    expect(isMissingScope(refusal('smart_plus/material_report/overview/', 'No permission to operate advertiser 7001035076276387841.'))).toBe(false);
    expect(isMissingScope(refusal('campaign/get/', 'Permission denied.'))).toBe(false);
    expect(isMissingScope(refusal('smart_plus/material_report/overview/', 'page_size: Must be between 1 and 100.', 40002))).toBe(false);
    expect(isMissingScope(new Error('No permission'))).toBe(false);
  });
});
