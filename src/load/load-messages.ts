// The engine-independent half of loading: routes records to the sink's staging, turns each STATE into a
// commit, and hands the STATE back only after that commit. Batching is the engine's business (by size).

import { systemError } from '../errors.ts';
import type { AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../protocol/types.ts';
import { sinkStreamsOf, type Sink, type SinkStream, type StreamCommit } from './sink.ts';

/** Key under which a LEGACY (whole-connection) state is stored; no stream can have an empty name. */
export const LEGACY_STATE_KEY = '';

export interface StreamProgress {
  /** Records received from the message stream. */
  received: number;
  /** Records made durable in the table. */
  committed: number;
}

/** Live counters, readable while `loadMessages` runs (the progress printer polls them). */
export interface LoadProgress {
  streams: Map<string, StreamProgress>;
  /** Streams for which the source reported an error or an incomplete end; their unacknowledged rows are not committed. */
  failedStreams: Set<string>;
  /** An error without a stream was reported: nothing after the last STATE is committed. */
  failed: boolean;
  /** Streams the source announced (any STREAM_STATUS) or sent rows of. */
  startedStreams: Set<string>;
  /** Streams that ended COMPLETE, not failed, and whose rows were all committed then. */
  completedStreams: Set<string>;
}

export function newLoadProgress(): LoadProgress {
  return { streams: new Map(), failedStreams: new Set(), failed: false, startedStreams: new Set(), completedStreams: new Set() };
}

export interface LoadOptions {
  progress?: LoadProgress;
}

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
  /** Overwrite only: the table was already replaced. */
  replaced: boolean;
}

const acknowledge = (state: AirbyteStateMessage, recordCount: number): AirbyteMessage => ({
  type: 'STATE',
  state: { ...state, destinationStats: { ...state.destinationStats, recordCount } },
});

/**
 * Loads a message stream into a sink. Yields every STATE after the rows it covers are committed (with
 * `destinationStats.recordCount`), and passes LOG and TRACE messages through. An overwrite stream's table is
 * replaced when the stream completes (STREAM_STATUS COMPLETE, or a clean end of the messages), and its STATEs
 * are acknowledged then. Rows not covered by a STATE are committed at a clean end, except for streams that
 * reported a failure. If the message stream throws, nothing after the last commit is kept; the caller closes
 * the sink.
 */
export async function* loadMessages(
  sink: Sink,
  catalog: ConfiguredAirbyteCatalog,
  messages: AsyncIterable<AirbyteMessage>,
  options: LoadOptions = {},
): AsyncGenerator<AirbyteMessage> {
  const progress = options.progress ?? newLoadProgress();
  const streams = sinkStreamsOf(catalog);
  await sink.prepare(streams);
  const tracks = new Map<string, StreamTrack>();
  for (const stream of streams) {
    const counts = progress.streams.get(stream.name) ?? { received: 0, committed: 0 };
    progress.streams.set(stream.name, counts);
    tracks.set(stream.name, { stream, counts, staged: 0, held: [], replaced: false });
  }

  /** Commits, then yields the acknowledgements of the states it made durable. */
  async function* commit(commits: StreamCommit[], states: Map<string, AirbyteStateMessage[]>): AsyncGenerator<AirbyteMessage> {
    if (commits.length === 0) return;
    await sink.commit(commits);
    for (const { stream, replace } of commits) {
      const track = tracks.get(stream);
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
  const replacement = (track: StreamTrack): StreamCommit => ({
    stream: track.stream.name,
    state: track.held.at(-1)?.stream?.stream_state ?? null,
    replace: true,
  });

  /** The commit of what a stream has staged since its last commit, with the latest state it held back (if any). */
  const heldCommit = (track: StreamTrack): StreamCommit => ({
    stream: track.stream.name,
    state: track.held.at(-1)?.stream?.stream_state,
    replace: false,
  });

  for await (const message of messages) {
    switch (message.type) {
      case 'RECORD': {
        const track = tracks.get(message.record.stream);
        if (track === undefined) {
          throw systemError(`Received a record for stream "${message.record.stream}", which is not in the configured catalog.`);
        }
        track.counts.received++;
        track.staged++;
        const pending = sink.stage(track.stream.name, message.record);
        if (pending !== undefined) await pending;
        break;
      }
      case 'STATE': {
        const state = message.state;
        if (state.type === 'STREAM' || (state.type === undefined && state.stream !== undefined)) {
          const name = state.stream?.stream_descriptor.name;
          if (name === undefined) throw systemError('Received a STREAM state without stream_descriptor.name.');
          const track = tracks.get(name);
          if (track !== undefined && track.stream.disposition === 'overwrite' && !track.replaced) {
            // The old table stays whole until the stream ends; so does the state that describes it.
            track.held.push(state);
          } else if (track !== undefined && sink.commitDue?.(name) === false) {
            // The sink gathers more rows first; the state is committed (and acknowledged) with the next commit.
            track.held.push(state);
          } else {
            // (A state for a stream this sync does not load is stored all the same, for the source's sake.)
            const states = [...(track?.held ?? []), state];
            if (track !== undefined) track.held = [];
            yield* commit([{ stream: name, state: state.stream?.stream_state ?? {}, replace: false }], new Map([[name, states]]));
          }
        } else if (state.type === 'LEGACY' || state.type === undefined) {
          const commits: StreamCommit[] = [...tracks.values()]
            .filter((track) => track.staged > 0 && !(track.stream.disposition === 'overwrite' && !track.replaced))
            .map((track) => ({ stream: track.stream.name, state: undefined, replace: false }));
          commits.push({ stream: LEGACY_STATE_KEY, state: state.data ?? {}, replace: false });
          const count = commits.reduce((sum, c) => sum + (tracks.get(c.stream)?.staged ?? 0), 0);
          yield* commit(commits, new Map());
          yield acknowledge(state, count);
        } else {
          throw systemError(`Received a ${String(state.type)} state; this destination stores STREAM (and LEGACY) states only.`);
        }
        break;
      }
      case 'TRACE': {
        const trace = message.trace;
        if (trace.type === 'STREAM_STATUS') {
          const name = trace.stream_status.stream_descriptor.name;
          const track = tracks.get(name);
          progress.startedStreams.add(name);
          if (trace.stream_status.status === 'INCOMPLETE') progress.failedStreams.add(name);
          else if (trace.stream_status.status === 'COMPLETE' && track !== undefined && !progress.failedStreams.has(name)) {
            if (track.stream.disposition === 'overwrite' && !track.replaced) {
              yield* commit([replacement(track)], new Map([[name, track.held]]));
              track.held = [];
            } else if (track.staged > 0 || track.held.length > 0) {
              yield* commit([heldCommit(track)], new Map([[name, track.held]]));
              track.held = [];
            }
            progress.completedStreams.add(name);
          }
        } else if (trace.type === 'ERROR') {
          const name = trace.error.stream_descriptor?.name;
          if (name === undefined) progress.failed = true;
          else progress.failedStreams.add(name);
        }
        yield message;
        break;
      }
      case 'LOG':
        yield message;
        break;
      default:
        // SPEC, CATALOG and CONNECTION_STATUS have no meaning in a data stream.
        break;
    }
  }

  if (progress.failed) return;
  // A clean end: what is left is committed, overwrite streams that did not say COMPLETE are replaced now.
  const commits: StreamCommit[] = [];
  const held = new Map<string, AirbyteStateMessage[]>();
  for (const track of tracks.values()) {
    if (progress.failedStreams.has(track.stream.name)) continue;
    if (track.stream.disposition === 'overwrite' && !track.replaced) {
      commits.push(replacement(track));
      held.set(track.stream.name, track.held);
    } else if (track.staged > 0 || track.held.length > 0) {
      commits.push(heldCommit(track));
      held.set(track.stream.name, track.held);
    }
  }
  yield* commit(commits, held);
  await sink.finish();
}
