import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { tempDir } from './engine.ts';
import { waitFor } from './http.ts';
import { freePort } from './ports.ts';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** The pod whose cAdvisor and kube-state-metrics series the ramp exporter serves. */
export interface RampPod {
  namespace: string;
  pod: string;
  container: string;
}

/**
 * A tiny exporter whose `demo_queue_depth` ramps up by `perSecond` from zero (at the first scrape), with
 * the cAdvisor and kube-state-metrics series of one pod, so a real Prometheus has a threshold crossing to
 * find: memory climbing towards its 1 GiB limit, a CPU counter that grows ever faster past its 100m
 * request, and 3 restarts. (The product charts `rate(…[5m])`, which for a series only seconds old is its
 * increase divided by 300 s: the counter is steep so that this apparent rate passes 100m within ~11 s.)
 */
export async function startRampExporter(
  perSecond = 10,
  pod: RampPod = { namespace: 'shop', pod: 'checkout-0', container: 'app' },
) {
  // The ramp starts at the first scrape, so Prometheus sees it from zero however long it took to start.
  let t0: number | undefined;
  const sel = `namespace="${pod.namespace}",pod="${pod.pod}",container="${pod.container}"`;
  const server = http.createServer((_req, res) => {
    t0 ??= Date.now();
    const s = (Date.now() - t0) / 1000;
    const lines = [
      '# TYPE demo_queue_depth gauge',
      `demo_queue_depth{service="checkout"} ${(s * perSecond).toFixed(2)}`,
      '# TYPE container_memory_working_set_bytes gauge',
      `container_memory_working_set_bytes{${sel}} ${Math.round(400 * 2 ** 20 + s * 20 * 2 ** 20)}`,
      '# TYPE kube_pod_container_resource_limits gauge',
      `kube_pod_container_resource_limits{${sel},resource="memory",unit="byte"} 1073741824`,
      '# TYPE container_cpu_usage_seconds_total counter',
      `container_cpu_usage_seconds_total{${sel}} ${(2 * s + 0.1 * s * s).toFixed(3)}`,
      '# TYPE kube_pod_container_resource_requests gauge',
      `kube_pod_container_resource_requests{${sel},resource="cpu",unit="core"} 0.1`,
      '# TYPE kube_pod_container_status_restarts_total counter',
      `kube_pod_container_status_restarts_total{${sel}} 3`,
    ];
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface RealPrometheus {
  url: string;
  proc: ChildProcess;
  close(): Promise<void>;
}

/** The real Prometheus (Debian's `prometheus` 2.42) on loopback, scraping `target` every second. */
export async function startPrometheus(target: string): Promise<RealPrometheus> {
  if (!fs.existsSync(PROMETHEUS_BIN))
    throw new Error(`${PROMETHEUS_BIN} is missing: apt-get install prometheus`);
  const dir = tempDir('prometheus-');
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: demo\n    honor_labels: true\n    static_configs:\n      - targets: ['${new URL(target).host}']\n`,
  );
  let out = '';
  const proc = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (proc.exitCode !== null) throw new Error(`prometheus exited ${proc.exitCode}: ${out.slice(-2000)}`);
      return (await fetch(`${url}/-/ready`).catch(() => null))?.ok;
    },
    20_000,
    'prometheus to be ready',
  );
  return {
    url,
    proc,
    async close() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
