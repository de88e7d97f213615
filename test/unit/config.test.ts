import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { parseJsonLossless } from '../../src/json.ts';

const ADV = '7001035076276387841';

describe('config', () => {
  const base = { credentials: { auth_type: 'oauth2.0', app_id: 'a1', secret: 'secret-1', access_token: 'token-1' } };
  it('fills defaults as Airbyte does and picks the host by credentials', () => {
    const config = parseConfig(base);
    expect(config.startDate).toBe('2016-09-01');
    expect(config.attributionWindow).toBe(3);
    expect(config.includeDeleted).toBe(false);
    expect(config.apiBaseUrl).toBe('https://business-api.tiktok.com');
    const sandbox = parseConfig({ credentials: { auth_type: 'sandbox_access_token', advertiser_id: ADV, access_token: 'token-1' } });
    expect(sandbox.apiBaseUrl).toBe('https://sandbox-ads.tiktok.com');
    expect(parseConfig({ ...base, api_base_url: 'http://h:1/open_api/v1.3/' }).apiBaseUrl).toBe('http://h:1');
  });
  it('keeps a 19-digit advertiser id given as a JSON number exact', () => {
    const config = parseConfig(parseJsonLossless(`{"credentials":{"auth_type":"sandbox_access_token","advertiser_id":${ADV},"access_token":"tok-1"}}`));
    expect(config.credentials.kind === 'sandbox' && config.credentials.advertiserId).toBe(ADV);
  });
  it('reads the legacy shapes', () => {
    const config = parseConfig({ access_token: 'tok-legacy', environment: { advertiser_id: ADV } });
    expect(config.credentials).toMatchObject({ kind: 'sandbox', advertiserId: ADV });
  });
});
