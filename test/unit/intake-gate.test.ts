import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { IntakeGate, intakeWaiter } from '../../electron/engine/store/intake-gate.ts';

let worker: Worker | undefined;
afterEach(async () => {
  await worker?.terminate();
  worker = undefined;
});

/** A worker thread that waits on the gate when asked, as the pipeline does before each write. */
async function gateWorker(gate: IntakeGate, maxWaitMs: number) {
  worker = new Worker(new URL('../../electron/engine/worker-boot.mjs', import.meta.url), {
    workerData: {
      entry: new URL('../fixtures/gate-worker.ts', import.meta.url).href,
      gate: gate.buffer,
      maxWaitMs,
    },
  });
  const w = worker;
  await new Promise((r) => w.once('message', r));
  return () =>
    new Promise<{ waitedMs: number; at: number }>((resolve) => {
      w.once('message', resolve);
      w.postMessage('write');
    });
}

describe('the pipeline gives way to webhook requests in progress', () => {
  it('during(): entered for the call only, left even when it throws', async () => {
    const gate = new IntakeGate();
    const count = () => Atomics.load(new Int32Array(gate.buffer), 0);
    expect(await gate.during(async () => count())).toBe(1);
    await expect(
      gate.during(() => {
        throw new Error('not an Alertmanager v4 payload');
      }),
    ).rejects.toThrow(/v4/);
    expect(count()).toBe(0);
  });

  it('does not wait when no webhook request is in progress', () => {
    const gate = new IntakeGate();
    const wait = intakeWaiter(gate.buffer, 1_000);
    const t0 = performance.now();
    wait();
    expect(performance.now() - t0).toBeLessThan(5);
  });

  it("the worker's write waits until the request is done, then goes at once", async () => {
    const gate = new IntakeGate();
    const write = await gateWorker(gate, 2_000);
    gate.enter();
    const waited = write();
    await new Promise((r) => setTimeout(r, 150));
    const left = performance.timeOrigin + performance.now();
    gate.leave();
    const r = await waited;
    expect(r.waitedMs).toBeGreaterThanOrEqual(140);
    expect(r.at - left).toBeLessThan(50);
  });

  it('never waits longer than its bound, even if a request never ends', async () => {
    const gate = new IntakeGate();
    const write = await gateWorker(gate, 100);
    gate.enter();
    const r = await write();
    expect(r.waitedMs).toBeGreaterThanOrEqual(95);
    expect(r.waitedMs).toBeLessThan(400);
    gate.leave();
  });

  it('two requests in progress: waits for both', async () => {
    const gate = new IntakeGate();
    const write = await gateWorker(gate, 2_000);
    gate.enter();
    gate.enter();
    const waited = write();
    await new Promise((r) => setTimeout(r, 50));
    gate.leave();
    await new Promise((r) => setTimeout(r, 100));
    gate.leave();
    expect((await waited).waitedMs).toBeGreaterThanOrEqual(140);
  });
});
