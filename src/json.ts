// JSON helpers that keep TikTok's 19-digit ids exact: integers beyond 2^53 are read as their digits and
// written back as raw JSON numbers (JSON.rawJSON), never passing through a JS number.

// A number token (after `:`, `,` or `[`) of 16+ digits; digits inside quoted strings do not count.
const UNSAFE_INTEGER = /[:,[]\s*-?\d{16,}/;

/**
 * Parses JSON; integer literals that a double cannot hold exactly come back as digit strings, or as `exact`
 * makes them (rawInteger: raw JSON numbers, so that JSON.stringify writes the text back as it was).
 */
export function parseJsonLossless(text: string, exact: (digits: string) => unknown = (digits) => digits): unknown {
  if (!UNSAFE_INTEGER.test(text)) return JSON.parse(text);
  return JSON.parse(text, (_key, value, context) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context.source !== undefined && /^-?\d+$/.test(context.source)
      ? exact(context.source)
      : value,
  );
}

/** A digit string as a JSON integer that JSON.stringify writes verbatim. */
export function rawInteger(digits: string): RawJSON {
  return JSON.rawJSON(digits);
}

/** The plain value of a field that may hold a RawJSON integer (its digits) or anything else. */
export function plainValue(value: unknown): unknown {
  return JSON.isRawJSON(value) ? value.rawJSON : value;
}
