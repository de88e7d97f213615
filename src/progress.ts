import type { AirbyteMessage } from './protocol/types.ts';

/** Passes messages through, writing a progress line to stderr every few seconds and a last one at the end. */
export async function* withProgress(
  messages: AsyncIterable<AirbyteMessage>,
  intervalMs = 5000,
  write: (line: string) => void = (line) => process.stderr.write(line),
): AsyncGenerator<AirbyteMessage> {
  const started = performance.now();
  let records = 0;
  let stream = '';
  let nextReport = started + intervalMs;
  const report = (final: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    write(
      `[source-tiktok-marketing] ${final ? 'done' : 'reading'}: ${records} records in ${seconds.toFixed(1)} s (${Math.round(records / Math.max(seconds, 0.001))}/s)${stream && !final ? `, stream ${stream}` : ''}\n`,
    );
  };
  for await (const message of messages) {
    if (message.type === 'RECORD') {
      records++;
      stream = message.record.stream;
      if ((records & 1023) === 0 && performance.now() >= nextReport) {
        report(false);
        nextReport = performance.now() + intervalMs;
      }
    }
    yield message;
  }
  report(true);
}
