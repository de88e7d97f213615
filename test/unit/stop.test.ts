// The stop rule (src/stop.ts) without signalling the test process: a host that records what the request does, a
// producer that never answers, and a sink that records its commits. The signal path of the built bins, end to end:
// test/e2e/stop.test.ts; through `docker stop`: test/e2e/docker.test.ts.

import { describe, expect, it } from 'vitest';
import { loadMessages } from '../../src/load/load-messages.ts';
import type { Sink, StoredState, StreamCommit } from '../../src/load/sink.ts';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, DestinationSyncMode } from '../../src/protocol/types.ts';
import { exitCodeFor, type StopHost, StoppedError, type StopSignalName, StopRequest, untilStopped } from '../../src/stop.ts';

/** A host whose signals the test sends and whose exits and timers it sees. */
function recordingHost() {
  const handlers = new Map<StopSignalName, () => void>();
  const timers: { ms: number; fire: () => void }[] = [];
  const host = {
    exits: [] as number[],
    lines: [] as string[],
    timers,
    send: (name: StopSignalName) => handlers.get(name)?.(),
    on: (name: StopSignalName, handler: () => void) => void handlers.set(name, handler),
    exit: (code: number) => void host.exits.push(code),
    say: (line: string) => void host.lines.push(line),
    setTimer: (fire: () => void, ms: number) => void timers.push({ ms, fire }),
  } satisfies StopHost & Record<string, unknown>;
  return host;
}

describe('stop on SIGTERM/SIGINT', () => {
  it('exit codes are the shell\'s for a death by the signal: 143 for SIGTERM, 130 for SIGINT', () => {
    expect(exitCodeFor('SIGTERM')).toBe(143);
    expect(exitCodeFor('SIGINT')).toBe(130);
  });

  it('a signal while no command watches (spec, check, discover) exits at once', () => {
    const host = recordingHost();
    new StopRequest(host, 8000).install();
    host.send('SIGINT');
    expect(host.exits).toEqual([130]);
    expect(host.timers).toEqual([]);
  });

  it('a watched signal aborts with a StoppedError, says why in one line, and exits after the grace period at the latest', () => {
    const host = recordingHost();
    const stop = new StopRequest(host, 8000).install();
    const signal = stop.watch();
    host.send('SIGTERM');
    expect(host.exits).toEqual([]);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(StoppedError);
    expect((signal.reason as StoppedError).failureType).toBe('transient_error');
    expect(stop.received).toBe('SIGTERM');
    expect(stop.exitCode()).toBe(143);
    expect(host.lines).toEqual([expect.stringMatching(/^SIGTERM received: stopping/)]);
    expect(host.timers.map((t) => t.ms)).toEqual([8000]);
    host.timers[0]!.fire();
    expect(host.exits).toEqual([143]);
  });

  it('a second signal exits at once, with the first signal\'s code', () => {
    const host = recordingHost();
    const stop = new StopRequest(host, 8000).install();
    stop.watch();
    host.send('SIGTERM');
    host.send('SIGINT');
    expect(host.exits).toEqual([143]);
  });

  it('untilStopped passes items until the signal, then throws its StoppedError even while the producer waits', async () => {
    const controller = new AbortController();
    let returned = false;
    let asked = 0;
    // A producer that gives two items, then waits for ever (a request in flight), and notes being told to end.
    const producer: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => (++asked <= 2 ? Promise.resolve({ done: false, value: asked }) : new Promise<IteratorResult<number>>(() => undefined)),
        return: () => {
          returned = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const seen: number[] = [];
    const consumed = (async () => {
      for await (const item of untilStopped(producer, controller.signal)) seen.push(item);
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new StoppedError('SIGTERM'));
    await expect(consumed).rejects.toBeInstanceOf(StoppedError);
    expect(seen).toEqual([1, 2]);
    expect(returned).toBe(true);
  });

  it('untilStopped ends like its producer when no signal comes', async () => {
    async function* three() {
      yield* [1, 2, 3];
    }
    const seen: number[] = [];
    for await (const item of untilStopped(three(), new AbortController().signal)) seen.push(item);
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('a load stopped by SIGTERM', () => {
  /** A sink that holds every STATE (commitDue false: BigQuery's rationed commits) and records its commits. */
  class HoldingSink implements Sink {
    readonly commits: string[] = [];
    async prepare(): Promise<void> {}
    async readState(): Promise<StoredState> {
      return new Map();
    }
    stage(): undefined {
      return undefined;
    }
    commitDue(): boolean {
      return false;
    }
    async commit(commits: readonly StreamCommit[]): Promise<void> {
      for (const c of commits) this.commits.push(`${c.stream} ${JSON.stringify(c.state)}${c.replace ? ' replace' : ''}`);
    }
    async finish(): Promise<void> {
      this.commits.push('finish');
    }
    async close(): Promise<void> {}
  }

  const configured = (name: string, mode: DestinationSyncMode): ConfiguredAirbyteCatalog['streams'][number] => ({
    stream: { name, json_schema: { type: 'object', properties: { id: { type: 'integer' } } }, supported_sync_modes: ['incremental', 'full_refresh'] },
    sync_mode: mode === 'overwrite' ? 'full_refresh' : 'incremental',
    destination_sync_mode: mode,
    primary_key: mode === 'append' ? [] : [['id']],
  });
  const record = (stream: string, id: number): AirbyteMessage => ({ type: 'RECORD', record: { stream, data: { id }, emitted_at: 0 } });
  const state = (stream: string, n: number): AirbyteMessage => ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { n } } } });

  it('commits the held states where exact (merged rows; appended rows with none after the state), then rethrows', async () => {
    const catalog: ConfiguredAirbyteCatalog = {
      streams: [configured('merged', 'append_dedup'), configured('appended_exact', 'append'), configured('appended_more', 'append'), configured('replaced', 'overwrite')],
    };
    const controller = new AbortController();
    async function* source(): AsyncGenerator<AirbyteMessage> {
      yield* [record('merged', 1), state('merged', 1), record('merged', 2)];
      yield* [record('appended_exact', 1), state('appended_exact', 1)];
      yield* [record('appended_more', 1), state('appended_more', 1), record('appended_more', 2)];
      yield* [record('replaced', 1), state('replaced', 1)];
      controller.abort(new StoppedError('SIGTERM'));
      // The stop comes while the source waits on the network: the load must not wait for it.
      await new Promise(() => undefined);
    }
    const sink = new HoldingSink();
    const acknowledged: unknown[] = [];
    const load = (async () => {
      for await (const message of loadMessages(sink, catalog, untilStopped(source(), controller.signal))) {
        if (message.type === 'STATE') acknowledged.push([message.state.stream?.stream_descriptor.name, message.state.destinationStats?.recordCount]);
      }
    })();
    await expect(load).rejects.toBeInstanceOf(StoppedError);
    // merged: its rows (one past the state) merge on the key, so a re-read changes nothing; appended_exact: no row
    // after its state. appended_more would append its second row twice, replaced would replace the table half-read.
    expect(sink.commits).toEqual(['merged {"n":1}', 'appended_exact {"n":1}']);
    expect(acknowledged).toEqual([['merged', 2], ['appended_exact', 1]]);
  });
});
