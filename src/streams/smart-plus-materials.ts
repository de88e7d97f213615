import { recordMessage } from '../protocol/messages.ts';
import type { AirbyteMessage } from '../protocol/types.ts';
import type { AdvertiserInfo } from '../tiktok/advertisers.ts';
import type { Params } from '../tiktok/client.ts';
import type { ReadContext } from './context.ts';
import { tilingWindows } from './windows.ts';
import type { SmartPlusMaterialStream } from './definitions.ts';
import type { Batch } from './entity.ts';
import { advertiserReportDays, resumeDay } from './report-range.ts';
import { type ReportRow, RowError, reportRecord } from './report-rows.ts';
import { SMART_PLUS_PAGE_SIZE } from './smart-plus-streams.ts';
import { isMissingScope, MissingScopeError } from './smart-plus-scope.ts';

/** A creative row is keyed by its Smart+ ad; the main creative (and its type, which TikTok adds) ride as breakdowns. */
const ROW_SHAPE = { idDimension: 'smart_plus_ad_id', breakdowns: ['main_material_id', 'main_material_type'] } as const;
const REQUESTED = ['smart_plus_ad_id', 'main_material_id'];

/**
 * One advertiser's Upgraded Smart+ creative rows. The lifetime stream asks once (query_lifetime); the dated ones
 * read windows of the stream's span from the advertiser's start (or the attribution window before the cursor) to
 * today in its time zone, and checkpoint after each window. A refusal for want of the app's scope ends the stream
 * as MissingScopeError (smart-plus-scope.ts), for the source to skip it with one warning.
 */
export async function* readMaterials(
  ctx: ReadContext,
  stream: SmartPlusMaterialStream,
  advertiser: AdvertiserInfo,
  cursor: string | undefined,
): AsyncGenerator<Batch> {
  const advertiserId = advertiser.advertiser_id;
  const base: Params = {
    advertiser_id: advertiserId,
    dimensions: [...REQUESTED, ...(stream.timeDimension ? [stream.timeDimension] : [])],
    metrics: stream.metrics,
  };
  if (stream.timeDimension === undefined) {
    yield* readQuery(ctx, stream, advertiserId, { ...base, query_lifetime: true }, 'lifetime');
    return;
  }
  const days = advertiserReportDays(ctx, advertiser);
  const start = resumeDay(days.start, cursor, ctx.config.attributionWindow);
  for (const { start: from, end: to } of tilingWindows(start, days.end, stream.windowDays)) {
    yield* readQuery(ctx, stream, advertiserId, { ...base, start_date: from, end_date: to }, `${from}..${to}`);
    yield { records: [], checkpoint: { advertiserId, cursor: `${to} 00:00:00` } };
  }
}

async function* readQuery(ctx: ReadContext, stream: SmartPlusMaterialStream, advertiserId: string, params: Params, label: string): AsyncGenerator<Batch> {
  const owner = JSON.rawJSON(advertiserId);
  const shape = { ...ROW_SHAPE, timeDimension: stream.timeDimension };
  try {
    for await (const page of ctx.client.pages<ReportRow & { info?: Record<string, unknown> }>(stream.path, params, SMART_PLUS_PAGE_SIZE)) {
      const records: AirbyteMessage[] = [];
      const emittedAt = Date.now();
      for (const row of page.list) {
        // TikTok's SDK names a creative row's dimensions `info`; its reports elsewhere say `dimensions`.
        const dimensions = row.dimensions ?? row.info;
        try {
          records.push(recordMessage(stream.name, reportRecord({ dimensions, metrics: row.metrics }, shape, owner), emittedAt));
        } catch (error) {
          if (!(error instanceof RowError)) throw error;
          ctx.summary.unparsedRows++;
          ctx.warn(`${stream.name}: advertiser ${advertiserId}, ${label}: a row could not be read (${error.message}); not emitted: ${JSON.stringify(row).slice(0, 300)}`);
        }
      }
      if (records.length > 0) yield { records };
    }
  } catch (error) {
    throw isMissingScope(error) ? new MissingScopeError(error) : error;
  }
}
