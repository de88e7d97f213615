import type { EmulatorState } from '../state.ts';
import type { Params } from './params.ts';

export interface RouteContext {
  state: EmulatorState;
  params: Params;
  /** The emulator's clock for this request. */
  now: Date;
  /** Host root of this emulator, for links it hands out. */
  baseUrl: string;
  /** The calling app (from the access token): TikTok's limits and task quotas are per app. */
  appId: string;
}

export type RouteResult =
  | { kind: 'json'; data: unknown; headers?: Readonly<Record<string, string>> }
  /** `data` already serialised, as UTF-8 JSON (big report pages); `headers` ride along (X-Tt-Ads-Throttle). */
  | { kind: 'raw'; data: Buffer; headers?: Readonly<Record<string, string>> }
  | { kind: 'stream'; contentType: string; fileName: string; chunks: Iterable<string> };

export interface Route {
  method: 'GET' | 'POST';
  /** False only for the token exchange. */
  auth: boolean;
  /** Informational since TikTok's real windows: only report/task/create/ has limits of its own (tiers.ts). */
  family: 'normal' | 'task';
  handle(ctx: RouteContext): RouteResult;
}

export const json = (data: unknown): RouteResult => ({ kind: 'json', data });
