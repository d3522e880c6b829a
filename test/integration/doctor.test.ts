import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../electron/engine/config.ts';
import { formatChecks, runDoctor } from '../../electron/engine/doctor.ts';
import type { FakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import { startAlertmanager } from '../helpers/alertmanager.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { tempDir } from '../helpers/engine.ts';
import { freePort } from '../helpers/ports.ts';

let kube: FakeKube;
let kubeconfig: string;
let ollama: FakeOllama;

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster([]));
  ollama = await startFakeOllama({ contextLength: 32768 });
});
afterAll(async () => {
  await kube.close();
  await ollama.close();
});

const config = (extra = {}) =>
  resolveConfig({ dataDir: tempDir(), kubeconfig, ollamaHost: ollama.url, ...extra });

describe('oncall-scout doctor', () => {
  it('reports every read as allowed, Ollama and the model, and that Feishu is off', async () => {
    const checks = await runDoctor(config(), 'shop');
    const text = formatChecks(checks);
    expect(text).toMatch(/✓ kubeconfig: context test/);
    expect(text).toMatch(/✓ API server: Kubernetes v1\.32/);
    expect(text).toMatch(/✓ read pod logs in namespace shop: allowed/);
    expect(text).toMatch(/✓ get nodes cluster-wide: allowed/);
    expect(text).toMatch(/✓ model qwen2\.5:14b: pulled, trained context 32768 tokens \(num_ctx used: 8192\)/);
    expect(text).toMatch(/! Feishu: not configured/);
    expect(checks.filter((c) => c.essential).every((c) => c.ok)).toBe(true);
  });

  it('names what the identity may not read, with the fix', async () => {
    const off = kube.fail('/namespaces/shop/pods', 403);
    try {
      const checks = await runDoctor(config(), 'shop');
      const logs = checks.find((c) => c.what === 'read pod logs in namespace shop')!;
      expect(logs).toMatchObject({
        ok: false,
        essential: true,
        fix: expect.stringMatching(/"view" ClusterRole bound in shop/),
      });
    } finally {
      off();
    }
  });

  it('says how to fix a missing model, a stopped Ollama and a missing kubeconfig', async () => {
    const missing = await runDoctor(config({ model: 'llama3.1:8b' }));
    expect(missing.find((c) => c.what === 'model llama3.1:8b')).toMatchObject({
      ok: false,
      fix: 'run `ollama pull llama3.1:8b`',
    });
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await runDoctor(config({ ollamaHost: closed }));
    expect(down.find((c) => c.what === 'Ollama')).toMatchObject({
      ok: false,
      detail: `not reachable at ${closed} (nothing listens there (ECONNREFUSED))`,
      fix: expect.stringMatching(/ollama serve/),
    });
    const nokube = await runDoctor(config({ kubeconfig: '/nonexistent/config' }));
    expect(nokube[0]).toMatchObject({
      ok: false,
      what: 'kubeconfig',
      detail: expect.stringMatching(/no kubeconfig found/),
    });
  });

  it('polls each Alertmanager source once: the real one answers with its version, a wrong one says what to fix', async () => {
    const am = await startAlertmanager('http://127.0.0.1:9/webhook/alertmanager', 'unused');
    try {
      await am.postAlerts([
        {
          labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'api-1', severity: 'critical' },
        },
        { labels: { alertname: 'Watchdog', severity: 'none' } },
      ]);
      const checks = await runDoctor(
        config({
          alertmanagers: [
            { name: 'prod', url: am.url, filter: ['namespace="shop"'] },
            { name: 'gone', url: 'http://127.0.0.1:9' },
            { name: 'prefixed', url: `${am.url}/not-alertmanager` },
          ],
        }),
      );
      const text = formatChecks(checks);
      expect(text).toMatch(
        /✓ Alertmanager prod: answering at http:\/\/127\.0\.0\.1:\d+ \(Alertmanager 0\.\d+\.\d+[^)]*\): 1 firing alert\(s\) to analyse/,
      );
      expect(checks.find((c) => c.what === 'Alertmanager gone')).toMatchObject({
        ok: false,
        essential: true,
        detail: expect.stringMatching(
          /connection refused by 127\.0\.0\.1:9: is Alertmanager running there\?/,
        ),
        fix: expect.stringMatching(/Settings → Alertmanager sources/),
      });
      expect(checks.find((c) => c.what === 'Alertmanager prefixed')!.detail).toMatch(
        /answered HTTP 404.*check the URL and any path prefix/,
      );
    } finally {
      await am.close();
    }
  });

  it('checks no Alertmanager when none is configured (webhook only)', async () => {
    const checks = await runDoctor(config());
    expect(checks.some((c) => c.what.startsWith('Alertmanager'))).toBe(false);
  });
});
