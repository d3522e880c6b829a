import type { ContainerInfo, Context, LogInfo, PodInfo } from '../../../../shared/context.ts';
import type { Evidence, Finding } from '../../../../shared/report.ts';
import { eventEvidence, eventsOf, logRef, logsOf, repeats, stateEvidence } from '../evidence.ts';
import type { DependencyCause } from '../messages/en.ts';
import { finding, type Rule } from './types.ts';

/**
 * How an application says a downstream failed, across runtimes (Go, JVM, Node, Python). Checked in
 * this order: the first that matches a line names its kind. Only the app's own log is read: a probe's
 * "connection refused" in an Unhealthy event is the kubelet failing to reach the app, not a dependency.
 */
const KINDS: Array<[DependencyCause, RegExp]> = [
  ['refused', /connection refused|ECONNREFUSED|Connection refused/i],
  [
    'timeout',
    /i\/o timeout|ETIMEDOUT|\b(?:connect|connection|dial|read|socket)\b[^\n]{0,30}\btimed? ?out\b|timeout (?:expired|exceeded) while (?:connecting|awaiting)|context deadline exceeded/i,
  ],
  [
    'dns',
    /no such host|ENOTFOUND|EAI_AGAIN|Name or service not known|Temporary failure in name resolution|could not resolve host/i,
  ],
  ['unreachable', /no route to host|network is unreachable|EHOSTUNREACH|ENETUNREACH/i],
  ['reset', /connection reset by peer|ECONNRESET/i],
  [
    'upstream',
    /\b(?:upstream|downstream|backend|dependency)\b[^\n]{0,200}?\b5\d\d\b|\b(?:returned|responded with|received|got) (?:HTTP |status )?5\d\d\b/i,
  ],
  ['breaker', /circuit[ _-]?breaker[^\n]{0,80}\bopen\b|breaker[^\n]{0,40}\bis open\b/i],
  [
    'unavailable',
    /\b(?:database|db|redis|cache|kafka|broker|rabbitmq|elasticsearch|mongo\w*|mysql|postgres\w*|upstream)\b[^\n]{0,40}\b(?:unavailable|unreachable|is down)\b|\b(?:could not|failed to|unable to|can't|cannot) connect to\b/i,
  ],
];

export interface DependencyLine {
  kind: DependencyCause;
  line: number;
  text: string;
  target?: string;
  status?: string;
  breaker?: string;
}

export interface DependencyErrors {
  log: LogInfo;
  /** Dependency errors in the log, counting the repeats a folded log stands for. */
  count: number;
  /** The most telling lines, one per kind, oldest first (evidence). */
  lines: DependencyLine[];
  /** The kind that names the cause: the most specific one present. */
  primary: DependencyLine;
}

function classify(text: string): DependencyCause | null {
  for (const [kind, re] of KINDS) if (re.test(text)) return kind;
  return null;
}

/** What the failing call went to: an address, a service DNS name, a URL. */
export function targetOf(text: string): string | undefined {
  const addr =
    /dial tcp ([\w.-]+:\d+)/.exec(text)?.[1] ??
    /(?:connect(?:ing)? to|connection to) [`'"]?((?:\d{1,3}\.){3}\d{1,3}:\d+|[\w-]+(?:\.[\w-]+)+:\d+)/i.exec(
      text,
    )?.[1];
  const svc = /\b([a-z0-9-]+\.[a-z0-9-]+\.svc(?:\.cluster\.local)?)\b/.exec(text)?.[1];
  const host = /\blookup ([\w.-]+)/.exec(text)?.[1];
  const url = /\b(https?:\/\/[^\s"'<>]+)/.exec(text)?.[1];
  // A bare address last: in "lookup x on 10.96.0.10:53" it is the DNS server, not the dependency.
  const bare = /\b((?:\d{1,3}\.){3}\d{1,3}:\d{2,5})\b/.exec(text)?.[1];
  const where = addr ?? bare;
  if (host) return host;
  if (where && svc) return `${where} (${svc})`;
  return addr ?? svc ?? url ?? bare;
}

/**
 * The dependency errors in one log, or null when there are too few or none recent enough to matter
 * now (the last one among the newest fifth of the log, or its last 50 lines).
 */
export function dependencyErrors(log: LogInfo): DependencyErrors | null {
  const lines = log.text.split('\n');
  const all: DependencyLine[] = [];
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (!text.trim()) continue;
    const kind = classify(text);
    if (!kind) continue;
    count += repeats(text);
    all.push({
      kind,
      line: i + 1,
      text: text.trim().slice(0, 400),
      target: targetOf(text),
      status: kind === 'upstream' ? /\b(5\d\d)\b/.exec(text.replace(/"time":\d+/g, ''))?.[1] : undefined,
      breaker:
        kind === 'breaker'
          ? (/breaker ['"]?([\w.-]+)['"]? is open/i.exec(text)?.[1] ??
            /"breaker":"([\w.-]+)"/.exec(text)?.[1])
          : undefined,
    });
  }
  const last = all.at(-1);
  if (count < 3 || !last) return null;
  const nonEmpty = lines.filter((l) => l.trim()).length;
  if (last.line < nonEmpty - Math.max(50, Math.ceil(nonEmpty * 0.2))) return null;
  const chosen: DependencyLine[] = [];
  for (const [kind] of KINDS) {
    const ofKind = all.filter((d) => d.kind === kind);
    const best = ofKind.findLast((d) => d.target) ?? ofKind.at(-1);
    if (best) chosen.push(best);
  }
  const primary = chosen[0]!;
  return { log, count, lines: chosen.slice(0, 3).sort((a, b) => a.line - b.line), primary };
}

export function dependencyEvidence(d: DependencyErrors): Evidence[] {
  return d.lines.map((l) => ({ ref: logRef(d.log, l.line), text: l.text }));
}

/** The dependency errors of a container: its current log first, then the log of the run that crashed. */
export function containerDependencyErrors(
  ctx: Context,
  pod: PodInfo,
  c: ContainerInfo,
): DependencyErrors | null {
  for (const log of logsOf(ctx, pod, c, false)) {
    const d = dependencyErrors(log);
    if (d) return d;
  }
  return null;
}

const READINESS = /^Readiness probe (?:failed|errored)/;
const LIVENESS = /^(?:Liveness|Startup) probe (?:failed|errored)|failed (?:liveness|startup) probe/;

/**
 * The app's own logs show a downstream refusing, timing out, unresolvable or answering 5xx, and the pod
 * suffers for it (not ready, probe failing, restarting). This is the rule that explains a readiness
 * failure caused by a dependency; the probe rule stands aside when it fires.
 */
export const dependencyFailure: Rule = {
  name: 'dependency-failure',
  run(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.pods) {
      const events = eventsOf(ctx, 'Pod', pod.name);
      for (const c of pod.containers) {
        if (c.init) continue;
        const d = containerDependencyErrors(ctx, pod, c);
        if (!d) continue;
        const readiness = events.filter((e) => e.reason === 'Unhealthy' && READINESS.test(e.message));
        const liveness = events.filter(
          (e) => (e.reason === 'Unhealthy' || e.reason === 'Killing') && LIVENESS.test(e.message),
        );
        const crashed = d.log.previous && c.restartCount > 0;
        const probe =
          liveness.length && c.restartCount > 0
            ? 'liveness'
            : readiness.length || (!c.ready && c.state.kind === 'running')
              ? 'readiness'
              : crashed
                ? 'crash'
                : undefined;
        const evidence: Evidence[] = [...dependencyEvidence(d)];
        const probeEvent = probe === 'liveness' ? liveness.at(-1) : readiness.at(-1);
        if (probeEvent) evidence.push(eventEvidence(ctx, probeEvent));
        evidence.push(stateEvidence(pod, c, 'state'));
        if (ctx.service)
          evidence.push({
            ref: `service/${ctx.service.name}`,
            text: `service ${ctx.service.name}: ${ctx.service.readyEndpoints} ready, ${ctx.service.notReadyEndpoints} not ready endpoints`,
          });
        // Errors in the log of a pod that serves fine are a lead, not a diagnosis: only many of them count.
        if (!probe && d.count < 10) continue;
        const confidence = probe === 'crash' ? 87 : probe ? 88 : 65;
        findings.push(
          finding(
            'dependency-failure',
            'DependencyFailure',
            confidence,
            {
              pod: pod.name,
              container: c.name,
              cause: d.primary.kind,
              target: d.primary.target ?? d.lines.find((l) => l.target)?.target,
              status: d.lines.find((l) => l.status)?.status,
              breaker: d.lines.find((l) => l.breaker)?.breaker,
              count: d.count,
              probe,
            },
            evidence,
          ),
        );
      }
    }
    return findings;
  },
};
