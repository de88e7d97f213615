// View names. A report stream's typed view is the stream's name without `_reports`
// (`ads_reports_daily` → `ads_daily`, `campaigns_audience_reports_by_country_daily` →
// `campaigns_audience_by_country_daily`); a stream without `_reports` in its name (a custom report), or one
// whose short name is taken by a stream or a table, gets `<stream>_typed`. Ready views have fixed names
// (`campaign_performance_daily`, `campaign_spend_by_gender_daily`, …); a taken one gets a short stable hash.

import { fallbackViewName, hashedViewName, shortViewName } from '../view-names.ts';

export class ViewNames {
  readonly #taken: Set<string>;

  /** `reserved`: every stream name and every table of the schema or dataset; a view never takes one. */
  constructor(reserved: Iterable<string>) {
    this.#taken = new Set(reserved);
  }

  typedView(stream: string): string {
    const short = shortViewName(stream);
    if (short !== undefined && !this.#taken.has(short)) return this.#take(short);
    return this.claim(fallbackViewName(stream));
  }

  /** The name itself when free, else the name with a short stable hash. */
  claim(name: string): string {
    if (!this.#taken.has(name)) return this.#take(name);
    return this.#take(hashedViewName(name));
  }

  #take(name: string): string {
    this.#taken.add(name);
    return name;
  }
}
