import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli-process.ts';

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

const importsOf = (file: string) =>
  [
    ...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g),
  ].map((m) => m[1]!);

describe('architecture (DESIGN.md rules of the house)', () => {
  const all = [...sources('electron'), ...sources('shared'), ...sources('renderer')];

  it('only electron/main and electron/preload import electron', () => {
    const offenders = all.filter(
      (f) =>
        !f.startsWith('electron/main/') &&
        !f.startsWith('electron/preload/') &&
        importsOf(f).some((i) => i === 'electron' || i.startsWith('electron/')),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer talks to the engine only through shared/ (no engine or Node imports)', () => {
    const offenders = sources('renderer')
      .filter((f) => !f.endsWith('vite.config.ts'))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => i.includes('electron/') || i.startsWith('node:') || i.includes('/engine/'))
          .map((i) => `${f}: ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it('data flows one way: collect does not import diagnose, the store does not import the pipeline', () => {
    const back = [
      ...sources('electron/engine/collect').flatMap((f) =>
        importsOf(f)
          .filter((i) => i.includes('/diagnose/'))
          .map((i) => `${f}: ${i}`),
      ),
      ...sources('electron/engine/store').flatMap((f) =>
        importsOf(f)
          .filter((i) => /pipeline|diagnose|server/.test(i))
          .map((i) => `${f}: ${i}`),
      ),
      ...sources('shared').flatMap((f) =>
        importsOf(f)
          .filter((i) => i.includes('electron/'))
          .map((i) => `${f}: ${i}`),
      ),
    ];
    expect(back).toEqual([]);
  });

  it('every rule is a pure function: no I/O imports in diagnose/rules', () => {
    const io = sources('electron/engine/diagnose/rules').flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('node:') || i.includes('@kubernetes') || i === 'ollama')
        .map((i) => `${f}: ${i}`),
    );
    expect(io).toEqual([]);
  });
});
