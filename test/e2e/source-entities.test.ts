import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { plainValue } from '../../src/json.ts';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../../src/protocol/types.ts';
import { defaultConfiguredCatalog } from '../../src/source.ts';
import { ROOT, records, runCli, states, traces } from '../support/cli.ts';
import { configFor, secretsIn } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { scratch } from '../support/files.ts';
import { freePort } from '../support/ports.ts';

const files = scratch();
let api: Emulator;
let configPath: string;

beforeAll(async () => {
  api = await emulator({ advertisers: 3 });
  configPath = files.json('config.json', configFor(api.url));
});
afterAll(() => api?.close());

const catalogOf = (names: string[], mode?: 'full_refresh'): string => {
  const catalog: ConfiguredAirbyteCatalog = defaultConfiguredCatalog(names);
  if (mode) for (const s of catalog.streams) s.sync_mode = mode;
  return files.json(`catalog-${names.join('-')}-${mode ?? 'default'}.json`, catalog);
};

describe('spec, discover, check', () => {
  it('spec prints exactly spec.json as the connectionSpecification', async () => {
    const { code, messages } = await runCli(['spec']);
    expect(code).toBe(0);
    expect(messages).toHaveLength(1);
    const spec = messages[0];
    if (spec?.type !== 'SPEC') throw new Error('no SPEC');
    expect(spec.spec.connectionSpecification).toEqual(JSON.parse(readFileSync(`${ROOT}/spec.json`, 'utf8')));
  });

  it('discover names, keys and cursors streams as Airbyte does', async () => {
    const { code, messages } = await runCli(['discover', '--config', configPath]);
    expect(code).toBe(0);
    const catalog = messages[0];
    if (catalog?.type !== 'CATALOG') throw new Error('no CATALOG');
    const byName = new Map(catalog.catalog.streams.map((s) => [s.name, s]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['advertisers', 'advertiser_ids', 'campaigns', 'ad_groups', 'ads', 'ads_reports_daily', 'advertisers_reports_hourly', 'campaigns_reports_lifetime']),
    );
    expect(byName.get('campaigns')).toMatchObject({ source_defined_primary_key: [['campaign_id']], default_cursor_field: ['modify_time'], supported_sync_modes: ['full_refresh', 'incremental'] });
    expect(byName.get('ad_groups')?.source_defined_primary_key).toEqual([['adgroup_id']]);
    expect(byName.get('ads')?.source_defined_primary_key).toEqual([['ad_id']]);
    expect(byName.get('advertisers')?.supported_sync_modes).toEqual(['full_refresh']);
    expect(byName.get('ads_reports_daily')).toMatchObject({ source_defined_primary_key: [['ad_id'], ['stat_time_day']], default_cursor_field: ['stat_time_day'] });
  });

  it('check succeeds against the emulator and names the advertisers', async () => {
    const { code, messages } = await runCli(['check', '--config', configPath]);
    expect(code).toBe(0);
    expect(messages[0]).toMatchObject({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } });
  });

  it('check fails with an actionable message for a revoked token, without leaking it', async () => {
    const revoked = files.json('revoked.json', configFor(api.url, { credentials: { auth_type: 'oauth2.0', app_id: '7268034192837465012', secret: 'sec-9d81b7c4e2a64f35b0c1', access_token: 'tok-revoked-1234567' } }));
    const result = await runCli(['check', '--config', revoked]);
    expect(result.messages[0]).toMatchObject({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED' } });
    const status = result.messages[0];
    if (status?.type !== 'CONNECTION_STATUS') throw new Error('no status');
    expect(status.connectionStatus.message).toMatch(/re-authori[sz]e/);
    expect(result.stdout + result.stderr).not.toContain('tok-revoked-1234567');
    expect(secretsIn(result.stdout, result.stderr)).toEqual([]);
  });
});

describe('read: entity streams', () => {
  it('reads every advertiser the token reaches, with exact 19-digit ids and schema-valid records', async () => {
    const result = await runCli(['read', '--config', configPath, '--catalog', catalogOf(['advertisers', 'advertiser_ids', 'campaigns', 'ad_groups', 'ads'], 'full_refresh')]);
    expect(result.code).toBe(0);
    const advertisers = records(result.messages, 'advertisers');
    expect(advertisers).toHaveLength(3);
    for (const a of advertisers) {
      const id = String(a['advertiser_id']);
      expect(id).toMatch(/^\d{19}$/);
      expect(result.stdout).toContain(`"advertiser_id":${id}`);
      expect(BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    }
    const ajv = new Ajv({ strict: false, allErrors: true });
    const catalog = JSON.parse(readFileSync(catalogOf(['advertisers', 'advertiser_ids', 'campaigns', 'ad_groups', 'ads'], 'full_refresh'), 'utf8')) as ConfiguredAirbyteCatalog;
    // Plain JSON.parse for the schema check: ids must arrive as JSON integers (precision aside).
    const plain = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; record?: { stream: string; data: unknown } });
    for (const { stream } of catalog.streams) {
      const rows = plain.filter((m) => m.type === 'RECORD' && m.record?.stream === stream.name).map((m) => m.record?.data);
      expect(rows.length, stream.name).toBeGreaterThan(0);
      const validate = ajv.compile(stream.json_schema);
      for (const row of rows) expect(validate(row), `${stream.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const campaignAdvertisers = new Set(records(result.messages, 'campaigns').map((c) => String(c['advertiser_id'])));
    expect(campaignAdvertisers.size).toBe(3);
    const streamStatuses = traces(result.messages).filter((t) => t.type === 'STREAM_STATUS');
    expect(streamStatuses.filter((t) => t.type === 'STREAM_STATUS' && t.stream_status.status === 'COMPLETE')).toHaveLength(5);
    expect(secretsIn(result.stdout, result.stderr)).toEqual([]);
  });

  it('honours include_deleted and keeps Smart+ ads whose modify_time is null', async () => {
    const catalog = catalogOf(['campaigns', 'ads'], 'full_refresh');
    const live = await runCli(['read', '--config', configPath, '--catalog', catalog]);
    const withDeleted = await runCli(['read', '--config', files.json('deleted.json', configFor(api.url, { include_deleted: true })), '--catalog', catalog]);
    const deleted = (rows: Record<string, unknown>[]) => rows.filter((r) => String(r['secondary_status']).endsWith('_DELETE'));
    expect(deleted(records(live.messages, 'campaigns'))).toHaveLength(0);
    expect(deleted(records(withDeleted.messages, 'campaigns')).length).toBeGreaterThan(0);
    expect(deleted(records(withDeleted.messages, 'ads')).length).toBeGreaterThan(0);
    expect(records(withDeleted.messages, 'ads').length).toBeGreaterThan(records(live.messages, 'ads').length);
    expect(records(live.messages, 'ads').filter((r) => r['modify_time'] === null).length).toBeGreaterThan(0);
  });

  it('is incremental per advertiser: a second read emits nothing older than the first read’s state', async () => {
    const catalog = catalogOf(['campaigns', 'ad_groups', 'ads']);
    const first = await runCli(['read', '--config', configPath, '--catalog', catalog]);
    expect(first.code).toBe(0);
    const finalStates = new Map<string, AirbyteStateMessage>();
    for (const state of states(first.messages)) finalStates.set(state.stream?.stream_descriptor.name ?? '', state);
    expect([...finalStates.keys()].sort()).toEqual(['ad_groups', 'ads', 'campaigns']);
    const cursors = new Map<string, string>();
    for (const [stream, state] of finalStates) {
      const entries = (state.stream?.stream_state?.['states'] ?? []) as { partition: { advertiser_id: unknown }; cursor: { modify_time: string } }[];
      expect(entries).toHaveLength(3);
      for (const e of entries) cursors.set(`${stream}:${String(plainValue(e.partition.advertiser_id))}`, e.cursor.modify_time);
    }
    const stateFile = files.text('state.json', JSON.stringify([...finalStates.values()].map((s) => ({ type: s.type, stream: s.stream }))));
    const second = await runCli(['read', '--config', configPath, '--catalog', catalog, '--state', stateFile]);
    expect(second.code).toBe(0);
    for (const stream of ['campaigns', 'ad_groups', 'ads']) {
      for (const row of records(second.messages, stream)) {
        const cursor = cursors.get(`${stream}:${String(row['advertiser_id'])}`);
        const stamp = (row['modify_time'] ?? row['create_time']) as string;
        expect(cursor).toBeDefined();
        expect(stamp >= (cursor as string), `${stream} ${stamp} < ${cursor}`).toBe(true);
      }
    }
    expect(records(second.messages).length).toBeLessThan(records(first.messages).length);
  });

  it('abnormal_state.json (cursors in the future) gives no records and a successful read', async () => {
    const result = await runCli(['read', '--config', configPath, '--catalog', `${ROOT}/integration_tests/configured_catalog.json`, '--state', `${ROOT}/integration_tests/abnormal_state.json`]);
    expect(result.code).toBe(0);
    const incremental = new Set(
      (JSON.parse(readFileSync(`${ROOT}/integration_tests/configured_catalog.json`, 'utf8')) as ConfiguredAirbyteCatalog).streams
        .filter((s) => s.sync_mode === 'incremental')
        .map((s) => s.stream.name),
    );
    expect(incremental.size).toBeGreaterThan(10);
    const incrementalRecords = result.messages.filter((m) => m.type === 'RECORD' && incremental.has(m.record.stream));
    expect(incrementalRecords).toHaveLength(0);
    // Not the silence of a reader that emits nothing: the same read without the state fills every one of these
    // streams, and the future cursors come back unchanged (never moved backwards).
    const recent = files.json('recent.json', configFor(api.url, { start_date: new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10) }));
    const fresh = await runCli(['read', '--config', recent, '--catalog', `${ROOT}/integration_tests/configured_catalog.json`]);
    expect(fresh.code).toBe(0);
    const filled = new Set(fresh.messages.flatMap((m) => (m.type === 'RECORD' && incremental.has(m.record.stream) ? [m.record.stream] : [])));
    expect([...incremental].filter((name) => !filled.has(name))).toEqual([]);
    const lastState = new Map<string, string>();
    for (const m of result.messages) if (m.type === 'STATE' && m.state.stream) lastState.set(m.state.stream.stream_descriptor.name, JSON.stringify(m.state.stream.stream_state));
    expect(lastState.size).toBeGreaterThan(0);
    for (const [name, text] of lastState) if (incremental.has(name)) expect(text, name).toContain('2099-');
    expect([...lastState.keys()].filter((name) => incremental.has(name)).length).toBeGreaterThan(0);
  });
});

describe('read: failures', () => {
  it('a revoked token is a config_error TRACE, non-zero exit, no secret', async () => {
    const revoked = files.json('revoked2.json', configFor(api.url, { credentials: { auth_type: 'oauth2.0', app_id: '7268034192837465012', secret: 'sec-9d81b7c4e2a64f35b0c1', access_token: 'tok-revoked-98765432' } }));
    const result = await runCli(['read', '--config', revoked, '--catalog', catalogOf(['campaigns'])]);
    expect(result.code).not.toBe(0);
    const errors = traces(result.messages).filter((t) => t.type === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ error: { failure_type: 'config_error' } });
    expect(result.stdout + result.stderr).not.toContain('tok-revoked-98765432');
    expect(secretsIn(result.stdout, result.stderr)).toEqual([]);
  });

  it('an unreachable host is a config_error naming api_base_url', async () => {
    const closedPort = await freePort();
    const config = files.json('unreachable.json', configFor(`http://127.0.0.1:${closedPort}`, { max_retries: 1 }));
    const result = await runCli(['read', '--config', config, '--catalog', catalogOf(['campaigns'])]);
    expect(result.code).not.toBe(0);
    const errors = traces(result.messages).filter((t) => t.type === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ error: { failure_type: 'config_error' } });
    expect(JSON.stringify(errors[0])).toMatch(/api_base_url/);
    const check = await runCli(['check', '--config', config]);
    expect(check.messages[0]).toMatchObject({ connectionStatus: { status: 'FAILED' } });
  });
});
