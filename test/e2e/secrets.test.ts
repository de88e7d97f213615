// Secrets never leave the process: every command runs with recognisable secrets (TikTok access token, app secret,
// auth codes, database password, a BigQuery token and a service-account key's private key), in runs that succeed
// and runs that fail (wrong password, revoked token, reused auth code, refused key), and everything captured —
// stdout, stderr, every file written, every sink table including the state table — is searched for them.
// The one intended exception: `token` prints the access token it obtained, once, as its answer.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { addDays } from '../../src/streams/dates.ts';
import { CLI, ROOT } from '../support/cli.ts';
import { APP_ID, SECRET, TOKEN, configFor } from '../support/credentials.ts';
import { EMULATOR_BIN, emulator } from '../support/emulator.ts';
import { scratch } from '../support/files.ts';
import { passwordCheckingPostgres, repoHas } from '../support/postgres.ts';
import { type ProcessOptions, runNode } from '../support/process.ts';

interface Run {
  what: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a user does (SECRETS_TEST_CLI names another build, e.g. one with redaction broken on
 * purpose, to watch this test go red), or `script` (the emulator's bin); `stdin` is written and closed, `onOutput`
 * may act on what it prints. */
async function run(what: string, args: string[], options: { stdin?: string; env?: Record<string, string>; script?: string; onOutput?: ProcessOptions['onOutput'] } = {}): Promise<Run> {
  const { code, stdout, stderr } = await runNode([options.script ?? process.env['SECRETS_TEST_CLI'] ?? CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdin: options.stdin ?? '',
    timeoutMs: 100_000,
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  });
  return { what, code, stdout, stderr };
}

/** Every file under a folder, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, text: readFileSync(path, 'utf8') }];
  });
}

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);
const START = addDays(END, -2);

let api: Emulator;
beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: NOW, seed: 23 });
});
afterAll(() => api?.close());

describe('secrets', () => {
  it('no command prints, writes or stores a secret, whether it succeeds or fails', async () => {
    const inputs = scratch();
    const outputs = scratch();
    const server = await passwordCheckingPostgres();
    const marker = `ZZKEYMATERIAL${randomBytes(4).toString('hex')}`;
    const bqToken = `bq-token-${randomBytes(6).toString('hex')}`;
    const wrongPassword = `wrong-password-${randomBytes(4).toString('hex')}`;
    const codes = ((await (await fetch(`${api.url}/_emulator/auth-codes`)).json()) as { auth_code: string }[]).map((c) => c.auth_code);
    // A real RSA key, its body lines prefixed with a marker so a leaked fragment is recognisable too.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyLines = pem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
    const keyPath = inputs.json('service-account.json', {
      type: 'service_account',
      project_id: 'local-test-project',
      private_key_id: `kid-${marker}`,
      private_key: pem,
      client_email: 'loader@local-test-project.iam.gserviceaccount.com',
    });
    const secrets = [TOKEN, SECRET, server.password, wrongPassword, bqToken, marker, ...codes.slice(0, 2), ...keyLines];

    const schema = `secrets_${randomBytes(4).toString('hex')}`;
    const pgUrl = (password: string) => `postgres://${server.user}:${encodeURIComponent(password)}@${server.host}:${server.port}/postgres`;
    const config = inputs.json('config.json', configFor(api.url, { start_date: START, end_date: END, max_retries: 1 }));
    const catalog = inputs.json('catalog.json', {
      streams: ['campaigns', 'advertisers_reports_daily'].map((name) => ({
        stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
        sync_mode: 'incremental',
        destination_sync_mode: 'append',
      })),
    });
    const destinationConfig = inputs.json('destination.json', { host: server.host, port: server.port, database: 'postgres', username: server.user, password: server.password, schema: `${schema}_dest`, analytics_views: false });
    const wrongDestination = inputs.json('destination-wrong.json', { host: server.host, port: server.port, database: 'postgres', username: server.user, password: wrongPassword, schema });
    const dbtDir = join(outputs.dir, 'dbt');
    mkdirSync(dbtDir);

    // Independent runs go side by side (each is mostly waiting for Node to start); those that need an earlier
    // run's result (write needs read's messages, dbt and views need the synced tables) follow it.
    const listenFlow = (): Promise<Run> => {
      let redirected = false;
      return run('token --listen', ['token', '--listen', '--port', '0', '--app-id', APP_ID, '--secret', SECRET, '--api-base-url', api.url], {
        onOutput: ({ stderr: text }) => {
          const link = /^(https:\/\/\S+\/portal\/auth\?\S+)$/m.exec(text)?.[1];
          if (link === undefined || redirected) return;
          redirected = true;
          const url = new URL(link);
          const callback = new URL(url.searchParams.get('redirect_uri')!);
          callback.searchParams.set('auth_code', codes[1]!);
          callback.searchParams.set('state', url.searchParams.get('state')!);
          void fetch(callback).catch(() => undefined);
        },
      });
    };
    const tokenPair = async (): Promise<Run[]> => {
      const first = await run('token --auth-code', ['token', '--app-id', APP_ID, '--secret', SECRET, '--auth-code', codes[0]!, '--api-base-url', api.url]);
      const reused = await run('token --auth-code, reused code', ['token', '--app-id', APP_ID, '--secret', SECRET, '--auth-code', codes[0]!, '--api-base-url', api.url]);
      return [first, reused];
    };
    const readThenWrite = async (): Promise<Run[]> => {
      const read = await run('read', ['read', '--config', config, '--catalog', catalog]);
      const write = await run('destination write', ['destination', 'write', '--config', destinationConfig, '--catalog', catalog], { stdin: read.stdout });
      return [read, write];
    };
    const syncThenDbt = async (): Promise<Run[]> => {
      const sync = await run('sync postgres', ['sync', '--config', config, '--destination', pgUrl(server.password), '--schema', schema, '--streams', 'campaigns,advertisers_reports_daily']);
      return [
        sync,
        ...(await Promise.all([
          run('dbt', ['dbt', '--destination', pgUrl(server.password), '--schema', schema, '--out', dbtDir, '--config', config]),
          run('views', ['views', '--destination', pgUrl(server.password), '--schema', schema, '--config', config]),
        ])),
      ];
    };
    const runs: Run[] = (
      await Promise.all([
        run('spec', ['spec']),
        run('check', ['check', '--config', config]),
        run('discover', ['discover', '--config', config]),
        tokenPair(),
        listenFlow(),
        readThenWrite(),
        syncThenDbt(),
        run('sync postgres, wrong password', ['sync', '--config', config, '--destination', pgUrl(wrongPassword), '--schema', schema, '--streams', 'campaigns']),
        run('destination check, wrong password', ['destination', 'check', '--config', wrongDestination]),
        // The emulator (the tiktok-emulator package's bin), configured with the same token and secret, prints its URL
        // and nothing secret.
        run('emulator', ['--port', '0', '--access-token', TOKEN, '--app-id', APP_ID, '--secret', SECRET], {
          script: EMULATOR_BIN,
          // Stopped (this test's own child, by its handle) once it has said where it listens.
          onOutput: ({ stdout }, child) => void (/http:\/\/\S+/.test(stdout) && child.kill('SIGTERM')),
        }),
      ])
    ).flat();
    const read = runs.find((r) => r.what === 'read')!;

    const bigQueryTables: string[] = [];
    const dataset = `secrets_${randomBytes(3).toString('hex')}`;
    if (repoHas('test/support/bigquery.ts')) {
      const { localBigQuery } = await import('../support/bigquery.ts');
      const local = await localBigQuery();
      try {
        const bq = (extra: string) => `bigquery://${local.projectId}/${dataset}?api_endpoint=${encodeURIComponent(local.url)}${extra}`;
        runs.push(
          ...(await Promise.all([
            run('sync bigquery', ['sync', '--config', config, '--destination', bq(`&token=${bqToken}`), '--streams', 'campaigns,advertisers_reports_daily']),
            run('sync bigquery, key file refused', ['sync', '--config', config, '--destination', bq(`&key_file=${encodeURIComponent(keyPath)}`), '--streams', 'campaigns'], { env: { BIGQUERY_ACCESS_TOKEN: '' } }),
          ])),
        );
        const client = local.client({ autoRetry: true });
        const [tables] = await client.dataset(dataset).getTables();
        for (const table of tables) {
          const [rows] = await table.getRows();
          bigQueryTables.push(`${table.id}: ${JSON.stringify(rows)}`);
        }
      } finally {
        await local.close();
      }
      expect(bigQueryTables.some((t) => t.startsWith('_sync_state'))).toBe(true);
    }

    // Last: the token revoked (TikTok's 40105), and the runs that meet it.
    await fetch(`${api.url}/_emulator/tokens/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: TOKEN }) });
    runs.push(
      ...(await Promise.all([
        run('check, revoked token', ['check', '--config', config]),
        run('read, revoked token', ['read', '--config', config, '--catalog', catalog]),
        run('sync postgres, revoked token', ['sync', '--config', config, '--destination', pgUrl(server.password), '--schema', schema, '--streams', 'campaigns']),
      ])),
    );

    // The runs did what they should: successes succeeded and failures failed (else the grep proves little).
    const outcome = Object.fromEntries(runs.map((r) => [r.what, r.code]));
    for (const ok of ['spec', 'check', 'discover', 'read', 'token --auth-code', 'token --listen', 'sync postgres', 'destination write', 'dbt', 'views', 'sync bigquery'].filter((w) => outcome[w] !== undefined)) {
      expect(outcome[ok], `${ok}: ${runs.find((r) => r.what === ok)?.stderr.slice(0, 500)}`).toBe(0);
    }
    for (const failing of ['token --auth-code, reused code', 'sync postgres, wrong password', 'read, revoked token', 'sync postgres, revoked token', 'sync bigquery, key file refused'].filter((w) => outcome[w] !== undefined)) {
      expect(outcome[failing], failing).not.toBe(0);
    }
    expect(runs.find((r) => r.what === 'check, revoked token')?.stdout).toMatch(/"status":"FAILED"/);
    expect(runs.find((r) => r.what === 'destination check, wrong password')?.stdout).toMatch(/"status":"FAILED"/);
    expect(read.stdout).toMatch(/"type":"RECORD"/);

    // The tables, the state table included.
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    const tableTexts: string[] = [];
    try {
      for (const s of [schema, `${schema}_dest`]) {
        const tables = await admin.query<{ name: string }>('select table_name as name from information_schema.tables where table_schema = $1', [s]);
        expect(tables.rows.length, s).toBeGreaterThan(1);
        for (const { name } of tables.rows) {
          const rows = await admin.query<{ t: string | null }>(`select string_agg(t::text, E'\\n') as t from ${admin.escapeIdentifier(s)}.${admin.escapeIdentifier(name)} t`);
          tableTexts.push(`${s}.${name}: ${rows.rows[0]?.t ?? ''}`);
        }
      }
      expect(tableTexts.some((t) => t.includes('._sync_state: ') && t.length > 40)).toBe(true);
    } finally {
      for (const s of [schema, `${schema}_dest`]) await admin.query(`drop schema if exists ${admin.escapeIdentifier(s)} cascade`).catch(() => undefined);
      await admin.end();
    }

    const written = filesUnder(outputs.dir);
    expect(written.some((f) => f.path.endsWith('profiles.yml'))).toBe(true);
    const captured: [string, string][] = [
      ...runs.flatMap((r): [string, string][] => [[`${r.what} stdout`, r.what.startsWith('token --') && r.code === 0 ? withoutGrantedToken(r.stdout) : r.stdout], [`${r.what} stderr`, r.stderr]]),
      ...written.map((f): [string, string] => [f.path, f.text]),
      ...tableTexts.map((t): [string, string] => [t.slice(0, t.indexOf(':')), t]),
      ...bigQueryTables.map((t): [string, string] => [`bigquery ${t.slice(0, t.indexOf(':'))}`, t]),
    ];
    const leaks = captured.flatMap(([where, text]) => secrets.filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 12)}…`));
    expect(leaks).toEqual([]);
    // The percent-encoded form of the password is the same secret.
    expect(captured.filter(([, text]) => text.includes(encodeURIComponent(server.password)) && server.password !== encodeURIComponent(server.password))).toEqual([]);
  }, 300_000);
});

/** `token`'s answer is the token it obtained: that one field is its purpose; any other copy would be a leak. */
function withoutGrantedToken(stdout: string): string {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  const grant = JSON.parse(lines[0]!) as { access_token: string };
  expect(grant.access_token).toBe(TOKEN);
  return JSON.stringify({ ...grant, access_token: '(the granted token)' });
}
