// How hard the sink tries to get its connection back after losing it: attempts, and the waits between them
// (exponential). The default, 5 attempts 2, 4, 8 and 16 s apart, rides out a restart or a managed failover
// (about 30 s) and then gives up with a transient_error.
//
// Tunable for tests (and for operators) with the environment variable POSTGRES_RECONNECT, e.g.
//   POSTGRES_RECONNECT="attempts=3,first_delay_ms=100,factor=2"
// Any field left out keeps its default.

import pRetry from 'p-retry';
import { configError } from '../../errors.ts';

export interface ReconnectPolicy {
  /** Connection attempts in all, the first one at once. */
  attempts: number;
  /** Wait before the second attempt; each later wait is `factor` times the one before. */
  firstDelayMs: number;
  factor: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { attempts: 5, firstDelayMs: 2000, factor: 2 };

export const RECONNECT_VARIABLE = 'POSTGRES_RECONNECT';

const FIELDS = { attempts: 'attempts', first_delay_ms: 'firstDelayMs', factor: 'factor' } as const;

export function reconnectPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): ReconnectPolicy {
  const text = env[RECONNECT_VARIABLE];
  const policy = { ...DEFAULT_RECONNECT };
  if (text === undefined || text.trim() === '') return policy;
  for (const part of text.split(',')) {
    const [name = '', value = ''] = part.split('=').map((s) => s.trim());
    const field = FIELDS[name as keyof typeof FIELDS] as keyof ReconnectPolicy | undefined;
    const number = Number(value);
    if (field === undefined || !Number.isFinite(number) || number < 0) {
      throw configError(`${RECONNECT_VARIABLE} must look like "attempts=5,first_delay_ms=2000,factor=2" (got "${text}").`);
    }
    policy[field] = number;
  }
  policy.attempts = Math.max(1, Math.floor(policy.attempts));
  return policy;
}

export interface Reconnected {
  attempts: number;
  seconds: number;
}

/** What went wrong in the end: the last attempt's error, after how many attempts and how long. */
export class ReconnectFailed extends Error {
  readonly attempts: number;
  readonly seconds: number;

  constructor(last: unknown, attempts: number, seconds: number) {
    super(last instanceof Error ? last.message : String(last), { cause: last });
    this.name = 'ReconnectFailed';
    this.attempts = attempts;
    this.seconds = seconds;
  }
}

/**
 * Runs `attempt` until it succeeds, waiting between tries as the policy says. An error `retryable` refuses ends
 * the tries at once and is thrown as it is; running out of attempts throws ReconnectFailed.
 */
export async function reconnecting(policy: ReconnectPolicy, attempt: () => Promise<void>, retryable: (error: unknown) => boolean): Promise<Reconnected> {
  const started = performance.now();
  let attempts = 0;
  // Whole seconds, but tenths under 10 s (a fast policy's "0 s" would say nothing).
  const seconds = () => {
    const elapsed = (performance.now() - started) / 1000;
    return elapsed < 10 ? Math.round(elapsed * 10) / 10 : Math.round(elapsed);
  };
  try {
    await pRetry(
      async () => {
        attempts++;
        await attempt();
      },
      { retries: policy.attempts - 1, minTimeout: policy.firstDelayMs, factor: policy.factor, shouldRetry: ({ error }) => retryable(error) },
    );
  } catch (error) {
    if (!retryable(error)) throw error;
    throw new ReconnectFailed(error, attempts, seconds());
  }
  return { attempts, seconds: seconds() };
}
