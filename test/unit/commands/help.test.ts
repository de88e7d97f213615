import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROGRAM } from '../../../src/commands/command.ts';
import { DESTINATION_SPECS, runDestination } from '../../../src/commands/destination.ts';
import { COMMANDS } from '../../../src/commands/index.ts';
import { runTokenCommand } from '../../../src/commands/token.ts';

// Every command answers --help (and -h) with its own usage on stdout and exit 0, whatever else is on the line.

/** What the function wrote to process.stdout and process.stderr while it ran. */
async function captured(run: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = { stdout: '', stderr: '' };
  for (const name of ['stdout', 'stderr'] as const) {
    vi.spyOn(process[name], 'write').mockImplementation((chunk: string | Uint8Array) => {
      output[name] += String(chunk);
      return true;
    });
  }
  const code = await run();
  vi.restoreAllMocks();
  return { code, ...output };
}

function streams(): { stdin: PassThrough; stdout: PassThrough; stderr: PassThrough; text: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stdin: new PassThrough(), stdout, stderr: new PassThrough(), text: () => text };
}

afterEach(() => vi.restoreAllMocks());

describe('--help', () => {
  for (const command of COMMANDS) {
    for (const argv of [['--help'], ['-h'], ['--port', '1', '--help']]) {
      it(`${command.spec.name} ${argv.join(' ')}: its usage on stdout, exit 0`, async () => {
        const result = await captured(() => command.invoke(argv));
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^Usage: ${PROGRAM} ${command.spec.name}\\b`));
        expect(result.stderr).toBe('');
      });
    }
  }

  for (const [name, spec] of Object.entries(DESTINATION_SPECS)) {
    it(`destination ${name} --help: its usage on stdout, exit 0 (in the source's CLI and the destination's own bin)`, async () => {
      const inCli = await captured(() => COMMANDS.find((command) => command.spec.name === 'destination')!.invoke([name, '--help']));
      expect(inCli.code).toBe(0);
      expect(inCli.stdout).toMatch(new RegExp(`^Usage: ${PROGRAM} ${spec.name}\\b`));
      const io = streams();
      expect(await runDestination([name, '--help'], io)).toBe(0);
      expect(io.text()).toMatch(new RegExp(`^Usage: ${PROGRAM} ${spec.name}\\b`));
    });
  }

  it("the destination's own bin: --help lists its commands", async () => {
    const io = streams();
    expect(await runDestination(['--help'], io)).toBe(0);
    for (const spec of Object.values(DESTINATION_SPECS)) expect(io.text()).toContain(spec.name);
  });

  it('token --help through runTokenCommand', async () => {
    const io = streams();
    expect(await runTokenCommand(['--help'], { stdout: io.stdout, stderr: io.stderr })).toBe(0);
    expect(io.text()).toMatch(/^Usage: source-tiktok-marketing token --app-id A \[--secret S\]/);
  });
});
