import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.ts';
import { readStored } from '../../electron/engine/settings/stored.ts';
import type { OllamaCheck, SettingsView } from '../../shared/settings.ts';
import { startFakeFeishu } from '../fakes/feishu.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { TEST_TOKEN, testEngine } from '../helpers/engine.ts';
import { getJson, postJson, serveEngine, type TestServer, waitFor } from '../helpers/http.ts';
import { configFromFlagsForTest } from '../helpers/settings.ts';

let engine: Engine;
let srv: TestServer;
let ollama: FakeOllama;

// One engine for the file (a pipeline worker takes a second to boot); the tests run in order.
beforeAll(async () => {
  ollama = await startFakeOllama({ models: ['qwen2.5:14b', 'llama3.1:8b'] });
  engine = testEngine({ llm: true, ollamaHost: ollama.url });
  await engine.pipeline.start();
  srv = await serveEngine(engine);
});
afterAll(async () => {
  await srv.close();
  await engine.close();
  await ollama.close();
});

async function put(body: unknown) {
  const res = await fetch(`${srv.url}/api/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as SettingsView & { error?: string; field?: string },
  };
}

describe('settings API', () => {
  it('reads the settings with secrets redacted', async () => {
    const { status, body } = await getJson<SettingsView>(`${srv.url}/api/settings`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ollamaHost: ollama.url,
      model: 'qwen2.5:14b',
      llm: true,
      secretStorage: 'file',
      language: 'auto',
      token: { set: true, hint: `…${TEST_TOKEN.slice(-4)}` },
      feishu: {
        webhook: { set: false, hint: null },
        secret: { set: false, hint: null },
        keyword: null,
      },
      notifications: { enabled: true, minSeverity: 'warning' },
    });
    expect(JSON.stringify(body)).not.toContain(TEST_TOKEN);
  });

  it('refuses a bad value naming the field, and changes nothing', async () => {
    for (const [patch, field] of [
      [{ ollamaHost: 'ftp://x' }, 'ollamaHost'],
      [{ model: 'two words' }, 'model'],
      [{ port: 70000 }, 'port'],
      [{ token: 'short' }, 'token'],
      [
        {
          notifications: {
            enabled: true,
            minSeverity: 'loud',
            quietHours: { enabled: false, start: '22:00', end: '08:00' },
            launchAtLogin: false,
          },
        },
        'notifications.minSeverity',
      ],
      [
        {
          notifications: {
            enabled: true,
            minSeverity: 'info',
            quietHours: { enabled: true, start: '25:00', end: '08:00' },
            launchAtLogin: false,
          },
        },
        'notifications.quietHours.start',
      ],
      [{ language: 'fr' }, 'language'],
      [{ feishuWebhook: 'not a url' }, 'feishuWebhook'],
      [{ feishuKeyword: 'k'.repeat(65) }, 'feishuKeyword'],
      [{ surprise: true }, ''],
    ] as const) {
      const res = await put(patch);
      expect(res.status, JSON.stringify(patch)).toBe(400);
      if (field) expect(res.body.error).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}: `));
      else expect(res.body.error).toMatch(/surprise/);
    }
    expect(fs.existsSync(path.join(engine.config.dataDir, 'settings.json'))).toBe(false);
  });

  it('applies Ollama and kube changes at once by restarting the pipeline, and persists them', async () => {
    const before = engine.pipeline;
    const res = await put({ model: 'llama3.1:8b', context: 'elsewhere', language: 'zh' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      model: 'llama3.1:8b',
      context: 'elsewhere',
      language: 'zh',
      pendingRestart: [],
    });
    expect(engine.pipeline).not.toBe(before);
    const status = await getJson<{ llm: { model: string } }>(`${srv.url}/api/status`);
    expect(status.body.llm.model).toBe('llama3.1:8b');
    expect(readStored(engine.config.dataDir)).toMatchObject({
      model: 'llama3.1:8b',
      context: 'elsewhere',
      language: 'zh',
    });
    const mode = fs.statSync(path.join(engine.config.dataDir, 'settings.json')).mode & 0o777;
    expect(mode).toBe(0o600);
    // What was saved is a configuration layer for the next start, below command-line flags.
    const next = configFromFlagsForTest({ 'data-dir': engine.config.dataDir });
    expect(next).toMatchObject({ model: 'llama3.1:8b', context: 'elsewhere' });
    expect(configFromFlagsForTest({ 'data-dir': engine.config.dataDir, model: 'flag:1b' }).model).toBe(
      'flag:1b',
    );
  });

  it('keeps secrets in a 0600 file, never returns them, and clears them on null', async () => {
    const hook = 'https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef-wxyz';
    const res = await put({ feishuWebhook: hook, feishuSecret: 'sign-secret-0123456789' });
    expect(res.status).toBe(200);
    expect(res.body.feishu).toEqual({
      webhook: { set: true, hint: '…wxyz' },
      secret: { set: true, hint: '…6789' },
      keyword: null,
    });
    expect(JSON.stringify(res.body)).not.toContain('0123456789abcdef');
    const file = path.join(engine.config.dataDir, 'secrets.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      feishuWebhook: hook,
      feishuSecret: 'sign-secret-0123456789',
    });
    expect(engine.config.feishuWebhook).toBe(hook);
    expect(fs.readFileSync(path.join(engine.config.dataDir, 'settings.json'), 'utf8')).not.toContain(
      'feishu',
    );
    const cleared = await put({ feishuWebhook: null, feishuSecret: '' });
    expect(cleared.body.feishu.webhook.set).toBe(false);
    expect(cleared.body.feishu.secret.set).toBe(false);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({});
  });

  it('saves the port and token for the next start and says so', async () => {
    const res = await put({ port: 9196, token: 'a-new-token-0123456789' });
    expect(res.body.pendingRestart.sort()).toEqual(['port', 'token']);
    expect(res.body.port).toBe(9196);
    expect(fs.readFileSync(path.join(engine.config.dataDir, 'token'), 'utf8').trim()).toBe(
      'a-new-token-0123456789',
    );
    // The running server keeps its token until restarted.
    expect((await getJson(`${srv.url}/api/settings`)).status).toBe(200);
  });

  it('tests Ollama: version and models, a missing model, an unreachable host', async () => {
    const ok = await fetch(`${srv.url}/api/settings/ollama/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify({}),
    }).then((r) => r.json() as Promise<OllamaCheck>);
    expect(ok).toMatchObject({ ok: true, version: '0.12.6', modelPresent: true, error: null });
    expect(ok.models.map((m: { name: string }) => m.name)).toEqual(['qwen2.5:14b', 'llama3.1:8b']);
    const api = engine.api;
    expect(await api.testOllama({ model: 'mistral:7b' })).toMatchObject({
      ok: true,
      modelPresent: false,
      error: 'model mistral:7b is not pulled: run `ollama pull mistral:7b` or pick one of the list',
    });
    const down = await api.testOllama({ host: 'http://127.0.0.1:9' });
    expect(down.ok).toBe(false);
    expect(down.error).toMatch(/^Ollama is not reachable at http:\/\/127\.0\.0\.1:9 .*`ollama serve`/);
  });

  it('lists kube contexts, or says why it cannot', async () => {
    const none = await getJson<{ error: string; contexts: unknown[] }>(
      `${srv.url}/api/settings/kube/contexts`,
    );
    expect(none.body.contexts).toEqual([]);
    expect(none.body.error).toMatch(/no kubeconfig found/);
    const file = path.join(engine.config.dataDir, 'kc.yaml');
    fs.writeFileSync(
      file,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c1\n  cluster: {server: 'https://10.0.0.1:6443'}\ncontexts:\n- name: prod\n  context: {cluster: c1, user: u, namespace: shop}\ncurrent-context: prod\nusers:\n- name: u\n  user: {token: t}\n`,
    );
    const ok = await getJson<Record<string, unknown>>(
      `${srv.url}/api/settings/kube/contexts?kubeconfig=${encodeURIComponent(file)}`,
    );
    expect(ok.body).toMatchObject({
      current: 'prod',
      error: null,
      contexts: [{ name: 'prod', cluster: 'c1', server: 'https://10.0.0.1:6443', namespace: 'shop' }],
    });
  });

  it("sets the bot's keyword: shown in full, saved, and carried by the test card and every incident card", async () => {
    // A bot with the keyword security setting refuses any message without it (19024).
    const bot = await startFakeFeishu({ keyword: 'OPS-ALERT' });
    try {
      const res = await put({ feishuWebhook: bot.url, feishuKeyword: ' OPS-ALERT ', llm: false });
      expect(res.status).toBe(200);
      expect(res.body.feishu.keyword).toBe('OPS-ALERT');
      expect(engine.config.feishuKeyword).toBe('OPS-ALERT');
      expect(readStored(engine.config.dataDir).feishuKeyword).toBe('OPS-ALERT');
      expect(configFromFlagsForTest({ 'data-dir': engine.config.dataDir }).feishuKeyword).toBe('OPS-ALERT');

      const test = await postJson(`${srv.url}/api/settings/feishu/test`, {});
      expect(test.body).toMatchObject({ ok: true });
      const alert = await postJson(
        `${srv.url}/webhook/alertmanager`,
        scenarioPayload(loadScenario('oom-jvm-heap')),
      );
      expect(alert.status).toBe(200);
      const cards = await waitFor(() => (bot.delivered().length >= 2 ? bot.delivered() : null), 20_000);
      expect(bot.requests.map((r) => r.code)).toEqual([0, 0]);
      expect(JSON.stringify(cards[1])).toContain('KubePodCrashLooping');
      for (const card of cards) expect(JSON.stringify(card)).toContain('OPS-ALERT');

      const cleared = await put({ feishuWebhook: null, feishuKeyword: null, llm: true });
      expect(cleared.body.feishu.keyword).toBeNull();
      expect(engine.config.feishuKeyword).toBeUndefined();
    } finally {
      await bot.close();
    }
  });
});
