// ZetaSQL, BigQuery's own analyzer, checks every statement before DuckDB runs it. The analyzer is a separate gRPC
// server process; the package's client is a process-wide singleton, so one analyzer serves every endpoint of this
// process (reference-counted, killed with the last endpoint and at exit). Catalogs travel with each request, so
// endpoints share nothing but the process.

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { BigQueryError } from './errors.ts';
import { type ZetaSQLModule, loadZetaSQL, zetaSQLServerBinary } from './deps.ts';
import type { ZetaCatalog, ZetaType } from './zeta-catalog.ts';

export interface AnalyzedStatement {
  /** The statement's own text (scripts are analysed one statement at a time). */
  readonly sql: string;
  /** The resolved node's kind, e.g. `resolvedMergeStmtNode`. */
  readonly kind: string;
  /** The resolved statement's innermost node (ZetaSQL's proto as JSON). */
  readonly node: Record<string, unknown>;
  /** Byte offset after the statement (and its `;`), where the next one starts. */
  readonly next: number;
  readonly atEnd: boolean;
}

export interface QueryParameterType {
  readonly name: string;
  readonly type: ZetaType;
}

/** Named parameters (`@name`) or positional ones (`?`, in order): BigQuery takes one mode per query. */
export interface ParameterTypes {
  readonly named: readonly QueryParameterType[];
  readonly positional: readonly ZetaType[];
}

interface Shared {
  readonly zeta: ZetaSQLModule;
  readonly child: ChildProcess;
  readonly languageOptions: unknown;
  readonly startMs: number;
}

let shared: Promise<Shared> | undefined;
let users = 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function launch(): Promise<Shared> {
  const started = performance.now();
  const binary = await zetaSQLServerBinary();
  const port = await freePort();
  // The server boots while the client's protos load (each takes a good part of a second).
  const child = spawn(binary, ['localhost', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let exited: string | undefined;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  child.once('exit', (code, signal) => {
    exited = `ZetaSQL analyzer exited (${signal ?? code})${stderr ? `: ${stderr.trim()}` : ''}`;
  });
  child.once('error', (error) => {
    exited = `ZetaSQL analyzer could not start: ${error.message}`;
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  child.unref();
  let zeta: ZetaSQLModule;
  try {
    zeta = await loadZetaSQL();
  } catch (error) {
    kill();
    throw error;
  }
  zeta.ZetaSQLClient.init(port);
  const client = zeta.ZetaSQLClient.getInstance();
  // Polled every 20 ms (the package's own testConnection waits 500 ms between tries: half a second per start).
  for (const deadline = Date.now() + 30_000; ; ) {
    if (exited !== undefined) throw new Error(exited);
    try {
      await client.formatSql({ sql: 'SELECT 1' });
      break;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 14 || Date.now() > deadline) {
        kill();
        throw new Error(`ZetaSQL analyzer did not answer: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  // Only the feature list: the rest of the "maximum" proto restricts the statement kinds to queries.
  const maximum = await client.getLanguageOptions({ maximumFeatures: true });
  // Plus ALTER COLUMN SET DATA TYPE, which BigQuery has (for its widenings, checked in ddl-statements.ts) and the
  // maximum list leaves out.
  const features: unknown[] = [...(maximum?.enabledLanguageFeatures ?? [])];
  const setDataType = typeof features[0] === 'number' ? 62 : 'FEATURE_ALTER_COLUMN_SET_DATA_TYPE';
  if (!features.includes(setDataType)) features.push(setDataType);
  const languageOptions = { enabledLanguageFeatures: features };
  return { zeta, child, languageOptions, startMs: performance.now() - started };
}

export class Analyzer {
  private readonly shared: Shared;

  private constructor(shared: Shared) {
    this.shared = shared;
  }

  /** Joins (or starts) the process's analyzer. */
  static async acquire(): Promise<Analyzer> {
    users++;
    shared ??= launch();
    try {
      return new Analyzer(await shared);
    } catch (error) {
      users--;
      shared = undefined;
      throw error;
    }
  }

  /** Milliseconds the analyzer took to start (spawn until it answers). */
  get startMs(): number {
    return this.shared.startMs;
  }

  get languageOptions(): unknown {
    return this.shared.languageOptions;
  }

  release(): void {
    users--;
    if (users > 0) return;
    const current = this.shared;
    shared = undefined;
    current.child.kill('SIGKILL');
    current.zeta.ZetaSQLClient.API.close();
  }

  /**
   * Analyses the statement starting at byte `position` of `script`. A refusal becomes BigQuery's invalidQuery with
   * the analyzer's message (its "[at L:C]" written the way BigQuery writes it, "at [L:C]").
   */
  async analyzeNext(script: Buffer, position: number, catalog: ZetaCatalog, parameters: ParameterTypes): Promise<AnalyzedStatement> {
    const client = this.shared.zeta.ZetaSQLClient.getInstance();
    let response;
    try {
      response = await client.analyze({
        parseResumeLocation: { input: script.toString('utf8'), bytePosition: position, allowResume: true },
        simpleCatalog: catalog as never,
        options: {
          languageOptions: this.shared.languageOptions as never,
          errorMessageMode: 'ERROR_MESSAGE_ONE_LINE',
          parameterMode: parameters.positional.length > 0 ? 'PARAMETER_POSITIONAL' : 'PARAMETER_NAMED',
          queryParameters: parameters.named.map((parameter) => ({ name: parameter.name, type: parameter.type as never })),
          positionalQueryParameters: parameters.positional as never,
          defaultTimezone: 'UTC',
          // Each table scan lists only the columns the statement references: what BigQuery bills (bytes.ts).
          pruneUnusedColumns: true,
          // Ingestion-time partitioning names these in PARTITION BY.
          ddlPseudoColumns: [
            { name: '_PARTITIONTIME', type: { typeKind: 'TYPE_TIMESTAMP' } },
            { name: '_PARTITIONDATE', type: { typeKind: 'TYPE_DATE' } },
          ] as never,
        },
      });
    } catch (error) {
      const details = (error as { details?: unknown }).details;
      const code = (error as { code?: unknown }).code;
      if (code === 3 && typeof details === 'string') {
        // ZetaSQL's internal type names where BigQuery's (external) ones are written: DOUBLE is FLOAT64.
        const message = details.replace(/\s*\[at (\d+:\d+)\]$/, ' at [$1]').replace(/\((DOUBLE|FLOAT)\)/g, '(FLOAT64)');
        throw new BigQueryError('invalidQuery', message, { location: 'query' });
      }
      // 14 UNAVAILABLE: the analyzer process is gone (killed, crashed); say so rather than a bare gRPC error.
      throw new BigQueryError('backendError', `The ZetaSQL analyzer did not answer (gRPC ${String(code)}: ${String(details ?? (error as Error).message)})`);
    }
    const next = response?.resumeBytePosition ?? script.length;
    const { kind, node } = innermost(response?.resolvedStatement ?? {});
    const rest = script.subarray(next).toString('utf8');
    return {
      sql: script.subarray(position, next).toString('utf8').replace(/;\s*$/, ''),
      kind,
      node,
      next,
      atEnd: stripComments(rest).trim() === '',
    };
  }
}

/** ZetaSQL's protos nest one `oneof` per class level (`node: 'resolvedCreateStatementNode'`): follow to the leaf. */
function innermost(value: object): { kind: string; node: Record<string, unknown> } {
  let node = value as Record<string, unknown>;
  let kind = 'unknown';
  for (;;) {
    const next = node['node'];
    if (typeof next !== 'string' || typeof node[next] !== 'object' || node[next] === null) return { kind, node };
    kind = next;
    node = node[next] as Record<string, unknown>;
  }
}

function stripComments(text: string): string {
  return text.replace(/--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\//g, '');
}
