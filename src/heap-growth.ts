import { setFlagsFromString } from 'node:v8';

/**
 * How far V8's old generation may grow past what a full collection left alive, per command. The CLI starts at
 * 30 % (its shebang and the Dockerfile): `read` writes each record out as soon as it is made, little outlives the
 * young generation, and with 100 % its peak RSS depended on how much happened to be alive at the last collection
 * (a long read's peak came out 10–37 % above a short one's; bench P5). A sink in the process (`sync`, `destination
 * write`) holds records until they are encoded and promotes several times more: at 30 % a 1 M-row sync spent a
 * quarter more CPU in mark-compacts, so it lets the old generation double. V8 reads the value each time it computes
 * a limit, so setting it when the command starts takes effect from the next collection.
 */
export const SINK_HEAP_GROWING_PERCENT = 100;

export function growHeapForSink(): void {
  setFlagsFromString(`--heap-growing-percent=${SINK_HEAP_GROWING_PERCENT}`);
}
