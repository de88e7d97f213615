import { recordMessage } from '../protocol/messages.ts';
import type { AirbyteMessage, RecordData } from '../protocol/types.ts';
import type { PageInfo, Params } from '../tiktok/client.ts';
import type { ReadContext } from './context.ts';
import type { AssetStream } from './definitions.ts';
import type { Batch } from './entity.ts';
import { toId } from './fields.ts';
import { splitSearches } from './creative-search.ts';
import { normaliseCursor } from './state.ts';

/** One page of a list endpoint: records under a per-endpoint key of `data`, and TikTok's page_info. */
type ListPage = Record<string, unknown> & { page_info?: PageInfo };

/**
 * Every record of one list endpoint for one advertiser. Paging follows page_info.total_page, never the length of
 * a page: an endpoint that quietly serves fewer rows than the page_size asked for (Airbyte stops there and loses
 * the rest) is still read to its last page. Without page_info it reads until an empty page.
 */
export async function* listPages(
  ctx: ReadContext,
  path: string,
  recordsAt: string,
  pageSize: number,
  params: Params,
): AsyncGenerator<{ records: RecordData[]; pageInfo: PageInfo | undefined }> {
  for (let page = 1; ; page++) {
    const data = await ctx.client.get<ListPage>(path, { ...params, page, page_size: pageSize });
    const list = data[recordsAt];
    const records = Array.isArray(list) ? (list as RecordData[]) : [];
    const pageInfo = data.page_info;
    yield { records, pageInfo };
    if (pageInfo ? page >= pageInfo.total_page : records.length === 0) return;
  }
}

/**
 * One advertiser's records of an asset stream. Images and videos are incremental client-side on modify_time (the
 * endpoints have no "modified since" filter): each sync lists everything and emits what is not older than the
 * cursor. A search whose first page says it reaches TikTok's 10,000-item cap is read again in parts that stay
 * below it (creative-search.ts), so that nothing is cut; items already emitted are not emitted twice.
 */
export async function* readAssets(
  ctx: ReadContext,
  stream: AssetStream,
  advertiserId: string,
  since: string | undefined,
): AsyncGenerator<Batch> {
  let newest = since;
  const seen = stream.searchCap !== undefined ? new Set<string>() : undefined;
  const key = stream.primaryKey[0];
  const read = async function* (filter: Params): AsyncGenerator<Batch, boolean> {
    for await (const { records: rows, pageInfo } of listPages(ctx, stream.path, stream.recordsAt, stream.pageSize, { advertiser_id: advertiserId, ...filter })) {
      const records: AirbyteMessage[] = [];
      const emittedAt = Date.now();
      for (const row of rows) {
        // Split searches may overlap at their edges: each item once.
        if (seen && key !== undefined) {
          const id = String(row[key]);
          if (seen.has(id)) continue;
          seen.add(id);
        }
        if (stream.cursorField) {
          const stamp = typeof row['modify_time'] === 'string' && row['modify_time'] !== '' ? normaliseCursor(row['modify_time']) : undefined;
          if (since !== undefined && stamp !== undefined && stamp < since) continue;
          if (stamp !== undefined && (newest === undefined || stamp > newest)) newest = stamp;
        }
        records.push(recordMessage(stream.name, assetRecord(row, stream, advertiserId), emittedAt));
      }
      if (records.length > 0) yield { records };
      // The whole search is capped: stop paging it, its parts follow.
      if (filter['filtering'] === undefined && stream.searchCap !== undefined && (pageInfo?.total_number ?? 0) >= stream.searchCap) return true;
    }
    return false;
  };
  if (yield* read({})) {
    for await (const filter of splitSearches(ctx, stream, advertiserId)) yield* read(filter);
  }
  yield { records: [], checkpoint: { advertiserId, cursor: newest } };
}

/** TikTok's record as it came, plus whose it is and, where TikTok nests the key, the key at the top level. */
export function assetRecord(row: RecordData, stream: Pick<AssetStream, 'keyFrom'>, advertiserId: string): RecordData {
  const record: RecordData = { ...row, advertiser_id: toId(row['advertiser_id'] ?? advertiserId) };
  if (stream.keyFrom) {
    let value: unknown = row;
    for (const step of stream.keyFrom.path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[step] : undefined;
    record[stream.keyFrom.field] = value === undefined || value === null ? null : String(value);
  }
  return record;
}
