import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './engine.ts';
import { waitFor } from './http.ts';
import { freePort } from './ports.ts';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export interface RealAlertmanager {
  url: string;
  proc: ChildProcess;
  log(): string;
  postAlerts(alerts: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real Alertmanager (Debian's prometheus-alertmanager 0.25) on loopback, routing every alert to
 * `webhookUrl` with a bearer token and fast grouping (PROTOCOLS §1.4); by default every alert is its own group.
 */
export async function startAlertmanager(
  webhookUrl: string,
  token: string,
  route: { groupBy?: string[]; groupInterval?: string } = {},
): Promise<RealAlertmanager> {
  if (!fs.existsSync(ALERTMANAGER_BIN))
    throw new Error(`${ALERTMANAGER_BIN} is missing: apt-get install prometheus-alertmanager`);
  const dir = tempDir('alertmanager-');
  const port = await freePort();
  const config = `global:
  resolve_timeout: 5m
route:
  receiver: oncall-scout
  group_by: ${JSON.stringify(route.groupBy ?? ['...'])}
  group_wait: 1s
  group_interval: ${route.groupInterval ?? '2s'}
  repeat_interval: 1h
receivers:
  - name: oncall-scout
    webhook_configs:
      - url: ${webhookUrl}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${token}
`;
  fs.writeFileSync(path.join(dir, 'am.yml'), config);
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const proc = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${path.join(dir, 'am.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      `--web.external-url=${url}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  await waitFor(
    async () => {
      if (proc.exitCode !== null) throw new Error(`alertmanager exited ${proc.exitCode}: ${output}`);
      return (await fetch(`${url}/-/ready`).catch(() => null))?.ok;
    },
    15_000,
    'alertmanager to be ready',
  );
  return {
    url,
    proc,
    log: () => output,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!res.ok) throw new Error(`alertmanager refused alerts: ${res.status} ${await res.text()}`);
    },
    async close() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
