import { describe, expect, it } from 'vitest';
import { TikTokApiError } from '../../../src/tiktok/errors.ts';
import { splitListAnswer } from '../../../src/tiktok/list-rows.ts';

// A list page kept as its bytes, its rows parsed a few at a time as they are reached (src/tiktok/list-rows.ts); the
// reads behind the parse gate that use it: test/unit/tiktok/parse-gate.test.ts.

describe('splitListAnswer (list pages parsed as their rows are reached)', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const rowsOf = (text: string) => {
    const split = splitListAnswer(bytes(text), 'report/integrated/get/');
    return split === undefined ? undefined : { envelope: split.envelope, rows: [...split.rows], length: split.rows.length };
  };

  it('gives the envelope with an empty list and the rows, equal to a whole parse, across row groups', () => {
    const rows = Array.from({ length: 75 }, (_, i) => ({
      dimensions: { ad_id: String(1714125042508817n + BigInt(i)), stat_time_day: '2026-11-01 00:00:00' },
      metrics: { spend: `${i}.5`, ad_name: i % 2 ? 'Brace } and [bracket] "quoted" \\ back — dash' : 'plain', nothing: null },
    }));
    const page = { code: 0, message: 'OK', request_id: 'r1', data: { list: rows, page_info: { page: 1, page_size: 1000, total_number: 75, total_page: 1 } } };
    const split = rowsOf(JSON.stringify(page, null, 1));
    expect(split?.envelope).toEqual({ ...page, data: { ...page.data, list: [] } });
    expect(split?.length).toBe(75);
    expect(split?.rows).toEqual(rows);
  });

  it('a row that splits but is not JSON fails as a retryable TikTok error naming the endpoint, not a SyntaxError', () => {
    const split = splitListAnswer(bytes('{"code":0,"data":{"list":[{"a":1},{"b":tru}]}}'), 'report/integrated/get/');
    expect(split?.rows.length).toBe(2);
    let thrown: unknown;
    try {
      [...split!.rows];
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TikTokApiError);
    expect(thrown).toMatchObject({ kind: 'retry', path: 'report/integrated/get/' });
    expect((thrown as Error).message).toMatch(/rows 1–2 .*not valid JSON/);
  });

  it('refuses what it cannot split exactly, so the caller parses the whole answer', () => {
    // A number a double cannot hold, outside a string (an id TikTok sent unquoted).
    expect(rowsOf('{"code":0,"data":{"list":[{"dimensions":{"ad_id":1714125042508817123}}]}}')).toBeUndefined();
    // Elements that are not objects, or a list that is not data.list.
    expect(rowsOf('{"code":0,"data":{"list":[{"a":1},2]}}')).toBeUndefined();
    expect(rowsOf('{"code":0,"data":{"rows":[{"a":1}]}}')).toBeUndefined();
    // Cut short, or a string that never closes.
    expect(rowsOf('{"code":0,"data":{"list":[{"a":1},{"b":2}]')).toBeUndefined();
    expect(rowsOf('{"code":0,"data":{"list":[{"a":"x}]}}')).toBeUndefined();
    // Digits inside strings are text, and an empty list splits.
    expect(rowsOf('{"code":0,"data":{"list":[{"id":"17141250425088171234"}]}}')?.rows).toEqual([{ id: '17141250425088171234' }]);
    expect(rowsOf('{"code":0,"data":{"list":[ ],"page_info":{"total_number":0}}}')).toEqual({ envelope: { code: 0, data: { list: [], page_info: { total_number: 0 } } }, rows: [], length: 0 });
  });
});
