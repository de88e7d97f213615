import { describe, expect, it } from 'vitest';
import { type CommandSpec, parseFlags, synopsis, usageOf, wantsHelp } from '../../../src/commands/flags.ts';
import { ConnectorError } from '../../../src/errors.ts';

const SYNC = {
  name: 'sync',
  summary: 'load the streams into a warehouse',
  flags: {
    config: { value: 'FILE', required: true, help: 'the source config' },
    destination: { value: 'URL', required: true },
    streams: { value: 'a,b,…', help: 'only these streams' },
    'full-refresh': { help: 'read everything again' },
  },
  details: 'Loads one table per stream.',
} as const satisfies CommandSpec;

describe('the flag table', () => {
  it('parses values and switches by the table; optional values are undefined, switches false', () => {
    const values = parseFlags('tool', SYNC, ['--config', 'c.json', '--destination', 'x://y', '--full-refresh']);
    expect(values).toEqual({ config: 'c.json', destination: 'x://y', streams: undefined, 'full-refresh': true });
    expect(parseFlags('tool', SYNC, ['--config=c', '--destination', 'd'])['full-refresh']).toBe(false);
  });

  it('a missing required flag, an unknown flag or a stray argument is a config_error with the usage', () => {
    const failure = (argv: string[]) => {
      try {
        parseFlags('tool', SYNC, argv);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const [argv, message] of [
      [['--destination', 'd'], /^Missing --config FILE\.\nUsage: tool sync --config FILE/],
      [['--config', 'c', '--destination', 'd', '--colour', 'red'], /Unknown option '--colour'/],
      [['--config', 'c', '--destination', 'd', 'extra'], /Unexpected argument 'extra'/],
      [['--config', 'c', '--destination', ''], /^Missing --destination URL\./],
    ] as const) {
      const error = failure([...argv]);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ failureType: 'config_error', message: expect.stringMatching(message) });
    }
  });

  it('writes the synopsis and the usage from the same table', () => {
    expect(synopsis('tool', SYNC)).toBe('tool sync --config FILE --destination URL [--streams a,b,…] [--full-refresh]');
    expect(usageOf('tool', SYNC).split('\n')).toEqual([
      'Usage: tool sync --config FILE --destination URL [--streams a,b,…] [--full-refresh]',
      '  --config FILE    the source config',
      '  --streams a,b,…  only these streams',
      '  --full-refresh   read everything again',
      'Loads one table per stream.',
    ]);
    expect(wantsHelp(['--config', 'c', '--help'])).toBe(true);
    expect(wantsHelp(['--config', 'c'])).toBe(false);
  });
});
