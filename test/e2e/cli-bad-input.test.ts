import { describe, expect, it } from 'vitest';
import { runCli, traces } from '../support/cli.ts';
import { configFor, secretsIn } from '../support/credentials.ts';
import { scratch } from '../support/files.ts';

const files = scratch();
const good = configFor('http://127.0.0.1:9');
const catalog = files.json('catalog.json', { streams: [] });

/** One TRACE config_error, non-zero exit, no stack on stdout, no secret anywhere. */
async function expectConfigError(args: string[], mention: RegExp) {
  const result = await runCli(args);
  expect(result.code).not.toBe(0);
  const errors = traces(result.messages).filter((t) => t.type === 'ERROR');
  expect(errors).toHaveLength(1);
  const error = errors[0];
  if (error?.type !== 'ERROR') throw new Error('unreachable');
  expect(error.error.failure_type).toBe('config_error');
  expect(error.error.message).toMatch(mention);
  expect(result.stdout).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  expect(result.messages.every((m) => m.type === 'TRACE' || m.type === 'LOG')).toBe(true);
  expect(secretsIn(result.stdout, result.stderr)).toEqual([]);
  return error.error;
}

describe('bad input gives one actionable config_error', () => {
  const cases: [string, string | (() => string), RegExp][] = [
    ['missing config file', () => `${files.dir}/nope.json`, /does not exist/],
    ['empty file', () => files.text('empty.json', '  \n'), /is empty/],
    ['a JSON array', () => files.json('array.json', [good]), /must be a JSON object, not an array/],
    ['truncated JSON', () => files.text('trunc.json', JSON.stringify(good).slice(0, 40)), /not valid JSON/],
    ['no credentials', () => files.json('nocred.json', { start_date: '2024-01-01' }), /no credentials/],
    [
      'unknown auth_type',
      () => files.json('authtype.json', { ...good, credentials: { auth_type: 'password', access_token: 'abcdefgh' } }),
      /auth_type must be "oauth2.0" or "sandbox_access_token"/,
    ],
    ['impossible date', () => files.json('date.json', { ...good, start_date: '2024-02-30' }), /start_date "2024-02-30" is not a real calendar date/],
    ['malformed date', () => files.json('date2.json', { ...good, start_date: '01/02/2024' }), /start_date has the wrong shape/],
    [
      'end before start',
      () => files.json('order.json', { ...good, start_date: '2024-05-01', end_date: '2024-04-01' }),
      /end_date 2024-04-01 is before start_date 2024-05-01/,
    ],
    ['negative attribution window', () => files.json('neg.json', { ...good, attribution_window: -1 }), /attribution_window must be >= 0/],
    ['non-integer attribution window', () => files.json('frac.json', { ...good, attribution_window: 1.5 }), /attribution_window must be integer/],
    [
      'missing access token',
      () => files.json('notoken.json', { ...good, credentials: { auth_type: 'oauth2.0', app_id: '1', secret: 'abcdefgh' } }),
      /credentials.access_token is required/,
    ],
  ];

  for (const [name, path, mention] of cases) {
    it(`read: ${name}`, async () => {
      const config = typeof path === 'function' ? path() : path;
      await expectConfigError(['read', '--config', config, '--catalog', catalog], mention);
    });
  }

  it('check answers CONNECTION_STATUS FAILED for a bad config', async () => {
    const result = await runCli(['check', '--config', files.json('neg2.json', { ...good, attribution_window: -3 })]);
    expect(result.code).toBe(0);
    expect(result.messages).toHaveLength(1);
    const [message] = result.messages;
    expect(message?.type).toBe('CONNECTION_STATUS');
    if (message?.type !== 'CONNECTION_STATUS') return;
    expect(message.connectionStatus.status).toBe('FAILED');
    expect(message.connectionStatus.message).toMatch(/attribution_window/);
  });

  it('malformed catalog', async () => {
    const config = files.json('good.json', good);
    await expectConfigError(['read', '--config', config, '--catalog', files.json('badcat.json', { streams: [{ stream: {} }] })], /Invalid configured catalog/);
    await expectConfigError(['read', '--config', config, '--catalog', files.text('badcat2.json', '{"streams": [')], /catalog file .* not valid JSON/);
  });

  it('malformed state', async () => {
    const config = files.json('good2.json', good);
    await expectConfigError(['read', '--config', config, '--catalog', catalog, '--state', files.json('s1.json', 'yesterday')], /Invalid state/);
    await expectConfigError(
      ['read', '--config', config, '--catalog', catalog, '--state', files.json('s2.json', [{ type: 'STREAM', stream: {} }])],
      /stream_descriptor.name/,
    );
    await expectConfigError(
      ['read', '--config', config, '--catalog', catalog, '--state', files.json('s3.json', [{ type: 'NOPE' }])],
      /unknown type/,
    );
  });

  it('unknown command and flags', async () => {
    await expectConfigError(['frobnicate'], /Unknown command/);
    await expectConfigError(['read', '--bogus', 'x'], /Unknown option/);
  });
});

describe('a token with a character an HTTP header cannot carry', () => {
  // A typographic quote pasted at the end, a Cyrillic "с" in place of a Latin "c" in the middle.
  const quoted = { ...good, credentials: { ...(good['credentials'] as object), access_token: 'tok-3f9c2a7be51d4e0c8a6f\u2019' } };
  const cyrillic = { ...good, credentials: { ...(good['credentials'] as object), access_token: 'tok-3f9\u0441' } };
  const oneStream = files.json('one-stream.json', {
    streams: [
      {
        stream: { name: 'advertisers', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      },
    ],
  });

  it('check: FAILED at once, saying where, without the token', async () => {
    const result = await runCli(['check', '--config', files.json('quote-check.json', quoted)], { timeoutMs: 20_000 });
    expect(result.code).toBe(0);
    const [message] = result.messages;
    if (message?.type !== 'CONNECTION_STATUS') throw new Error(`expected CONNECTION_STATUS, got ${result.stdout}`);
    expect(message.connectionStatus.status).toBe('FAILED');
    expect(message.connectionStatus.message).toMatch(/access_token holds a character an HTTP header cannot carry \(U\+2019, character 25 of 25\)/);
    expect(result.stdout + result.stderr).not.toContain('tok-3f9c2a7be51d4e0c8a6f');
  });

  it('read: one config_error before any request, saying where, without the token', async () => {
    const started = Date.now();
    const result = await runCli(['read', '--config', files.json('cyrillic-read.json', cyrillic), '--catalog', oneStream], { timeoutMs: 20_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    const error = traces(result.messages).find((t) => t.type === 'ERROR');
    if (error?.type !== 'ERROR') throw new Error(`expected an ERROR trace, got ${result.stdout}`);
    expect(result.code).not.toBe(0);
    expect(error.error.failure_type).toBe('config_error');
    expect(error.error.message).toMatch(/U\+0441, character 8 of 8/);
    expect(result.stdout + result.stderr).not.toContain('tok-3f9');
  });
});
