// TikTok's official JS SDK pointed at the emulator, and the `tiktok-emulator` command (bin/tiktok-emulator.ts).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmulatorArgs } from '../src/command.ts';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';
import { BIN } from './support/emulator.ts';

const BASE: EmulatorOptions = {
  port: 0, seed: 51, advertisers: 3, accessToken: 'tok-51', appId: 'app-51', secret: 'sec-51', now: new Date('2025-03-10T12:34:00Z'),
};

type Callback = (error: unknown, data: unknown) => void;
interface SdkClient { basePath: string }
interface Sdk {
  ApiClient: new () => SdkClient;
  AuthenticationApi: new (client: SdkClient) => { oauth2AdvertiserGet(appId: string, secret: string, token: string, callback: Callback): void };
  CampaignCreationApi: new (client: SdkClient) => { campaignGet(advertiserId: string, token: string, opts: Record<string, unknown>, callback: Callback): void };
  ReportingApi: new (client: SdkClient) => { reportIntegratedGet(reportType: string, token: string, opts: Record<string, unknown>, callback: Callback): void };
}

// The SDK ships no type declarations: load it through a non-literal specifier and describe what is used.
const SDK_MODULE = 'tiktok-business-api-sdk-official';
const promisify = (run: (callback: Callback) => void) =>
  new Promise<{ data: Record<string, unknown> }>((resolveCall, reject) => run((error, data) => (error ? reject(error) : resolveCall(data as { data: Record<string, unknown> }))));

let emu: Emulator;
beforeAll(async () => { emu = await startEmulator(BASE); });
afterAll(() => emu.close());

describe("TikTok's official JS SDK against the emulator", () => {
  it('lists advertisers, their campaigns and a report', async () => {
    const sdk = (await import(SDK_MODULE)) as Sdk;
    const client = new sdk.ApiClient();
    client.basePath = emu.url;
    const advertisers = await promisify((cb) => new sdk.AuthenticationApi(client).oauth2AdvertiserGet(BASE.appId, BASE.secret, BASE.accessToken, cb));
    const list = advertisers.data.list as { advertiser_id: string; advertiser_name: string }[];
    expect(list).toHaveLength(3);
    expect(list.every((a) => /^\d{19}$/.test(a.advertiser_id))).toBe(true);

    for (const advertiser of list) {
      const campaigns = await promisify((cb) => new sdk.CampaignCreationApi(client).campaignGet(advertiser.advertiser_id, BASE.accessToken, { page: 1, page_size: 100, filtering: { secondary_status: 'CAMPAIGN_STATUS_ALL' } }, cb));
      const rows = campaigns.data.list as { advertiser_id: string; campaign_id: string }[];
      expect(rows).toHaveLength(4);
      expect(rows.every((c) => c.advertiser_id === advertiser.advertiser_id && /^\d{16}$/.test(c.campaign_id))).toBe(true);
      expect(campaigns.data.page_info).toEqual({ page: 1, page_size: 100, total_number: 4, total_page: 1 });
    }

    const report = await promisify((cb) => new sdk.ReportingApi(client).reportIntegratedGet('BASIC', BASE.accessToken, {
      advertiser_id: list[0]!.advertiser_id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['spend', 'impressions'],
      start_date: '2025-03-01', end_date: '2025-03-07', page_size: 100,
    }, cb));
    expect((report.data.list as unknown[]).length).toBe(7);
  });

  it('surfaces TikTok error codes through the SDK', async () => {
    const sdk = (await import(SDK_MODULE)) as Sdk;
    const client = new sdk.ApiClient();
    client.basePath = emu.url;
    await expect(promisify((cb) => new sdk.AuthenticationApi(client).oauth2AdvertiserGet(BASE.appId, BASE.secret, 'bad-token', cb))).rejects.toThrow(/code: 40105/);
  });
});

describe('tiktok-emulator command', () => {
  it('parses flags with defaults and refuses unknown ones', () => {
    expect(parseEmulatorArgs(['--port', '0', '--seed=9', '--qps', '2.5', '--now', '2025-01-01T00:00:00Z'])).toMatchObject({ port: 0, seed: 9, qps: 2.5, accessToken: 'emulator-token', now: new Date('2025-01-01T00:00:00Z') });
    expect(() => parseEmulatorArgs(['--nope'])).toThrow(/unknown flag/);
    expect(() => parseEmulatorArgs(['--seed', 'x'])).toThrow(/integer/);
  });

  it('the bin prints the base URL first, serves, and stops on SIGTERM; bad flags print the usage and exit 2', async () => {
    // The bin as `npx tiktok-emulator` runs it, on this Node (24, through npm scripts: it strips the types).
    const child = spawn(process.execPath, [BIN, '--port', '0', '--seed', '5', '--advertisers', '2', '--access-token', 'cmd-token'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolveUrl(out.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await (await fetch(`${url}/open_api/v1.3/oauth2/advertiser/get/?app_id=emulator-app&secret=emulator-secret`, { headers: { 'Access-Token': 'cmd-token' } })).json() as { code: number; data: { list: unknown[] } };
    expect(answer.code).toBe(0);
    expect(answer.data.list).toHaveLength(2);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit') as [number | null];
    expect(code).toBe(0);

    const bad = spawn(process.execPath, [BIN, '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    bad.stderr.setEncoding('utf8');
    bad.stderr.on('data', (chunk: string) => { err += chunk; });
    const [badCode] = await once(bad, 'exit') as [number | null];
    expect(badCode).toBe(2);
    expect(err).toContain('--port expects an integer');
    expect(err).toContain('usage: tiktok-emulator [--port N]');
  }, 30_000);
});
