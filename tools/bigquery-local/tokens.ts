// A lexer for GoogleSQL text, just enough to rewrite it token by token for DuckDB without touching what lies inside
// string literals and comments. Statements reaching it have already been accepted by ZetaSQL.

export type TokenKind = 'space' | 'comment' | 'string' | 'quoted' | 'word' | 'number' | 'param' | 'punct';

export interface Token {
  kind: TokenKind;
  /** The text as it will be emitted (rewrites replace it). */
  text: string;
  /** For strings: the decoded value; for quoted (backtick) names: the name inside. */
  value?: string;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const SPACE = /\s+/y;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(sql);
    return m ? m[0] : undefined;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const rest2 = sql.slice(i, i + 2);
    let text: string | undefined;
    if ((text = match(SPACE))) tokens.push({ kind: 'space', text });
    else if (rest2 === '--' || c === '#') {
      const end = sql.indexOf('\n', i);
      text = sql.slice(i, end < 0 ? sql.length : end);
      tokens.push({ kind: 'comment', text });
    } else if (rest2 === '/*') {
      const end = sql.indexOf('*/', i + 2);
      text = sql.slice(i, end < 0 ? sql.length : end + 2);
      tokens.push({ kind: 'comment', text });
    } else if (c === '`') {
      const end = sql.indexOf('`', i + 1);
      text = sql.slice(i, end < 0 ? sql.length : end + 1);
      tokens.push({ kind: 'quoted', text, value: text.slice(1, -1) });
    } else if (c === "'" || c === '"' || /^[rRbB]{1,2}['"]/.test(sql.slice(i, i + 3))) {
      const string = readString(sql, i);
      if (string === undefined) {
        text = match(WORD) ?? c;
        tokens.push({ kind: text === c ? 'punct' : 'word', text });
      } else {
        text = sql.slice(i, string.end);
        tokens.push({ kind: 'string', text, value: string.value });
      }
    } else if ((text = match(WORD))) tokens.push({ kind: 'word', text });
    else if ((text = match(NUMBER))) tokens.push({ kind: 'number', text });
    else if (c === '@' && (text = /@@?[A-Za-z_][A-Za-z0-9_]*/y.exec(sql.slice(i))?.[0])) tokens.push({ kind: 'param', text });
    else {
      text = ['<>', '!=', '<=', '>=', '||', '<<', '>>'].includes(rest2) ? rest2 : c;
      tokens.push({ kind: 'punct', text });
    }
    i += text.length;
  }
  return tokens;
}

/** A string literal with optional r/b prefixes and single, double or triple quotes, decoded as BigQuery does. */
function readString(sql: string, start: number): { value: string; end: number } | undefined {
  let i = start;
  let raw = false;
  while (/[rRbB]/.test(sql[i] ?? '')) {
    if (/[rR]/.test(sql[i]!)) raw = true;
    i++;
  }
  const quote = sql[i];
  if (quote !== "'" && quote !== '"') return undefined;
  const triple = sql.slice(i, i + 3) === quote.repeat(3);
  const delimiter = triple ? quote.repeat(3) : quote;
  i += delimiter.length;
  let value = '';
  while (i < sql.length) {
    if (sql.startsWith(delimiter, i)) return { value, end: i + delimiter.length };
    const c = sql[i]!;
    if (c === '\\' && !raw) {
      const next = sql[i + 1] ?? '';
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '`': '`', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '?': '?' };
      if (next in escapes) {
        value += escapes[next];
        i += 2;
        continue;
      }
      const hex = /^(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(sql.slice(i + 1));
      if (hex) {
        value += String.fromCodePoint(parseInt(hex[1] ?? hex[2] ?? hex[3]!, 16));
        i += 1 + hex[0].length;
        continue;
      }
      value += next;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return undefined;
}

export const isWord = (token: Token | undefined, ...words: string[]): boolean =>
  token !== undefined && token.kind === 'word' && words.includes(token.text.toUpperCase());

export const isPunct = (token: Token | undefined, text: string): boolean => token !== undefined && token.kind === 'punct' && token.text === text;

/** Index of the next token that is not space or comment, from `i` on (tokens.length when none). */
export function nextSignificant(tokens: readonly Token[], i: number): number {
  while (i < tokens.length && (tokens[i]!.kind === 'space' || tokens[i]!.kind === 'comment')) i++;
  return i;
}

export function previousSignificant(tokens: readonly Token[], i: number): number {
  i--;
  while (i >= 0 && (tokens[i]!.kind === 'space' || tokens[i]!.kind === 'comment')) i--;
  return i;
}

/** Index of the `)` closing the `(` at `open`. */
export function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    else if (isPunct(tokens[i], ')') && --depth === 0) return i;
  }
  return tokens.length - 1;
}

export const render = (tokens: readonly Token[]): string => tokens.map((t) => t.text).join('');
