// A load job with BigQuery's semantics for the configuration the client sends: create/write dispositions,
// schema from the job (and schemaUpdateOptions), rows checked by ndjson.ts, maxBadRecords, ignoreUnknownValues.
// The rows reach DuckDB through read_json in one transaction, so a failed load leaves the table as it was.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RangePartitioning, TimePartitioning } from './ddl.ts';
import type { Connection, Engine } from './engine.ts';
import { BigQueryError, type ErrorProto, invalid, notFound } from './errors.ts';
import { csvRows } from './csv.ts';
import { type BadRow, checkLines } from './ndjson.ts';
import { type Store, type TableMeta, checkLayout, tablePath } from './store.ts';
import { type FieldSchema, canonicalField, canonicalMode, canonicalType, duckColumn, duckType, quoteIdent } from './types.ts';

export interface LoadConfig {
  destinationTable: { projectId?: string; datasetId: string; tableId: string };
  sourceFormat?: string;
  writeDisposition?: string;
  createDisposition?: string;
  schema?: { fields?: FieldSchema[] };
  schemaUpdateOptions?: string[];
  ignoreUnknownValues?: boolean;
  maxBadRecords?: number;
  skipLeadingRows?: number | string;
  fieldDelimiter?: string;
  quote?: string;
  nullMarker?: string;
  allowJaggedRows?: boolean;
  timePartitioning?: TimePartitioning;
  rangePartitioning?: RangePartitioning;
  clustering?: { fields: string[] };
  autodetect?: boolean;
}

export interface LoadOutcome {
  statistics: { inputFiles: string; inputFileBytes: string; outputRows: string; outputBytes: string; badRecords: string };
  /** Errors of rows skipped under maxBadRecords (the job still succeeds). */
  warnings: ErrorProto[];
}

const PREFIX = 'Error while reading data, error message: ';

export async function runLoad(engine: Engine, store: Store, projectId: string, config: LoadConfig, data: Buffer): Promise<LoadOutcome> {
  const format = (config.sourceFormat ?? 'CSV').toUpperCase();
  if (format !== 'NEWLINE_DELIMITED_JSON' && format !== 'CSV') {
    throw invalid(`The local BigQuery loads NEWLINE_DELIMITED_JSON and CSV only (got sourceFormat ${format})`);
  }
  const label = format === 'CSV' ? 'CSV' : 'JSON';
  const p = config.destinationTable.projectId ?? projectId;
  const { datasetId: d, tableId: t } = config.destinationTable;
  const write = (config.writeDisposition ?? 'WRITE_APPEND').toUpperCase();
  const create = (config.createDisposition ?? 'CREATE_IF_NEEDED').toUpperCase();
  const updates = new Set((config.schemaUpdateOptions ?? []).map((o) => o.toUpperCase()));
  if (updates.size > 0 && write !== 'WRITE_APPEND') {
    throw invalid('Schema update options should only be specified with WRITE_APPEND disposition, or with WRITE_TRUNCATE disposition on a table partition.');
  }
  const loadFields = config.schema?.fields?.map(canonicalField);

  return engine.exclusive(async (c) => {
    await engine.useProject(c, p);
    store.dataset(p, d);
    const existing = store.findTable(p, d, t);
    if (!existing && create === 'CREATE_NEVER') throw notFound(`Table ${p}:${d}.${t}`);
    if (!existing && !loadFields) throw invalid('No schema specified on job or table.');
    const current = existing ? await store.fields(c, existing) : [];
    if (existing && write === 'WRITE_EMPTY' && (await store.numRows(c, existing)) !== '0') {
      throw new BigQueryError('duplicate', `Already Exists: Table ${p}:${d}.${t}`);
    }
    const plan = existing ? planSchema(`${p}:${d}.${t}`, current, loadFields, write, updates) : { fields: loadFields!, recreate: true, add: [], relax: [] };
    const rows = readRows(format, data, plan.fields, config);
    const checked = checkLines(rows.ndjson, plan.fields, config.ignoreUnknownValues === true);
    const bad = [...rows.bad, ...checked.bad.map((row) => (rows.origin ? { ...row, position: rows.origin[row.index]!, index: rows.indexOf(row.index) } : row))]
      .sort((a, b) => a.position - b.position);
    const maxBad = config.maxBadRecords ?? 0;
    const errors = bad.map((row): ErrorProto => ({
      reason: 'invalid',
      message: label === 'JSON'
        ? `${PREFIX}JSON parsing error in row starting at position ${row.position}: ${row.message}`
        : `${PREFIX}${row.message} (CSV row starting at position ${row.position})`,
      location: 'file-00000000',
    }));
    if (bad.length > maxBad) {
      const rowsRead = bad[maxBad]!.index + 1;
      const summary = `${PREFIX}${label} table encountered too many errors, giving up. Rows: ${rowsRead}; errors: ${bad.length}. Please look into the errors[] collection for more details.`;
      throw new BigQueryError('invalid', summary, {
        details: [
          { reason: 'invalid', message: summary },
          { reason: 'invalid', message: `${PREFIX}${label} processing encountered too many errors, giving up. Rows: ${rowsRead}; errors: ${bad.length}; max bad: ${maxBad}; error percent: 0` },
          ...errors,
        ],
      });
    }

    const meta: TableMeta = existing ?? {
      projectId: p,
      datasetId: d,
      tableId: t,
      creationTime: Date.now(),
      lastModifiedTime: Date.now(),
      columnDescriptions: new Map(),
      ...(config.timePartitioning ? { timePartitioning: config.timePartitioning } : {}),
      ...(config.rangePartitioning ? { rangePartitioning: config.rangePartitioning } : {}),
      ...(config.clustering ? { clustering: config.clustering } : {}),
    };
    if (!existing) checkLayout(meta, plan.fields);
    const path = tablePath(p, d, t);
    const directory = await mkdtemp(join(tmpdir(), 'bigquery-local-'));
    const file = join(directory, `${randomUUID()}.ndjson`);
    try {
      await writeFile(file, checked.goodRows());
      await c.run('BEGIN TRANSACTION');
      try {
        if (plan.recreate) {
          if (existing) await c.run(`DROP TABLE ${path}`);
          await c.run(`CREATE TABLE ${path} (${plan.fields.map(duckColumn).join(', ')})`);
        } else if (write === 'WRITE_TRUNCATE') await c.run(`DELETE FROM ${path}`);
        for (const field of plan.add) await c.run(`ALTER TABLE ${path} ADD COLUMN ${duckColumn({ ...field, mode: canonicalMode(field.mode) === 'REPEATED' ? 'REPEATED' : 'NULLABLE' })}`);
        for (const name of plan.relax) await c.run(`ALTER TABLE ${path} ALTER COLUMN ${quoteIdent(name)} DROP NOT NULL`);
        if (checked.goodCount > 0) await insertRows(c, path, file, plan.fields);
        await c.run('COMMIT');
      } catch (error) {
        await c.run('ROLLBACK');
        throw error instanceof BigQueryError ? error : new BigQueryError('invalid', `${PREFIX}${(error as Error).message.split('\n')[0]}`);
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    for (const f of plan.fields) if (f.description) meta.columnDescriptions.set(f.name.toLowerCase(), f.description);
    meta.lastModifiedTime = Date.now();
    store.record(meta);
    return {
      statistics: {
        inputFiles: '1',
        inputFileBytes: String(data.length),
        outputRows: String(checked.goodCount),
        outputBytes: String(data.length),
        badRecords: String(bad.length),
      },
      warnings: errors,
    };
  });
}

interface SourceRows {
  /** The rows as NDJSON (the upload itself for NEWLINE_DELIMITED_JSON). */
  ndjson: Buffer;
  /** CSV: each NDJSON line's byte offset in the upload (bad rows are reported there). */
  origin?: number[];
  /** CSV: NDJSON line ordinal → record ordinal. */
  indexOf(line: number): number;
  /** Rows refused before the row checks (CSV records of the wrong shape). */
  bad: BadRow[];
}

function readRows(format: string, data: Buffer, fields: readonly FieldSchema[], config: LoadConfig): SourceRows {
  if (format !== 'CSV') return { ndjson: data, indexOf: (line) => line, bad: [] };
  const csv = csvRows(data, fields, config);
  // Record ordinals of the lines that reached the NDJSON (the bad-shaped records were left out).
  const kept: number[] = [];
  const refused = new Set(csv.bad.map((b) => b.index));
  for (let i = 0; i < csv.rows; i++) if (!refused.has(i)) kept.push(i);
  return { ndjson: csv.ndjson, origin: csv.origin, indexOf: (line) => kept[line] ?? line, bad: csv.bad };
}

interface SchemaPlan {
  /** The schema the rows are read with (and the table has afterwards). */
  fields: FieldSchema[];
  /** WRITE_TRUNCATE with a schema (or a new table): the table is created anew. */
  recreate: boolean;
  add: FieldSchema[];
  relax: string[];
}

/** BigQuery's rules for a load schema against the table's schema. */
function planSchema(id: string, current: FieldSchema[], load: FieldSchema[] | undefined, write: string, updates: ReadonlySet<string>): SchemaPlan {
  if (!load) return { fields: current, recreate: false, add: [], relax: [] };
  if (write === 'WRITE_TRUNCATE') return { fields: load, recreate: true, add: [], relax: [] };
  const mismatch = (detail: string) => invalid(`Provided Schema does not match Table ${id}. ${detail}`);
  const byName = new Map(load.map((f) => [f.name.toLowerCase(), f]));
  const relax: string[] = [];
  for (const field of current) {
    const given = byName.get(field.name.toLowerCase());
    const mode = canonicalMode(field.mode);
    if (!given) {
      if (mode === 'REQUIRED') throw mismatch(`Field ${field.name} is missing in new schema`);
      continue;
    }
    if (canonicalType(given.type) !== canonicalType(field.type)) {
      throw mismatch(`Field ${field.name} has changed type from ${canonicalType(field.type)} to ${canonicalType(given.type)}`);
    }
    const givenMode = canonicalMode(given.mode);
    if (givenMode !== mode) {
      if (mode === 'REQUIRED' && givenMode === 'NULLABLE' && updates.has('ALLOW_FIELD_RELAXATION')) relax.push(field.name);
      else if (!(mode === 'NULLABLE' && givenMode === 'REQUIRED')) throw mismatch(`Field ${field.name} has changed mode from ${mode} to ${givenMode}`);
    }
  }
  const known = new Set(current.map((f) => f.name.toLowerCase()));
  const add = load.filter((f) => !known.has(f.name.toLowerCase()));
  if (add.length > 0 && !updates.has('ALLOW_FIELD_ADDITION')) throw mismatch(`Cannot add fields (field: ${add[0]!.name})`);
  const required = add.find((f) => canonicalMode(f.mode) === 'REQUIRED');
  if (required) throw invalid(`Provided Schema does not match Table ${id}. Cannot add required fields to an existing schema. (field: ${required.name})`);
  const relaxed = new Set(relax.map((n) => n.toLowerCase()));
  const fields = [
    ...current.map((f) => (relaxed.has(f.name.toLowerCase()) ? { ...f, mode: 'NULLABLE' } : f)),
    ...add,
  ];
  return { fields, recreate: false, add, relax };
}

export async function insertRows(c: Connection, path: string, file: string, fields: readonly FieldSchema[]): Promise<void> {
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
  // DuckDB's text → DECIMAL(38,9) cast is ~10x slower than to DECIMAL(18,9): NUMERIC columns are read as text and
  // take the narrow cast when the value fits it (exact either way), the wide one otherwise.
  const numeric = fields.filter((f) => ['NUMERIC', 'BIGNUMERIC'].includes(canonicalType(f.type)) && canonicalMode(f.mode) !== 'REPEATED');
  const wide = new Set(numeric.filter((f) => duckType(f) === 'DECIMAL(38,9)').map((f) => f.name));
  const columns = fields.map((f) => `${literal(f.name)}: ${literal(wide.has(f.name) ? 'VARCHAR' : duckType(f))}`).join(', ');
  const replace = [...wide].map((name) => {
    const column = quoteIdent(name);
    return `COALESCE(CAST(TRY_CAST(${column} AS DECIMAL(18,9)) AS DECIMAL(38,9)), CAST(${column} AS DECIMAL(38,9))) AS ${column}`;
  });
  await c.run(
    `INSERT INTO ${path} BY NAME SELECT *${replace.length > 0 ? ` REPLACE (${replace.join(', ')})` : ''}
       FROM read_json(${literal(file)}, format = 'newline_delimited', columns = {${columns}}, maximum_object_size = 104857600)`,
  );
}
