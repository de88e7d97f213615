// The bins' first module: it runs on any Node, imports only node:fs and node:path, and uses nothing newer than Node
// 12, so that an old Node meets one clear line instead of a syntax or missing-API error from deep in the connector.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The oldest Node major the connector runs on (package.json's engines). */
export const MIN_NODE_MAJOR = 22;

/** The name package.json's `bin` gives the script at this URL (dist/bin/<file>.js); undefined when it cannot tell. */
function binName(scriptUrl: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', scriptUrl), 'utf8')) as { bin?: Record<string, string> };
    const file = basename(new URL(scriptUrl).pathname);
    return Object.entries(pkg.bin ?? {}).find(([, path]) => basename(path) === file)?.[0];
  } catch {
    return undefined;
  }
}

/**
 * Whether this Node is new enough for the bin at scriptUrl; when it is not, prints one line on stderr (the Node
 * found, the Node needed, what to run instead) and sets exit code 2.
 */
export function nodeIsSupported(scriptUrl: string): boolean {
  const version = process.versions.node;
  const major = Number(version.split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return true;
  const program = binName(scriptUrl) ?? `node ${basename(new URL(scriptUrl).pathname)}`;
  process.stderr.write(
    `${program} needs Node >= ${MIN_NODE_MAJOR}, but runs on Node v${version} (${process.execPath}); ` +
      `inside the clone run \`npx ${program} …\` (the Node 24 that \`npm ci\` installed), or install Node ${MIN_NODE_MAJOR} or later.\n`,
  );
  process.exitCode = 2;
  return false;
}
