// Emulator-only control routes that make the emulator say no on demand: the fault plan, extra and revoked
// tokens, auth codes, the clock, how report tasks end, and advertisers the token may no longer operate or
// that were deleted. Each answers JSON; a bad body is HTTP 400 naming the field.
//
//   POST /_emulator/faults {rate, kinds?, paths?, max_streak?, for_requests?, for_ms?}
//     e.g. {"rate":1,"kinds":["code40133"],"paths":["report/integrated/get/"],"for_requests":3}: the next three
//     report/integrated/get/ calls answer 40133, then the startup plan is back (also: code40016, code40100).
//   POST /_emulator/advertiser-access {advertiser_id, access: "ok" | "unreachable" | "deleted"}
//     unreachable: every call naming the advertiser answers 40001; deleted: 40300.
//   POST /_emulator/auth-codes {}: issues a fresh auth code, valid one hour on the emulator's clock.

import { ADVERTISER_ACCESS, type AdvertiserAccess } from '../advertiser-access.ts';
import { DEFAULT_FAULT_KINDS, FAULT_KINDS, type FaultKind, type FaultPlan } from '../limits/faults.ts';
import type { TaskOutcome } from '../report/tasks.ts';
import type { EmulatorState } from '../state.ts';

export type AdminReply = [status: number, value: unknown];

class BadRequest extends Error {}

const OUTCOMES: readonly TaskOutcome[] = ['SUCCESS', 'FAILED', 'STALL'];
const TASK_PATH = /^\/_emulator\/tasks\/(\d+)$/;

/** The reply to a control route, or undefined when the path is not one of them. */
export function controlRoute(state: EmulatorState, method: string, path: string, bodyText: string): AdminReply | undefined {
  try {
    const body = () => parseBody(bodyText);
    if (path === '/_emulator/faults') {
      if (method === 'GET') return [200, state.faults.describe()];
      if (method === 'POST') {
        state.faults.setPlan(faultPlan(body(), state.world.options.maxFaultStreak));
        return [200, state.faults.describe()];
      }
    }
    if (method === 'POST' && path === '/_emulator/advertiser-access') {
      const b = body();
      const id = optionalString(b, 'advertiser_id');
      const access = optionalString(b, 'access');
      if (id === undefined || !state.world.advertiserById.has(id)) throw new BadRequest('advertiser_id must name a generated advertiser');
      if (access === undefined || !ADVERTISER_ACCESS.includes(access as AdvertiserAccess)) throw new BadRequest(`access must be one of ${ADVERTISER_ACCESS.join(', ')}`);
      state.advertiserAccess.set(id, access as AdvertiserAccess);
      return [200, { advertiser_id: id, access }];
    }
    if (path === '/_emulator/auth-codes' && method === 'GET') return [200, state.authCodes.list()];
    if (path === '/_emulator/auth-codes' && method === 'POST') return [200, state.authCodes.issue(state.clock.now().getTime())];
    if (method === 'GET' && path === '/_emulator/tokens') return [200, state.tokens.list()];
    if (method === 'POST' && path === '/_emulator/tokens') {
      const appId = optionalString(body(), 'app_id');
      const { accessToken, app } = state.tokens.mint(appId);
      return [200, { access_token: accessToken, app_id: app.appId, secret: app.secret }];
    }
    if (method === 'POST' && path === '/_emulator/tokens/revoke') {
      const token = optionalString(body(), 'access_token');
      if (token === undefined) throw new BadRequest('access_token is required');
      return state.tokens.revoke(token) ? [200, { revoked: true }] : [404, { error: 'no such access token' }];
    }
    if (path === '/_emulator/clock' && (method === 'GET' || method === 'POST')) {
      if (method === 'POST') moveClock(state, body());
      return [200, { now: state.clock.now().toISOString(), speed: state.clock.speed }];
    }
    if (method === 'POST' && path === '/_emulator/tasks/next') {
      const b = body();
      const count = optionalNumber(b, 'count') ?? 1;
      if (!Number.isInteger(count) || count < 1) throw new BadRequest('count must be an integer ≥ 1');
      state.tasks.direct(outcome(b), count);
      return [200, { pending: state.tasks.pendingDirectives() }];
    }
    if (method === 'GET' && path === '/_emulator/tasks') {
      return [200, state.tasks.all().map((t) => ({ task_id: t.id, app_id: t.appId, advertiser_id: t.advertiserId, status: state.tasks.status(t), outcome: t.outcome }))];
    }
    const task = TASK_PATH.exec(path);
    if (task !== null && (method === 'GET' || method === 'POST')) {
      const found = state.tasks.get(task[1]!);
      if (found === undefined) return [404, { error: 'no such task' }];
      if (method === 'POST') state.tasks.redirect(found, outcome(body()));
      return [200, { task_id: found.id, app_id: found.appId, status: state.tasks.status(found), outcome: found.outcome }];
    }
    return undefined;
  } catch (error) {
    if (error instanceof BadRequest) return [400, { error: error.message }];
    throw error;
  }
}

function faultPlan(body: Record<string, unknown>, defaultStreak: number): FaultPlan {
  const rate = optionalNumber(body, 'rate');
  if (rate === undefined || !(rate >= 0 && rate <= 1)) throw new BadRequest('rate must be a number within 0..1');
  const kinds = optionalStrings(body, 'kinds') ?? DEFAULT_FAULT_KINDS;
  for (const kind of kinds) if (!FAULT_KINDS.includes(kind as FaultKind)) throw new BadRequest(`unknown fault kind ${kind}; known: ${FAULT_KINDS.join(', ')}`);
  const maxStreak = optionalNumber(body, 'max_streak') ?? defaultStreak;
  const forRequests = optionalNumber(body, 'for_requests');
  const forMs = optionalNumber(body, 'for_ms');
  if (!Number.isInteger(maxStreak) || maxStreak < 0) throw new BadRequest('max_streak must be an integer ≥ 0');
  if (forRequests !== undefined && (!Number.isInteger(forRequests) || forRequests < 1)) throw new BadRequest('for_requests must be an integer ≥ 1');
  if (forMs !== undefined && !(forMs > 0)) throw new BadRequest('for_ms must be > 0');
  return {
    rate,
    kinds: kinds as FaultKind[],
    paths: (optionalStrings(body, 'paths') ?? []).map((p) => p.replace(/^\/?(open_api\/v1\.\d\/)?/, '')),
    maxStreak,
    ...(forRequests !== undefined ? { forRequests } : {}),
    ...(forMs !== undefined ? { forMs } : {}),
  };
}

function moveClock(state: EmulatorState, body: Record<string, unknown>): void {
  const now = optionalString(body, 'now');
  const advance = optionalNumber(body, 'advance_ms');
  const speed = optionalNumber(body, 'speed');
  if (now !== undefined) {
    const instant = new Date(now);
    if (Number.isNaN(instant.getTime())) throw new BadRequest('now must be an ISO date-time');
    state.clock.set(instant);
  }
  if (advance !== undefined) {
    if (!Number.isFinite(advance)) throw new BadRequest('advance_ms must be a number');
    state.clock.advance(advance);
  }
  if (speed !== undefined) {
    if (!(speed >= 0 && Number.isFinite(speed))) throw new BadRequest('speed must be a number ≥ 0');
    state.clock.setSpeed(speed);
  }
}

function outcome(body: Record<string, unknown>): TaskOutcome {
  const value = optionalString(body, 'outcome');
  if (value === undefined || !OUTCOMES.includes(value as TaskOutcome)) throw new BadRequest(`outcome must be one of ${OUTCOMES.join(', ')}`);
  return value as TaskOutcome;
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequest('the body must be a JSON object');
  return value as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadRequest(`${key} must be a string`);
  return value;
}

function optionalNumber(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new BadRequest(`${key} must be a number`);
  return value;
}

function optionalStrings(body: Record<string, unknown>, key: string): string[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new BadRequest(`${key} must be a list of strings`);
  return value;
}
