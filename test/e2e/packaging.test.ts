import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';
import { DEV_TOOL_FILE, type Stage, labelsOf, parseDockerfile, parseEnv, targetStage } from '../support/package.ts';

/** The environment a stage's ENV instructions set, in order. */
const envOf = (stage: Stage): Record<string, string> =>
  Object.assign({}, ...stage.instructions.filter((i) => i.keyword === 'ENV').map((i) => parseEnv(i.args))) as Record<string, string>;

const entrypointOf = (stage: Stage): string[] => JSON.parse(stage.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)?.args ?? '[]') as string[];

// No Docker engine runs here: the Dockerfile is kept right by reading it (test/e2e/docker.test.ts builds and runs it).
const STAGES = parseDockerfile(readFileSync(`${ROOT}/Dockerfile`, 'utf8'));
const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  engines: { node: string };
  type: string;
  name: string;
  files: string[];
  scripts: Record<string, string>;
};

/** The shebang's environment assignments and node flags (src/bin/source.ts's first line). */
function shebangOf(file: string): { variables: string[]; flags: string[] } {
  const shebang = readFileSync(`${ROOT}/${file}`, 'utf8').split('\n')[0] ?? '';
  const [, assignments = '', flagText = ''] = /^#!\/usr\/bin\/env -S ((?:\w+=\S+ )*)node (.*)$/.exec(shebang) ?? [];
  return { variables: assignments.trim().split(' ').filter(Boolean), flags: flagText.split(' ').filter(Boolean) };
}

describe('packaging', () => {
  it('the Dockerfile builds on Node 24 two images, the source (default) and the destination, of production dependencies', () => {
    expect(STAGES[0]?.image).toMatch(/^node:24\b/);
    expect(STAGES[0]?.name).toBe('build');
    // The default target is the last stage: the source.
    expect(STAGES.at(-1)?.name).toBe('source');
    for (const [target, bin, name] of [['source', 'source.js', /^airbyte\/source-/], ['destination', 'destination.js', /^airbyte\/destination-/]] as const) {
      const stage = targetStage(STAGES, target);
      expect(stage.image, target).toMatch(/^node:24\b/);
      expect(stage.instructions.filter((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args)).map((i) => i.args), target).toEqual([expect.stringMatching(/--omit=dev/)]);
      expect(envOf(stage)['AIRBYTE_ENTRYPOINT'], target).toMatch(new RegExp(`^node .*/dist/bin/${bin.replace('.', '\\.')}$`));
      const labels = labelsOf(stage);
      expect(labels['io.airbyte.name'], target).toMatch(name);
      expect(labels['io.airbyte.version'], target).toBe(pkg.version);
      const entrypoint = entrypointOf(stage);
      expect(entrypoint[0]).toBe('node');
      expect(entrypoint.at(-1)).toBe(`/airbyte/integration_code/dist/bin/${bin}`);
      // Not root: the last USER of the chain is a non-zero uid.
      expect(stage.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args, target).toMatch(/^[1-9]\d*(:\d+)?$/);
    }
  });

  it('the Docker entrypoints pass the same V8 flags and environment as the CLI shebang', () => {
    const { variables, flags } = shebangOf('src/bin/source.ts');
    expect(flags.length).toBeGreaterThan(0);
    // The young generation keeps its size while a full collection marks (bench P5; src/bin/source.ts says why).
    expect(flags).toContain('--no-separate-gc-phases');
    expect(variables).toContain('MALLOC_ARENA_MAX=2');
    expect(variables).toContain('MALLOC_MMAP_THRESHOLD_=65536');
    expect(flags).toContain('--no-wasm-tier-up');
    for (const target of ['source', 'destination']) {
      const stage = targetStage(STAGES, target);
      const env = envOf(stage);
      for (const variable of variables) expect(`${variable.split('=')[0]}=${env[variable.split('=')[0]!]}`, target).toBe(variable);
      expect(entrypointOf(stage).slice(1, -1), target).toEqual(flags);
      expect(/^node (.*) \/airbyte/.exec(env['AIRBYTE_ENTRYPOINT'] ?? '')?.[1], target).toBe(flags.join(' '));
    }
    expect(shebangOf('src/bin/destination.ts')).toEqual(shebangOf('src/bin/source.ts'));
  });

  it('every V8 flag of the shebang is one this Node knows (a misspelt or withdrawn one stops the CLI at start)', () => {
    const { flags } = shebangOf('src/bin/source.ts');
    const started = spawnSync(process.execPath, [...flags, '-e', 'process.stdout.write("started")'], { encoding: 'utf8' });
    expect(started.stderr).toBe('');
    expect(started.stdout).toBe('started');
    expect(started.status).toBe(0);
  });

  it('package.json declares the bins, ESM and Node >= 22', () => {
    expect(pkg.name).toBe('source-tiktok-marketing');
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=22');
    expect(pkg.bin['source-tiktok-marketing']).toBe('dist/bin/source.js');
    expect(pkg.bin['destination-postgres-tiktok']).toBe('dist/bin/destination.js');
  });

  it('src/ is the connector: it imports nothing from the dev workspace (tools/), which may import src/', () => {
    const src = join(ROOT, 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => /\.(ts|mts|js|mjs)$/.test(file));
    expect(files.length).toBeGreaterThan(50);
    const offending = files.filter((file) => /\bfrom\s+['"][^'"]*\btools\/|\bimport\(\s*['"][^'"]*\btools\//.test(readFileSync(join(src, file), 'utf8')));
    expect(offending).toEqual([]);
  });

  it('the build compiles src/ alone, into a dist/ emptied first, and the package ships the connector only', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[]; compilerOptions: { rootDir: string; outDir: string } };
    expect(build.include).toEqual(['src']);
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    // tsc never deletes: without the prebuild clean, files of moved sources (dist/demo.js, dist/bigquery-local/ of
    // earlier builds) would stay in a developer's dist/ and `npm pack` would ship them.
    expect(pkg.scripts['prebuild']).toMatch(/rmSync\('dist'/);
    expect(pkg.files).toEqual(['dist', 'spec.json', 'README.md']);
    // What `npm pack` would ship from this checkout as it is now (`npm test` built dist/ first); without its scripts,
    // so that no rebuild disturbs the other test files' dist/.
    const dryRun = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(dryRun.status, dryRun.stderr).toBe(0);
    const [listing] = JSON.parse(dryRun.stdout) as { files: { path: string }[] }[];
    const paths = (listing?.files ?? []).map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'spec.json', 'README.md']));
    expect(paths.filter((path) => DEV_TOOL_FILE.test(path))).toEqual([]);
    expect(paths.filter((path) => !path.startsWith('dist/') && !['package.json', 'spec.json', 'README.md'].includes(path))).toEqual([]);
  });
});
