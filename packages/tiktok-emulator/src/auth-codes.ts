// The auth codes of TikTok's authorisation redirect: each one exchanges for the token once, within an hour of
// being issued (tiktok-api.md: "an auth_code lives 1 hour and works once"; 40110 otherwise). Twenty are
// issued when the emulator starts; the admin route issues more. The hour is counted on the emulator's clock,
// like every lifetime measured in hours or days here, so a test moves the clock past it rather than waiting.

export const AUTH_CODE_LIFETIME_MS = 3_600_000;

interface Issued {
  issuedAtMs: number;
  used: boolean;
}

export type Redemption = 'ok' | 'unknown' | 'used' | 'expired';

export class AuthCodes {
  readonly #seed: number;
  readonly #codes = new Map<string, Issued>();

  constructor(seed: number, startMs: number) {
    this.#seed = seed;
    for (let i = 1; i <= 20; i++) this.#codes.set(`auth-code-${seed}-${i}`, { issuedAtMs: startMs, used: false });
  }

  /** A new code, valid for an hour from `nowMs`. */
  issue(nowMs: number): { auth_code: string; expires_at: string } {
    const code = `auth-code-${this.#seed}-${this.#codes.size + 1}`;
    this.#codes.set(code, { issuedAtMs: nowMs, used: false });
    return { auth_code: code, expires_at: new Date(nowMs + AUTH_CODE_LIFETIME_MS).toISOString() };
  }

  /** Uses the code up when it is valid; says why not otherwise. */
  redeem(code: string, nowMs: number): Redemption {
    const issued = this.#codes.get(code);
    if (issued === undefined) return 'unknown';
    if (issued.used) return 'used';
    if (nowMs > issued.issuedAtMs + AUTH_CODE_LIFETIME_MS) return 'expired';
    issued.used = true;
    return 'ok';
  }

  list(): { auth_code: string; used: boolean; expires_at: string }[] {
    return [...this.#codes].map(([code, issued]) => ({
      auth_code: code,
      used: issued.used,
      expires_at: new Date(issued.issuedAtMs + AUTH_CODE_LIFETIME_MS).toISOString(),
    }));
  }
}
