import type { AirbyteMessage } from '../protocol/types.ts';
import type { PageInfo, Params, TikTokClient } from '../tiktok/client.ts';
import { ListRows } from '../tiktok/list-rows.ts';
import type { ParseTicket } from '../tiktok/parse-gate.ts';
import type { ReadContext } from './context.ts';
import type { ReportStream } from './definitions.ts';
import type { Batch } from './entity.ts';
import { RECONCILED_METRICS } from './metrics.ts';
import { AUDIENCE_WINDOW_DAYS, totalsAvailable } from './report-catalogue.ts';
import { reportCodec } from './report-codec.ts';
import { type ReportRow, RowError } from './report-rows.ts';
import { MissingAdIds, standInRows } from './smart-plus-ad-ids.ts';

/** TikTok's span limits per query: 30 days by day, 1 day by hour. */
export const MAX_WINDOW_DAYS = { day: 30, hour: 1 } as const;

/** The widest window a dated query of this stream may span: TikTok's limit, and 7 days for AUDIENCE reports. */
export function maxWindowDays(stream: Pick<ReportStream, 'reportType' | 'granularity'>): number {
  const limit = stream.granularity === 'hour' ? MAX_WINDOW_DAYS.hour : MAX_WINDOW_DAYS.day;
  return stream.reportType === 'AUDIENCE' ? Math.min(limit, AUDIENCE_WINDOW_DAYS) : limit;
}
export const PAGE_SIZE = 1000;
/** Pages requested ahead of the one being emitted, within one window. */
const PAGE_LOOKAHEAD = 1;
/** Records are built and handed on in chunks this size, so few are alive at once. */
export const CHUNK = 50;

interface ReportPage {
  /** The page's rows: parsed as they are reached (ListRows), or an array when the answer had another shape. */
  list?: Iterable<ReportRow> & { readonly length: number };
  page_info?: PageInfo;
  total_metrics?: Record<string, unknown>;
}

/**
 * One synchronous report query (a window, the last year, or lifetime), page by page, reconciled with TikTok's
 * totals. Returns the query's row count (page 1's total_number).
 */
export async function* readWindow(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  params: Params,
  label: string,
): AsyncGenerator<Batch, number> {
  // TikTok's totals, to reconcile with, where it gives them (asked for once, on page 1).
  const withTotals = totalsAvailable(stream, ctx.config.credentials.kind === 'sandbox');
  const fetchPage = (page: number, ticket: ParseTicket) =>
    ctx.client.get<ReportPage>(
      'report/integrated/get/',
      { ...params, page, page_size: PAGE_SIZE, ...(page === 1 && withTotals ? { enable_total_metrics: true } : {}) },
      'sync',
      { ticket },
    );
  const codec = reportCodec(stream);
  const sums = new Map<string, number>(RECONCILED_METRICS.map((m) => [m, 0]));
  let totals: Record<string, unknown> | undefined;
  let total: number | undefined;
  let emitted = 0;
  const missingIds = MissingAdIds.for(stream);
  /**
   * The rows as records, CHUNK at a time, summed for reconciliation; unreadable rows named and counted. Rows of
   * TikTok's answer without an ad_id are held back (`missingIds`); their stand-ins come keyed and pass as they are.
   */
  async function* chunks(rows: Iterable<ReportRow> | AsyncIterable<ReportRow>, holdBack: MissingAdIds | null | undefined = missingIds): AsyncGenerator<Batch> {
    let records: AirbyteMessage[] = [];
    const emittedAt = Date.now();
    for await (const row of rows) {
      if (holdBack?.holdsBack(row)) continue;
      let record: AirbyteMessage;
      try {
        record = codec.message(row, advertiserId, emittedAt, ctx.output);
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        ctx.summary.unparsedRows++;
        ctx.warn(`${stream.name}: advertiser ${advertiserId}, ${label}: a row could not be read (${error.message}); not emitted: ${JSON.stringify(row).slice(0, 300)}`);
        continue;
      }
      // Summed from TikTok's own text, so reconciliation does not build the typed record.
      const metrics = row.metrics ?? {};
      for (const [name, sum] of sums) {
        const value = Number(metrics[name]);
        if (Number.isFinite(value)) sums.set(name, sum + value);
      }
      records.push(record);
      if (records.length >= CHUNK) {
        emitted += records.length;
        yield { records };
        records = [];
      }
    }
    emitted += records.length;
    if (records.length > 0) yield { records };
  }
  for await (const page of pagesAhead(fetchPage, ctx.client)) {
    // Page 1 carries the query's row count and, asked for there, TikTok's totals.
    if (total === undefined) {
      totals = page.total_metrics;
      total = page.page_info?.total_number ?? page.list?.length ?? 0;
    }
    yield* chunks(page.list ?? []);
  }
  // Rows that came without an ad_id (Upgraded Smart+ ads): read again keyed by ad_id_v2 (smart-plus-ad-ids.ts).
  if (missingIds !== undefined && missingIds.missing > 0) yield* chunks(standInRows(ctx, params, missingIds, PAGE_SIZE), null);
  reconcile(ctx, stream, advertiserId, label, sums, totals, emitted);
  return total ?? 0;
}

/**
 * Page 1 first (it tells how many pages there are), then the rest with a bounded look-ahead, in order (a page
 * ahead only while the client's bound on pages ahead across readers allows). A page is parsed only once it is the
 * one wanted and holds a permit of the client's parse gate, which it keeps until the reader asks for the next
 * page, i.e. until its rows are consumed.
 */
async function* pagesAhead(
  fetchPage: (page: number, ticket: ParseTicket) => Promise<ReportPage>,
  client: Pick<TikTokClient, 'parseTicket' | 'aheadTicket'>,
): AsyncGenerator<ReportPage> {
  const pending = new Map<number, { request: Promise<ReportPage>; ticket: ParseTicket }>();
  const start = (page: number, ticket: ParseTicket) => {
    const request = fetchPage(page, ticket);
    // Awaited in turn below; until then a failure must not count as unhandled.
    request.catch(() => undefined);
    pending.set(page, { request, ticket });
  };
  let started = 0;
  /** Asks for the pages after `page` that the look-ahead (and the places free across readers) allow. */
  const startAhead = (page: number, lastPage: number) => {
    while (started < Math.min(lastPage, page + PAGE_LOOKAHEAD)) {
      const ticket = client.aheadTicket();
      if (ticket === undefined) return;
      start(++started, ticket);
    }
  };
  try {
    let lastPage = 1;
    for (let page = 1; page <= lastPage; page++) {
      if (started < page) start(++started, await client.parseTicket());
      startAhead(page, lastPage);
      const current = pending.get(page)!;
      await current.ticket.acquire();
      const answer = await current.request;
      if (page === 1) {
        lastPage = answer.page_info?.total_page ?? 1;
        startAhead(page, lastPage);
      }
      yield answer;
      pending.delete(page);
      current.ticket.close();
      if (answer.list instanceof ListRows) answer.list.release();
    }
  } finally {
    for (const { ticket } of pending.values()) ticket.close();
  }
}

/** TikTok's own totals for the query against what was emitted; a difference is a warning, counted. */
function reconcile(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  label: string,
  sums: Map<string, number>,
  totals: Record<string, unknown> | undefined,
  rows: number,
): void {
  if (!totals) return;
  ctx.summary.reconciled.add(stream.name);
  const differences: string[] = [];
  for (const [name, sum] of sums) {
    const raw = totals[name];
    if (raw === undefined || raw === null || raw === '-') continue;
    const expected = Number(raw);
    if (!Number.isFinite(expected)) continue;
    // Rows carry rounded values (2 decimals): allow half a cent per row.
    if (Math.abs(sum - expected) > 0.005 * rows + 1e-6 * Math.abs(expected) + 1e-9) {
      differences.push(`${name}: emitted ${round(sum)} vs TikTok total ${raw}`);
    }
  }
  if (differences.length === 0) return;
  ctx.summary.reconciliationMismatches++;
  ctx.warn(`${stream.name}: advertiser ${advertiserId}, ${label}: emitted metrics differ from TikTok's totals (${differences.join('; ')}).`);
}

const round = (n: number) => Math.round(n * 100) / 100;
