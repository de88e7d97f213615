import { redact } from '../secrets.ts';
import type {
  AirbyteMessage,
  AirbyteStateMessage,
  FailureType,
  LogLevel,
  RecordData,
  StreamStatus,
} from './types.ts';
import type { ConnectorError } from '../errors.ts';

export const recordMessage = (stream: string, data: RecordData, emittedAt = Date.now()): AirbyteMessage => ({
  type: 'RECORD',
  record: { stream, data, emitted_at: emittedAt },
});

export const streamStateMessage = (
  stream: string,
  streamState: Record<string, unknown>,
  recordCount?: number,
): AirbyteMessage => {
  const state: AirbyteStateMessage = {
    type: 'STREAM',
    stream: { stream_descriptor: { name: stream }, stream_state: streamState },
  };
  if (recordCount !== undefined) state.sourceStats = { recordCount };
  return { type: 'STATE', state };
};

export const logMessage = (level: LogLevel, message: string): AirbyteMessage => ({
  type: 'LOG',
  log: { level, message: redact(message) },
});

export const streamStatusMessage = (stream: string, status: StreamStatus): AirbyteMessage => ({
  type: 'TRACE',
  trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: { name: stream }, status } },
});

export const estimateMessage = (stream: string, rowEstimate: number): AirbyteMessage => ({
  type: 'TRACE',
  trace: { type: 'ESTIMATE', emitted_at: Date.now(), estimate: { name: stream, type: 'STREAM', row_estimate: rowEstimate } },
});

export function errorTraceMessage(error: ConnectorError, stream?: string): AirbyteMessage {
  const internal = error.internal ?? (error.cause instanceof Error ? error.cause.message : undefined);
  const failureType: FailureType = error.failureType;
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: Date.now(),
      error: {
        message: redact(error.message),
        ...(internal ? { internal_message: redact(internal) } : {}),
        failure_type: failureType,
        ...(stream ? { stream_descriptor: { name: stream } } : {}),
      },
    },
  };
}
