import type { SourceConfig } from './config.ts';
import { configError } from './errors.ts';
import {
  estimateMessage,
  logMessage,
  streamStateMessage,
  streamStatusMessage,
} from './protocol/messages.ts';
import type {
  AirbyteCatalog,
  AirbyteConnectionStatus,
  AirbyteMessage,
  AirbyteStream,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
} from './protocol/types.ts';
import { type ReadContext, createClient, createContext, skippingInaccessible } from './streams/context.ts';
import {
  type AdvertiserStream,
  type StreamDefinition,
  syncModesOf,
} from './streams/definitions.ts';
import { type Batch, readAdvertiserList, readEntities } from './streams/entity.ts';
import { availableStreams } from './streams/available.ts';
import { probeSandbox } from './streams/sandbox.ts';
import { mergeConcurrently } from './streams/merge.ts';
import { readReport } from './streams/report.ts';
import { readAssets } from './streams/assets.ts';
import { readPixelStream } from './streams/pixels.ts';
import { readMaterials } from './streams/smart-plus-materials.ts';
import { knownMissingScope, MissingScopeError, missingScopeNotice, needsSmartPlusScope } from './streams/smart-plus-scope.ts';
import { readGmvMax } from './streams/gmv-max.ts';
import { PartitionCursors, type SourceState } from './streams/state.ts';
import { reconcileRoundedIds } from './streams/rounded-ids.ts';
import type { AdvertiserInfo } from './tiktok/advertisers.ts';
import { TikTokApiError, toConnectorError } from './tiktok/errors.ts';

export { specification } from './spec.ts';

/** The catalog this config offers: built-in streams and its custom reports, without what its sandbox lacks. */
export function discover(config?: SourceConfig): AirbyteCatalog {
  return { streams: availableStreams(config).streams.map(toAirbyteStream) };
}

/** What `discover` prints: a LOG for each stream the config does not offer and why (as Airbyte does), then the catalog. */
export function discoverMessages(config: SourceConfig): AirbyteMessage[] {
  const notes = [...availableStreams(config).leftOut.values()].map((left) => logMessage('INFO', `Stream ${left.name} left out of the catalog: ${left.reason}.`));
  return [...notes, { type: 'CATALOG', catalog: discover(config) }];
}

function toAirbyteStream(stream: StreamDefinition): AirbyteStream {
  return {
    name: stream.name,
    json_schema: stream.schema,
    supported_sync_modes: syncModesOf(stream),
    source_defined_cursor: stream.cursorField !== undefined,
    ...(stream.cursorField ? { default_cursor_field: [stream.cursorField] } : {}),
    source_defined_primary_key: stream.primaryKey.map((k) => [k]),
    is_resumable: stream.cursorField !== undefined,
  };
}

/** Reaches the API with the config: the token, the advertisers it grants, their descriptions. */
export async function check(config: SourceConfig): Promise<AirbyteConnectionStatus> {
  const client = createClient(config, { maxRetries: Math.min(config.maxRetries, 2), retryBaseMs: 250, maxRetryTimeMs: 30_000 });
  const ctx = createContext(config, client);
  try {
    if (config.credentials.kind === 'sandbox') {
      await probeSandbox(client, config.credentials.advertiserId);
      return { status: 'SUCCEEDED', message: `Connected to TikTok's sandbox: advertiser ${config.credentials.advertiserId} is reachable.` };
    }
    const advertisers = await ctx.advertisers();
    const names = advertisers.slice(0, 5).map((a) => `${String(a['name'] ?? '')} (${a.advertiser_id})`);
    return {
      status: 'SUCCEEDED',
      message: `Connected: ${advertisers.length} advertiser(s) reachable: ${names.join(', ')}${advertisers.length > 5 ? ', …' : ''}.`,
    };
  } catch (error) {
    const connectorError = error instanceof TikTokApiError ? toConnectorError(error) : error;
    return { status: 'FAILED', message: connectorError instanceof Error ? connectorError.message : String(connectorError) };
  }
}

/** The catalog Airbyte would configure: every stream, incremental where it can be. */
export function defaultConfiguredCatalog(names?: readonly string[], config?: SourceConfig): ConfiguredAirbyteCatalog {
  const available = availableStreams(config);
  const streams = names ?? available.streams.map((s) => s.name);
  return {
    streams: streams.map((name) => {
      const stream = available.byName.get(name);
      if (!stream) {
        const left = available.leftOut.get(name);
        throw configError(left ? `Stream "${name}" is not offered: ${left.reason}.` : `Unknown stream "${name}". Streams: ${[...available.byName.keys()].join(', ')}.`);
      }
      const incremental = stream.cursorField !== undefined;
      return {
        stream: toAirbyteStream(stream),
        sync_mode: incremental ? 'incremental' : 'full_refresh',
        destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
        ...(stream.cursorField ? { cursor_field: [stream.cursorField] } : {}),
        primary_key: stream.primaryKey.map((k) => [k]),
      };
    }),
  };
}

/**
 * The record stream: for each configured stream, its advertisers concurrently, RECORDs, then a STATE after each
 * advertiser (or report window) completes, so a restart neither re-reads finished work nor skips unfinished work.
 */
export async function* read(
  config: SourceConfig,
  catalog: ConfiguredAirbyteCatalog,
  state: SourceState,
  ctx: ReadContext = createContext(config),
): AsyncGenerator<AirbyteMessage> {
  const available = availableStreams(config);
  for (const configured of catalog.streams) {
    const name = configured.stream.name;
    const stream = available.byName.get(name);
    if (!stream) {
      // Skipped, never failed: a catalog made for production credentials still syncs the rest in the sandbox.
      const left = available.leftOut.get(name);
      ctx.summary.skipped.push(`stream ${JSON.stringify(name)} (${left ? left.reason : 'not a stream of this source'})`);
      yield logMessage('WARN', left ? `Stream "${name}" is in the catalog but skipped: ${left.reason}.` : `Stream "${name}" is in the catalog but this source does not have it: skipped.`);
      yield streamStatusMessage(name, 'INCOMPLETE');
      continue;
    }
    yield streamStatusMessage(name, 'STARTED');
    try {
      // An app without the Smart+ report scope: said once (below), the other creative-report streams pass by.
      if (!(needsSmartPlusScope(stream) && knownMissingScope(ctx))) yield* readStream(ctx, stream, configured, state.get(name));
    } catch (error) {
      // COMPLETE, not INCOMPLETE: orchestrators (and `sync`) count an INCOMPLETE stream as a failed sync, and this
      // is no failure but a grant the user must extend; the warning says which streams and how. No STATE is
      // emitted, so the first read after the grant starts from the beginning.
      if (error instanceof MissingScopeError) {
        yield* missingScopeNotice(ctx, catalog, error);
        yield streamStatusMessage(name, 'COMPLETE');
        continue;
      }
      yield streamStatusMessage(name, 'INCOMPLETE');
      throw error instanceof TikTokApiError ? toConnectorError(error) : error;
    }
    yield streamStatusMessage(name, 'COMPLETE');
  }
  yield logMessage('INFO', summaryText(ctx));
}

async function* readStream(
  ctx: ReadContext,
  stream: StreamDefinition,
  configured: ConfiguredAirbyteStream,
  streamState: Record<string, unknown> | undefined,
): AsyncGenerator<AirbyteMessage> {
  const incremental = configured.sync_mode === 'incremental' && stream.cursorField !== undefined;
  const cursors = stream.cursorField
    ? new PartitionCursors(stream.cursorField, incremental ? streamState : undefined, stream.name)
    : undefined;
  const batches = batchesOf(ctx, stream, cursors);
  const estimates = new EstimateTrace(stream.name);
  let count = 0;
  for await (const batch of batches) {
    for (const warning of ctx.drainWarnings()) yield logMessage('WARN', warning);
    const estimate = estimates.next(ctx.activity.planOf(stream.name)?.estimate);
    if (estimate) yield estimate;
    if (batch.records.length > 0) {
      if (count === 0) yield streamStatusMessage(stream.name, 'RUNNING');
      yield* batch.records;
      count += batch.records.length;
    }
    if (batch.checkpoint && cursors && incremental) {
      if (batch.checkpoint.cursor !== undefined) cursors.advance(batch.checkpoint.advertiserId, batch.checkpoint.cursor);
      yield streamStateMessage(stream.name, cursors.toStreamState(), count);
    }
  }
  for (const warning of ctx.drainWarnings()) yield logMessage('WARN', warning);
  ctx.summary.records.set(stream.name, count);
  // Full refresh streams checkpoint once, at their end, so a destination knows the stream is whole.
  if (!incremental) yield streamStateMessage(stream.name, {}, count);
}

async function* batchesOf(
  ctx: ReadContext,
  stream: StreamDefinition,
  cursors: PartitionCursors | undefined,
): AsyncGenerator<Batch> {
  if (isAdvertiserList(stream)) {
    yield* readAdvertiserList(ctx, stream);
    return;
  }
  const partitioned: Exclude<StreamDefinition, AdvertiserStream> = stream;
  const advertisers = await ctx.advertisers();
  // A dated report plans its windows per advertiser; those not begun yet count in the estimate too.
  if (partitioned.kind === 'report' && partitioned.granularity !== 'lifetime') ctx.activity.plan(stream.name).expect(advertisers.length);
  if (cursors) {
    // Against the grant list, not the described one: a granted advertiser skipped today still makes an id ambiguous.
    const granted = (await ctx.grantedAdvertisers()).map((a) => a.advertiser_id);
    for (const warning of reconcileRoundedIds(cursors, granted, stream.name)) ctx.warn(warning);
  }
  const partition = (advertiser: AdvertiserInfo): AsyncGenerator<Batch> => {
    const cursor = cursors?.get(advertiser.advertiser_id);
    switch (partitioned.kind) {
      case 'entity':
        return readEntities(ctx, partitioned, advertiser.advertiser_id, cursor);
      case 'report':
        return readReport(ctx, partitioned, advertiser, cursor);
      case 'asset':
        return readAssets(ctx, partitioned, advertiser.advertiser_id, cursor);
      case 'smart_plus_material':
        return readMaterials(ctx, partitioned, advertiser, cursor);
      case 'gmv_max_stores':
      case 'gmv_max_campaigns':
      case 'gmv_max_report':
        return readGmvMax(ctx, partitioned, advertiser, cursor);
      default:
        return readPixelStream(ctx, partitioned, advertiser);
    }
  };
  const producers = advertisers.map(
    (advertiser) => () => skippingInaccessible(ctx, `advertiser ${advertiser.advertiser_id}`, () => partition(advertiser)),
  );
  yield* mergeConcurrently(producers, ctx.config.maxConcurrency);
}

/** The estimate moves by less than this (relative) without a new ESTIMATE: the protocol stream stays lean. */
const ESTIMATE_STEP = 0.02;

/** The stream's ESTIMATE traces: the first estimate, then each that moved by ESTIMATE_STEP or more from the last sent. */
class EstimateTrace {
  private sent: number | undefined;
  private readonly stream: string;

  constructor(stream: string) {
    this.stream = stream;
  }

  next(estimate: number | undefined): AirbyteMessage | undefined {
    if (estimate === undefined || estimate <= 0) return undefined;
    if (this.sent !== undefined && Math.abs(estimate - this.sent) < this.sent * ESTIMATE_STEP) return undefined;
    this.sent = estimate;
    return estimateMessage(this.stream, estimate);
  }
}

const isAdvertiserList = (stream: StreamDefinition): stream is AdvertiserStream =>
  stream.kind === 'advertisers' || stream.kind === 'advertiser_ids';

/** ": 40100×3, 40133×1": the throttles waited out, by TikTok's code. */
function throttleCodes(byCode: Record<number, number>): string {
  const codes = Object.entries(byCode).map(([code, n]) => `${code}×${n}`);
  return codes.length > 0 ? `: ${codes.join(', ')}` : '';
}

function summaryText(ctx: ReadContext): string {
  const s = ctx.summary;
  const streams = [...s.records].map(([name, n]) => `${name}=${n}`).join(', ');
  const stats = ctx.client.stats;
  return [
    `Read summary: records ${streams || 'none'}`,
    `requests ${stats.requests} (retries ${stats.retries}, throttled ${stats.throttles}${throttleCodes(stats.throttlesByCode)})`,
    `skipped ${s.skipped.length}${s.skipped.length ? ` [${s.skipped.join('; ')}]` : ''}`,
    `unparsed report rows ${s.unparsedRows}`,
    `reconciliation mismatches ${s.reconciliationMismatches} (checked against TikTok's totals: ${[...s.reconciled].join(', ') || 'none'})`,
    `queries split for the 20,000-ad cap ${s.cappedQueriesSplit}`,
  ].join('; ');
}

