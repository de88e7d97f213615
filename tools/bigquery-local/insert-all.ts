// tabledata.insertAll (the client's table.insert): streaming inserts, for demos and users who stream. Rows are
// checked like a load's; with a bad row and no skipInvalidRows nothing is inserted and every other row is
// reported "stopped", as BigQuery does. insertIds already seen for the table are skipped (BigQuery's best-effort
// de-duplication).

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Handler } from './context.ts';
import { ok } from './context.ts';
import { invalid } from './errors.ts';
import { insertRows } from './load.ts';
import { checkLines } from './ndjson.ts';
import { tablePath } from './store.ts';

interface InsertAllBody {
  rows?: { insertId?: string; json?: unknown }[];
  skipInvalidRows?: boolean;
  ignoreUnknownValues?: boolean;
}

const seenInsertIds = new WeakMap<object, Set<string>>();

export const insertAll: Handler = async (context, request) => {
  const { p, d, t } = request.params as { p: string; d: string; t: string };
  const body = request.body as InsertAllBody;
  const rows = body.rows ?? [];
  if (!Array.isArray(rows)) throw invalid('rows must be an array');
  return ok(await context.engine.exclusive(async (c) => {
    const meta = context.store.table(p, d, t);
    if (meta.viewQuery !== undefined) throw invalid(`Cannot insert into view ${p}:${d}.${t}`);
    const fields = await context.store.fields(c, meta);
    let seen = seenInsertIds.get(meta);
    if (!seen) {
      seen = new Set();
      seenInsertIds.set(meta, seen);
    }
    const insertErrors: { index: number; errors: { reason: string; location: string; debugInfo: string; message: string }[] }[] = [];
    const good: string[] = [];
    const batch = new Set<string>();
    rows.forEach((row, index) => {
      const line = JSON.stringify(row.json ?? {});
      const checked = checkLines(Buffer.from(line), fields, body.ignoreUnknownValues === true);
      const bad = checked.bad[0];
      if (bad) {
        const message = bad.message;
        const field = /Field: ([^;]+);|field: (\S+?)\.?$|No such field: (\S+?)\.$/.exec(message);
        insertErrors.push({ index, errors: [{ reason: 'invalid', location: field?.[1] ?? field?.[2] ?? field?.[3] ?? '', debugInfo: '', message }] });
      } else if (row.insertId === undefined || !(seen.has(row.insertId) || batch.has(row.insertId))) {
        good.push(line);
        if (row.insertId !== undefined) batch.add(row.insertId);
      }
    });
    if (insertErrors.length > 0 && body.skipInvalidRows !== true) {
      const failed = new Set(insertErrors.map((e) => e.index));
      rows.forEach((_, index) => {
        if (!failed.has(index)) insertErrors.push({ index, errors: [{ reason: 'stopped', location: '', debugInfo: '', message: '' }] });
      });
      insertErrors.sort((a, b) => a.index - b.index);
      return { kind: 'bigquery#tableDataInsertAllResponse', insertErrors };
    }
    if (good.length > 0) {
      const directory = await mkdtemp(join(tmpdir(), 'bigquery-local-'));
      try {
        const file = join(directory, `${randomUUID()}.ndjson`);
        await writeFile(file, good.join('\n'));
        await insertRows(c, tablePath(meta.projectId, meta.datasetId, meta.tableId), file, fields);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    }
    for (const id of batch) seen.add(id);
    meta.lastModifiedTime = Date.now();
    return { kind: 'bigquery#tableDataInsertAllResponse', ...(insertErrors.length > 0 ? { insertErrors } : {}) };
  }));
};
