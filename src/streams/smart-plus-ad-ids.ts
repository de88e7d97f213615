import type { Params } from '../tiktok/client.ts';
import type { ReadContext } from './context.ts';
import type { ReportStream } from './definitions.ts';
import type { ReportRow } from './report-rows.ts';

// Standard ad-level report rows of Upgraded Smart+ ads can come without an ad_id (null, "0" or missing: what
// Fivetran's users met, dbt_ad_reporting #187). Such a row has no key, and several of them share a day. They are
// held back, and the same query is asked again keyed by ad_id_v2, which names every Upgraded Smart+ ad by its
// smart_plus_ad_id (an ordinary ad's ad_id_v2 is its ad_id): the rows of ids the first answer did not have are
// the held-back rows, each now keyed by its Smart+ ad. So a Smart+ row's ad_id is its smart_plus_ad_id (the key
// of smart_plus_ads), the same on every run, and `metrics.ad_id_v2` says the key came from there.

const ID = /^\d+$/;

/** The ad ids one query's answer named, and how many of its rows named none. */
export class MissingAdIds {
  readonly #seen = new Set<string>();
  #missing = 0;

  /** Only the streams keyed by ad_id can lose it. */
  static for(stream: Pick<ReportStream, 'idDimension'>): MissingAdIds | undefined {
    return stream.idDimension === 'ad_id' ? new MissingAdIds() : undefined;
  }

  /** True for a row without an ad id: it is held back, to come again keyed by ad_id_v2. */
  holdsBack(row: ReportRow): boolean {
    const id = row.dimensions?.['ad_id'];
    const text = typeof id === 'number' ? String(id) : id;
    if (typeof text !== 'string' || !ID.test(text) || /^0+$/.test(text)) {
      this.#missing++;
      return true;
    }
    this.#seen.add(text);
    return false;
  }

  get missing(): number {
    return this.#missing;
  }

  /** Whether an ad_id_v2 is one the answer already had as an ad_id (an ordinary ad, already emitted). */
  seen(id: string): boolean {
    return this.#seen.has(id);
  }
}

/**
 * The held-back rows, from the query asked again by ad_id_v2, as rows keyed by ad_id (see the top of the file).
 * Paged like every synchronous report.
 */
export async function* standInRows(ctx: ReadContext, params: Params, ids: MissingAdIds, pageSize: number): AsyncGenerator<ReportRow> {
  const dimensions = (params['dimensions'] as readonly string[]).map((d) => (d === 'ad_id' ? 'ad_id_v2' : d));
  for (let page = 1, pages = 1; page <= pages; page++) {
    const answer = await ctx.client.get<{ list?: ReportRow[]; page_info?: { total_page: number } }>(
      'report/integrated/get/', { ...params, dimensions, page, page_size: pageSize },
    );
    pages = answer.page_info?.total_page ?? 1;
    for (const row of answer.list ?? []) {
      const raw = row.dimensions?.['ad_id_v2'];
      const v2 = typeof raw === 'number' ? String(raw) : raw;
      if (typeof v2 !== 'string' || !ID.test(v2) || ids.seen(v2)) continue;
      yield { dimensions: { ...row.dimensions, ad_id: v2 }, metrics: { ...row.metrics, ad_id_v2: v2 } };
    }
  }
}
