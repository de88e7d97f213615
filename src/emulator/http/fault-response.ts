import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKind } from '../limits/faults.ts';
import { envelope, sendEnvelope, sendHalf, sendText } from './respond.ts';

const ENVELOPE_FAULTS: Partial<Record<FaultKind, [number, string]>> = {
  code40100: [40100, 'Too many requests. Please retry after some time.'],
  code50000: [50000, 'Internal error. Please try again later.'],
  code50002: [50002, 'Internal service timeout. Please try again later.'],
  code60001: [60001, 'The service is under maintenance. Please try again later.'],
};

/** Answers a request the way the injected fault says: an error envelope, a bare 5xx, a cut connection. */
export function sendFault(kind: FaultKind, req: IncomingMessage, res: ServerResponse, request: string): void {
  const coded = ENVELOPE_FAULTS[kind];
  if (coded !== undefined) {
    sendEnvelope(res, 200, coded[0], coded[1], request, {});
    return;
  }
  switch (kind) {
    case 'http500':
      sendText(res, 500, 'text/html', '<html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center></body></html>');
      return;
    case 'http503':
      sendText(res, 503, 'text/html', '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>');
      return;
    case 'drop':
      req.socket.destroy();
      return;
    case 'truncate':
      // A write is never carried out when its answer is lost this way: the half body is a stand-in.
      sendHalf(res, envelope(0, 'OK', request, { task_id: '' }), request);
      return;
    default:
      return;
  }
}
