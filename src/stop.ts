// A clean stop on SIGTERM or SIGINT: `docker stop` (SIGTERM, then SIGKILL after 10 s), an orchestrator's cancel,
// Ctrl-C. The bins install the handlers; a command that can stop cleanly (read, sync, destination write) asks for
// the stop signal, stops taking messages when it fires, lets the sink commit what it holds and reports why it
// ended. The exit code is the shell's for a death by that signal (128 + its number: 143 for SIGTERM, 130 for
// SIGINT), so a caller sees the same code whether the process stopped cleanly or was killed.
// Without the handlers Node would die at once; in a container it is PID 1, which the kernel spares from signals
// it has no handler for, so `docker stop` would wait the whole grace period and SIGKILL it mid-commit.

import { ConnectorError } from './errors.ts';

export type StopSignalName = 'SIGTERM' | 'SIGINT';

const SIGNAL_NUMBERS: Record<StopSignalName, number> = { SIGINT: 2, SIGTERM: 15 };

/** How long a stop may take before the process exits anyway: well inside `docker stop`'s 10 s. */
export const STOP_GRACE_MS = 8_000;

/** What a stopped command throws: a transient failure (the next run continues), naming the signal. */
export class StoppedError extends ConnectorError {
  readonly signalName: StopSignalName;

  constructor(signalName: StopSignalName) {
    super('transient_error', `Stopped by ${signalName} before the end: rows committed so far are kept with their state; the next run continues from there.`);
    this.name = 'StoppedError';
    this.signalName = signalName;
  }
}

/** 128 + the signal's number, as a shell reports a process that signal ended. */
export function exitCodeFor(signalName: StopSignalName): number {
  return 128 + SIGNAL_NUMBERS[signalName];
}

/** The process's side of the handlers, replaceable so the rule can be tested without signalling the test. */
export interface StopHost {
  on(signalName: StopSignalName, handler: () => void): void;
  exit(code: number): void;
  /** One line for people: why the process is stopping, or why it did not wait any longer. */
  say(line: string): void;
  setTimer(callback: () => void, ms: number): void;
}

const processHost: StopHost = {
  on: (signalName, handler) => process.on(signalName, handler),
  exit: (code) => process.exit(code),
  say: (line) => process.stderr.write(`${line}\n`),
  // Unref'd: the deadline must not keep alive a process that has finished.
  setTimer: (callback, ms) => setTimeout(callback, ms).unref(),
};

/**
 * The stop request of one process. A signal while no command watches (spec, check, discover: nothing to save)
 * exits at once; while one watches, its AbortSignal fires and the process exits anyway after the grace period.
 * A second signal exits at once.
 */
export class StopRequest {
  readonly #controller = new AbortController();
  readonly #host: StopHost;
  readonly #graceMs: number;
  #watched = false;
  #received: StopSignalName | undefined;

  constructor(host: StopHost = processHost, graceMs = STOP_GRACE_MS) {
    this.#host = host;
    this.#graceMs = graceMs;
  }

  /** Handles SIGTERM and SIGINT from now on. */
  install(): this {
    for (const name of Object.keys(SIGNAL_NUMBERS) as StopSignalName[]) this.#host.on(name, () => this.#onSignal(name));
    return this;
  }

  /** The signal a command that can stop cleanly watches; asking for it is what makes the command stoppable. */
  watch(): AbortSignal {
    this.#watched = true;
    return this.#controller.signal;
  }

  /** The signal received, if any. */
  get received(): StopSignalName | undefined {
    return this.#received;
  }

  /** The exit code for the signal received; undefined when none was. */
  exitCode(): number | undefined {
    return this.#received === undefined ? undefined : exitCodeFor(this.#received);
  }

  #onSignal(name: StopSignalName): void {
    if (this.#received !== undefined || !this.#watched) {
      this.#host.exit(exitCodeFor(this.#received ?? name));
      return;
    }
    this.#received = name;
    this.#host.say(`${name} received: stopping (what is committed stays; exiting within ${this.#graceMs / 1000} s).`);
    this.#controller.abort(new StoppedError(name));
    this.#host.setTimer(() => {
      this.#host.say(`Not stopped within ${this.#graceMs / 1000} s of ${name}: exiting without waiting further; the last committed state stands.`);
      this.#host.exit(exitCodeFor(name));
    }, this.#graceMs);
  }
}

/** The process's stop request: the bins install it, the commands watch it. */
export const processStop = new StopRequest();

/**
 * The items until the signal fires, then a StoppedError (the signal's reason): the consumer stops at once, even
 * while the producer waits on the network. The producer is told to return, but not waited for.
 * A plain iterator, not an async generator, and one abort listener for the whole iteration: it sits on every
 * record's path, and racing each `next()` against one long-lived promise would leave a reaction on that promise
 * per record (a leak that filled a 192 MB heap in 30,000 rows).
 */
export function untilStopped<T>(items: AsyncIterable<T>, signal: AbortSignal): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: (): AsyncIterator<T> => {
      const iterator = items[Symbol.asyncIterator]();
      const reason = (): Error => (signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      // Rejects the pending next(); once it has settled, a no-op.
      let rejectPending: ((error: Error) => void) | undefined;
      const onAbort = (): void => {
        rejectPending?.(reason());
        // An abandoned producer may be mid-request: ask it to end and let it, without waiting.
        void Promise.resolve(iterator.return?.()).catch(() => undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      return {
        next: () => {
          if (signal.aborted) return Promise.reject(reason());
          return new Promise<IteratorResult<T>>((resolve, reject) => {
            rejectPending = reject;
            iterator.next().then(resolve, reject);
          });
        },
        return: async (value?: unknown) => {
          signal.removeEventListener('abort', onAbort);
          return (await iterator.return?.(value)) ?? { done: true, value: undefined };
        },
      };
    },
  };
}
