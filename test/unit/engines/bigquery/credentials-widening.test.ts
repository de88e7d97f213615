// Credentials resolved before any work, the commit script, and the widening rule: the parts that need no
// BigQuery. (Against the local endpoint: test/e2e/bigquery-exactly-once.test.ts.)

import { describe, expect, it } from 'vitest';
import { authorisedClient } from '../../../../src/engines/bigquery/client.ts';
import { commitScript } from '../../../../src/engines/bigquery/commit-script.ts';
import { targetFromBigQueryUrl } from '../../../../src/engines/bigquery/target.ts';
import { alterColumnTypeSql, widerTypeFor } from '../../../../src/engines/bigquery/widening.ts';
import { RowWriter } from '../../../../src/engines/bigquery/ndjson.ts';
import { planTable } from '../../../../src/engines/bigquery/layout.ts';
import type { SinkStream } from '../../../../src/load/sink.ts';

const NOTHING = { BIGQUERY_ACCESS_TOKEN: '', GOOGLE_APPLICATION_CREDENTIALS: '' };

describe('bigquery credentials', () => {
  it('none for a local endpoint: a config error naming the three ways, without asking anyone', async () => {
    const target = targetFromBigQueryUrl('bigquery://p/d?api_endpoint=http://127.0.0.1:1', 'd', NOTHING);
    await expect(authorisedClient(target, NOTHING)).rejects.toMatchObject({
      failureType: 'config_error',
      message: expect.stringMatching(/No BigQuery credentials.*not Google's endpoint.*token=.*key_file=.*credentials_json.*GOOGLE_APPLICATION_CREDENTIALS/s),
    });
  });

  it('none for Google: application-default credentials looked for (no metadata server here), then the same refusal', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { CLOUDSDK_CONFIG: '/nonexistent-gcloud', METADATA_SERVER_DETECTION: 'none', GOOGLE_APPLICATION_CREDENTIALS: '' });
    delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
    try {
      const target = targetFromBigQueryUrl('bigquery://p/d', 'd', NOTHING);
      await expect(authorisedClient(target, process.env)).rejects.toMatchObject({
        failureType: 'config_error',
        message: expect.stringMatching(/No BigQuery credentials.*no application-default credentials were found/),
      });
    } finally {
      process.env = saved;
    }
  });

  it('a token is used as given', async () => {
    const target = targetFromBigQueryUrl('bigquery://p/d?api_endpoint=http://127.0.0.1:1&token=t', 'd', NOTHING);
    expect((await authorisedClient(target, NOTHING)).projectId).toBe('p');
  });
});

describe('bigquery commit script', () => {
  it('rows and states in one transaction, each state with its own parameters', () => {
    const script = commitScript(['MERGE `p.d.a` …', 'INSERT INTO `p.d.b` …'], '`p.d._sync_state`', [
      { stream: 'a', state: { day: '2026-01-02' }, replace: false },
      { stream: 'b', state: undefined, replace: false },
      { stream: 'c', state: null, replace: true },
    ]);
    expect(script?.sql.split('\n')[0]).toBe('BEGIN TRANSACTION;');
    expect(script?.sql.trimEnd().endsWith('COMMIT TRANSACTION;')).toBe(true);
    expect(script?.sql).toContain('MERGE `p.d.a` …;\nINSERT INTO `p.d.b` …;\nMERGE `p.d._sync_state`');
    expect(script?.sql).toContain('@stream_name_0 AS stream_name, @state_0 AS state');
    expect(script?.sql).toContain('DELETE FROM `p.d._sync_state` WHERE stream_name = @stream_name_2;');
    expect(script?.params).toEqual({ stream_name_0: 'a', state_0: '{"day":"2026-01-02"}', stream_name_2: 'c' });
    expect(commitScript([], '`s`', [{ stream: 'a', state: undefined, replace: false }])).toBeUndefined();
  });
});

describe('bigquery widening', () => {
  it('the narrowest type that holds the value; none for what is not a number', () => {
    expect(widerTypeFor('INT64', 2.5)).toBe('NUMERIC');
    expect(widerTypeFor('INT64', '123456789012345678901234567890123.5')).toBe('BIGNUMERIC');
    expect(widerTypeFor('INT64', 1e60)).toBe('FLOAT64');
    expect(widerTypeFor('NUMERIC', '1e35')).toBe('BIGNUMERIC');
    expect(widerTypeFor('INT64', 'abc')).toBeUndefined();
    expect(widerTypeFor('STRING', 2.5)).toBeUndefined();
    expect(alterColumnTypeSql('`p.d.t`', { column: 'spend', from: 'INT64', to: 'NUMERIC' })).toBe('ALTER TABLE `p.d.t` ALTER COLUMN `spend` SET DATA TYPE NUMERIC');
  });

  it('the row writer keeps 2.5 in an INT64 column by widening it, and says so once', () => {
    const stream: SinkStream = {
      name: 's',
      jsonSchema: { type: 'object', properties: { id: { type: 'integer' }, n: { type: 'integer' } } },
      disposition: 'append',
      primaryKey: [],
      cursorField: [],
      generationId: 0,
      syncId: undefined,
    };
    const layout = planTable(stream, undefined);
    const writer = new RowWriter(layout);
    expect(writer.write({ stream: 's', data: { id: 1, n: 2 }, emitted_at: 0 }, 1)).toContain('"n":"2"');
    const widened = writer.write({ stream: 's', data: { id: 2, n: 2.5 }, emitted_at: 0 }, 2);
    expect(widened).toContain('"n":"2.5"');
    expect(widened).toContain('"changes":[]');
    writer.write({ stream: 's', data: { id: 3, n: 3.25 }, emitted_at: 0 }, 3);
    expect(writer.takeWidenings()).toEqual([{ column: 'n', from: 'INT64', to: 'NUMERIC' }]);
    expect(writer.takeWidenings()).toEqual([]);
    expect(layout.columns.find((column) => column.name === 'n')?.type).toBe('NUMERIC');
    // Not a number at all: NULL with a note, as before; the column keeps its type.
    expect(writer.write({ stream: 's', data: { id: 'x', n: 1 }, emitted_at: 0 }, 4)).toContain('DESTINATION_TYPECAST_ERROR');
    expect(writer.takeWidenings()).toEqual([]);
  });
});
