import type * as k8s from '@kubernetes/client-node';
import { eventInfo, podInfo } from '../../electron/engine/collect/convert.ts';
import { logPlan } from '../../electron/engine/collect/pods.ts';
import { targetFromLabels } from '../../electron/engine/collect/target.ts';
import { type Context, emptyContext } from '../../shared/context.ts';
import type { Scenario } from '../fixtures/scenarios/index.ts';

/**
 * The context the collector would build for a pod scenario, built straight from the fixture (no HTTP),
 * so rule tests stay pure and fast. The collector itself is tested against the stand-in API server.
 */
export function podContext(s: Scenario): Context {
  const target = targetFromLabels(s.alert.labels);
  const raw = s.objects.find(
    (o) => o.kind === 'Pod' && o.metadata.name === target.name && o.metadata.namespace === target.namespace,
  );
  const ctx: Context = emptyContext(target, s.now);
  if (!raw)
    return { ...ctx, gaps: [{ what: `pod ${target.namespace}/${target.name}`, reason: 'not found' }] };
  const pod = podInfo(raw as unknown as k8s.V1Pod);
  ctx.pods.push(pod);
  ctx.events = s.objects
    .filter(
      (o) =>
        o.kind === 'Event' && (o as { involvedObject?: { uid?: string } }).involvedObject?.uid === pod.uid,
    )
    .map((o) => eventInfo(o as unknown as k8s.CoreV1Event))
    .sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));
  for (const c of pod.containers) {
    const plan = logPlan(c);
    for (const previous of [false, true]) {
      if (previous ? !plan.previous : !plan.current) continue;
      const text = s.logs[`${pod.namespace}/${pod.name}/${c.name}${previous ? '/previous' : ''}`];
      if (text === undefined) continue;
      ctx.logs.push({
        pod: pod.name,
        container: c.name,
        previous,
        text,
        lineCount: text.split('\n').length,
        truncated: false,
      });
    }
  }
  return ctx;
}
