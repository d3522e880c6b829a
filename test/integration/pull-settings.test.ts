import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerFlag } from '../../electron/cli.ts';
import { ConfigError, readConfigFile } from '../../electron/engine/config.ts';
import type { Engine } from '../../electron/engine/engine.ts';
import { readStored } from '../../electron/engine/settings/stored.ts';
import type { SettingsView } from '../../shared/settings.ts';
import { TEST_TOKEN, tempDir, testEngine } from '../helpers/engine.ts';
import { serveEngine, type TestServer } from '../helpers/http.ts';
import { configFromFlagsForTest } from '../helpers/settings.ts';

/**
 * Alertmanager sources in the flags, the config file and Settings: credentials are kept in the secret
 * store and never shown back; a bad source is refused by name.
 */

let engine: Engine;
let srv: TestServer;

beforeAll(async () => {
  engine = testEngine();
  srv = await serveEngine(engine);
});
afterAll(async () => {
  await srv.close();
  await engine.close();
});

async function put(body: unknown) {
  const res = await fetch(`${srv.url}/api/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as SettingsView & { error?: string } };
}

const TOKEN = 'am-bearer-token-0123456789';

describe('Alertmanager sources in Settings', () => {
  it('saves a source with its token in the secret store, shown only as a hint', async () => {
    const r = await put({
      alertmanagers: [
        { name: 'prod', url: 'http://127.0.0.1:9', bearerToken: TOKEN, intervalSeconds: 30 },
        {
          service: 'monitoring/alertmanager-main:web',
          basicAuth: { username: 'ops', password: 'pw-secret' },
        },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.alertmanagers).toMatchObject([
      {
        name: 'prod',
        url: 'http://127.0.0.1:9',
        intervalSeconds: 30,
        bearerToken: { set: true, hint: '…6789' },
      },
      {
        name: 'monitoring/alertmanager-main:web',
        basicAuth: { username: 'ops', password: { set: true, hint: null } },
        bearerToken: { set: false },
      },
    ]);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('pw-secret');
    const dir = engine.config.dataDir;
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).not.toContain(TOKEN);
    expect(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).toContain(TOKEN);
    expect(readStored(dir).alertmanagers?.map((s) => s.name)).toEqual([
      'prod',
      'monitoring/alertmanager-main:web',
    ]);
    // In effect at once: the engine polls them.
    expect(engine.config.alertmanagers[0]).toMatchObject({ bearerToken: TOKEN });
    expect(engine.sources.status().map((s) => s.name)).toEqual(['prod', 'monitoring/alertmanager-main:web']);
  });

  it('keeps a credential the patch does not mention, removes one set to null', async () => {
    const kept = await put({ alertmanagers: [{ name: 'prod', url: 'http://127.0.0.1:9' }] });
    expect(kept.body.alertmanagers[0]?.bearerToken.set).toBe(true);
    expect(engine.config.alertmanagers[0]?.bearerToken).toBe(TOKEN);
    const removed = await put({
      alertmanagers: [{ name: 'prod', url: 'http://127.0.0.1:9', bearerToken: null }],
    });
    expect(removed.body.alertmanagers[0]?.bearerToken.set).toBe(false);
    expect(fs.readFileSync(path.join(engine.config.dataDir, 'secrets.json'), 'utf8')).not.toContain(TOKEN);
  });

  it('refuses a bad source by name', async () => {
    for (const [source, message] of [
      [{ url: 'ftp://x' }, /alertmanagers\[0\]\.url: must be an http/],
      [{ service: 'alertmanager' }, /alertmanagers\[0\]\.service: must be namespace\/service:port/],
      [{ url: 'http://a:9093', service: 'ns/am:web' }, /either "url" or "service"/],
      [{ url: 'http://a:9093', intervalSeconds: 0 }, /intervalSeconds/],
    ] as const) {
      const r = await put({ alertmanagers: [source] });
      expect(r.status, JSON.stringify(source)).toBe(400);
      expect(r.body.error).toMatch(message);
    }
    const dup = await put({ alertmanagers: [{ url: 'http://a:9093' }, { url: 'http://a:9093' }] });
    expect(dup.body.error).toMatch(/two sources are named "a:9093"/);
  });
});

describe('--alertmanager and the config file', () => {
  it('takes URLs and namespace/service:port, refuses anything else', () => {
    expect(alertmanagerFlag('http://am.example:9093')).toEqual({ url: 'http://am.example:9093' });
    expect(alertmanagerFlag('monitoring/alertmanager-main:web')).toEqual({
      service: 'monitoring/alertmanager-main:web',
    });
    expect(alertmanagerFlag('monitoring/https:alertmanager:9093')).toEqual({
      service: 'monitoring/https:alertmanager:9093',
    });
    expect(() => alertmanagerFlag('alertmanager:9093')).toThrow(ConfigError);
    const config = configFromFlagsForTest({
      'data-dir': tempDir(),
      alertmanager: ['http://a:9093', 'monitoring/am:web'],
    } as never);
    expect(config.alertmanagers.map((s) => [s.url ?? s.service, s.intervalSeconds, s.silenced])).toEqual([
      ['http://a:9093', 15, false],
      ['monitoring/am:web', 15, false],
    ]);
  });

  it('reads sources with filters from the config file, naming a bad key', () => {
    const dir = tempDir();
    const file = path.join(dir, 'config.yaml');
    fs.writeFileSync(
      file,
      'alertmanagers:\n  - url: http://am:9093\n    filter: [\'severity=~"critical|warning"\']\n    silenced: true\n',
    );
    expect(readConfigFile(file).alertmanagers).toMatchObject([
      { url: 'http://am:9093', filter: ['severity=~"critical|warning"'], silenced: true },
    ]);
    fs.writeFileSync(file, 'alertmanagers:\n  - url: http://am:9093\n    interval: 5\n');
    expect(() => readConfigFile(file)).toThrow(/alertmanagers\[0\]: Unrecognized key: "interval"/);
  });
});
