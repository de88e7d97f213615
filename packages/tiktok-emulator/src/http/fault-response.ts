import type { ServerResponse } from 'node:http';
import { ADVERTISER_PATH_QPS, advertiserQpsMessage } from '../limits/advertiser-window.ts';
import type { FaultKind } from '../limits/faults.ts';
import { sendEnvelope, sendText } from './respond.ts';

// Wordings from TikTok's return-code list (api-evangelist/tiktok-ads errors/tiktok-ads-error-codes.yml).
const ENVELOPE_FAULTS: Partial<Record<FaultKind, [number, string]>> = {
  code40100: [40100, 'Too many requests. Please retry after some time.'],
  code40016: [40016, 'Requests made too frequently. Please retry after some time.'],
  code50000: [50000, 'Internal error. Please try again later.'],
  code50002: [50002, 'Internal service timeout. Please try again later.'],
  code60001: [60001, 'The service is under maintenance. Please try again later.'],
};

const HTML_FAULTS: Partial<Record<FaultKind, [number, string]>> = {
  http500: [500, '500 Internal Server Error'],
  http503: [503, '503 Service Temporarily Unavailable'],
  html502: [502, '502 Bad Gateway'],
};

/**
 * Answers a request refused by an injected fault: an error envelope, or a gateway's bare HTML error page.
 * `advertiserId` (the request's advertiser_id, if any) goes into 40133's message, which names it.
 */
export function sendRefusal(kind: FaultKind, res: ServerResponse, request: string, advertiserId = '0'): void {
  if (kind === 'code40133') {
    sendEnvelope(res, 200, 40133, advertiserQpsMessage(advertiserId, ADVERTISER_PATH_QPS + 1, ADVERTISER_PATH_QPS), request, {});
    return;
  }
  const coded = ENVELOPE_FAULTS[kind];
  if (coded !== undefined) {
    sendEnvelope(res, 200, coded[0], coded[1], request, {});
    return;
  }
  const [status, title] = HTML_FAULTS[kind] ?? [500, '500 Internal Server Error'];
  sendText(res, status, 'text/html', `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`);
}
