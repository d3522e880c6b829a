import { type FakeKube, type KubeObject, startFakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, type FakeOllamaOptions, startFakeOllama } from '../fakes/ollama.ts';
import { SCENARIO_CLUSTERS, type Scenario } from '../fixtures/scenarios/index.ts';
import { type CliProcess, spawnServe } from './cli-process.ts';
import { TEST_TOKEN, tempDir } from './engine.ts';

/** `oncall-scout serve` as its own process, reading the stand-in cluster and asking the stand-in Ollama. */
export interface UiStack {
  serve: CliProcess;
  kube: FakeKube;
  ollama: FakeOllama;
  url: string;
  uiUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startUiStack(
  scenarios: Scenario[],
  opts: { ollama?: FakeOllamaOptions; args?: string[]; dataDir?: string } = {},
): Promise<UiStack> {
  const kube = await startFakeKube({
    objects: scenarios.flatMap((s) => s.objects) as KubeObject[],
    logs: Object.assign({}, ...scenarios.map((s) => s.logs)),
  });
  const kubeconfig = kube.writeKubeconfig(tempDir('kubeconfig-'), {
    context: 'test',
    aliases: SCENARIO_CLUSTERS,
  });
  const ollama = await startFakeOllama(opts.ollama);
  const dataDir = opts.dataDir ?? tempDir('ui-data-');
  const serve = await spawnServe([
    '--data-dir',
    dataDir,
    '--token',
    TEST_TOKEN,
    '--kubeconfig',
    kubeconfig,
    '--ollama-host',
    ollama.url,
    ...(opts.args ?? []),
  ]);
  return {
    serve,
    kube,
    ollama,
    url: serve.url,
    uiUrl: `${serve.url}/?token=${TEST_TOKEN}`,
    dataDir,
    async close() {
      await serve.stop();
      await kube.close();
      await ollama.close();
    },
  };
}
