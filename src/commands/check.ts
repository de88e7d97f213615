import { loadConfig } from '../config.ts';
import { redact } from '../secrets.ts';
import { check } from '../source.ts';
import { command } from './command.ts';
import { describeError } from './errors.ts';
import { emit } from './messages.ts';

export const checkCommand = command(
  { name: 'check', summary: 'test the credentials and reach the advertisers', flags: { config: { value: 'FILE', required: true } } },
  async ({ config }) => {
    let status;
    try {
      status = await check(loadConfig(config));
    } catch (error) {
      // Airbyte reads check's verdict from the message; an unusable config is a verdict too.
      status = { status: 'FAILED' as const, message: redact(describeError(error).message) };
    }
    await emit({ type: 'CONNECTION_STATUS', connectionStatus: { ...status, ...(status.message ? { message: redact(status.message) } : {}) } });
    return 0;
  },
);
