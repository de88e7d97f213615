// The engine-independent half of loading: batches records per stream, turns each STATE into a commit, and
// hands the STATE back only after that commit. Memory holds at most one batch per stream; everything else is
// staged in the warehouse.

import { systemError } from '../errors.ts';
import type { AirbyteMessage, AirbyteRecordMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../protocol/types.ts';
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
}

export function newLoadProgress(): LoadProgress {
  return { streams: new Map(), failedStreams: new Set(), failed: false };
}

export interface LoadOptions {
  /** Records gathered per stream before they are staged (one COPY each). */
  batchRows?: number;
  /** Records held across all streams before every batch is staged, whatever its size. */
  maxBufferedRows?: number;
  progress?: LoadProgress;
}

interface StreamTrack {
  stream: SinkStream;
  counts: StreamProgress;
  batch: AirbyteRecordMessage[];
  /** Records staged (written) since the last commit. */
  staged: number;
  /** Overwrite only: the STATE messages waiting for the swap at the stream's end. */
  held: AirbyteStateMessage[];
  /** Overwrite only: the table was already replaced. */
  replaced: boolean;
}

/**
 * Loads a message stream into a sink. Yields every STATE after the rows it covers are committed (with
 * `destinationStats.recordCount`), and passes LOG and TRACE messages through. Rows not covered by a STATE are
 * committed at a clean end of the stream, except for streams that reported a failure. If the message stream
 * throws, nothing after the last commit is kept; the caller closes the sink.
 */
export async function* loadMessages(
  sink: Sink,
  catalog: ConfiguredAirbyteCatalog,
  messages: AsyncIterable<AirbyteMessage>,
  options: LoadOptions = {},
): AsyncGenerator<AirbyteMessage> {
  const batchRows = options.batchRows ?? 5_000;
  const maxBufferedRows = options.maxBufferedRows ?? 20_000;
  const progress = options.progress ?? newLoadProgress();
  const streams = sinkStreamsOf(catalog);
  await sink.prepare(streams);

  const tracks = new Map<string, StreamTrack>();
  for (const stream of streams) {
    const counts = progress.streams.get(stream.name) ?? { received: 0, committed: 0 };
    progress.streams.set(stream.name, counts);
    tracks.set(stream.name, { stream, counts, batch: [], staged: 0, held: [], replaced: false });
  }
  let buffered = 0;

  const stage = async (track: StreamTrack): Promise<void> => {
    if (track.batch.length === 0) return;
    const batch = track.batch;
    // The sink may still read the old array after write() returns; never reuse it.
    track.batch = [];
    buffered -= batch.length;
    track.staged += batch.length;
    await sink.write(track.stream.name, batch);
  };
  const stageAll = async (): Promise<void> => {
    for (const track of tracks.values()) await stage(track);
  };
  const committed = (track: StreamTrack): number => {
    const count = track.staged;
    track.counts.committed += count;
    track.staged = 0;
    return count;
  };
  const acknowledge = (state: AirbyteStateMessage, recordCount: number): AirbyteMessage => ({
    type: 'STATE',
    state: { ...state, destinationStats: { ...state.destinationStats, recordCount } },
  });
  /** Overwrite at the stream's end: the staged rows replace the table, with the last state seen (or none). */
  const replace = async function* (track: StreamTrack): AsyncGenerator<AirbyteMessage> {
    await stage(track);
    const last = track.held.at(-1);
    await sink.commit([{ stream: track.stream.name, state: last?.stream?.stream_state ?? null, replace: true }]);
    track.replaced = true;
    const count = committed(track);
    for (const state of track.held) yield acknowledge(state, count);
    track.held = [];
  };

  for await (const message of messages) {
    switch (message.type) {
      case 'RECORD': {
        const track = tracks.get(message.record.stream);
        if (track === undefined) {
          throw systemError(`Received a record for stream "${message.record.stream}", which is not in the configured catalog.`);
        }
        track.batch.push(message.record);
        track.counts.received++;
        buffered++;
        if (track.batch.length >= batchRows) await stage(track);
        else if (buffered >= maxBufferedRows) await stageAll();
        break;
      }
      case 'STATE': {
        const state = message.state;
        if (state.type === 'STREAM' || (state.type === undefined && state.stream !== undefined)) {
          const name = state.stream?.stream_descriptor.name;
          if (name === undefined) throw systemError('Received a STREAM state without stream_descriptor.name.');
          const track = tracks.get(name);
          if (track === undefined) {
            // A state for a stream this sync does not load: store it so the source sees it again, nothing else.
            await sink.commit([{ stream: name, state: state.stream?.stream_state ?? {}, replace: false }]);
            yield acknowledge(state, 0);
          } else if (track.stream.disposition === 'overwrite' && !track.replaced) {
            // The old table stays whole until the stream ends; so does the state that describes it.
            track.held.push(state);
          } else {
            await stage(track);
            await sink.commit([{ stream: name, state: state.stream?.stream_state ?? {}, replace: false }]);
            yield acknowledge(state, committed(track));
          }
        } else if (state.type === 'LEGACY' || state.type === undefined) {
          await stageAll();
          const commits: StreamCommit[] = [];
          let count = 0;
          for (const track of tracks.values()) {
            if (track.stream.disposition === 'overwrite' && !track.replaced) continue;
            if (track.staged > 0) commits.push({ stream: track.stream.name, state: undefined, replace: false });
          }
          commits.push({ stream: LEGACY_STATE_KEY, state: state.data ?? {}, replace: false });
          await sink.commit(commits);
          for (const commit of commits) {
            const track = tracks.get(commit.stream);
            if (track !== undefined) count += committed(track);
          }
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
          if (trace.stream_status.status === 'INCOMPLETE') progress.failedStreams.add(name);
          else if (trace.stream_status.status === 'COMPLETE' && track !== undefined && !progress.failedStreams.has(name)) {
            if (track.stream.disposition === 'overwrite') {
              if (!track.replaced) yield* replace(track);
            } else {
              await stage(track);
              if (track.staged > 0) {
                await sink.commit([{ stream: name, state: undefined, replace: false }]);
                committed(track);
              }
            }
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
  const commits: StreamCommit[] = [];
  const replaced: StreamTrack[] = [];
  for (const track of tracks.values()) {
    if (progress.failedStreams.has(track.stream.name)) continue;
    await stage(track);
    if (track.stream.disposition === 'overwrite' && !track.replaced) {
      commits.push({ stream: track.stream.name, state: track.held.at(-1)?.stream?.stream_state ?? null, replace: true });
      replaced.push(track);
    } else if (track.staged > 0) {
      commits.push({ stream: track.stream.name, state: undefined, replace: false });
    }
  }
  if (commits.length === 0) return;
  await sink.commit(commits);
  for (const commit of commits) {
    const track = tracks.get(commit.stream);
    if (track !== undefined) {
      const count = committed(track);
      track.replaced = commit.replace || track.replaced;
      for (const state of replaced.includes(track) ? track.held : []) yield acknowledge(state, count);
    }
  }
}
