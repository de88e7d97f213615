import type { EmulatorState } from '../state.ts';
import type { Params } from './params.ts';

export interface RouteContext {
  state: EmulatorState;
  params: Params;
  /** The emulator's clock for this request. */
  now: Date;
  /** Host root of this emulator, for links it hands out. */
  baseUrl: string;
}

export type RouteResult =
  | { kind: 'json'; data: unknown }
  /** `data` already serialised (big report pages). */
  | { kind: 'raw'; dataJson: string }
  | { kind: 'stream'; contentType: string; fileName: string; chunks: Iterable<string> };

export interface Route {
  method: 'GET' | 'POST';
  /** False only for the token exchange. */
  auth: boolean;
  /** Report tasks have their own, much smaller per-app budget. */
  family: 'normal' | 'task';
  handle(ctx: RouteContext): RouteResult;
}

export const json = (data: unknown): RouteResult => ({ kind: 'json', data });
