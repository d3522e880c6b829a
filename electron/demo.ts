import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ollama } from 'ollama';
import { startFakeKube } from '../test/fakes/kube-apiserver.ts';
import {
  loadScenario,
  SCENARIO_CLUSTERS,
  type Scenario,
  scenarioPayload,
} from '../test/fixtures/scenarios/index.ts';
import { type Running, startServe } from './cli.ts';
import type { EngineConfig } from './engine/config.ts';

/** One scenario per failure class the rules know, in namespaces that do not collide. */
export const DEMO_SCENARIOS = [
  'oom-jvm-heap',
  'crashloop-missing-env',
  'imagepull-tag-typo',
  'configerror-missing-secret',
  'unschedulable-insufficient-memory',
];

async function ollamaAnswers(host: string): Promise<boolean> {
  try {
    await Promise.race([
      new Ollama({ host }).version(),
      new Promise((_, r) => setTimeout(() => r(new Error('timeout')), 1500)),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * `oncall-scout demo`: the real engine against the stand-in API server loaded with sample failures,
 * and their alerts posted to its own webhook — real reports without a cluster. History goes to a
 * temporary data dir unless --data-dir is given.
 */
export async function startDemo<F extends Record<string, unknown>>(
  flags: F,
  configFromFlags: (f: F) => EngineConfig,
  out: (line: string) => void = console.log,
): Promise<Running> {
  const scenarios: Scenario[] = DEMO_SCENARIOS.flatMap((name) => {
    try {
      return [loadScenario(name)];
    } catch {
      return [];
    }
  });
  const kube = await startFakeKube({
    objects: scenarios.flatMap((s) => s.objects) as never,
    logs: Object.assign({}, ...scenarios.map((s) => s.logs)),
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oncall-scout-demo-'));
  const kubeconfig = kube.writeKubeconfig(dir, { context: 'demo', aliases: SCENARIO_CLUSTERS });
  const base = configFromFlags(flags);
  const config: EngineConfig = {
    ...base,
    kubeconfig,
    context: 'demo',
    dataDir: flags['data-dir'] ? base.dataDir : path.join(dir, 'data'),
  };
  if (config.llm && !(await ollamaAnswers(config.ollamaHost))) {
    out(
      `note:     Ollama does not answer at ${config.ollamaHost}; reports come from the rules (start \`ollama serve\` for LLM reports)`,
    );
    config.llm = false;
  }
  const running = await startServe(config, out);
  for (const s of scenarios) {
    const res = await fetch(`${running.url}/webhook/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${running.engine.token}` },
      body: JSON.stringify(scenarioPayload(s, { startsAt: new Date(Date.now() - 3 * 60_000).toISOString() })),
    });
    if (!res.ok) out(`demo alert ${s.name} was refused: ${res.status} ${await res.text()}`);
  }
  out(`demo:     ${scenarios.length} sample alerts fired against a simulated cluster (${kube.url})`);
  return {
    engine: running.engine,
    url: running.url,
    async close() {
      await running.close();
      await kube.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
