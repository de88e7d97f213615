import type { FailureType } from './protocol/types.ts';

/**
 * An error that knows who can fix it. Thrown where the class is known (config parsing, the API client's
 * code table, the sink's connection), turned into one TRACE error by the CLI.
 */
export class ConnectorError extends Error {
  readonly failureType: FailureType;
  /** Detail for operators (goes to `internal_message` and stderr), never shown as the user message. */
  readonly internal: string | undefined;

  constructor(failureType: FailureType, message: string, options: { internal?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.failureType = failureType;
    this.internal = options.internal;
  }
}

export const configError = (message: string, options?: { internal?: string; cause?: unknown }) =>
  new ConnectorError('config_error', message, options);
export const transientError = (message: string, options?: { internal?: string; cause?: unknown }) =>
  new ConnectorError('transient_error', message, options);
export const systemError = (message: string, options?: { internal?: string; cause?: unknown }) =>
  new ConnectorError('system_error', message, options);

export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // The stack goes to stderr only (see cli.ts), never into a message on stdout.
  return systemError(`Unexpected error: ${message}`, {
    internal: error instanceof Error ? `${error.name}: ${error.message}` : undefined,
    cause: error,
  });
}
