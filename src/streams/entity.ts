import { recordMessage } from '../protocol/messages.ts';
import type { AirbyteMessage, RecordData } from '../protocol/types.ts';
import type { ReadContext } from './context.ts';
import type { AdvertiserStream, EntityStream } from './definitions.ts';
import { coerceIds, fieldsOfType } from './fields.ts';
import { normaliseCursor } from './state.ts';

/** Records of one advertiser (or of the advertiser lists), then an optional checkpoint for that advertiser. */
export interface Batch {
  records: AirbyteMessage[];
  checkpoint?: { advertiserId: string; cursor: string | undefined };
}

/**
 * Every campaign / ad group / ad of one advertiser, at page size 1000. TikTok has no server-side "modified since"
 * filter, so incremental filtering happens here. A Smart+ ad comes with modify_time null: its create_time stands
 * in for the cursor, so it is read on the first sync and whenever it is newer than the state, never dropped.
 */
export async function* readEntities(
  ctx: ReadContext,
  stream: EntityStream,
  advertiserId: string,
  since: string | undefined,
): AsyncGenerator<Batch> {
  const idFields = fieldsOfType(stream.fields, 'id');
  const idArrays = fieldsOfType(stream.fields, 'id[]');
  const filtering = ctx.config.includeDeleted ? { secondary_status: stream.allStatuses } : undefined;
  let newest = since;
  for await (const page of ctx.client.pages<RecordData>(stream.path, { advertiser_id: advertiserId, filtering }, stream.pageSize)) {
    const records: AirbyteMessage[] = [];
    const emittedAt = Date.now();
    for (const row of page.list) {
      const stamp = cursorOf(row);
      if (since !== undefined && stamp !== undefined && stamp < since) continue;
      if (stamp !== undefined && (newest === undefined || stamp > newest)) newest = stamp;
      coerceIds(row, idFields, idArrays);
      records.push(recordMessage(stream.name, row, emittedAt));
    }
    if (records.length > 0) yield { records };
  }
  yield { records: [], checkpoint: { advertiserId, cursor: newest } };
}

function cursorOf(row: RecordData): string | undefined {
  const value = row['modify_time'] ?? row['create_time'];
  return typeof value === 'string' && value !== '' ? normaliseCursor(value) : undefined;
}

/** The advertisers themselves: advertiser/info/ for `advertisers`, the token's grant for `advertiser_ids`. */
export async function* readAdvertiserList(ctx: ReadContext, stream: AdvertiserStream): AsyncGenerator<Batch> {
  const rows: RecordData[] =
    stream.kind === 'advertisers' ? await ctx.advertisers() : await ctx.grantedAdvertisers();
  const idFields = fieldsOfType(stream.fields, 'id');
  const emittedAt = Date.now();
  const records = rows.map((row) => {
    const record = { ...row };
    coerceIds(record, idFields, []);
    return recordMessage(stream.name, record, emittedAt);
  });
  yield { records };
}
