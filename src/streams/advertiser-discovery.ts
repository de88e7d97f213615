import type { SourceConfig } from '../config.ts';
import { configError } from '../errors.ts';
import { type AdvertiserInfo, advertiserInfo, hasTimeZone } from '../tiktok/advertisers.ts';
import type { TikTokClient } from '../tiktok/client.ts';
import { authorisedAdvertisers } from '../tiktok/oauth.ts';
import type { ReadSummary } from './context.ts';
import { sandboxAdvertiser } from './sandbox.ts';

export interface GrantedAdvertiser {
  advertiser_id: string;
  advertiser_name: string;
}

/**
 * Which advertisers a read covers, asked of TikTok once per read: the token's grant (oauth2/advertiser/get/, or the
 * configured advertiser), then their descriptions (advertiser/info/). Advertisers TikTok will not describe are
 * skipped, named in a warning and the summary; none reachable at all is a config error.
 */
export class AdvertiserDiscovery {
  readonly #config: SourceConfig;
  readonly #client: TikTokClient;
  readonly #summary: ReadSummary;
  readonly #warn: (line: string) => void;
  #granted: Promise<GrantedAdvertiser[]> | undefined;
  #described: Promise<AdvertiserInfo[]> | undefined;

  constructor(config: SourceConfig, client: TikTokClient, summary: ReadSummary, warn: (line: string) => void) {
    this.#config = config;
    this.#client = client;
    this.#summary = summary;
    this.#warn = warn;
  }

  /** The grant list (the advertiser_ids stream): the token's advertisers, or the configured one. */
  granted(): Promise<GrantedAdvertiser[]> {
    this.#granted ??= (async () => {
      const c = this.#config.credentials;
      if (c.kind === 'sandbox') return [{ advertiser_id: c.advertiserId, advertiser_name: '' }];
      const list = await authorisedAdvertisers(this.#client, c.appId, c.secret);
      if (c.advertiserId === undefined) return list;
      const chosen = list.find((a) => a.advertiser_id === c.advertiserId);
      return [chosen ?? { advertiser_id: c.advertiserId, advertiser_name: '' }];
    })();
    return this.#granted;
  }

  /** The advertisers to read, described by advertiser/info/ (time zones); the unreachable ones skipped, named. */
  described(): Promise<AdvertiserInfo[]> {
    this.#described ??= (async () => {
      // The sandbox has no advertiser/info/: its one advertiser is described from the config (see sandbox.ts).
      if (this.#config.credentials.kind === 'sandbox') return [sandboxAdvertiser(this.#config.credentials.advertiserId)];
      const ids = (await this.granted()).map((a) => a.advertiser_id);
      if (ids.length === 0) throw configError('The access token reaches no advertiser: authorise at least one advertiser for this app.');
      const { found, inaccessible } = await advertiserInfo(this.#client, ids);
      for (const { advertiserId, error } of inaccessible) {
        this.#summary.skipped.push(`advertiser ${advertiserId} (${error.message})`);
        this.#warn(`Advertiser ${advertiserId} is not accessible with this token (TikTok code ${error.code}: ${error.message}): skipped.`);
      }
      if (found.length === 0 && inaccessible.length === ids.length) {
        throw configError(
          `TikTok says ${ids.length === 1 ? `advertiser ${ids[0]} is` : `none of the ${ids.length} advertisers is`} accessible with this token: check advertiser_id and the token's grant.`,
          { internal: inaccessible[0]?.error.message },
        );
      }
      const known = new Set(found.map((a) => a.advertiser_id));
      const refused = new Set(inaccessible.map((i) => i.advertiserId));
      for (const id of ids) {
        if (!known.has(id) && !refused.has(id)) {
          this.#summary.skipped.push(`advertiser ${id} (no advertiser/info answer)`);
          this.#warn(`Advertiser ${id} is granted but advertiser/info/ does not describe it: skipped.`);
        }
      }
      for (const info of found) {
        if (!hasTimeZone(info)) {
          this.#warn(`Advertiser ${info.advertiser_id}: advertiser/info/ gave no time zone; its report dates are read as UTC, which may shift days.`);
        }
      }
      return found;
    })();
    return this.#described;
  }
}
