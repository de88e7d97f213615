export const TOKEN = 'tok-3f9c2a7be51d4e0c8a6f';
export const APP_ID = '7268034192837465012';
export const SECRET = 'sec-9d81b7c4e2a64f35b0c1';

/** A config as Airbyte users write it, pointing at the emulator. */
export function configFor(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: SECRET, access_token: TOKEN },
    api_base_url: url,
    start_date: '2026-09-01',
    requests_per_second: 50,
    ...extra,
  };
}

/** The secrets that appear in any of the captured outputs (none may). */
export function secretsIn(...outputs: string[]): string[] {
  return [TOKEN, SECRET].filter((secret) => outputs.some((o) => o.includes(secret)));
}
