import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch folder with helpers to drop JSON (or raw text) files in it. */
export function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'tiktok-test-'));
  return {
    dir,
    json(name: string, value: unknown): string {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(value));
      return path;
    },
    text(name: string, value: string): string {
      const path = join(dir, name);
      writeFileSync(path, value);
      return path;
    },
  };
}

/**
 * A fresh folder under the repository's git-ignored .tmp/ (for files child processes of the project read,
 * such as scripts that import src/), created on a fresh clone too.
 */
export function repoScratch(root: string, prefix: string): string {
  const parent = join(root, '.tmp');
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, prefix));
}
