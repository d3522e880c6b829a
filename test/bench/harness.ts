/**
 * What the benchmark scripts share: the stand-ins in their own process, timed webhook posts, the
 * engine's memory from /proc, percentiles and the machine line every figure is printed with.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type CliProcess, spawnServe } from '../helpers/cli-process.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';

export const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

export const mb = (bytes: number) => bytes / 1024 / 1024;

export interface Fakes {
  kubeconfig: string;
  kube: string;
  ollama: string;
  /** /api/chat requests the stand-in Ollama has answered so far. */
  ollamaRequests(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts fakes-process.ts: the stand-in API server loaded with `scenario` and a stand-in Ollama that
 * streams a token every `tokenMs`. Own process, so their work does not delay the load generator's clock.
 */
export async function startFakes(
  scenario: string,
  opts: { tokenMs?: number; apiLatencyMs?: number; env?: Record<string, string>; remote?: boolean } = {},
): Promise<Fakes> {
  const script = new URL('./fakes-process.ts', import.meta.url).pathname;
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', script, scenario, String(opts.tokenMs ?? 40), String(opts.apiLatencyMs ?? 0)],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...opts.env } },
  );
  if (opts.remote) asRemote(proc.pid!);
  const lines = createInterface({ input: proc.stdout! });
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  const urls = JSON.parse(await next()) as { kubeconfig: string; kube: string; ollama: string };
  return {
    ...urls,
    async ollamaRequests() {
      const answer = next();
      proc.stdin!.write('stats\n');
      return (JSON.parse(await answer) as { ollamaRequests: number }).ollamaRequests;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/**
 * `oncall-scout serve` as its own process against the stand-ins: their cluster and Ollama, a data dir of
 * its own, the test token; `nodeFlags` go to its Node.
 */
export function serveAgainst(
  fakes: Fakes,
  dataDir = tempDir(),
  nodeFlags: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<CliProcess> {
  return spawnServe(
    [
      '--data-dir',
      dataDir,
      '--kubeconfig',
      fakes.kubeconfig,
      '--ollama-host',
      fakes.ollama,
      '--token',
      TEST_TOKEN,
    ],
    env,
    nodeFlags,
  );
}

export interface Sender {
  /** The sender's process (STORM_PIN gives it the engine's core). */
  pid: number;
  /** Hands the payload texts over, to be posted by index. */
  load(bodies: string[]): Promise<void>;
  /** Posts payload i to the engine at `url` (not waiting for the answer). */
  post(url: string, i: number): void;
  /** Starts a timing relay in front of `upstream`; resolves with the relay's URL. */
  proxy(upstream: string): Promise<string>;
  /** Once every post is answered: round-trip times, the engine's own share of each, failures. */
  stats(): Promise<{ times: number[]; server: Shares; failed: number }>;
  stop(): void;
}

/** Starts sender-process.ts: posts and times webhooks in a process that does nothing else. */
export function startSender(): Sender {
  const script = new URL('./sender-process.ts', import.meta.url).pathname;
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout! });
  const ask = <T>(cmd: string) =>
    new Promise<T>((resolve) => {
      lines.once('line', (l) => resolve(JSON.parse(l) as T));
      proc.stdin!.write(`${cmd}\n`);
    });
  return {
    pid: proc.pid!,
    async load(bodies) {
      const file = `${os.tmpdir()}/storm-bodies-${proc.pid}.json`;
      fs.writeFileSync(file, JSON.stringify(bodies));
      await ask(`load ${file}`);
      fs.rmSync(file, { force: true });
    },
    post: (url, i) => void proc.stdin!.write(`post ${url} ${i}\n`),
    proxy: async (upstream) => (await ask<{ url: string }>(`proxy ${upstream}`)).url,
    stats: () => ask('stats'),
    stop: () => void proc.kill('SIGTERM'),
  };
}

/**
 * Lowers a stand-in's CPU priority to the minimum. The cluster, Ollama's GPU box and Alertmanager are
 * other machines in real life: on a 2-core runner their work must not be billed to the engine's figures.
 */
export function asRemote(pid: number, priority = 19): void {
  try {
    os.setPriority(pid, priority);
  } catch {
    // not permitted: the figures then include the stand-ins' CPU use
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * The engine's own share of answers, from their `Server-Timing` headers: `intake` in all, and its parts
 * `read` (the body's arrival and parse), `validate`, `store` (the commit, fsync included) and `lock` (the
 * commit's wait for the analysis worker's write lock).
 */
export type Shares = Record<string, number[]>;

/** Adds an answer's Server-Timing metrics to `shares`; returns its `intake` (the whole share). */
export function addServerTiming(res: http.IncomingMessage, shares: Shares): number | undefined {
  for (const [, name, dur] of String(res.headers['server-timing'] ?? '').matchAll(/([\w-]+);dur=([\d.]+)/g)) {
    shares[name!] ??= [];
    shares[name!]!.push(Number(dur));
  }
  return shares.intake?.at(-1);
}

/** p50 / p99 / max of each part of the engine's share, for a report line. */
export function formatShares(shares: Shares): string {
  return ['read', 'validate', 'store', 'lock']
    .filter((k) => shares[k]?.length)
    .map((k) => {
      const v = shares[k]!;
      return `${k} ${percentile(v, 50).toFixed(1)} / ${percentile(v, 99).toFixed(1)} / ${Math.max(...v).toFixed(1)}`;
    })
    .join(', ');
}

/**
 * Posts a webhook payload the way Alertmanager does (one keep-alive connection per sender, no fetch
 * machinery in between); resolves with the milliseconds until the whole 200 answer was read. With
 * `shares`, also collects the engine's own share from its Server-Timing header.
 */
export function postWebhook(url: string, body: string, shares?: Shares, retried = false): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/webhook/alertmanager`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...AUTH,
        },
      },
      (res) => {
        res.resume();
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`webhook answered ${res.statusCode}`));
          const ms = performance.now() - t0;
          if (shares) addServerTiming(res, shares);
          resolve(ms);
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed just as this request went out (its keep-alive timeout):
      // nothing reached the engine, so send it again on a fresh one (Node's documented remedy).
      if (req.reusedSocket && err.code === 'ECONNRESET' && !retried)
        postWebhook(url, body, shares, true).then(resolve, reject);
      else reject(err);
    });
    req.end(body);
  });
}

/**
 * The host's own floor for a round trip: a trivial HTTP server in its own process that answers "ok" at
 * once. On a VM whose idle vCPUs the host must wake, a request after a second or two of quiet takes
 * milliseconds even here (on the development VM: 0.7 ms every 20 ms, 4 ms every 200 ms, 16 ms every 2 s),
 * so a light, steady load (the soak) reads this beside the engine's round trip.
 */
export async function startEcho(): Promise<{ get(): Promise<number>; stop(): void }> {
  const proc = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = Number(
    await new Promise<string>((r) => createInterface({ input: proc.stdout! }).once('line', r)),
  );
  const echoAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    get: () =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        http
          .get({ host: '127.0.0.1', port, agent: echoAgent }, (res) => {
            res.resume();
            res.on('end', () => resolve(performance.now() - t0));
          })
          .on('error', reject);
      }),
    stop() {
      echoAgent.destroy();
      proc.kill();
    },
  };
}

export async function engineStatus(url: string) {
  return (await (await fetch(`${url}/api/status`, { headers: AUTH })).json()) as {
    queue: { waiting: number; collecting: number; diagnosing: number };
    incidents: { firing: number; unacknowledged: number };
  };
}

/** A process's resident memory now and at its peak (VmHWM), and its open file descriptors (Linux). */
export function processMemory(pid: number): { rssMb: number; peakMb: number; fds: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return {
    rssMb: kb('VmRSS') / 1024,
    peakMb: kb('VmHWM') / 1024,
    fds: fs.readdirSync(`/proc/${pid}/fd`).length,
  };
}

/**
 * A process's resident memory by kind, in MB, from `/proc/PID/smaps` (Linux; undefined elsewhere):
 * - code: file-backed pages — Node's binary, its libraries, the SQLite addon — paged in as first used;
 * - arenas: the C allocator's (glibc's) arenas, the main one (`[heap]`) and each thread's own: native
 *   allocations of SQLite, zlib, buffers and V8's compiler and collector threads. `arenaExtentMb` is
 *   how far they reach: freed memory stays resident up to it until the allocator trims the top;
 * The rest is anonymous memory outside the arenas — V8's heap pages, large allocations mapped on their
 * own, thread stacks.
 * A thread's arena is a 64 MiB reservation (64 MiB-aligned) whose start is readable and writable and
 * whose rest is inaccessible; that is how it is told apart from V8's pages.
 */
export function residentByKind(
  pid: number,
): { codeMb: number; arenasMb: number; arenaExtentMb: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return undefined;
  }
  const ARENA = 64 * 1024 * 1024;
  const maps: { start: bigint; end: bigint; perms: string; name: string; rssKb: number }[] = [];
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      maps.push({
        start: BigInt(`0x${head[1]}`),
        end: BigInt(`0x${head[2]}`),
        perms: head[3]!,
        name: head[4]!.trim(),
        rssKb: 0,
      });
    } else if (line.startsWith('Rss:') && maps.length > 0) {
      maps[maps.length - 1]!.rssKb = Number(line.split(/\s+/)[1]);
    }
  }
  const kb = { code: 0, arenas: 0, extent: 0 };
  maps.forEach((m, i) => {
    if (m.name.startsWith('/')) kb.code += m.rssKb;
    else if (m.name === '[heap]') {
      kb.arenas += m.rssKb;
      kb.extent += Number(m.end - m.start) / 1024;
    } else if (m.name === '' && m.perms.startsWith('rw')) {
      const next = maps[i + 1];
      const size = m.end - m.start;
      const threadArena =
        m.start % BigInt(ARENA) === 0n &&
        (size === BigInt(ARENA) ||
          (next !== undefined &&
            next.start === m.end &&
            next.perms.startsWith('---') &&
            next.end - m.start === BigInt(ARENA)));
      if (threadArena) {
        kb.arenas += m.rssKb;
        kb.extent += Number(size) / 1024;
      }
    }
  });
  return {
    codeMb: kb.code / 1024,
    arenasMb: kb.arenas / 1024,
    arenaExtentMb: kb.extent / 1024,
  };
}

/**
 * The environment that preloads `malloc-info.c` into the engine (compiled here with `cc`), so that it
 * writes glibc's malloc_info(3) to `file` every 10 s; read it with `mallocInUse`. Where that cannot
 * work (not Linux, no C compiler), a string saying why.
 */
export function mallocInfoPreload(dir: string): { env: NodeJS.ProcessEnv; file: string } | string {
  if (process.platform !== 'linux') return 'malloc_info needs Linux (glibc)';
  const lib = path.join(dir, 'malloc-info.so');
  const source = fileURLToPath(new URL('./malloc-info.c', import.meta.url));
  const cc = spawnSync('cc', ['-O2', '-shared', '-fPIC', '-o', lib, source, '-lpthread'], {
    encoding: 'utf8',
  });
  if (cc.status !== 0) return `could not compile malloc-info.c: ${cc.error?.message ?? cc.stderr}`;
  const file = path.join(dir, 'malloc-info.xml');
  return { env: { LD_PRELOAD: lib, MI_FILE: file }, file };
}

/**
 * From the latest malloc_info(3) report, over all the C allocator's arenas, in MB: what it has handed out
 * and not taken back, and what it holds free (in its bins: freed, kept for reuse, resident once touched).
 */
export function mallocInUse(file: string): { inUseMb: number; freeMb: number } | undefined {
  let xml: string;
  try {
    xml = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // The totals over all arenas follow the last arena's element.
  const totals = xml.slice(xml.lastIndexOf('</heap>'));
  const size = (re: RegExp) => Number(re.exec(totals)?.[1] ?? Number.NaN);
  const system = size(/<system type="current" size="(\d+)"/);
  const free =
    size(/<total type="fast" count="\d+" size="(\d+)"/) + size(/<total type="rest" count="\d+" size="(\d+)"/);
  return { inUseMb: mb(system - free), freeMb: mb(free) };
}

/**
 * Node flags that let `heapsOf` ask a running engine for a diagnostic report (Node's process.report):
 * each JavaScript heap's committed size, the main thread's and the analysis worker's.
 */
export function reportFlags(dir: string): string[] {
  return ['--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${dir}`, '--report-compact'];
}

/** One JavaScript heap as Node's diagnostic report gives it. */
interface ReportHeap {
  totalMemory: number;
  usedMemory: number;
  heapSpaces?: Record<string, { memorySize: number }>;
}

/**
 * The engine's JavaScript heaps (committed MB: main thread, and its worker threads together; how much
 * of them objects use, live or not yet collected; and how much of them is the young generation, which V8
 * enlarges in steps up to its cap as objects survive and shrinks only when it reduces memory), read from a
 * report it writes on SIGUSR2 (started with `reportFlags(dir)`). What RSS holds beyond them is native:
 * SQLite's page caches, buffers, the allocator's free lists, code. Undefined if no report came in 5 s.
 */
export async function heapsOf(
  pid: number,
  dir: string,
): Promise<{ mainMb: number; workersMb: number; usedMb: number; youngMb: number } | undefined> {
  const before = new Set(fs.readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await sleep(50);
    const file = fs.readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.json'));
    if (!file) continue;
    try {
      const r = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
        javascriptHeap: ReportHeap;
        workers?: { javascriptHeap: ReportHeap }[];
      };
      fs.rmSync(path.join(dir, file));
      const heaps = [r.javascriptHeap, ...(r.workers ?? []).map((w) => w.javascriptHeap)];
      const young = (h: ReportHeap) =>
        (h.heapSpaces?.new_space?.memorySize ?? 0) + (h.heapSpaces?.new_large_object_space?.memorySize ?? 0);
      return {
        mainMb: mb(r.javascriptHeap.totalMemory),
        workersMb: mb((r.workers ?? []).reduce((sum, w) => sum + w.javascriptHeap.totalMemory, 0)),
        usedMb: mb(heaps.reduce((sum, h) => sum + h.usedMemory, 0)),
        youngMb: mb(heaps.reduce((sum, h) => sum + young(h), 0)),
      };
    } catch {
      // still being written
    }
  }
  return undefined;
}
/**
 * A thread's time on a core and time spent runnable but waiting for one, in ms, from Linux's scheduler
 * statistics (`/proc/PID/task/TID/schedstat`); the main thread's TID is the PID. Undefined elsewhere.
 */
export function schedStat(pid: number, tid = pid): { runMs: number; waitMs: number } | undefined {
  try {
    const [run, wait] = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
    return { runMs: run! / 1e6, waitMs: wait! / 1e6 };
  } catch {
    return undefined;
  }
}

export function percentile(xs: number[], p: number): number {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)]! : Number.NaN;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${os.platform()}`;
}
