import type { SourceConfig } from '../config.ts';
import { configError } from '../errors.ts';
import { type AdvertiserInfo, advertiserInfo } from '../tiktok/advertisers.ts';
import { TikTokClient } from '../tiktok/client.ts';
import { TikTokApiError } from '../tiktok/errors.ts';
import { authorisedAdvertisers } from '../tiktok/oauth.ts';

/** What a read learns as it goes, for the LOGs and the final summary. */
export interface ReadSummary {
  records: Map<string, number>;
  /** Advertisers or objects TikTok answered 40002 for: skipped, named. */
  skipped: string[];
  /** Report rows that could not be parsed: not emitted, named. */
  unparsedRows: number;
  /** Advertiser-windows whose emitted metrics disagree with TikTok's totals. */
  reconciliationMismatches: number;
}

export interface ReadContext {
  config: SourceConfig;
  client: TikTokClient;
  summary: ReadSummary;
  /** Advertisers to read, with time zones; resolved once per read. */
  advertisers(): Promise<AdvertiserInfo[]>;
  /** The grant list (advertiser_ids stream). */
  grantedAdvertisers(): Promise<{ advertiser_id: string; advertiser_name: string }[]>;
  /** Warnings for the user, turned into LOG messages in the output. */
  warn(message: string): void;
  drainWarnings(): string[];
}

export function createClient(config: SourceConfig, overrides: Partial<ConstructorParameters<typeof TikTokClient>[0]> = {}): TikTokClient {
  const c = config.credentials;
  return new TikTokClient({
    baseUrl: config.apiBaseUrl,
    accessToken: c.accessToken,
    appId: c.kind === 'oauth' ? c.appId : undefined,
    requestsPerSecond: config.requestsPerSecond,
    taskRequestsPerSecond: config.asyncRequestsPerSecond,
    maxConcurrency: config.maxConcurrency,
    timeoutMs: config.requestTimeoutMs,
    maxRetries: config.maxRetries,
    ...overrides,
  });
}

export function createContext(config: SourceConfig, client: TikTokClient = createClient(config)): ReadContext {
  let granted: Promise<{ advertiser_id: string; advertiser_name: string }[]> | undefined;
  let infos: Promise<AdvertiserInfo[]> | undefined;
  const warnings: string[] = [];
  const summary: ReadSummary = { records: new Map(), skipped: [], unparsedRows: 0, reconciliationMismatches: 0 };

  const grantedAdvertisers = () => {
    granted ??= (async () => {
      const c = config.credentials;
      if (c.kind === 'sandbox') return [{ advertiser_id: c.advertiserId, advertiser_name: '' }];
      const list = await authorisedAdvertisers(client, c.appId, c.secret);
      if (c.advertiserId === undefined) return list;
      const chosen = list.find((a) => a.advertiser_id === c.advertiserId);
      return [chosen ?? { advertiser_id: c.advertiserId, advertiser_name: '' }];
    })();
    return granted;
  };

  const advertisers = () => {
    infos ??= (async () => {
      const ids = (await grantedAdvertisers()).map((a) => a.advertiser_id);
      if (ids.length === 0) throw configError('The access token reaches no advertiser: authorise at least one advertiser for this app.');
      let found: AdvertiserInfo[];
      try {
        found = await advertiserInfo(client, ids);
      } catch (error) {
        if (error instanceof TikTokApiError && error.kind === 'not_accessible') {
          throw configError(`TikTok says advertiser ${ids.join(', ')} is not accessible with this token: check advertiser_id.`, {
            internal: error.message,
          });
        }
        throw error;
      }
      const known = new Set(found.map((a) => a.advertiser_id));
      for (const id of ids) {
        if (!known.has(id)) {
          summary.skipped.push(`advertiser ${id} (no advertiser/info answer)`);
          warnings.push(`Advertiser ${id} is granted but advertiser/info/ does not describe it: skipped.`);
        }
      }
      return found;
    })();
    return infos;
  };

  return {
    config,
    client,
    summary,
    advertisers,
    grantedAdvertisers,
    warn: (message) => warnings.push(message),
    drainWarnings: () => warnings.splice(0),
  };
}
