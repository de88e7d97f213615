// The README's "Architecture" section, kept true: which folder of src/ may import which (runtime imports; a type-only
// import leaves no trace at run time), no folder-level cycle, no warehouse named outside its engine's folder, and the
// connector importing nothing of the dev workspace or the emulator.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';

const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** A file's place in the architecture: its folder under src/ (an engine's own folder apart), or "shared" for the top level's helpers. */
function partOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  if (parts[0] === 'engines' && parts.length > 2) return 'engines/*';
  if (parts.length > 1) return parts[0]!;
  return TOP_LEVEL[parts[0]!.replace(/\.ts$/, '')] ?? 'shared';
}

/** Top-level files that are more than helpers. */
const TOP_LEVEL: Record<string, string> = { config: 'config', source: 'source', sync: 'sync', progress: 'progress' };

/** What each part may import (besides itself). The README's Architecture section draws the same. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  shared: [],
  protocol: ['shared'],
  tiktok: ['shared'],
  streams: ['shared', 'protocol', 'tiktok'],
  config: ['shared', 'streams'],
  source: ['shared', 'protocol', 'tiktok', 'streams', 'config'],
  load: ['shared', 'protocol'],
  analytics: ['shared', 'protocol', 'load'],
  'engines/*': ['shared', 'protocol', 'load', 'analytics'],
  engines: ['shared', 'protocol', 'load', 'analytics', 'engines/*'],
  progress: ['shared', 'protocol', 'load'],
  plan: ['shared', 'protocol', 'tiktok', 'streams', 'config', 'load'],
  sync: ['shared', 'protocol', 'tiktok', 'streams', 'config', 'source', 'load', 'engines', 'progress', 'plan'],
  commands: ['shared', 'protocol', 'tiktok', 'streams', 'config', 'source', 'load', 'analytics', 'engines', 'progress', 'sync', 'plan'],
  bin: ['shared', 'protocol', 'commands'],
};

interface Import {
  from: string;
  to: string;
  specifier: string;
}

function runtimeImports(): Import[] {
  const imports: Import[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...[...text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!),
      ...[...text.matchAll(/import\('([^']+)'\)/g)].map((m) => m[1]!),
    ];
    for (const specifier of specifiers) imports.push({ from: file, to: specifier.startsWith('.') ? resolve(dirname(file), specifier) : specifier, specifier });
  }
  return imports;
}

describe('architecture', () => {
  const imports = runtimeImports();

  it('each part of src/ imports only what the README says it may', () => {
    const wrong = imports
      .filter((i) => i.specifier.startsWith('.'))
      .map((i) => ({ file: relative(ROOT, i.from), from: partOf(i.from), to: partOf(i.to) }))
      .filter((i) => i.from !== i.to && !(MAY_IMPORT[i.from] ?? []).includes(i.to))
      .map((i) => `${i.file}: ${i.from} → ${i.to}`);
    expect(wrong).toEqual([]);
  });

  it('no folder-level cycle', () => {
    const edges = new Map<string, Set<string>>();
    for (const i of imports.filter((x) => x.specifier.startsWith('.'))) {
      const [from, to] = [partOf(i.from), partOf(i.to)];
      if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const node of edges.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });

  it('the connector imports nothing of tools/ or the emulator, and names no warehouse outside its engine', () => {
    expect(imports.filter((i) => relative(ROOT, i.to).startsWith('tools/') || /tiktok-emulator|packages\//.test(i.specifier)).map((i) => relative(ROOT, i.from))).toEqual([]);
    const naming = sourceFiles(SRC)
      // The registry lists the engines by name: the one place outside them that knows which exist.
      .filter((file) => !/^engines\/[^/]+\//.test(relative(SRC, file)) && relative(SRC, file) !== 'engines/registry.ts')
      .filter((file) => /postgres|bigquery/i.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(naming).toEqual([]);
  });
});
