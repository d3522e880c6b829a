/**
 * Webhook intake under load, while the engine is busy: collection running against the stand-in API
 * server and the stand-in Ollama streaming an analysis for the whole run. Prints p50/p99 latency of
 * 50-alert payloads sent one after another, and paced at the throughput target, and the sustained
 * alerts/s of concurrent clients. Run with `npm run bench`.
 *
 * Start times: a payload of new alerts normally comes from one rule evaluation, so its alerts share a
 * start time and the next payload's is later (Prometheus stamps an alert with the evaluation that first
 * found it firing). The worst case, every alert of a long run sharing one start time, spreads each
 * payload's new entries over the whole identity index; it has rows of its own.
 *
 * Three processes: this load generator (does nothing else, so its clock is honest), the stand-ins
 * (fakes-process.ts) and `oncall-scout serve`.
 */
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { amPayload } from '../helpers/payload.ts';
import {
  engineStatus,
  formatShares,
  machine,
  percentile,
  postWebhook,
  type Shares,
  serveAgainst,
  sleep,
  startFakes,
} from './harness.ts';

const PER_PAYLOAD = 50;
const SEQUENTIAL = 1000;
const CONCURRENT = 200;
const CLIENTS = 4;
/** The paced runs: payloads sent on a fixed schedule at the throughput target, 2,000 alerts/s. */
const PACED = 1000;
const PACED_EVERY_MS = (PER_PAYLOAD / 2000) * 1000;
/** Ollama's pace: a chunk a second, so its answer takes longer to stream than the whole run (about 70 s). */
const TOKEN_MS = 1000;

let serial = 0;
const evaluation = Date.parse('2026-11-27T06:00:00Z');
/** `startsAt`: one start time for the payload (the default), or the given one for every alert. */
function bodies(n: number, startsAt?: string): string[] {
  const s = loadScenario('oom-jvm-heap');
  return Array.from({ length: n }, (_, p) => {
    const at = startsAt ?? new Date(evaluation + serial * 10 + p).toISOString();
    return JSON.stringify(
      amPayload(
        Array.from({ length: PER_PAYLOAD }, () => ({
          labels: { ...s.alert.labels, instance: `bench-${serial++}` },
          annotations: s.alert.annotations,
          startsAt: at,
        })),
      ),
    );
  });
}

interface Latencies {
  /** Round trips as the client saw them. */
  all: number[];
  /** The engine's own share of each and its parts (Server-Timing). */
  server: Shares;
  /** Paced runs: how late the load generator's timer sent each payload (counted in `all`). */
  late?: number[];
}

async function oneAtATime(url: string, list: string[]): Promise<Latencies> {
  const r: Latencies = { all: [], server: {} };
  for (const b of list) r.all.push(await postWebhook(url, b, r.server));
  return r;
}

/**
 * Open loop: each payload leaves at its appointed time whether or not the previous one has been
 * answered, and its latency counts from that time (a late timer counts against the engine).
 */
async function paced(url: string, list: string[]): Promise<Latencies> {
  const r: Latencies = { all: [], server: {}, late: [] };
  const start = performance.now() + 50;
  await Promise.all(
    list.map(async (b, i) => {
      const due = start + i * PACED_EVERY_MS;
      await sleep(due - performance.now());
      const late = Math.max(0, performance.now() - due);
      r.late!.push(late);
      r.all.push(late + (await postWebhook(url, b, r.server)));
    }),
  );
  return r;
}

async function concurrent(url: string, list: string[]): Promise<Latencies & { alertsPerS: number }> {
  const r: Latencies = { all: [], server: {} };
  const queue = [...list];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let b = queue.pop(); b; b = queue.pop()) r.all.push(await postWebhook(url, b, r.server));
    }),
  );
  return { ...r, alertsPerS: Math.round((list.length * PER_PAYLOAD) / ((performance.now() - t0) / 1000)) };
}

const ms = (xs: number[], p: number) => `${percentile(xs, p).toFixed(2)} ms`;
function line(name: string, r: Latencies, target = true): string {
  const late = r.late ? `; the timer's lateness in it: p50 ${ms(r.late, 50)}, p99 ${ms(r.late, 99)}` : '';
  return `${name}: p50 ${ms(r.all, 50)}, p99 ${ms(r.all, 99)}${target ? ' (target p99 <= 10 ms)' : ''}; the engine's share (Server-Timing): p50 ${ms(r.server.intake!, 50)}, p99 ${ms(r.server.intake!, 99)}${late}\n    its parts p50/p99/max: ${formatShares(r.server)} ms`;
}

async function main() {
  // The cluster and Ollama are other machines on a real laptop: their stand-ins yield the CPU.
  const fakes = await startFakes('oom-jvm-heap', { remote: true, tokenMs: TOKEN_MS });
  const app = await serveAgainst(fakes);
  try {
    await oneAtATime(app.url, bodies(20)); // warm-up
    // Measure only once the LLM streams (the first incident's analysis; the others share it).
    for (let i = 0; i < 300 && (await engineStatus(app.url)).queue.diagnosing === 0; i++) await sleep(100);
    if ((await engineStatus(app.url)).queue.diagnosing === 0) throw new Error('the LLM never started');

    const seq = await oneAtATime(app.url, bodies(SEQUENTIAL));
    const pace = await paced(app.url, bodies(PACED));
    const conc = await concurrent(app.url, bodies(CONCURRENT));
    const worst = `2026-11-27T05:00:00Z`;
    const seqWorst = await oneAtATime(app.url, bodies(SEQUENTIAL, worst));
    const paceWorst = await paced(app.url, bodies(PACED, worst));
    const status = await engineStatus(app.url);

    console.log(`machine: ${machine()}`);
    console.log(
      `payloads of ${PER_PAYLOAD} alerts, sent while the engine collects (4 at a time) and the LLM streams; queue at the end: ${status.queue.waiting} waiting, ${status.queue.collecting} collecting, ${status.queue.diagnosing} waiting for the LLM (${await fakes.ollamaRequests()} Ollama request so far${status.queue.diagnosing ? ', still streaming' : ''})`,
    );
    console.log(line(`one at a time (${SEQUENTIAL} payloads)`, seq));
    console.log(line(`paced at 2,000 alerts/s (${PACED} payloads, one every ${PACED_EVERY_MS} ms)`, pace));
    console.log(
      `${line(`concurrent (${CLIENTS} clients, ${CONCURRENT} payloads)`, conc, false)}; ${conc.alertsPerS} alerts/s (target >= 2000/s)`,
    );
    console.log(
      line(`worst case, one start time for ${SEQUENTIAL * PER_PAYLOAD} alerts, one at a time`, seqWorst),
    );
    console.log(line(`worst case, one start time for ${PACED * PER_PAYLOAD} more, paced`, paceWorst));
    if (status.queue.diagnosing === 0) {
      console.log('the LLM finished before the run did: the figures above are not "while the LLM is busy"');
      process.exitCode = 1;
    }
  } finally {
    await app.stop();
    await fakes.stop();
  }
}

await main();
