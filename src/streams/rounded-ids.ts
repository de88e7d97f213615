// States written by a tool that parsed TikTok's 19-digit advertiser ids as JavaScript numbers hold rounded ids
// (7001035076276387841 → 7001035076276388000). Such a partition matches no granted advertiser, and without help
// that advertiser would start again from start_date: a year re-read, silently. Here each such id is traced back
// to the granted id it was rounded from — when exactly one rounds to it — and the cursor moves there, said in a
// WARN. When two granted ids round to the same number the state cannot say whose cursor it is: the read stops
// with a config_error naming both, instead of guessing (a wrong guess skips days) or re-reading both.
// An id that no granted advertiser rounds to is an advertiser no longer granted: its cursor is kept, unused.

import { configError } from '../errors.ts';
import type { PartitionCursors } from './state.ts';

/** True when the id cannot be held exactly by a double: only such ids can have been rounded. */
const isUnsafe = (id: string): boolean => !Number.isSafeInteger(Number(id));

/**
 * Re-keys the cursors of rounded advertiser ids to the granted ids they came from; returns the warnings to show.
 * Throws a config_error when a rounded id could stand for more than one granted advertiser.
 */
export function reconcileRoundedIds(cursors: PartitionCursors, granted: readonly string[], streamName: string): string[] {
  const grantedSet = new Set(granted);
  const warnings: string[] = [];
  for (const stored of cursors.partitions()) {
    if (grantedSet.has(stored) || !isUnsafe(stored)) continue;
    const rounded = Number(stored);
    const matches = granted.filter((id) => isUnsafe(id) && Number(id) === rounded);
    if (matches.length === 0) {
      warnings.push(
        `State of stream "${streamName}" names advertiser ${stored}, which is not among the ${granted.length} granted advertiser(s): its cursor is kept and not used.`,
      );
      continue;
    }
    const [match] = matches;
    if (matches.length === 1 && match !== undefined) {
      cursors.rename(stored, match);
      warnings.push(
        `State of stream "${streamName}" names advertiser ${stored}, a rounded form of ${match} (a tool read the id as a JavaScript number): taken as advertiser ${match}'s cursor.`,
      );
      continue;
    }
    throw configError(
      `State of stream "${streamName}" names advertiser ${stored}, a rounded id (a tool read it as a JavaScript number) that could be any of ${matches.join(', ')}. ` +
        'Write the exact advertiser id into the state (or remove that entry to read the advertiser from start_date again).',
    );
  }
  return warnings;
}
