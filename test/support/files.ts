import { mkdtempSync, writeFileSync } from 'node:fs';
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
