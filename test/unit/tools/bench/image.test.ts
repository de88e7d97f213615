// The benchmark report's image piece (tools/bench/image.ts, report.ts), alone: the figure from sizes an engine
// reports, the base named by the Dockerfile, and the report's line when no engine answered. The image itself is
// built and run by test/e2e/docker.test.ts; `npm run bench -- image` measures it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseImageOf, imageFigure, measureImage } from '../../../../tools/bench/image.ts';
import { readLastRun, reportMarkdown, writeReport } from '../../../../tools/bench/report.ts';

const machine = { cores: 2, cpu: 'test cpu', memoryGb: 8, node: 'v24.0.0', loadAtStart: 0, loadAtEnd: 0 };

describe('benchmark report: the Docker image', () => {
  it('reports the image in MB and the connector\'s layers above the base in the detail', () => {
    const figure = imageFigure({ image: 328_700_000, base: 306_200_000, baseName: 'node:24-bookworm-slim' });
    expect(figure.value).toBeCloseTo(328.7, 6);
    expect(figure.goal).toBe('reported');
    expect(figure.detail).toContain("the connector's layers 22.5 MB");
    expect(figure.detail).toContain("node:24-bookworm-slim's 306 MB");
  });

  it('names the base from the Dockerfile\'s first FROM', () => {
    expect(baseImageOf('# build\nFROM node:24-bookworm-slim AS build\nFROM runtime AS source\n')).toBe('node:24-bookworm-slim');
    expect(() => baseImageOf('# nothing\n')).toThrow(/no FROM/);
  });

  it('says "not measured" and why where no engine answers, in the report and in latest.json', () => {
    // No docker on PATH: the engine cannot answer.
    const path = process.env['PATH'];
    process.env['PATH'] = mkdtempSync(join(tmpdir(), 'no-docker-'));
    let measured: ReturnType<typeof measureImage>;
    try {
      measured = measureImage('FROM node:24-bookworm-slim\n');
    } finally {
      process.env['PATH'] = path;
    }
    expect(measured).toEqual({ notMeasured: expect.stringMatching(/^Docker image size \(no Docker engine/) });
    const notMeasured = 'notMeasured' in measured ? [measured.notMeasured] : [];
    const run = { measuredAt: '2026-12-08T03:00:00.000Z', machine, only: 'image', note: undefined, notMeasured };
    expect(reportMarkdown(run, [])).toContain('Not measured this run: Docker image size (no Docker engine');
    const dir = mkdtempSync(join(tmpdir(), 'bench-image-'));
    writeReport(dir, run, []);
    expect(readLastRun(dir)?.run.notMeasured).toEqual(notMeasured);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('Not measured this run: Docker image size');
  });
});
