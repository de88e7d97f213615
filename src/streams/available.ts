import type { SourceConfig } from '../config.ts';
import { STREAMS, type StreamDefinition } from './definitions.ts';

// Which streams one config offers: the built-in table plus the config's custom reports, minus what TikTok's
// sandbox does not serve when the credentials are sandbox ones. discover, the default catalog and read all ask
// here, so a stream discover leaves out is also one read skips with the same reason.

export interface LeftOut {
  name: string;
  reason: string;
}

export interface AvailableStreams {
  streams: readonly StreamDefinition[];
  byName: ReadonlyMap<string, StreamDefinition>;
  /** Streams this config does not offer although the source has them, each with the reason. */
  leftOut: ReadonlyMap<string, LeftOut>;
}

const cache = new WeakMap<SourceConfig, AvailableStreams>();

/** Without a config: the built-in streams only (what `spec`-time tooling and tests without a config see). */
export function availableStreams(config?: SourceConfig): AvailableStreams {
  if (config === undefined) return build(STREAMS, false);
  let found = cache.get(config);
  if (!found) {
    found = build([...STREAMS, ...config.customReports], config.credentials.kind === 'sandbox');
    cache.set(config, found);
  }
  return found;
}

function build(all: readonly StreamDefinition[], sandbox: boolean): AvailableStreams {
  const streams: StreamDefinition[] = [];
  const leftOut = new Map<string, LeftOut>();
  for (const stream of all) {
    if (sandbox && stream.productionOnly) {
      leftOut.set(stream.name, {
        name: stream.name,
        reason: `TikTok's sandbox (sandbox_access_token credentials) does not serve ${stream.name}; it is read with production (oauth2.0) credentials only`,
      });
    } else {
      streams.push(stream);
    }
  }
  return { streams, byName: new Map(streams.map((s) => [s.name, s])), leftOut };
}
