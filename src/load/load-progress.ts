// The live counters of a load: what each stream received and committed, and which failures the source reported.

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
