// Node >= 21 (V8 11.4) ships JSON.rawJSON / JSON.isRawJSON and the reviver's `context.source`;
// TypeScript's lib does not describe them yet.
declare global {
  interface RawJSON {
    readonly rawJSON: string;
  }
  interface JSON {
    rawJSON(text: string): RawJSON;
    isRawJSON(value: unknown): value is RawJSON;
    parse(text: string, reviver: (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown): unknown;
  }
}
export {};
