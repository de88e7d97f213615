// The Docker image's size, for the benchmark report: the whole image and the connector's own layers above the base
// (production dependencies, dist/, spec.json, README.md). Measured where a Docker engine answers (on this machine
// kind: ../shared/tools/local-docker.sh starts one); elsewhere the report says it was not measured, and why.

import { spawnSync } from 'node:child_process';
import type { Figure } from './source.ts';
import { ROOT } from './support.ts';

export const BENCH_IMAGE = 'source-tiktok-marketing-ts:bench';

/** Sizes in bytes, as the engine reports them. */
export interface ImageSizes {
  image: number;
  /** The image the Dockerfile starts from (its first FROM). */
  base: number;
  baseName: string;
}

const MB = 1_000_000;

/** The report's figure: the image in MB, with the connector's share in the detail. */
export function imageFigure(sizes: ImageSizes): Figure {
  const own = sizes.image - sizes.base;
  return {
    name: 'Image: source image size (MB)',
    value: sizes.image / MB,
    goal: 'reported',
    pass: true,
    detail:
      `the connector's layers ${(own / MB).toFixed(1)} MB (production dependencies, dist/, spec.json, README.md) on ` +
      `${sizes.baseName}'s ${(sizes.base / MB).toFixed(0)} MB; the destination image shares them all`,
  };
}

/** The base image the Dockerfile names first. */
export function baseImageOf(dockerfile: string): string {
  const from = /^FROM\s+(\S+)/m.exec(dockerfile)?.[1];
  if (from === undefined) throw new Error('the Dockerfile has no FROM');
  return from;
}

function docker(args: string[]): { ok: boolean; out: string } {
  const result = spawnSync('docker', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '0' }, maxBuffer: 64 * MB });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/** Builds the image and measures it; or why it could not. */
export function measureImage(dockerfile: string): ImageSizes | { notMeasured: string } {
  if (!docker(['info']).ok) return { notMeasured: 'Docker image size (no Docker engine; on this machine kind ../shared/tools/local-docker.sh starts one)' };
  const build = docker(['build', '--network', 'host', '-t', BENCH_IMAGE, '.']);
  if (!build.ok) return { notMeasured: `Docker image size (the build failed: ${build.out.split('\n').at(-1) ?? ''})` };
  const baseName = baseImageOf(dockerfile);
  const sizes = docker(['image', 'inspect', '--format', '{{.Size}}', BENCH_IMAGE, baseName]);
  const [image, base] = sizes.out.split('\n').map(Number);
  if (!sizes.ok || image === undefined || base === undefined) return { notMeasured: `Docker image size (docker image inspect: ${sizes.out})` };
  return { image, base, baseName };
}
