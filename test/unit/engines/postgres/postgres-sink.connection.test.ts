import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../../src/errors.ts';
import { redact } from '../../../../src/secrets.ts';
import { targetFromUrl } from '../../../../src/engines/postgres/target.ts';
import { targetFromDestinationConfig } from '../../../../src/engines/postgres/destination-config.ts';
import { openPostgresSink } from '../../../../src/engines/postgres/postgres-sink.ts';
import { freshSchema, passwordCheckingPostgres } from '../../../support/postgres.ts';

async function failure(open: () => Promise<unknown>): Promise<ConnectorError> {
  try {
    await open();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected the connection to fail');
}

/** Everything a user or a log could see of an error. */
function visible(error: ConnectorError): string {
  return redact([error.message, error.internal ?? '', String(error.stack)].join('\n'));
}

describe('connection errors', () => {
  it('a wrong password is a config_error that names the user and never shows the password', async () => {
    const server = await passwordCheckingPostgres();
    const secret = 'Wr0ng-p@ss/word';
    const url = `postgres://${server.user}:${encodeURIComponent(secret)}@${server.host}:${server.port}/postgres`;
    const error = await failure(() => openPostgresSink(targetFromUrl(url)));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toMatch(/rejected the password for user "postgres"/);
    expect(error.message).toContain(':****@');
    expect(visible(error)).not.toContain(secret);
    expect(visible(error)).not.toContain(encodeURIComponent(secret));
  });

  it('the same from the destination config fields', async () => {
    const server = await passwordCheckingPostgres();
    const error = await failure(() =>
      openPostgresSink(
        targetFromDestinationConfig({ host: server.host, port: server.port, database: 'postgres', username: 'postgres', password: 'not-the-password' }),
      ),
    );
    expect(error.failureType).toBe('config_error');
    expect(visible(error)).not.toContain('not-the-password');
  });

  it('a missing database says so', async () => {
    const server = await passwordCheckingPostgres();
    const url = `postgres://postgres:${server.password}@${server.host}:${server.port}/no_such_db`;
    const error = await failure(() => openPostgresSink(targetFromUrl(url)));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toMatch(/database "no_such_db" does not exist/);
    expect(visible(error)).not.toContain(server.password);
  });

  it('an unreachable host is a config_error with the password masked', async () => {
    const error = await failure(() => openPostgresSink(targetFromUrl('postgres://me:s3cret-value@127.0.0.1:1/db')));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toMatch(/connection refused/);
    expect(error.message).toContain('postgres://me:****@127.0.0.1:1/db');
    expect(visible(error)).not.toContain('s3cret-value');
  });

  it('an unresolvable host name is a config_error', async () => {
    const error = await failure(() => openPostgresSink(targetFromUrl('postgres://me:pw-123456@no-such-host.invalid:5432/db')));
    expect(error.failureType).toBe('config_error');
    expect(visible(error)).not.toContain('pw-123456');
  });

  it('a user who may not create the schema is told what to grant', async () => {
    const admin = await freshSchema('perm');
    const role = `loader_${admin.schema}`;
    await admin.query(`create role ${role} login password 'loader-pw-1'`);
    try {
      const url = new URL(admin.url);
      url.username = role;
      url.password = 'loader-pw-1';
      const sink = await openPostgresSink(targetFromUrl(url.toString(), `${admin.schema}_new`));
      const error = await failure(() => sink.prepare([]));
      await sink.close();
      expect(error.failureType).toBe('config_error');
      expect(error.message).toMatch(new RegExp(`User "${role}" may not create schema`));
      // Given a schema of its own, the same user loads without the right to create schemas.
      await admin.query(`create schema ${admin.schema}`);
      await admin.query(`grant usage, create on schema ${admin.schema} to ${role}`);
      const own = await openPostgresSink(targetFromUrl(url.toString(), admin.schema));
      await own.prepare([]);
      await own.close();
    } finally {
      await admin.query(`drop owned by ${role}`).catch(() => undefined);
      await admin.drop();
      const cleanup = await freshSchema('perm');
      await cleanup.query(`drop role if exists ${role}`);
      await cleanup.drop();
    }
  });

  it('a malformed URL or config is a config_error', async () => {
    expect(() => targetFromUrl('not a url')).toThrow(/not a valid URL/);
    expect(() => targetFromUrl('mysql://a@b/c')).toThrow(/postgres:\/\//);
    expect(() => targetFromDestinationConfig({ host: 'h', database: 'd' })).toThrow(/username is required/);
    expect(() => targetFromDestinationConfig({ host: 'h', database: 'd', username: 'u', port: 'x' })).toThrow(/port/);
  });
});
