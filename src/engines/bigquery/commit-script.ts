// One commit as one BigQuery script: the statements that apply each stream's staging table, then the states,
// inside BEGIN TRANSACTION … COMMIT TRANSACTION, so rows and states become visible together or not at all.
// A job that dies between two statements (a kill, a backend error) leaves nothing of the commit behind, and
// the commit is simply run again. DDL on permanent tables is not allowed inside a transaction: the staging
// tables and any column widening are made before it.

import type { StreamCommit } from '../../load/sink.ts';
import { deleteStateSql, storeStateSql } from './state.ts';

export interface CommitScript {
  sql: string;
  params: Record<string, string>;
}

/** The state statements of a commit: each stream's upsert (or delete), with its own numbered parameters. */
function stateStatements(stateRef: string, commits: readonly StreamCommit[], params: Record<string, string>): string[] {
  const statements: string[] = [];
  commits.forEach((commit, index) => {
    if (commit.state === undefined) return;
    const suffix = `_${index}`;
    params[`stream_name${suffix}`] = commit.stream;
    if (commit.state === null) statements.push(deleteStateSql(stateRef, suffix));
    else {
      params[`state${suffix}`] = JSON.stringify(commit.state);
      statements.push(storeStateSql(stateRef, suffix));
    }
  });
  return statements;
}

/** The commit's script; undefined when it has nothing to do. `applies` are the staging → table statements. */
export function commitScript(applies: readonly string[], stateRef: string, commits: readonly StreamCommit[]): CommitScript | undefined {
  const params: Record<string, string> = {};
  const statements = [...applies, ...stateStatements(stateRef, commits, params)];
  if (statements.length === 0) return undefined;
  return { sql: ['BEGIN TRANSACTION', ...statements, 'COMMIT TRANSACTION'].map((statement) => `${statement};`).join('\n'), params };
}
