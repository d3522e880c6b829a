/**
 * The engine's live JavaScript heaps: what its objects hold right after a full garbage collection, on
 * the main thread and in each worker thread. A diagnostic report (harness.ts heapsOf) tells what the
 * heaps use, garbage not yet collected included, which moves by several MB from one minute to the next;
 * only the size after a full collection shows whether what the engine keeps grows.
 *
 * Through Node's inspector (the engine started with `inspectFlag(port)`, on loopback): the main thread's
 * session collects and measures, and reaches each worker through the NodeWorker domain. A full
 * collection pauses the thread it runs on for some tens of milliseconds: for benchmarks that measure
 * memory, not latency, at that moment.
 */
import WebSocket from 'ws';
import { mb } from './harness.ts';

/** The Node flag that opens the engine's inspector on 127.0.0.1:`port`. */
export function inspectFlag(port: number): string {
  return `--inspect=127.0.0.1:${port}`;
}

export interface LiveHeaps {
  /** MB of live objects on the main thread, and in the worker threads together. */
  mainMb: number;
  workersMb: number;
}

interface Reply {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message: string };
  method?: string;
  params?: { sessionId?: string; message?: string };
}

/** The main thread's session; a worker's is the sessionId the NodeWorker domain gave it. */
const MAIN = 'main';

/**
 * Collects every thread's garbage and measures what is left. Undefined (with the reason on stderr)
 * when the inspector does not answer within `timeoutMs`.
 */
export async function liveHeaps(port: number, timeoutMs = 10_000): Promise<LiveHeaps | undefined> {
  let socket: WebSocket | undefined;
  try {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const target = targets[0];
    if (!target) throw new Error('the inspector lists no target');
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    socket = ws;
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return await withTimeout(measure(ws), timeoutMs);
  } catch (err) {
    console.error(`live heaps: ${(err as Error).message}`);
    return undefined;
  } finally {
    socket?.close();
  }
}

async function measure(ws: WebSocket): Promise<LiveHeaps> {
  let nextId = 1;
  const waiting = new Map<string, (r: Reply) => void>();
  const workers: string[] = [];
  const settle = (key: string, r: Reply) => {
    waiting.get(key)?.(r);
    waiting.delete(key);
  };
  ws.on('message', (data) => {
    const r = JSON.parse(String(data)) as Reply;
    if (r.id !== undefined) settle(`${MAIN}:${r.id}`, r);
    else if (r.method === 'NodeWorker.attachedToWorker' && r.params?.sessionId)
      workers.push(r.params.sessionId);
    else if (r.method === 'NodeWorker.receivedMessageFromWorker' && r.params?.message) {
      const inner = JSON.parse(r.params.message) as Reply;
      if (inner.id !== undefined) settle(`${r.params.sessionId}:${inner.id}`, inner);
    }
  });
  const reply = (key: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) =>
      waiting.set(key, (r) => (r.error ? reject(new Error(r.error.message)) : resolve(r.result ?? {}))),
    );
  /** Sends a command to a thread's session: a worker's goes wrapped in a message to the main session. */
  const call = (session: string, method: string, params: object = {}) => {
    const id = nextId++;
    const answer = reply(`${session}:${id}`);
    const message = JSON.stringify({ id, method, params });
    ws.send(
      session === MAIN
        ? message
        : JSON.stringify({
            id: nextId++,
            method: 'NodeWorker.sendMessageToWorker',
            params: { sessionId: session, message },
          }),
    );
    return answer;
  };
  const usedAfterGc = async (session: string) => {
    await call(session, 'HeapProfiler.enable');
    await call(session, 'HeapProfiler.collectGarbage');
    return Number((await call(session, 'Runtime.getHeapUsage')).usedSize);
  };

  // Attaching reports each running worker before the call returns.
  await call(MAIN, 'NodeWorker.enable', { waitForDebuggerOnStart: false });
  const main = await usedAfterGc(MAIN);
  let workersBytes = 0;
  for (const session of workers) workersBytes += await usedAfterGc(session);
  await call(MAIN, 'NodeWorker.disable');
  return { mainMb: mb(main), workersMb: mb(workersBytes) };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the inspector did not answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
