// The local BigQuery endpoint: BigQuery's REST API v2 (the part the official client uses for loads, queries,
// datasets and tables), every statement checked by ZetaSQL and run on DuckDB. See docs/bigquery-local.md.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Analyzer } from './analyzer.ts';
import type { EndpointContext } from './context.ts';
import { Engine } from './engine.ts';
import { type FaultRule, Faults } from './faults.ts';
import { Jobs } from './jobs.ts';
import { LoadQuota } from './quotas.ts';
import { createHandler } from './server.ts';
import { Store } from './store.ts';

export type { FaultRule } from './faults.ts';
export { MissingDevDependencyError } from './deps.ts';

export interface LocalBigQueryOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Datasets of this project are created at start (with `datasets`); any project id is served. */
  projectId?: string;
  /** Datasets to create at start in `projectId`. */
  datasets?: readonly string[];
  /** Location of datasets created without one (default US). */
  location?: string;
  /** Faults armed from the start (more through `injectFault` or POST /_admin/faults). */
  faults?: readonly FaultRule[];
  /** Load jobs per table per day before quotaExceeded (BigQuery's: 1,500). */
  loadJobsPerTablePerDay?: number;
}

export interface LocalBigQuery {
  /** Base URL to give the client as apiEndpoint (it appends /bigquery/v2). */
  readonly url: string;
  readonly projectId: string;
  /** How long the ZetaSQL analyzer of this process took to start (shared by the endpoints of one process). */
  readonly analyzerStartMs: number;
  injectFault(rule: FaultRule): void;
  /** Load jobs per table (p:d.t) today, as counted for the 1,500-a-day quota. */
  loadJobsPerTable(): Record<string, number>;
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startLocalBigQuery(options: LocalBigQueryOptions = {}): Promise<LocalBigQuery> {
  const projectId = options.projectId ?? 'local-project';
  const [engine, analyzer] = await Promise.all([Engine.open(), Analyzer.acquire()]);
  const context: EndpointContext = {
    engine,
    store: new Store(),
    analyzer,
    jobs: new Jobs(),
    faults: new Faults(),
    defaultLocation: options.location ?? 'US',
    loadQuota: new LoadQuota(options.loadJobsPerTablePerDay),
    uploads: new Map(),
  };
  for (const rule of options.faults ?? []) context.faults.add(rule);
  await engine.exclusive(async (c) => {
    await engine.useProject(c, projectId);
    const now = Date.now();
    for (const datasetId of options.datasets ?? []) {
      await context.store.createDataset(c, { projectId, datasetId, location: context.defaultLocation, creationTime: now, lastModifiedTime: now });
    }
  });
  const server = createServer(createHandler(context));
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (error) {
    // Nothing may outlive a start that failed: the DuckDB engine and the ZetaSQL server go with it.
    await engine.exclusive(async () => engine.close());
    analyzer.release();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closed = false;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    projectId,
    analyzerStartMs: analyzer.startMs,
    injectFault: (rule) => context.faults.add(rule),
    loadJobsPerTable: () => context.loadQuota.snapshot(),
    clearFaults: () => context.faults.clear(),
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await engine.exclusive(async () => engine.close());
      analyzer.release();
    },
  };
}
