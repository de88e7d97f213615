// Developer apps and their access tokens. TikTok limits calls per app, so every request is charged to the
// app its token belongs to; several tokens (several connections, several processes) of one app share one
// budget. Tokens can be minted and revoked at runtime through the admin routes.

import { hash32 } from './data/hash.ts';

export interface App {
  appId: string;
  secret: string;
}

interface TokenEntry {
  appId: string;
  revoked: boolean;
}

export class TokenRegistry {
  readonly #seed: number;
  readonly #apps = new Map<string, App>();
  readonly #tokens = new Map<string, TokenEntry>();
  #minted = 0;
  readonly defaultApp: App;

  constructor(seed: number, appId: string, secret: string, accessToken: string) {
    this.#seed = seed;
    this.defaultApp = { appId, secret };
    this.#apps.set(appId, this.defaultApp);
    this.#tokens.set(accessToken, { appId, revoked: false });
  }

  app(appId: string): App | undefined {
    return this.#apps.get(appId);
  }

  /** The app of a live token; undefined for an unknown or revoked one. */
  appOf(token: string): string | undefined {
    const entry = this.#tokens.get(token);
    return entry === undefined || entry.revoked ? undefined : entry.appId;
  }

  /**
   * A new token for `appId` (registering the app with a derived secret when it is new), or for a brand-new
   * app when none is named. Tokens are derived from the seed and a counter, so runs repeat.
   */
  mint(appId?: string): { accessToken: string; app: App } {
    const n = ++this.#minted;
    const id = appId ?? `emulator-app-${n + 1}`;
    let app = this.#apps.get(id);
    if (app === undefined) {
      app = { appId: id, secret: `secret-${hash32(this.#seed, n, 0x5ec).toString(16)}` };
      this.#apps.set(id, app);
    }
    const accessToken = `act.${hash32(this.#seed, n, 0x70c).toString(16).padStart(8, '0')}${hash32(this.#seed, n, 0x70d).toString(16).padStart(8, '0')}.${n}`;
    this.#tokens.set(accessToken, { appId: app.appId, revoked: false });
    return { accessToken, app };
  }

  /** The app a token was issued to, and whether it was revoked; undefined when it was never issued. */
  lookup(token: string): { appId: string; revoked: boolean } | undefined {
    const entry = this.#tokens.get(token);
    return entry === undefined ? undefined : { ...entry };
  }

  /** False when the token was never issued. Revoking twice is harmless. */
  revoke(token: string): boolean {
    const entry = this.#tokens.get(token);
    if (entry === undefined) return false;
    entry.revoked = true;
    return true;
  }

  /** The first live token of an app (what the auth-code exchange hands out). */
  tokenOf(appId: string): string | undefined {
    for (const [token, entry] of this.#tokens) if (entry.appId === appId && !entry.revoked) return token;
    return undefined;
  }

  list(): { access_token: string; app_id: string; revoked: boolean }[] {
    return [...this.#tokens].map(([token, entry]) => ({ access_token: token, app_id: entry.appId, revoked: entry.revoked }));
  }
}
