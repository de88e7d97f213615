// Request bodies and query parameters carry TikTok's 19-digit ids, sometimes as bare JSON numbers: a double
// cannot hold them, so integers beyond 2^53 are read as their digit strings instead (the ids the emulator
// compares are strings anyway).

// A number token (after `:`, `,` or `[`) of 16+ digits; digits inside quoted strings do not count.
const UNSAFE_INTEGER = /[:,[]\s*-?\d{16,}/;

/** The reviver's third argument (Node >= 21, V8 11.4): the literal's source text. TypeScript's lib lacks it. */
type Reviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;

/** Parses JSON; integer literals that a double cannot hold exactly come back as their digit strings. */
export function parseJsonLossless(text: string): unknown {
  if (!UNSAFE_INTEGER.test(text)) return JSON.parse(text);
  const reviver: Reviver = (_key, value, context) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context.source !== undefined && /^-?\d+$/.test(context.source)
      ? context.source
      : value;
  return JSON.parse(text, reviver as (this: unknown, key: string, value: unknown) => unknown);
}
