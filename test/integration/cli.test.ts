import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { BIN, execServe, ROOT, spawnServe } from '../helpers/cli-process.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { tempDir } from '../helpers/engine.ts';
import { getJson, waitFor } from '../helpers/http.ts';

const run = promisify(execFile);
async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let kube: FakeKube;
let kubeconfig: string;
let ollama: FakeOllama;
const dir = tempDir();
const s = loadScenario('imagepull-tag-typo');
const alertFile = path.join(dir, 'alert.json');

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster([s]));
  ollama = await startFakeOllama();
  fs.writeFileSync(alertFile, JSON.stringify(scenarioPayload(s)));
});
afterAll(async () => {
  await kube.close();
  await ollama.close();
});

describe('oncall-scout CLI', () => {
  it('analyze prints the report as Markdown', async () => {
    const r = await cli(['analyze', '--alert', alertFile, '--kubeconfig', kubeconfig, '--no-llm']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# KubeContainerWaiting|^# \w+ — ImagePull \(\d+% confidence\)/m);
    expect(r.stdout).toContain('## Immediate steps');
    // The stand-in kubeconfig has a context per cluster: the commands name the alert's.
    expect(r.stdout).toContain(
      `kubectl --context ${s.alert.labels.cluster} describe pod ${s.alert.labels.pod} -n ${s.alert.labels.namespace}`,
    );
  });

  it('analyze --json asks the LLM and takes a bare alert object too', async () => {
    const bare = path.join(dir, 'bare.json');
    fs.writeFileSync(bare, JSON.stringify({ labels: s.alert.labels, annotations: s.alert.annotations }));
    const r = await cli(['analyze', '--alert', bare, '--json', '--kubeconfig', kubeconfig], {
      OLLAMA_HOST: ollama.url,
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.report).toMatchObject({ source: 'llm', rootCause: { category: 'ImagePull' } });
    expect(out.context.pods[0].name).toBe(s.alert.labels.pod);
  });

  it('bad input is a clear message and exit code 2, never a stack trace', async () => {
    const badConfig = path.join(dir, 'bad.yaml');
    fs.writeFileSync(badConfig, 'port: 9095\nollamaHots: http://x\n');
    const cases: Array<[string[], RegExp]> = [
      [['serve', '--port', 'abc'], /--port: "abc" is not a port number/],
      [['serve', '--bogus'], /Unknown option '--bogus'/],
      [['serve', '--config', badConfig], /config file .*bad\.yaml: Unrecognized key: "ollamaHots"/],
      [['analyze'], /analyze needs --alert FILE/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [
        ['serve', '--feishu-webhook', 'https://evil.example/hook'],
        /feishuWebhook: evil\.example is not a Feishu or Lark host/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('serve says so when its port is taken', async () => {
    const first = await spawnServe(['--data-dir', tempDir(), '--no-llm']);
    try {
      const port = new URL(first.url).port;
      const r = await cli(['serve', '--port', port, '--data-dir', tempDir(), '--no-llm']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    } finally {
      await first.stop();
    }
  });
});

describe('oncall-scout as a command (its shebang)', () => {
  it.runIf(process.platform === 'linux')(
    'serve runs with two C allocator arenas, however the caller set MALLOC_ARENA_MAX',
    async () => {
      const app = await execServe(['--data-dir', tempDir(), '--no-llm'], { MALLOC_ARENA_MAX: '8' });
      try {
        const environ = fs.readFileSync(`/proc/${app.proc.pid}/environ`, 'utf8').split('\0');
        expect(environ).toContain('MALLOC_ARENA_MAX=2');
        // The process the shebang started is the engine itself (env execs node), not a wrapper.
        expect(fs.readlinkSync(`/proc/${app.proc.pid}/exe`)).toBe(fs.realpathSync(process.execPath));
        expect((await getJson(`${app.url}/healthz`, null)).body).toMatchObject({ ok: true });
      } finally {
        await app.stop();
      }
    },
  );
});

describe('oncall-scout demo', () => {
  it('serves real reports for the sample failures without a cluster', async () => {
    const demo = await spawnDemo();
    try {
      const items = await waitFor(
        async () => {
          const { body } = await getJson<{ items: Array<{ state: string; category: string }> }>(
            `${demo.url}/api/incidents`,
            demo.token,
          );
          return body.items.length === 5 && body.items.every((i) => i.state === 'ready') ? body.items : null;
        },
        20_000,
        'the demo incidents',
      );
      expect(items.map((i) => i.category).sort()).toEqual([
        'ConfigError',
        'CrashLoop',
        'ImagePull',
        'OOMKilled',
        'Unschedulable',
      ]);
    } finally {
      await demo.stop();
    }
  });
});

async function spawnDemo() {
  const { spawn } = await import('node:child_process');
  const proc = spawn(
    process.execPath,
    [BIN, 'demo', '--port', '0', '--no-llm', '--token', 'demo-token-0123456789'],
    { cwd: ROOT },
  );
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const url = await waitFor(() => /^listening on (\S+)$/m.exec(out)?.[1], 20_000, `demo to start: ${out}`);
  return {
    url,
    token: 'demo-token-0123456789',
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
