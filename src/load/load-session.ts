// One load's bookkeeping, a method per kind of message: a RECORD is staged, a STATE becomes a commit (or is held
// until one is due), a STREAM_STATUS COMPLETE commits (or replaces) its stream, and the clean end commits the
// rest. Each commit's STATEs are handed back (acknowledged) only after it. `loadMessages` feeds it the stream.

import { systemError } from '../errors.ts';
import type { AirbyteMessage, AirbyteRecordMessage, AirbyteStateMessage, AirbyteTraceMessage } from '../protocol/types.ts';
import type { LoadProgress, StreamProgress } from './load-progress.ts';
import type { Sink, SinkStream, StreamCommit } from './sink.ts';

/** Key under which a LEGACY (whole-connection) state is stored; no stream can have an empty name. */
export const LEGACY_STATE_KEY = '';

interface StreamTrack {
  stream: SinkStream;
  counts: StreamProgress;
  /** Records staged since the last commit. */
  staged: number;
  /**
   * STATE messages not yet committed: an overwrite stream's, waiting for the replacement at its end, or any
   * stream's while the sink says no commit is due (`Sink.commitDue`).
   */
  held: AirbyteStateMessage[];
  /** `staged` when the last STATE was held: equal to `staged` while no record came after it. */
  stagedAtHold: number;
  /** Overwrite only: the table was already replaced. */
  replaced: boolean;
}

const acknowledge = (state: AirbyteStateMessage, recordCount: number): AirbyteMessage => ({
  type: 'STATE',
  state: { ...state, destinationStats: { ...state.destinationStats, recordCount } },
});

export class LoadSession {
  readonly #sink: Sink;
  readonly #progress: LoadProgress;
  readonly #tracks = new Map<string, StreamTrack>();

  constructor(sink: Sink, streams: readonly SinkStream[], progress: LoadProgress) {
    this.#sink = sink;
    this.#progress = progress;
    for (const stream of streams) {
      const counts = progress.streams.get(stream.name) ?? { received: 0, committed: 0 };
      progress.streams.set(stream.name, counts);
      this.#tracks.set(stream.name, { stream, counts, staged: 0, held: [], stagedAtHold: 0, replaced: false });
    }
  }

  /** Stages a record; a promise only when the sink asks the caller to wait (see `Sink.stage`). */
  record(record: AirbyteRecordMessage): Promise<void> | undefined {
    const track = this.#tracks.get(record.stream);
    if (track === undefined) {
      throw systemError(`Received a record for stream "${record.stream}", which is not in the configured catalog.`);
    }
    track.counts.received++;
    track.staged++;
    return this.#sink.stage(track.stream.name, record);
  }

  /** Commits what a STATE covers (or holds it back), yielding the acknowledgements of what became durable. */
  async *state(state: AirbyteStateMessage): AsyncGenerator<AirbyteMessage> {
    if (state.type === 'STREAM' || (state.type === undefined && state.stream !== undefined)) {
      yield* this.#streamState(state);
    } else if (state.type === 'LEGACY' || state.type === undefined) {
      yield* this.#legacyState(state);
    } else {
      throw systemError(`Received a ${String(state.type)} state; this destination stores STREAM (and LEGACY) states only.`);
    }
  }

  /** Notes a stream's end or failure (committing a completed stream); the caller passes the TRACE on. */
  async *trace(trace: AirbyteTraceMessage): AsyncGenerator<AirbyteMessage> {
    if (trace.type === 'STREAM_STATUS') {
      const name = trace.stream_status.stream_descriptor.name;
      const track = this.#tracks.get(name);
      this.#progress.startedStreams.add(name);
      if (trace.stream_status.status === 'INCOMPLETE') this.#progress.failedStreams.add(name);
      else if (trace.stream_status.status === 'COMPLETE' && track !== undefined && !this.#progress.failedStreams.has(name)) {
        yield* this.#completeStream(track);
        this.#progress.completedStreams.add(name);
      }
    } else if (trace.type === 'ERROR') {
      const name = trace.error.stream_descriptor?.name;
      if (name === undefined) this.#progress.failed = true;
      else this.#progress.failedStreams.add(name);
    }
  }

  /** A clean end: what is left is committed, overwrite streams that did not say COMPLETE are replaced now. */
  async *end(): AsyncGenerator<AirbyteMessage> {
    const commits: StreamCommit[] = [];
    const held = new Map<string, AirbyteStateMessage[]>();
    for (const track of this.#tracks.values()) {
      if (this.#progress.failedStreams.has(track.stream.name)) continue;
      if (track.stream.disposition === 'overwrite' && !track.replaced) {
        commits.push(this.#replacement(track));
        held.set(track.stream.name, track.held);
      } else if (track.staged > 0 || track.held.length > 0) {
        commits.push(this.#heldCommit(track));
        held.set(track.stream.name, track.held);
      }
    }
    yield* this.#commit(commits, held);
  }

  /**
   * A stop (SIGTERM) before the end: the states a sink held back (`Sink.commitDue`) are committed with their rows
   * where that is exact: no row came after the state, or rows merge on a key (committing a re-read row twice
   * changes nothing). Rows after the last state are otherwise dropped, and the source reads them again.
   */
  async *stopped(): AsyncGenerator<AirbyteMessage> {
    for (const track of this.#tracks.values()) {
      if (track.held.length === 0 || this.#progress.failedStreams.has(track.stream.name)) continue;
      if (track.stream.disposition === 'overwrite') continue;
      if (track.stream.disposition === 'append' && track.staged !== track.stagedAtHold) continue;
      yield* this.#commit([this.#heldCommit(track)], new Map([[track.stream.name, track.held]]));
      track.held = [];
    }
  }

  async *#streamState(state: AirbyteStateMessage): AsyncGenerator<AirbyteMessage> {
    const name = state.stream?.stream_descriptor.name;
    if (name === undefined) throw systemError('Received a STREAM state without stream_descriptor.name.');
    const track = this.#tracks.get(name);
    if (track !== undefined && track.stream.disposition === 'overwrite' && !track.replaced) {
      // The old table stays whole until the stream ends; so does the state that describes it.
      track.held.push(state);
    } else if (track !== undefined && this.#sink.commitDue?.(name) === false) {
      // The sink gathers more rows first; the state is committed (and acknowledged) with the next commit.
      track.held.push(state);
      track.stagedAtHold = track.staged;
    } else {
      // (A state for a stream this sync does not load is stored all the same, for the source's sake.)
      const states = [...(track?.held ?? []), state];
      if (track !== undefined) track.held = [];
      yield* this.#commit([{ stream: name, state: state.stream?.stream_state ?? {}, replace: false }], new Map([[name, states]]));
    }
  }

  async *#legacyState(state: AirbyteStateMessage): AsyncGenerator<AirbyteMessage> {
    const commits: StreamCommit[] = [...this.#tracks.values()]
      .filter((track) => track.staged > 0 && !(track.stream.disposition === 'overwrite' && !track.replaced))
      .map((track) => ({ stream: track.stream.name, state: undefined, replace: false }));
    commits.push({ stream: LEGACY_STATE_KEY, state: state.data ?? {}, replace: false });
    const count = commits.reduce((sum, c) => sum + (this.#tracks.get(c.stream)?.staged ?? 0), 0);
    yield* this.#commit(commits, new Map());
    yield acknowledge(state, count);
  }

  async *#completeStream(track: StreamTrack): AsyncGenerator<AirbyteMessage> {
    const name = track.stream.name;
    if (track.stream.disposition === 'overwrite' && !track.replaced) {
      yield* this.#commit([this.#replacement(track)], new Map([[name, track.held]]));
      track.held = [];
    } else if (track.staged > 0 || track.held.length > 0) {
      yield* this.#commit([this.#heldCommit(track)], new Map([[name, track.held]]));
      track.held = [];
    }
  }

  /** Commits, then yields the acknowledgements of the states it made durable. */
  async *#commit(commits: StreamCommit[], states: Map<string, AirbyteStateMessage[]>): AsyncGenerator<AirbyteMessage> {
    if (commits.length === 0) return;
    await this.#sink.commit(commits);
    for (const { stream, replace } of commits) {
      const track = this.#tracks.get(stream);
      const count = track?.staged ?? 0;
      if (track !== undefined) {
        track.counts.committed += count;
        track.staged = 0;
        if (replace) track.replaced = true;
      }
      for (const state of states.get(stream) ?? []) yield acknowledge(state, count);
    }
  }

  /** The commit that replaces an overwrite stream's table, carrying the last state it held (or none). */
  #replacement(track: StreamTrack): StreamCommit {
    return { stream: track.stream.name, state: track.held.at(-1)?.stream?.stream_state ?? null, replace: true };
  }

  /** The commit of what a stream has staged since its last commit, with the latest state it held back (if any). */
  #heldCommit(track: StreamTrack): StreamCommit {
    return { stream: track.stream.name, state: track.held.at(-1)?.stream?.stream_state, replace: false };
  }
}
