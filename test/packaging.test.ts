import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.ts';

// No Docker engine runs here: the Dockerfile is kept right by reading it.
const dockerfile = readFileSync(`${ROOT}/Dockerfile`, 'utf8');
const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { bin: Record<string, string>; engines: { node: string }; type: string; name: string };

describe('packaging', () => {
  it('the Dockerfile builds on Node 24, installs production dependencies only and runs the CLI', () => {
    expect(dockerfile).toMatch(/^FROM node:24[^\n]* AS build$/m);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^FROM node:24/m);
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^ENV AIRBYTE_ENTRYPOINT=".*dist\/cli\.js"$/m);
    expect(runtime).toMatch(/^LABEL io\.airbyte\.name=\S+$/m);
    expect(runtime).toMatch(/^LABEL io\.airbyte\.version=\d+\.\d+\.\d+$/m);
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(runtime)?.[1] ?? '[]') as string[];
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint.at(-1)).toBe('/airbyte/integration_code/dist/cli.js');
  });

  it('the Docker entrypoint passes the same V8 flags and environment as the CLI shebang', () => {
    const shebang = readFileSync(`${ROOT}/src/cli.ts`, 'utf8').split('\n')[0] ?? '';
    const [, assignments = '', flagText = ''] = /^#!\/usr\/bin\/env -S ((?:\w+=\S+ )*)node (.*)$/.exec(shebang) ?? [];
    const flags = flagText.split(' ');
    expect(flags.length).toBeGreaterThan(0);
    const variables = assignments.trim().split(' ').filter(Boolean);
    expect(variables).toContain('MALLOC_ARENA_MAX=2');
    expect(variables).toContain('MALLOC_MMAP_THRESHOLD_=1048576');
    for (const variable of variables) expect(dockerfile).toMatch(new RegExp(`^ENV ${variable}$`, 'm'));
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(entrypoint.slice(1, -1)).toEqual(flags);
    expect(/^ENV AIRBYTE_ENTRYPOINT="node (.*) \/airbyte/m.exec(dockerfile)?.[1]).toBe(flags.join(' '));
    expect(readFileSync(`${ROOT}/src/destination-cli.ts`, 'utf8').split('\n')[0]).toBe(shebang);
  });

  it('package.json declares the bins, ESM and Node >= 22', () => {
    expect(pkg.name).toBe('source-tiktok-marketing');
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=22');
    expect(pkg.bin['source-tiktok-marketing']).toBe('dist/cli.js');
    expect(pkg.bin['destination-postgres-tiktok']).toBe('dist/destination-cli.js');
  });
});
