import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type EngineConfigInput, resolveConfig } from '../../electron/engine/config.ts';
import { createEngine, type Engine, type EngineOptions } from '../../electron/engine/engine.ts';

export function tempDir(prefix = 'oncall-scout-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** A real engine on a fresh data dir; no cluster and no LLM unless the test gives them. */
export function testEngine(overrides: EngineConfigInput = {}, opts: EngineOptions = {}): Engine {
  return createEngine(
    resolveConfig({
      dataDir: tempDir(),
      port: 0,
      token: TEST_TOKEN,
      llm: false,
      kubeconfig: path.join(os.tmpdir(), 'oncall-scout-no-kubeconfig'),
      // The suite's own workers keep both cores busy: at nice 10 the analysis would get a tenth of one,
      // and a test waiting for a diagnosis would time out (the benchmarks keep the default).
      analysisNice: 0,
      ...overrides,
    }),
    opts,
  );
}
