// The engine-independent half of loading: routes records to the sink's staging, turns each STATE into a
// commit, and hands the STATE back only after that commit. Batching is the engine's business (by size); the
// bookkeeping of each kind of message is LoadSession's (load-session.ts).

import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../protocol/types.ts';
import { newLoadProgress, type LoadProgress } from './load-progress.ts';
import { LoadSession } from './load-session.ts';
import { sinkStreamsOf, type Sink } from './sink.ts';
import { StoppedError } from '../stop.ts';

export { LEGACY_STATE_KEY } from './load-session.ts';
export { newLoadProgress, type LoadProgress, type StreamProgress } from './load-progress.ts';

export interface LoadOptions {
  progress?: LoadProgress;
}

/**
 * Loads a message stream into a sink. Yields every STATE after the rows it covers are committed (with
 * `destinationStats.recordCount`), and passes LOG and TRACE messages through. An overwrite stream's table is
 * replaced when the stream completes (STREAM_STATUS COMPLETE, or a clean end of the messages), and its STATEs
 * are acknowledged then. Rows not covered by a STATE are committed at a clean end, except for streams that
 * reported a failure. If the message stream throws, nothing after the last commit is kept; the caller closes
 * the sink. A StoppedError (SIGTERM, see stop.ts) first commits the states the sink held back, where exact.
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
  const session = new LoadSession(sink, streams, progress);
  try {
    yield* route(session, messages);
  } catch (error) {
    if (error instanceof StoppedError) yield* session.stopped();
    throw error;
  }
  if (progress.failed) return;
  yield* session.end();
  await sink.finish();
}

/** Each message to its place in the session; what the caller must see passes through. */
async function* route(session: LoadSession, messages: AsyncIterable<AirbyteMessage>): AsyncGenerator<AirbyteMessage> {
  for await (const message of messages) {
    switch (message.type) {
      case 'RECORD': {
        const pending = session.record(message.record);
        if (pending !== undefined) await pending;
        break;
      }
      case 'STATE':
        yield* session.state(message.state);
        break;
      case 'TRACE':
        yield* session.trace(message.trace);
        yield message;
        break;
      case 'LOG':
        yield message;
        break;
      default:
        // SPEC, CATALOG and CONNECTION_STATUS have no meaning in a data stream.
        break;
    }
  }
}
