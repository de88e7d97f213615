import { MessageWriter } from '../protocol/output.ts';
import type { AirbyteMessage } from '../protocol/types.ts';

/** Stdout of the source's Airbyte commands: only Airbyte messages, one JSON line each. */
export const stdoutMessages = new MessageWriter();

/** Writes one message and flushes it. */
export async function emit(message: AirbyteMessage): Promise<void> {
  await stdoutMessages.write(message);
  await stdoutMessages.end();
}
