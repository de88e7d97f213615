// The download_url a CSV_DOWNLOAD task hands out: valid one hour after it is issued (tiktok-api.md,
// "Corrections": "CSV_DOWNLOAD gives a download_url valid one hour"), like a signed storage link — the expiry
// and a signature ride in the query, so every download call issues a fresh link with a fresh hour.
//
// The hour runs on the emulator's clock. Task processing is timed in real milliseconds (a test waits for it);
// lifetimes measured in hours and days (auth codes, this link) are emulator time, which a test moves past
// with POST /_emulator/clock instead of waiting.

import { hash32, hashString } from '../data/hash.ts';

export const DOWNLOAD_URL_LIFETIME_MS = 3_600_000;

function signature(seed: number, taskId: string, expires: number): string {
  return hash32(seed, hashString(`${taskId}|${expires}`), 0x51e).toString(16).padStart(8, '0');
}

/** A link to the task's file, valid until an hour after `nowMs` (emulator clock). */
export function downloadLink(seed: number, baseUrl: string, taskId: string, nowMs: number): string {
  const expires = Math.floor((nowMs + DOWNLOAD_URL_LIFETIME_MS) / 1000);
  return `${baseUrl}/_emulator/report-files/${taskId}.csv?expires=${expires}&signature=${signature(seed, taskId, expires)}`;
}

export type LinkCheck = 'ok' | 'expired' | 'invalid';

/** Whether a link to `taskId` with this query may still be used at `nowMs`. */
export function checkLink(seed: number, taskId: string, query: URLSearchParams, nowMs: number): LinkCheck {
  const expiresText = query.get('expires') ?? '';
  if (!/^\d{1,12}$/.test(expiresText)) return 'invalid';
  const expires = Number(expiresText);
  if (query.get('signature') !== signature(seed, taskId, expires)) return 'invalid';
  return nowMs > expires * 1000 ? 'expired' : 'ok';
}
