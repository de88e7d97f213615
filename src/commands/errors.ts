import { type ConnectorError, asConnectorError } from '../errors.ts';
import { TikTokApiError, toConnectorError } from '../tiktok/errors.ts';

/** Any failure as the connector error a command reports (TikTok's answers in their own terms). */
export function describeError(error: unknown): ConnectorError {
  return error instanceof TikTokApiError ? toConnectorError(error) : asConnectorError(error);
}
