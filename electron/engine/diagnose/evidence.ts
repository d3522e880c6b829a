import type { ContainerInfo, Context, EventInfo, LogInfo, PodInfo } from '../../../shared/context.ts';
import type { Evidence } from '../../../shared/report.ts';
import { describeState, eventLine } from '../collect/describe.ts';

/**
 * Stable pointers into a Context, so the UI can link a finding to the exact line it rests on:
 *   pod/<pod>/container/<c>/state | /lastState, pod/<pod>/condition/<type>, pod/<pod>/status,
 *   event/<index>, log/<pod>/<container>/<current|previous>#L<line>
 */
export function stateEvidence(pod: PodInfo, c: ContainerInfo, which: 'state' | 'lastState'): Evidence {
  const s = which === 'state' ? c.state : c.lastState!;
  const label = which === 'state' ? 'state' : 'last state';
  return {
    ref: `pod/${pod.name}/container/${c.name}/${which}`,
    text: `container ${c.name} ${label}: ${describeState(s)}; restarts: ${c.restartCount}`,
  };
}

export function eventEvidence(ctx: Context, e: EventInfo): Evidence {
  const index = ctx.events.indexOf(e);
  return { ref: `event/${index}`, text: eventLine(e) };
}

export function logRef(log: LogInfo, line: number): string {
  return `log/${log.pod}/${log.container}/${log.previous ? 'previous' : 'current'}#L${line}`;
}

/** Lines that usually carry the cause of a crash, across languages and runtimes. */
export const ERROR_SIGNATURE =
  /\b(panic|fatal|FATAL|ERROR|Error|error|Exception|Traceback|Caused by|OutOfMemory|OOM|killed|refused|timed? ?out|unreachable|no such host|denied|unauthorized|forbidden|not found|invalid|failed|cannot|can't|unable)\b|\b5\d\d\b/;

/** The decisive lines of a log: error signatures, newest last, at most `max`. */
export function errorLines(log: LogInfo, max = 5): Evidence[] {
  const lines = log.text.split('\n');
  const hits: Evidence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() && ERROR_SIGNATURE.test(line))
      hits.push({ ref: logRef(log, i + 1), text: line.trim().slice(0, 400) });
  }
  return dedupeByText(hits).slice(-max);
}

function dedupeByText(items: Evidence[]): Evidence[] {
  const seen = new Map<string, Evidence>();
  for (const e of items) {
    const key = e.text.replace(/\d+/g, '#');
    seen.delete(key);
    seen.set(key, e);
  }
  return [...seen.values()];
}

/** Workload that owns a pod, for commands: Deployments own pods through a ReplicaSet named <deploy>-<hash>. */
export function workloadOf(pod: PodInfo): { kind: string; name: string } | null {
  if (!pod.owner) return null;
  if (pod.owner.kind === 'ReplicaSet') {
    const m = /^(.+)-[a-z0-9]{5,10}$/.exec(pod.owner.name);
    return m ? { kind: 'deployment', name: m[1]! } : { kind: 'replicaset', name: pod.owner.name };
  }
  return { kind: pod.owner.kind.toLowerCase(), name: pod.owner.name };
}
