/**
 * LLM streaming to the UI: with the stand-in Ollama in slow mode (100 ms per chunk), how long from the
 * webhook's 200 to the first LLM token reaching an SSE client, and how long that token takes from
 * Ollama to the client. Median of 10 alerts, one at a time.
 */
import os from 'node:os';
import { startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { spawnServe } from '../helpers/cli-process.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { amPayload } from '../helpers/payload.ts';
import { percentile } from './harness.ts';

const RUNS = 10;

async function main() {
  const s = loadScenario('crashloop-go-panic');
  const { kube, kubeconfig } = await scenarioCluster([s]);
  const ollama = await startFakeOllama({ tokenDelayMs: 100, chunkSize: 8 });
  const app = await spawnServe([
    '--data-dir',
    tempDir(),
    '--kubeconfig',
    kubeconfig,
    '--ollama-host',
    ollama.url,
    '--token',
    TEST_TOKEN,
  ]);
  const firstToken = new Map<number, number>();
  const ctrl = new AbortController();
  const sse = await fetch(`${app.url}/api/events?token=${TEST_TOKEN}`, { signal: ctrl.signal });
  const reader = sse.body!.getReader();
  void (async () => {
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += new TextDecoder().decode(value);
      let i = buf.indexOf('\n\n');
      for (; i >= 0; i = buf.indexOf('\n\n')) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const m = /^event: token\ndata: (.*)$/m.exec(block);
        if (m) {
          const { id } = JSON.parse(m[1]!) as { id: number };
          if (!firstToken.has(id)) firstToken.set(id, Date.now());
        }
      }
    }
  })();
  const toToken: number[] = [];
  const relay: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const before = ollama.requests.length;
      const alert = { labels: { ...s.alert.labels, run: String(i) }, annotations: s.alert.annotations };
      const post = (body: unknown) =>
        fetch(`${app.url}/webhook/alertmanager`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
          body: JSON.stringify(body),
        });
      const res = await post(amPayload([alert]));
      const t200 = Date.now();
      await res.arrayBuffer();
      const id = i + 1;
      for (let wait = 0; !firstToken.has(id) && wait < 600; wait++)
        await new Promise((r) => setTimeout(r, 25));
      const got = firstToken.get(id);
      if (!got) throw new Error(`no token for incident ${id}`);
      toToken.push(got - t200);
      relay.push(got - ollama.requests[before]!.receivedAt);
      // Let this analysis finish so the next one starts with the LLM free.
      for (let wait = 0; wait < 400; wait++) {
        const d = await (
          await fetch(`${app.url}/api/incidents/${id}`, {
            headers: { authorization: `Bearer ${TEST_TOKEN}` },
          })
        ).json();
        if ((d as { state: string }).state === 'ready') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // …and resolve it: the next alert about the same pod gets its own analysis, not this one shared.
      const over = await post(
        amPayload([{ ...alert, status: 'resolved', endsAt: new Date().toISOString() }]),
      );
      await over.arrayBuffer();
    }
    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
    );
    console.log(
      `LLM streaming (stand-in Ollama, 100 ms per chunk): webhook 200 → first token at an SSE client, median ${percentile(toToken, 50)} ms; Ollama's first chunk → SSE client, median ${percentile(relay, 50)} ms`,
    );
  } finally {
    ctrl.abort();
    await app.stop();
    await kube.close();
    await ollama.close();
  }
}

await main();
