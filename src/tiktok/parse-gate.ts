import { Semaphore } from './semaphore.ts';

// Bounds how many report pages are parsed and alive at once. Pages are fetched ahead (several advertisers, and a
// page ahead within each), but a parsed page of 1,000 rows is ~1 MB of small objects that lives until its records
// are consumed: parsed on arrival, ten of them outlived V8's young generation, were copied and promoted, and the
// collector became a third of a sync's CPU. Behind the gate an answer waits unread in its socket (client.ts reads
// its head only, to tell a success from a refusal) until its reader wants it and a permit is free.
//
// Permits are taken by readers, in the order they need pages, never by answers in the order they arrive: an
// answer read ahead must not hold the permit that the page its reader waits for needs. Pages asked for ahead of
// their reader are bounded too, across all readers: each holds a connection and a place, and with many advertisers
// a page ahead for each would be that many requests spent early for nothing (the consumer, not the API, is then
// the bottleneck).

// Answers are bounded as a whole too: every ticket, from before its request starts until its rows are consumed,
// holds one of `answers` places (the client gives it its concurrency). Otherwise, with a consumer slower than the
// API (a local emulator, a slow destination), each reader's next page arrived and waited as bytes while another
// reader's was consumed: 8 requests in flight, 2 ahead and 2 being parsed made up to ~14 answers of ~1.5 MB alive
// at once, a peak a long run was likelier to reach (bench P5). With the places, requests in flight and answers
// waiting share one bound; against the API, whose answers are consumed as they come, it is the concurrency as
// before. A reader waits for a place only while it holds no other ticket (its earlier pages are closed, and it
// has no pages ahead), so the places are held by tickets whose answers the consumer will take: no deadlock.
// Since answers wait unread, a place costs a connection and what fetch buffers of it (~64 KB), not ~1.5 MB.

/** Permits to parse, in request order, and places for answers. */
export class ParseGate {
  readonly #permits: Semaphore;
  #aheadFree: number;
  readonly #places: Semaphore;

  constructor(permits: number, ahead: number, answers = Number.POSITIVE_INFINITY) {
    if (!(permits >= 1)) throw new RangeError(`A parse gate needs at least one permit, not ${permits}.`);
    if (!(answers >= 1)) throw new RangeError(`A parse gate needs room for at least one answer, not ${answers}.`);
    this.#permits = new Semaphore(permits);
    this.#aheadFree = ahead;
    this.#places = new Semaphore(answers);
  }

  /** A ticket for one answer, to be granted by its reader when it wants the answer; waits for a place. */
  async ticket(): Promise<ParseTicket> {
    await this.#places.acquire();
    return new ParseTicket(this, false);
  }

  /**
   * A ticket for an answer asked for ahead of its reader, if fewer than the bound are out and a place is free;
   * never waits. The ahead place is given back once the reader wants the answer (or closes the ticket).
   */
  aheadTicket(): ParseTicket | undefined {
    if (this.#aheadFree <= 0 || !this.#places.tryAcquire()) return undefined;
    this.#aheadFree--;
    return new ParseTicket(this, true);
  }

  /** Places for answers (asked for, waiting or being consumed) free now. */
  get placesFree(): number {
    return this.#places.available;
  }

  /** A closed ticket's place: to the longest waiting reader, else back to the pool. */
  givePlace(): void {
    this.#places.release();
  }

  /** Places for answers asked for ahead, free now. */
  get aheadFree(): number {
    return this.#aheadFree;
  }

  giveAhead(): void {
    this.#aheadFree++;
  }

  /** Permits free now. */
  get free(): number {
    return this.#permits.available;
  }

  take(): Promise<void> {
    return this.#permits.acquire();
  }

  give(): void {
    this.#permits.release();
  }
}

/**
 * One answer's claim on the gate. The client waits for `granted` before parsing the answer; the reader calls
 * `acquire` when it wants the answer (taking a permit) and `close` once its rows are consumed or no longer wanted
 * (giving the permit back; an answer still waiting unread is then given up, its body never downloaded).
 */
export class ParseTicket {
  readonly #gate: ParseGate;
  #state: 'idle' | 'waiting' | 'held' | 'closed' = 'idle';
  /** Holds one of the gate's places for answers asked for ahead. */
  #ahead: boolean;
  readonly granted: Promise<void>;
  #grant!: () => void;

  constructor(gate: ParseGate, ahead: boolean) {
    this.#gate = gate;
    this.#ahead = ahead;
    this.granted = new Promise<void>((resolve) => (this.#grant = resolve));
  }

  #endAhead(): void {
    if (!this.#ahead) return;
    this.#ahead = false;
    this.#gate.giveAhead();
  }

  get held(): boolean {
    return this.#state === 'held';
  }

  async acquire(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'waiting';
    this.#endAhead();
    await this.#gate.take();
    // Closed while waiting: the permit goes straight back.
    if (this.#closedWhileWaiting()) {
      this.#gate.give();
      return;
    }
    this.#state = 'held';
    this.#grant();
  }

  /** Read after an await: `close` may have run meanwhile (TypeScript narrows the field as if it could not). */
  #closedWhileWaiting(): boolean {
    return this.#state === 'closed';
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#endAhead();
    if (this.#state === 'held') this.#gate.give();
    this.#state = 'closed';
    this.#gate.givePlace();
    this.#grant();
  }
}
