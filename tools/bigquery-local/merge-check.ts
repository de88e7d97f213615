// BigQuery refuses a MERGE in which one target row matches several source rows ("UPDATE/MERGE must match at most one
// source row for each target row"); DuckDB applies such a MERGE silently. Before running a MERGE that has a
// WHEN MATCHED clause, the endpoint joins target and source on the MERGE's own condition and looks for a target
// row matched twice.

import type { Connection } from './engine.ts';
import { BigQueryError } from './errors.ts';
import { bindings } from './parameters.ts';
import { type Token, closingParen, isPunct, isWord, nextSignificant, render } from './tokens.ts';
import { nameParts } from './translate.ts';
import { quoteIdent } from './types.ts';

interface MergeParts {
  target: string;
  targetAlias: string;
  source: string;
  sourceAlias: string;
  condition: string;
  hasMatched: boolean;
}

/** Reads the parts of a translated (DuckDB) MERGE statement. */
export function mergeParts(tokens: readonly Token[]): MergeParts | undefined {
  let i = nextSignificant(tokens, 0);
  if (!isWord(tokens[i], 'MERGE')) return undefined;
  i = nextSignificant(tokens, i + 1);
  if (isWord(tokens[i], 'INTO')) i = nextSignificant(tokens, i + 1);
  const target = nameParts(tokens, i);
  const targetText = render(tokens.slice(i, target.end));
  i = nextSignificant(tokens, target.end);
  let targetAlias = quoteIdent(target.parts[target.parts.length - 1] ?? 't');
  if (isWord(tokens[i], 'AS')) i = nextSignificant(tokens, i + 1);
  if (!isWord(tokens[i], 'USING')) {
    targetAlias = tokens[i]!.text;
    i = nextSignificant(tokens, i + 1);
  }
  i = nextSignificant(tokens, i + 1); // after USING
  let sourceText: string;
  let sourceAlias = '';
  if (isPunct(tokens[i], '(')) {
    const close = closingParen(tokens, i);
    sourceText = render(tokens.slice(i, close + 1));
    i = nextSignificant(tokens, close + 1);
  } else {
    const source = nameParts(tokens, i);
    sourceText = render(tokens.slice(i, source.end));
    sourceAlias = quoteIdent(source.parts[source.parts.length - 1] ?? 's');
    i = nextSignificant(tokens, source.end);
  }
  if (isWord(tokens[i], 'AS')) i = nextSignificant(tokens, i + 1);
  if (!isWord(tokens[i], 'ON')) {
    sourceAlias = tokens[i]!.text;
    i = nextSignificant(tokens, i + 1);
  }
  const conditionStart = i + 1;
  let depth = 0;
  let end = conditionStart;
  for (; end < tokens.length; end++) {
    if (isPunct(tokens[end], '(')) depth++;
    if (isPunct(tokens[end], ')')) depth--;
    if (depth === 0 && isWord(tokens[end], 'WHEN')) break;
  }
  let hasMatched = false;
  for (let k = end; k < tokens.length; k++) {
    if (isWord(tokens[k], 'WHEN') && isWord(tokens[nextSignificant(tokens, k + 1)], 'MATCHED')) hasMatched = true;
  }
  if (sourceAlias === '') return undefined;
  return {
    target: targetText,
    targetAlias,
    source: sourceText,
    sourceAlias,
    condition: render(tokens.slice(conditionStart, end)),
    hasMatched,
  };
}

export async function checkMergeSourceUnique(c: Connection, tokens: readonly Token[], values: Record<string, unknown>): Promise<void> {
  const parts = mergeParts(tokens);
  if (!parts || !parts.hasMatched) return;
  const sql = `SELECT 1 FROM ${parts.target} AS ${parts.targetAlias} JOIN ${parts.source} AS ${parts.sourceAlias} ON ${parts.condition}
    GROUP BY ${parts.targetAlias}.rowid HAVING count(*) > 1 LIMIT 1`;
  // Only the parameters this statement uses: DuckDB refuses values it has no place for.
  const reader = await c.runAndReadAll(sql, bindings(sql, values) as never);
  if (reader.currentRowCount > 0) {
    throw new BigQueryError('invalidQuery', 'UPDATE/MERGE must match at most one source row for each target row', { location: 'query' });
  }
}
