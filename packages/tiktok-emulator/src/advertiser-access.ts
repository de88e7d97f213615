// Advertisers the token's authorisation still lists but TikTok will not serve: one the user may no longer
// operate (40001 "No permission to operate advertiser …") and one that was deleted (40300). Both are skipped
// and counted by a client (tiktok-api.md, "Corrections": Other codes). Set from the options at start and
// changed at runtime by the admin route; oauth2/advertiser/get/ keeps listing them, as the authorisation does.

export type AdvertiserAccess = 'ok' | 'unreachable' | 'deleted';

export const ADVERTISER_ACCESS: readonly AdvertiserAccess[] = ['ok', 'unreachable', 'deleted'];

export class AdvertiserAccessList {
  readonly #access = new Map<string, AdvertiserAccess>();

  of(advertiserId: string): AdvertiserAccess {
    return this.#access.get(advertiserId) ?? 'ok';
  }

  set(advertiserId: string, access: AdvertiserAccess): void {
    if (access === 'ok') this.#access.delete(advertiserId);
    else this.#access.set(advertiserId, access);
  }
}
