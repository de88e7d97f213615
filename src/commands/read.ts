import { loadConfig, readJsonFile } from '../config.ts';
import { asConnectorError } from '../errors.ts';
import { planOf } from '../plan/make-plan.ts';
import type { Plan } from '../plan/plan.ts';
import { planText } from '../plan/plan-text.ts';
import { type StreamFigures, runSummary } from '../plan/run-summary.ts';
import { ReadProgress, withProgress } from '../progress.ts';
import { parseCatalog } from '../protocol/catalog.ts';
import { logMessage } from '../protocol/messages.ts';
import { writeAll } from '../protocol/output.ts';
import type { AirbyteMessage } from '../protocol/types.ts';
import { redact } from '../secrets.ts';
import { read } from '../source.ts';
import { processStop, untilStopped } from '../stop.ts';
import { createContext } from '../streams/context.ts';
import { parseState } from '../streams/state.ts';
import { TikTokApiError, toConnectorError } from '../tiktok/errors.ts';
import { command } from './command.ts';
import { stdoutMessages } from './messages.ts';
import { writeSummaryFile } from './summary-file.ts';

export const readCommand = command(
  {
    name: 'read',
    summary: 'emit records and state (Airbyte protocol on stdout)',
    flags: {
      config: { value: 'FILE', required: true },
      catalog: { value: 'FILE', required: true },
      state: { value: 'FILE' },
      plan: { help: 'emit the plan of the read (dates, lanes, requests, share of the quota, time) as LOG messages, and no RECORD' },
      'summary-json': { value: 'FILE', help: 'also write the summary (or, with --plan, the plan) to FILE as one JSON line' },
    },
  },
  async (flags) => {
    const config = loadConfig(flags.config);
    const catalog = parseCatalog(readJsonFile(flags.catalog, 'catalog'));
    const state = parseState(flags.state ? readJsonFile(flags.state, 'state') : undefined);
    // Its records are only written out: made as JSON lines at once (streams/context.ts). A SIGTERM ends the
    // messages with a StoppedError, which the bin reports as the one TRACE error.
    const ctx = createContext(config, undefined, { output: 'lines' });
    const summaryFile = flags['summary-json'];
    const startedAt = performance.now();
    // The plan is made when it is shown: asked for, or for the summary's planned-vs-actual figures.
    const note = (line: string) => process.stderr.write(redact(`[plan] ${line}\n`));
    const plan: Plan | undefined = flags.plan || summaryFile !== undefined ? await planOf(ctx, catalog, state, flags.plan, note) : undefined;
    const facts = { command: 'read' as const, ctx, plan };
    if (flags.plan && plan) {
      // As LOG messages, not on stderr: stdout stays the protocol, and an orchestrator keeps LOGs with the job.
      await writeAll(linesOf(planText(plan)), stdoutMessages);
      if (summaryFile !== undefined) writeSummaryFile(summaryFile, runSummary({ ...facts, status: 'planned', exitCode: 0, seconds: seconds(startedAt), streams: [] }));
      return 0;
    }
    // The progress reads the source's plan in-process (expected rows, windows left, waits); its per-stream rows and
    // statuses are also the summary's.
    const progress = new ReadProgress(undefined, ctx.activity);
    const streams = (): StreamFigures[] => [...progress.streams.values()].map(({ name, rows, status }) => ({ name, rows, status }));
    try {
      await writeAll(withProgress(untilStopped(read(config, catalog, state, ctx), processStop.watch()), { progress }), stdoutMessages);
    } catch (caught) {
      if (summaryFile !== undefined) {
        const error = asConnectorError(caught instanceof TikTokApiError ? toConnectorError(caught) : caught);
        writeSummaryFile(summaryFile, runSummary({ ...facts, status: 'failed', exitCode: 1, seconds: seconds(startedAt), streams: streams(), error }));
      }
      throw caught;
    }
    if (summaryFile !== undefined) writeSummaryFile(summaryFile, runSummary({ ...facts, status: 'succeeded', exitCode: 0, seconds: seconds(startedAt), streams: streams() }));
    return 0;
  },
);

const seconds = (since: number) => (performance.now() - since) / 1000;

async function* linesOf(text: string): AsyncGenerator<AirbyteMessage> {
  for (const line of text.trimEnd().split('\n')) yield logMessage('INFO', line);
}
