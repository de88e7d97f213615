import { logMessage } from '../protocol/messages.ts';
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../protocol/types.ts';
import { TikTokApiError } from '../tiktok/errors.ts';
import type { ReadContext } from './context.ts';
import { STREAMS_BY_NAME, type StreamDefinition } from './definitions.ts';

// TikTok serves the Upgraded Smart+ creative reports only to apps granted its "Upgraded Smart+ Report" scope. An
// app without it is a fact about the app, not a failure of the sync: the creative-report streams are skipped with
// one warning that names them, and everything else is read.

/** The creative-report paths that need the scope. */
const SCOPED_PATH = /^smart_plus\/material_report\//;

/** A Smart+ creative report refused because the app lacks the scope: the stream is skipped, not failed. */
export class MissingScopeError extends Error {
  readonly refusal: TikTokApiError;

  constructor(refusal: TikTokApiError) {
    super(`TikTok refused ${refusal.path} (code ${refusal.code}: ${refusal.message})`);
    this.name = 'MissingScopeError';
    this.refusal = refusal;
  }
}

/**
 * TikTok's permission code (40001) on a creative report that names no advertiser: the app may not call the
 * endpoint at all. "No permission to operate advertiser …" stays an advertiser the token cannot reach.
 */
export function isMissingScope(error: unknown): error is TikTokApiError {
  return error instanceof TikTokApiError && error.code === 40001 && SCOPED_PATH.test(error.path) && !/\badvertiser\b/i.test(error.message);
}

export const needsSmartPlusScope = (stream: StreamDefinition): boolean => stream.kind === 'smart_plus_material';

/** The read's refusal, once known: later creative-report streams are skipped without asking again. */
const refusals = new WeakMap<ReadContext, MissingScopeError>();

export const knownMissingScope = (ctx: ReadContext): boolean => refusals.has(ctx);

/**
 * The one warning of a read whose app lacks the scope, naming every creative-report stream of the catalog it
 * skips (empty once said); each skipped stream is also listed in the read summary.
 */
export function missingScopeNotice(ctx: ReadContext, catalog: ConfiguredAirbyteCatalog, error: MissingScopeError): AirbyteMessage[] {
  if (refusals.has(ctx)) return [];
  refusals.set(ctx, error);
  const skipped = catalog.streams.map((s) => s.stream.name).filter((name) => {
    const stream = STREAMS_BY_NAME.get(name);
    return stream !== undefined && needsSmartPlusScope(stream);
  });
  for (const name of skipped) ctx.summary.skipped.push(`stream ${JSON.stringify(name)} (the app lacks TikTok's "Upgraded Smart+ Report" scope)`);
  return [logMessage('WARN',
    `The TikTok app lacks the "Upgraded Smart+ Report" scope (${error.message}): skipped ${skipped.join(', ')}. ` +
    'Add the scope to the app in the TikTok for Business developer portal and authorise it again to read them; the other streams are read as usual.')];
}
