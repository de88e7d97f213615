// TikTok answers 40001/40002 both for a refused parameter and for an advertiser or object the token may not
// reach. The first must fail the stream with the parameter named; only the second is a named, counted skip.
// A stub in front of the emulator gives the answers the emulator has no reason to give.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { ConnectorError } from '../../src/errors.ts';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { addDays } from '../../src/streams/dates.ts';
import { classify } from '../../src/tiktok/errors.ts';
import { runCli, records, traces } from '../support/cli.ts';
import { APP_ID, SECRET, TOKEN, configFor } from '../support/credentials.ts';
import { advertiserIds, emulator } from '../support/emulator.ts';
import { scratch } from '../support/files.ts';
import { type Envelope, type Proxy, startProxy } from '../support/proxy.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);
const START = addDays(END, -3);

let api: Emulator;
let ids: string[];
beforeAll(async () => {
  api = await emulator({ advertisers: 3, now: NOW });
  ids = await advertiserIds(api);
});
afterAll(() => api?.close());

const proxies: Proxy[] = [];
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
});
async function stub(rules: Parameters<typeof startProxy>[1]): Promise<Proxy> {
  const proxy = await startProxy(api.url, rules);
  proxies.push(proxy);
  return proxy;
}

const config = (url: string) => configFor(url, { start_date: START, end_date: END, max_retries: 1 });
const advertiserIdsOf = (query: URLSearchParams): string[] => JSON.parse(query.get('advertiser_ids') ?? '[]') as string[];
const noPermission = (id: string): Envelope => ({
  code: 40002,
  message: `Advertiser ID ${id} does not exist or you do not have permission to access it.`,
});

describe('40002: parameter error or no access', () => {
  it('classifies by TikTok message and by the parameters the request sent', () => {
    expect(classify(40002, 'metrics: Invalid metric fields: [\'bogus\']', ['metrics', 'advertiser_id'])).toBe('param');
    expect(classify(40002, 'filtering: Invalid filter field', ['filtering'])).toBe('param');
    expect(classify(40002, 'start_date: Not a valid date.', ['start_date'])).toBe('param');
    expect(classify(40002, 'Conflict occurs between metrics and dimensions', ['metrics'])).toBe('param');
    expect(classify(40002, 'Advertiser ID 7001 does not exist or you do not have permission to access it.', ['advertiser_id'])).toBe('not_accessible');
    expect(classify(40001, 'advertiser does not grant you /file/video/ad/search/:GET permission', ['advertiser_id'])).toBe('not_accessible');
    expect(classify(40001, 'Adv has no permission to operate on the Pixel 123', ['pixel_ids'])).toBe('not_accessible');
    expect(classify(40002, 'advertiser_id: no permission to access this advertiser', ['advertiser_id'])).toBe('not_accessible');
    // A permission word inside a parameter error about a parameter we built is still a parameter error.
    expect(classify(40002, 'filtering: campaign_ids you have no permission for', ['filtering'])).toBe('param');
  });

  it('a refused metric fails the stream with the parameter named: never an empty "successful" sync', async () => {
    const proxy = await stub({
      answer: (r) => (r.path === 'report/integrated/get/' ? { code: 40002, message: "metrics: Invalid metric fields: ['spend']" } : undefined),
    });
    const files = scratch();
    const result = await runCli(['read', '--config', files.json('config.json', config(proxy.url)), '--catalog', files.json('catalog.json', {
      streams: [{
        stream: { name: 'ads_reports_daily', json_schema: {}, supported_sync_modes: ['incremental'] },
        sync_mode: 'incremental',
        destination_sync_mode: 'append_dedup',
      }],
    })]);
    expect(result.code).not.toBe(0);
    expect(records(result.messages)).toHaveLength(0);
    const error = traces(result.messages).find((t) => t.type === 'ERROR');
    expect(error?.error?.failure_type).toBe('system_error');
    expect(error?.error?.message).toContain('"metrics"');
    expect(error?.error?.message).toContain('Invalid metric');
    const statuses = streamStatuses(result.messages);
    expect(statuses).toContain('INCOMPLETE');
    expect(statuses).not.toContain('COMPLETE');
  });

  it('"no permission" on one advertiser skips it by name and reads the others', async () => {
    const refused = ids[1]!;
    const proxy = await stub({
      answer: (r) => (r.path === 'report/integrated/get/' && r.query.get('advertiser_id') === refused ? noPermission(refused) : undefined),
    });
    const { messages } = await readInProcess(config(proxy.url), ['advertisers_reports_daily']);
    const rows = recordsOf(messages, 'advertisers_reports_daily');
    expect(new Set(rows.map((r) => String(r['advertiser_id'])))).toEqual(new Set(ids.filter((id) => id !== refused)));
    const logs = messages.flatMap((m) => (m.type === 'LOG' ? [m.log.message] : []));
    expect(logs.some((l) => l.includes(`Advertiser ${refused} is not accessible`))).toBe(true);
    expect(logs.at(-1)).toMatch(new RegExp(`skipped 1 \\[advertiser ${refused} `));
    const statuses = streamStatuses(messages);
    expect(statuses.at(-1)).toBe('COMPLETE');
  });
});

describe('advertiser/info/ batches', () => {
  it('one refused id in a batch skips that advertiser only (the batch is split around it)', async () => {
    const refused = ids[2]!;
    const proxy = await stub({
      answer: (r) => (r.path === 'advertiser/info/' && advertiserIdsOf(r.query).includes(refused) ? noPermission(refused) : undefined),
    });
    const { messages } = await readInProcess(config(proxy.url), ['advertisers', 'advertisers_reports_daily']);
    expect(recordsOf(messages, 'advertisers').map((r) => String(r['advertiser_id'])).sort()).toEqual(ids.filter((id) => id !== refused).sort());
    expect(new Set(recordsOf(messages, 'advertisers_reports_daily').map((r) => String(r['advertiser_id'])))).toEqual(
      new Set(ids.filter((id) => id !== refused)),
    );
    const logs = messages.flatMap((m) => (m.type === 'LOG' ? [m.log.message] : []));
    expect(logs.filter((l) => l.includes(`Advertiser ${refused} is not accessible`))).toHaveLength(1);
    // 3 ids: [a,b,c] refused → [a,b] ok + [c] refused: three calls, not one per advertiser plus retries.
    expect(proxy.seen.filter((r) => r.path === 'advertiser/info/')).toHaveLength(3);
  });

  it('every id refused is a config error naming the advertiser', async () => {
    const proxy = await stub({ answer: (r) => (r.path === 'advertiser/info/' ? noPermission(advertiserIdsOf(r.query)[0]!) : undefined) });
    const error = await readInProcess(configFor(proxy.url, { start_date: START, ...singleAdvertiser(ids[0]!) }), ['advertisers']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ failureType: 'config_error' });
    expect((error as Error).message).toContain(ids[0]);
  });

  it('an advertiser granted but not described by advertiser/info/ is skipped with a warning', async () => {
    const missing = ids[0]!;
    const proxy = await stub({
      rewrite: (r, envelope) => {
        if (r.path !== 'advertiser/info/') return envelope;
        const data = envelope.data as { list: { advertiser_id: string }[] };
        return { ...envelope, data: { ...data, list: data.list.filter((a) => String(a.advertiser_id) !== missing) } };
      },
    });
    const { messages } = await readInProcess(config(proxy.url), ['advertisers_reports_daily']);
    expect(recordsOf(messages, 'advertisers_reports_daily').some((r) => String(r['advertiser_id']) === missing)).toBe(false);
    expect(recordsOf(messages, 'advertisers_reports_daily').length).toBeGreaterThan(0);
    const logs = messages.flatMap((m) => (m.type === 'LOG' ? [m.log.message] : []));
    expect(logs.some((l) => l.includes(`Advertiser ${missing} is granted but advertiser/info/ does not describe it`))).toBe(true);
  });

  it('an advertiser without a time zone is read in UTC with a WARN naming it', async () => {
    const zoneless = ids[1]!;
    const proxy = await stub({
      rewrite: (r, envelope) => {
        if (r.path !== 'advertiser/info/') return envelope;
        const data = envelope.data as { list: Record<string, unknown>[] };
        const list = data.list.map((a) => (String(a['advertiser_id']) === zoneless ? { ...a, timezone: null, display_timezone: '' } : a));
        return { ...envelope, data: { ...data, list } };
      },
    });
    const { messages } = await readInProcess(config(proxy.url), ['advertisers']);
    const warnings = messages.flatMap((m) => (m.type === 'LOG' && m.log.level === 'WARN' ? [m.log.message] : []));
    expect(warnings.filter((w) => w.includes('no time zone'))).toEqual([expect.stringContaining(zoneless)]);
  });
});

function streamStatuses(messages: AirbyteMessage[]): string[] {
  return messages.flatMap((m) => (m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' ? [m.trace.stream_status.status] : []));
}

function singleAdvertiser(id: string): Record<string, unknown> {
  return { credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: SECRET, access_token: TOKEN, advertiser_id: id } };
}
