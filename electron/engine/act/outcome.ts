import type { Action } from '../../../shared/action.ts';
import type { KubeWrites, Raw } from './kube-writes.ts';
import type { Performed } from './mutate.ts';
import { isReady, type TargetState } from './target.ts';

/**
 * Did it work? After the call, the cluster is polled (bounded) until the replacement pod is Ready or the
 * rollout completes — by the same tests `kubectl rollout status` applies — or the time is up.
 */

export interface Outcome {
  ok: boolean;
  message: string;
}

export interface FollowOptions {
  timeoutMs: number;
  pollMs: number;
  signal: AbortSignal;
}

type Check = { done: true; ok: boolean; message: string } | { done: false; waiting: string };

/** kubectl rollout status for Deployments, StatefulSets and DaemonSets (polymorphichelpers/rollout_status.go). */
export function rolloutStatus(kind: string, obj: Raw, generation: number | undefined): Check {
  const s = obj.status ?? {};
  const name = `${kind.toLowerCase()} ${obj.metadata?.namespace}/${obj.metadata?.name}`;
  const gen = generation ?? obj.metadata?.generation ?? 0;
  if (Number(s.observedGeneration ?? 0) < gen)
    return { done: false, waiting: `waiting for ${name} to pick up the change` };
  if (kind === 'Deployment') {
    const progressing = ((s.conditions ?? []) as Raw[]).find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded')
      return {
        done: true,
        ok: false,
        message: `${name} exceeded its progress deadline: ${progressing.message ?? ''}`.trim(),
      };
    const want = Number(obj.spec?.replicas ?? 1);
    const updated = Number(s.updatedReplicas ?? 0);
    if (updated < want) return { done: false, waiting: `${updated} of ${want} new replicas updated` };
    if (Number(s.replicas ?? 0) > updated)
      return { done: false, waiting: 'old replicas are pending termination' };
    if (Number(s.availableReplicas ?? 0) < updated)
      return { done: false, waiting: `${s.availableReplicas ?? 0} of ${updated} updated replicas available` };
    return {
      done: true,
      ok: true,
      message: `rollout of ${name} complete: ${updated}/${want} replicas updated and available`,
    };
  }
  if (kind === 'StatefulSet') {
    const want = Number(obj.spec?.replicas ?? 1);
    if (Number(s.readyReplicas ?? 0) < want)
      return { done: false, waiting: `${s.readyReplicas ?? 0} of ${want} pods ready` };
    if (s.updateRevision !== s.currentRevision) return { done: false, waiting: 'pods are being updated' };
    return {
      done: true,
      ok: true,
      message: `rollout of ${name} complete: ${want}/${want} pods ready at revision ${s.updateRevision}`,
    };
  }
  const desired = Number(s.desiredNumberScheduled ?? 0);
  if (Number(s.updatedNumberScheduled ?? 0) < desired)
    return { done: false, waiting: `${s.updatedNumberScheduled ?? 0} of ${desired} pods updated` };
  if (Number(s.numberAvailable ?? 0) < desired)
    return { done: false, waiting: `${s.numberAvailable ?? 0} of ${desired} updated pods available` };
  return {
    done: true,
    ok: true,
    message: `rollout of ${name} complete: ${desired}/${desired} pods updated and available`,
  };
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Polls `check` until it is done or the time is up; every poll's error is survivable (the API blinks). */
async function poll(check: () => Promise<Check>, o: FollowOptions, what: string): Promise<Outcome> {
  const started = Date.now();
  let last = 'no answer from the API server yet';
  for (let i = 0; Date.now() - started <= o.timeoutMs && i < 10_000; i++) {
    if (o.signal.aborted)
      return { ok: false, message: `the engine stopped before ${what} was known; check it by hand` };
    try {
      const c = await check();
      const secs = Math.round((Date.now() - started) / 1000);
      if (c.done) return { ok: c.ok, message: `${c.message} (after ${secs} s)` };
      last = c.waiting;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(o.pollMs, o.signal);
  }
  return { ok: false, message: `${what} not reached within ${Math.round(o.timeoutMs / 1000)} s: ${last}` };
}

export function follow(
  w: KubeWrites,
  a: Action,
  before: TargetState,
  done: Performed,
  o: FollowOptions,
): Promise<Outcome> {
  const ns = a.namespace;
  switch (a.type) {
    case 'restart-pod': {
      const selector = before.workload?.selector ?? '';
      const old = new Set((before.pods ?? []).map((p) => p.metadata?.uid));
      old.add(before.obj.metadata?.uid);
      return poll(
        async () => {
          const fresh = (await w.listPods(ns, selector)).find((p) => !old.has(p.metadata?.uid) && isReady(p));
          return fresh
            ? { done: true, ok: true, message: `replacement pod ${fresh.metadata?.name} is Ready` }
            : { done: false, waiting: `no new Ready pod matching ${selector} yet` };
        },
        o,
        'a Ready replacement pod',
      );
    }
    case 'rollout-restart':
    case 'rollback': {
      const kind = a.type === 'rollback' ? 'Deployment' : a.kind;
      const name = a.type === 'rollback' ? a.deployment : a.name;
      return poll(
        async () => {
          const obj = await w.readWorkload(kind, ns, name);
          if (!obj)
            return { done: true, ok: false, message: `${kind.toLowerCase()} ${ns}/${name} was deleted` };
          return rolloutStatus(kind, obj, done.generation);
        },
        o,
        'a complete rollout',
      );
    }
    case 'scale-up':
      return poll(
        async () => {
          const obj = await w.readWorkload('Deployment', ns, a.deployment);
          if (!obj) return { done: true, ok: false, message: `deployment ${ns}/${a.deployment} was deleted` };
          const ready = Number(obj.status?.readyReplicas ?? 0);
          const want = done.replicas ?? Number(obj.spec?.replicas ?? 1);
          return ready >= want && Number(obj.status?.observedGeneration ?? 0) >= (done.generation ?? 0)
            ? {
                done: true,
                ok: true,
                message: `deployment ${ns}/${a.deployment} has ${ready} ready replicas`,
              }
            : { done: false, waiting: `${ready} of ${want} replicas ready` };
        },
        o,
        `${done.replicas ?? 'the new number of'} ready replicas`,
      );
  }
}
