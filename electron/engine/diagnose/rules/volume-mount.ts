import type { EventInfo } from '../../../../shared/context.ts';
import type { Evidence, Finding } from '../../../../shared/report.ts';
import { eventEvidence, eventsOf, stateEvidence } from '../evidence.ts';
import type { MountCause } from '../messages/en.ts';
import { finding, type Rule } from './types.ts';

const MOUNT_REASONS = new Set(['FailedMount', 'FailedAttachVolume', 'FailedMapVolume']);

type Cause = { cause: MountCause; volume?: string; objectKind?: string; object?: string; holder?: string } & {
  volumes?: string;
  message?: string;
};

/** What a FailedMount / FailedAttachVolume message says (PROTOCOLS §2.4), the specific causes first. */
export function mountCause(message: string): Cause {
  const volume = /for volume "([^"]+)"/.exec(message)?.[1];
  const missing = /(configmap|secret|persistentvolumeclaim)s? "([^"]+)" not found/i.exec(message);
  if (missing) return { cause: 'missing', volume, objectKind: missing[1]!.toLowerCase(), object: missing[2] };
  const multi = /Multi-Attach error for volume "([^"]+)"(?:.*?used by pod\(s\) ([\w.-]+))?/.exec(message);
  if (multi) return { cause: 'multiAttach', volume: multi[1], holder: multi[2] };
  if (/AttachVolume\.Attach failed|attachdetach/i.test(message))
    return { cause: 'attach', volume, message: message.slice(0, 300) };
  const timeout = /unmounted volumes=\[([^\]]*)\].*timed out waiting for the condition/.exec(message);
  if (timeout) return { cause: 'timeout', volumes: timeout[1] || undefined };
  return { cause: 'other', volume, message: message.slice(0, 300) };
}

const RANK: Record<MountCause, number> = { missing: 0, multiAttach: 1, attach: 2, other: 3, timeout: 4 };

/**
 * The kubelet cannot mount or attach a volume, so the containers are never created: FailedMount and
 * FailedAttachVolume events on a pod that is still ContainerCreating (or Pending).
 */
export const volumeMount: Rule = {
  name: 'volume-mount',
  run(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.pods) {
      const app = pod.containers.filter((c) => !c.init);
      const running = pod.phase === 'Running' && app.every((c) => c.ready);
      if (running || pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
      const failed = eventsOf(ctx, 'Pod', pod.name).filter(
        (e) => e.type === 'Warning' && MOUNT_REASONS.has(e.reason),
      );
      if (!failed.length) continue;
      const ranked = failed
        .map((e) => ({ e, why: mountCause(e.message) }))
        .sort((a, b) => RANK[a.why.cause] - RANK[b.why.cause]);
      const top = ranked[0]!;
      const waiting = pod.containers.find(
        (c) => c.state.kind === 'waiting' && /ContainerCreating|PodInitializing/.test(c.state.reason ?? ''),
      );
      const evidence: Evidence[] = [];
      const shown = new Set<EventInfo>();
      for (const { e } of ranked) {
        if (shown.size < 3 && !shown.has(e)) {
          shown.add(e);
          evidence.push(eventEvidence(ctx, e));
        }
      }
      if (waiting) evidence.push(stateEvidence(pod, waiting, 'state'));
      // The event names the pod's volume ("storage") or, for attach errors, the PersistentVolume behind it.
      const claim = pod.volumes
        .find((v) => v.source.startsWith('pvc/') && v.name === top.why.volume)
        ?.source.slice(4);
      const pvc = ctx.pvcs.find(
        (p) => p.name === claim || (top.why.volume !== undefined && p.volumeName === top.why.volume),
      );
      if (pvc)
        evidence.push({
          ref: `pvc/${pvc.name}`,
          text: `pvc ${pvc.name} ${pvc.phase}${pvc.accessModes.length ? ` ${pvc.accessModes.join(',')}` : ''}${pvc.volumeName ? ` volume ${pvc.volumeName}` : ''}`,
        });
      findings.push(
        finding(
          'volume-mount',
          'VolumeMount',
          top.why.cause === 'timeout' || top.why.cause === 'other' ? 85 : 95,
          {
            pod: pod.name,
            waiting: waiting?.state.reason,
            ...top.why,
            claim: pvc?.name,
            accessModes: pvc?.accessModes.join(',') || undefined,
          },
          evidence,
        ),
      );
    }
    return findings;
  },
};
