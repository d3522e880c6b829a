import type { Context, PodInfo } from '../../../../shared/context.ts';
import type { Evidence } from '../../../../shared/report.ts';
import {
  eventEvidence,
  eventsOf,
  logsOf,
  matchingLines,
  nodeConditionEvidence,
  podConditionEvidence,
  podStatusEvidence,
  stateEvidence,
  workloadConditionEvidence,
} from '../evidence.ts';
import { nodeTrouble } from './node-not-ready.ts';
import { finding, type Rule } from './types.ts';

const HOUR = 3_600_000;
/** A stats line that says the app is serving without errors. */
const HEALTHY_LINE = /\berrors?["']?\s*[=:]\s*0\b/;
/** `Successfully pulled image "…" in 15m42.318s (…)`. */
const PULLED = /^Successfully pulled image "[^"]+" in ((?:\d+h)?(?:\d+m)?[\d.]+m?s)\b/;

function durationSeconds(d: string): number {
  if (/^[\d.]+ms$/.test(d)) return Number.parseFloat(d) / 1000;
  const h = /(\d+)h/.exec(d)?.[1] ?? 0;
  const m = /(\d+)m(?!s)/.exec(d)?.[1] ?? 0;
  const s = /([\d.]+)s$/.exec(d)?.[1] ?? 0;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** Running, Ready, every container ready and running, no restart within the last hour. */
function podHealthy(pod: PodInfo, now: number): boolean {
  if (pod.phase !== 'Running') return false;
  if (pod.conditions.find((c) => c.type === 'Ready')?.status !== 'True') return false;
  return pod.containers
    .filter((c) => !c.init)
    .every((c) => {
      if (!c.ready || c.state.kind !== 'running') return false;
      if (c.restartCount === 0) return true;
      const finished = Date.parse(c.lastState?.finishedAt ?? '');
      return !Number.isNaN(finished) && !Number.isNaN(now) && now - finished > HOUR;
    });
}

/** Warning events still current (events expire after an hour unless they recur). */
function recentWarnings(ctx: Context, now: number) {
  return ctx.events.filter(
    (e) => e.type === 'Warning' && (Number.isNaN(now) || !e.lastSeen || now - Date.parse(e.lastSeen) < HOUR),
  );
}

/**
 * The target looks healthy now: a false positive or a transient blip. Only when nothing is wrong that
 * the collector can see — every pod Running and Ready without recent restarts, no warning events, the
 * nodes fine, replicas and endpoints in place, the job complete — and with lower confidence than a
 * fact, since the alert did fire. runRules drops it whenever another rule has something to say.
 */
export const noIssueFound: Rule = {
  name: 'no-issue-found',
  run(ctx) {
    // The alert's pod is gone and the collector looked at its replacements instead: judge those.
    const replaced = ctx.gaps.find((g) => /^pod /.test(g.what) && /may have been replaced/.test(g.reason));
    if (ctx.gaps.some((g) => g !== replaced)) return [];
    const now = Date.parse(ctx.collectedAt);
    if (recentWarnings(ctx, now).length) return [];
    const t = ctx.target;

    if (t.kind === 'node') {
      const node = ctx.nodes.find((n) => n.name === t.name);
      const ready = node?.conditions.find((c) => c.type === 'Ready');
      if (
        !node ||
        ready?.status !== 'True' ||
        nodeTrouble(node) ||
        ctx.pods.length ||
        node.failingPods.length
      )
        return [];
      return [
        finding('no-issue-found', 'NoIssueFound', 70, { kind: 'node', name: node.name }, [
          nodeConditionEvidence(node, ready),
        ]),
      ];
    }

    const w = ctx.workload;
    if (w?.kind === 'Job') {
      const complete = w.conditions.find((c) => c.type === 'Complete' && c.status === 'True');
      if (!complete || w.conditions.some((c) => c.type === 'Failed' && c.status === 'True')) return [];
      return [
        finding('no-issue-found', 'NoIssueFound', 75, { kind: 'job', name: w.name }, [
          workloadConditionEvidence(w, complete),
        ]),
      ];
    }

    if (!ctx.pods.length || !ctx.pods.every((p) => podHealthy(p, now))) return [];
    if (w?.replicas && w.replicas.ready < w.replicas.desired) return [];
    if (ctx.service && ctx.service.readyEndpoints === 0) return [];
    for (const p of ctx.pods) {
      const node = ctx.nodes.find((n) => n.name === p.nodeName);
      if (node && nodeTrouble(node)) return [];
    }

    const pod = ctx.pods[0]!;
    const evidence: Evidence[] = [podStatusEvidence(pod)];
    const ready = pod.conditions.find((c) => c.type === 'Ready');
    if (ready) evidence.push(podConditionEvidence(pod, ready));
    const app = pod.containers.filter((c) => !c.init);
    for (const c of app) evidence.push(stateEvidence(pod, c, 'state'));
    // A slow image pull (a cold node, a big image) explains a KubePodNotReady that has since cleared.
    let pull: string | undefined;
    for (const e of eventsOf(ctx, 'Pod', pod.name)) {
      const m = PULLED.exec(e.message);
      if (m && durationSeconds(m[1]!) >= 60) {
        pull = m[1];
        evidence.push(eventEvidence(ctx, e));
      }
    }
    for (const c of app) {
      const log = logsOf(ctx, pod, c, false)[0];
      if (log) evidence.push(...matchingLines(log, HEALTHY_LINE, 1));
    }
    const restarts = ctx.pods.reduce((n, p) => n + p.containers.reduce((m, c) => m + c.restartCount, 0), 0);
    const many = ctx.pods.length > 1 && (t.kind !== 'pod' || replaced !== undefined);
    return [
      finding(
        'no-issue-found',
        'NoIssueFound',
        pull ? 75 : 70,
        {
          kind: 'pod',
          name: many ? (w?.name ?? (t.kind === 'pod' ? undefined : t.name) ?? pod.name) : pod.name,
          count: many ? ctx.pods.length : 1,
          gone: replaced && t.kind === 'pod' ? t.name : undefined,
          restarts,
          pull,
        },
        evidence,
      ),
    ];
  },
};
