// What a read knows about its own plan and what it waits on, for the progress display of the same process. These are
// not Airbyte messages: stdout stays the protocol (the source sends the estimate from here as an ESTIMATE trace) and
// the display reads the rest in-process.

import { StreamPlan } from './stream-plan.ts';

/** The waits a read's client may be in right now, described ("waiting 12 s for TikTok's rate limit"). */
export type WaitNote = () => string | undefined;

/** One read's plans, per stream, and what its client waits on: made with the read's context (streams/context.ts). */
export class ReadActivity {
  private readonly plans = new Map<string, StreamPlan>();
  readonly now: () => number;
  private readonly waits: WaitNote;

  constructor(options: { now?: () => number; waits?: WaitNote } = {}) {
    this.now = options.now ?? (() => performance.now());
    this.waits = options.waits ?? (() => undefined);
  }

  /** The stream's plan, made on first use. */
  plan(stream: string): StreamPlan {
    let plan = this.plans.get(stream);
    if (!plan) {
      plan = new StreamPlan(this.now);
      this.plans.set(stream, plan);
    }
    return plan;
  }

  /** The stream's plan if it has one (dated report streams do). */
  planOf(stream: string): StreamPlan | undefined {
    return this.plans.get(stream);
  }

  /** What the stream waits on now, in words: report tasks it has running, and the client's wait for TikTok's limits. */
  waitingOn(stream: string): string | undefined {
    const tasks = this.plans.get(stream)?.tasksProcessing ?? 0;
    const notes = [
      ...(tasks > 0 ? [`${tasks} TikTok report task${tasks === 1 ? '' : 's'} processing`] : []),
      ...[this.waits()].filter((note) => note !== undefined),
    ];
    return notes.length > 0 ? notes.join(', ') : undefined;
  }
}
