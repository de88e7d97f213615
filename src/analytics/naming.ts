// View names. A report stream's typed view is the stream's name without `_reports`
// (`ads_reports_daily` → `ads_daily`, `campaigns_audience_reports_by_country_daily` →
// `campaigns_audience_by_country_daily`); a stream without `_reports` in its name (a custom report), or one
// whose short name is taken by a stream or a table, gets `<stream>_typed`. Ready views have fixed names
// (`campaign_performance_daily`, `campaign_spend_by_gender_daily`, …); a taken one gets a short stable hash.

import { createHash } from 'node:crypto';

export class ViewNames {
  readonly #taken: Set<string>;

  /** `reserved`: every stream name and every table of the schema or dataset; a view never takes one. */
  constructor(reserved: Iterable<string>) {
    this.#taken = new Set(reserved);
  }

  typedView(stream: string): string {
    const short = stream.includes('_reports') ? stream.replace('_reports', '') : undefined;
    if (short !== undefined && short !== '' && !this.#taken.has(short)) return this.#take(short);
    return this.claim(`${stream}_typed`);
  }

  /** The name itself when free, else the name with a short stable hash. */
  claim(name: string): string {
    if (!this.#taken.has(name)) return this.#take(name);
    return this.#take(`${name}_${createHash('sha256').update(name).digest('hex').slice(0, 6)}`);
  }

  #take(name: string): string {
    this.#taken.add(name);
    return name;
  }
}
