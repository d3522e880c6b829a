/**
 * Soak: steady alerts for 30 minutes (SOAK_MINUTES; SOAK_ALERTS per payload, default 5), run with
 * `npm run bench:soak` — not in CI.
 *
 * Every 2 s a payload of 5 new alerts for the pods of the stand-in cluster, and the alerts of a minute
 * ago resolved, to an engine started as `oncall-scout serve` runs (two C allocator arenas:
 * cli-process.ts); the engine collects, diagnoses with the stand-in LLM and mirrors nothing. Each minute
 * it prints the engine's RSS and how much of it is JavaScript heap (Node's diagnostic report), the C
 * allocator's arenas and code paged in (`/proc/PID/smaps`: harness.ts residentByKind; with
 * SOAK_MALLOC_INFO=1 also how much of the allocator's memory is in use and how much it keeps freed:
 * malloc-info.c; with SOAK_LIVE_HEAPS=1 what the heaps hold right after a full garbage collection:
 * live-heaps.ts, which pauses each thread for it once a minute, shrinks the young generations with it
 * and holds the inspector's sockets open: for where memory goes, not for the targets), open file
 * descriptors, webhook latency, the engine's own share of it (Server-Timing), the host's floor (a
 * trivial HTTP round trip to another process, a second after each payload: harness.ts startEcho) and
 * how far analysis lags. At the end it checks the targets: RSS growth ≤ 10 % (from minute 3, after
 * warm-up, to the last minute), no file-descriptor growth, and no slowdown (last minute's p50 within 1.5×
 * of minute 3's, plus a millisecond) of the engine's share and of the round trip above the host's floor.
 */
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { tempDir } from '../helpers/engine.ts';
import { amPayload } from '../helpers/payload.ts';
import { freePort } from '../helpers/ports.ts';
import {
  engineStatus,
  heapsOf,
  machine,
  mallocInfoPreload,
  mallocInUse,
  percentile,
  postWebhook,
  processMemory,
  reportFlags,
  residentByKind,
  type Shares,
  serveAgainst,
  sleep,
  startEcho,
  startFakes,
} from './harness.ts';
import { inspectFlag, liveHeaps } from './live-heaps.ts';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const EVERY_MS = 2_000;
// SOAK_ALERTS: more alerts per payload, to see sooner whether memory grows with the incidents handled.
const PER_PAYLOAD = Number(process.env.SOAK_ALERTS ?? 5);
const SCENARIO = 'crashloop-go-panic';

interface Minute {
  minute: number;
  rssMb: number;
  /** Of the RSS: the JavaScript heaps (committed; main thread + analysis worker), and the rest (native). */
  heapsMb: number;
  /** Of the heaps: what objects use (live, or garbage not collected yet), and the young generations. */
  heapsUsedMb: number;
  heapsYoungMb: number;
  /** With SOAK_LIVE_HEAPS=1, what the heaps hold after a full collection: main thread, workers. */
  liveMainMb: number;
  liveWorkersMb: number;
  /** Of the RSS: the C allocator's arenas (and how far they reach), and code paged in (harness.ts residentByKind). */
  arenasMb: number;
  arenaExtentMb: number;
  /** With SOAK_MALLOC_INFO=1, from glibc's malloc_info: what the C allocator has handed out and not freed, and what it keeps freed. */
  mallocInUseMb: number;
  mallocFreeMb: number;
  codeMb: number;
  fds: number;
  p50: number;
  p99: number;
  /** The engine's own share of the answer (Server-Timing), apart from the network and the client. */
  engineP50: number;
  /** A trivial round trip to another process at the same cadence: what the host itself adds. */
  floorP50: number;
  backlog: number;
}

const s = loadScenario(SCENARIO);
const fakes = await startFakes(SCENARIO, { tokenMs: 5 });
const echo = await startEcho();
const reports = tempDir('soak-reports-');
// SOAK_MALLOC_INFO=1: how much of the C allocator's memory is in use and how much it keeps freed
// (malloc-info.c, preloaded into the engine; Linux, needs `cc`).
const malloc = process.env.SOAK_MALLOC_INFO === '1' ? mallocInfoPreload(tempDir('soak-malloc-')) : undefined;
if (typeof malloc === 'string') console.log(`SOAK_MALLOC_INFO: ${malloc}; going on without it`);
const preload = typeof malloc === 'object' ? malloc : undefined;
// SOAK_LIVE_HEAPS=1: the heaps' live size, through the engine's inspector on loopback (live-heaps.ts).
const inspectPort = process.env.SOAK_LIVE_HEAPS === '1' ? await freePort() : undefined;
const app = await serveAgainst(
  fakes,
  tempDir('soak-'),
  [...reportFlags(reports), ...(inspectPort ? [inspectFlag(inspectPort)] : [])],
  preload?.env,
);
console.log(
  `Oncall Scout soak — ${machine()}; ${MINUTES} min, ${PER_PAYLOAD} alerts every ${EVERY_MS / 1000} s`,
);
console.log(
  '| minute | RSS MB | JS heaps MB (used; young) | live heaps MB (main / workers) | malloc arenas MB (extent) | malloc in use / free MB | code MB | fds | webhook p50 | webhook p99 | engine share p50 | host floor p50 | analysis backlog |',
);
console.log(
  '| -----: | -----: | -----------------------: | -----------------------------: | ------------------------: | ----------------------: | ------: | --: | ----------: | ----------: | ---------------: | -------------: | ---------------: |',
);

const minutes: Minute[] = [];
let n = 0;
const firing: { labels: Record<string, string>; startsAt: string; sentAt: number }[] = [];
try {
  const t0 = Date.now();
  for (let m = 1; m <= MINUTES; m++) {
    const lat: number[] = [];
    const floor: number[] = [];
    const shares: Shares = {};
    while (Date.now() < t0 + m * 60_000) {
      const tick = Date.now();
      const fresh = Array.from({ length: PER_PAYLOAD }, () => ({
        labels: { ...s.alert.labels, soak: String(n++) },
        startsAt: new Date().toISOString(),
        sentAt: tick,
      }));
      // The alerts of a minute ago are over: resolve them in the same payload, as Alertmanager would.
      const over = firing.filter((a) => tick - a.sentAt > 60_000);
      firing.splice(0, over.length);
      firing.push(...fresh);
      const body = amPayload([
        ...fresh.map((a) => ({ labels: a.labels, startsAt: a.startsAt })),
        ...over.map((a) => ({
          labels: a.labels,
          startsAt: a.startsAt,
          status: 'resolved' as const,
          endsAt: new Date().toISOString(),
        })),
      ]);
      lat.push(await postWebhook(app.url, JSON.stringify(body), shares));
      await sleep(Math.max(0, tick + EVERY_MS / 2 - Date.now()));
      floor.push(await echo.get());
      await sleep(Math.max(0, tick + EVERY_MS - Date.now()));
    }
    const mem = processMemory(app.proc.pid!);
    const heaps = await heapsOf(app.proc.pid!, reports);
    const live = inspectPort ? await liveHeaps(inspectPort) : undefined;
    const kinds = residentByKind(app.proc.pid!);
    const arenas = preload ? mallocInUse(preload.file) : undefined;
    const q = (await engineStatus(app.url)).queue;
    const row = {
      minute: m,
      rssMb: mem.rssMb,
      heapsMb: heaps ? heaps.mainMb + heaps.workersMb : Number.NaN,
      heapsUsedMb: heaps?.usedMb ?? Number.NaN,
      heapsYoungMb: heaps?.youngMb ?? Number.NaN,
      liveMainMb: live?.mainMb ?? Number.NaN,
      liveWorkersMb: live?.workersMb ?? Number.NaN,
      arenasMb: kinds?.arenasMb ?? Number.NaN,
      arenaExtentMb: kinds?.arenaExtentMb ?? Number.NaN,
      codeMb: kinds?.codeMb ?? Number.NaN,
      mallocInUseMb: arenas?.inUseMb ?? Number.NaN,
      mallocFreeMb: arenas?.freeMb ?? Number.NaN,
      fds: mem.fds,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      engineP50: percentile(shares.intake ?? [Number.NaN], 50),
      floorP50: percentile(floor, 50),
      backlog: q.waiting + q.collecting + q.diagnosing,
    };
    minutes.push(row);
    console.log(
      `| ${m} | ${row.rssMb.toFixed(0)} | ${row.heapsMb.toFixed(0)} (${row.heapsUsedMb.toFixed(0)}; ${row.heapsYoungMb.toFixed(0)}) | ${inspectPort ? `${row.liveMainMb.toFixed(1)} / ${row.liveWorkersMb.toFixed(1)}` : '–'} | ${row.arenasMb.toFixed(0)} (${row.arenaExtentMb.toFixed(0)}) | ${preload ? `${row.mallocInUseMb.toFixed(0)} / ${row.mallocFreeMb.toFixed(0)}` : '–'} | ${row.codeMb.toFixed(0)} | ${row.fds} | ${row.p50.toFixed(1)} ms | ${row.p99.toFixed(1)} ms | ${row.engineP50.toFixed(1)} ms | ${row.floorP50.toFixed(1)} ms | ${row.backlog} |`,
    );
  }
} finally {
  await app.stop();
  await fakes.stop();
  echo.stop();
}

const base = minutes[Math.min(2, minutes.length - 1)]!;
const last = minutes.at(-1)!;
const growth = ((last.rssMb - base.rssMb) / base.rssMb) * 100;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
console.log(
  `\nRSS ${base.rssMb.toFixed(0)} → ${last.rssMb.toFixed(0)} MB (${growth.toFixed(1)} %, target ≤ 10 %): ${verdict(growth <= 10)}`,
);
// Where it grew: V8's heaps (committed, so they move in steps as V8 sizes them) or native memory, and of
// that the C allocator's arenas (freed memory stays resident in them up to their extent) and code.
console.log(
  `  of which the JavaScript heaps ${base.heapsMb.toFixed(0)} → ${last.heapsMb.toFixed(0)} MB (used ${base.heapsUsedMb.toFixed(0)} → ${last.heapsUsedMb.toFixed(0)} MB, young generations ${base.heapsYoungMb.toFixed(0)} → ${last.heapsYoungMb.toFixed(0)} MB), the rest ${(base.rssMb - base.heapsMb).toFixed(0)} → ${(last.rssMb - last.heapsMb).toFixed(0)} MB`,
);
if (inspectPort) {
  console.log(
    `  what the heaps hold after a full collection: main thread ${base.liveMainMb.toFixed(1)} → ${last.liveMainMb.toFixed(1)} MB, the analysis worker ${base.liveWorkersMb.toFixed(1)} → ${last.liveWorkersMb.toFixed(1)} MB`,
  );
}
console.log(
  `  malloc arenas ${base.arenasMb.toFixed(0)} → ${last.arenasMb.toFixed(0)} MB (reaching ${base.arenaExtentMb.toFixed(0)} → ${last.arenaExtentMb.toFixed(0)} MB), code ${base.codeMb.toFixed(0)} → ${last.codeMb.toFixed(0)} MB`,
);
if (preload) {
  console.log(
    `  the C allocator's memory in use ${base.mallocInUseMb.toFixed(1)} → ${last.mallocInUseMb.toFixed(1)} MB, kept free ${base.mallocFreeMb.toFixed(1)} → ${last.mallocFreeMb.toFixed(1)} MB`,
  );
}
console.log(`file descriptors ${base.fds} → ${last.fds}: ${verdict(last.fds <= base.fds + 2)}`);
// The round trip includes the client and the machine waking up for a request every 2 s: judged above the
// host's floor, measured the same way at the same cadence. The engine's own share tells an engine that
// slows down from a host that got busier.
const above = (m: Minute) => Math.max(0, m.p50 - m.floorP50);
console.log(
  `webhook p50 ${base.p50.toFixed(1)} → ${last.p50.toFixed(1)} ms, the host's floor ${base.floorP50.toFixed(1)} → ${last.floorP50.toFixed(1)} ms; above it ${above(base).toFixed(1)} → ${above(last).toFixed(1)} ms: ${verdict(above(last) <= above(base) * 1.5 + 1)}`,
);
console.log(
  `engine's share p50 ${base.engineP50.toFixed(1)} → ${last.engineP50.toFixed(1)} ms: ${verdict(last.engineP50 <= base.engineP50 * 1.5 + 1)}`,
);
console.log(`analysis backlog at the end: ${last.backlog}: ${verdict(last.backlog < 20)}`);
