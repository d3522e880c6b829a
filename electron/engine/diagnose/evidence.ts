import type {
  ContainerInfo,
  Context,
  EventInfo,
  LogInfo,
  NodeInfo,
  PodInfo,
  WorkloadInfo,
} from '../../../shared/context.ts';
import type { Evidence } from '../../../shared/report.ts';
import { describeState, eventLine } from '../collect/describe.ts';

/**
 * Stable pointers into a Context, so the UI can link a finding to the exact line it rests on:
 *   pod/<pod>/container/<c>/state | /lastState, pod/<pod>/condition/<type>, pod/<pod>/status,
 *   event/<index>, log/<pod>/<container>/<current|previous>#L<line>,
 *   pod/<pod>/container/<c>/probes, node/<node>, node/<node>/condition/<type>,
 *   workload/<kind>/<name>, workload/<kind>/<name>/condition/<type>, service/<name>, pvc/<name>
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

type Condition = { type: string; status: string; reason?: string; message?: string };

const conditionText = (c: Condition) =>
  `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message.trim()}` : ''}`;

/** Phase, reason and message of a pod, as `kubectl get pod` and `describe` show them. */
export function podStatusEvidence(pod: PodInfo): Evidence {
  return {
    ref: `pod/${pod.name}/status`,
    text: `pod ${pod.name} phase ${pod.phase}${pod.reason ? `, reason ${pod.reason}` : ''}${
      pod.message ? `: ${pod.message.trim()}` : ''
    }`,
  };
}

export function podConditionEvidence(pod: PodInfo, c: Condition): Evidence {
  return { ref: `pod/${pod.name}/condition/${c.type}`, text: `pod ${pod.name} ${conditionText(c)}` };
}

export function probeEvidence(pod: PodInfo, c: ContainerInfo, probe: 'liveness' | 'readiness' | 'startup') {
  const spec = c.probes[probe];
  return spec
    ? {
        ref: `pod/${pod.name}/container/${c.name}/probes`,
        text: `container ${c.name} ${probe} probe: ${spec}`,
      }
    : null;
}

export function nodeConditionEvidence(node: NodeInfo, c: NodeInfo['conditions'][number]): Evidence {
  return {
    ref: `node/${node.name}/condition/${c.type}`,
    text: `node ${node.name} ${conditionText(c)}${c.lastHeartbeat ? ` (last heartbeat ${c.lastHeartbeat})` : ''}`,
  };
}

export function workloadConditionEvidence(w: WorkloadInfo, c: Condition): Evidence {
  return {
    ref: `workload/${w.kind}/${w.name}/condition/${c.type}`,
    text: `${w.kind} ${w.name} ${conditionText(c)}`,
  };
}

/** Events about one object (`Pod/<name>`, `Node/<name>`, `Job/<name>`), oldest first as collected. */
export function eventsOf(ctx: Context, kind: string, name: string): EventInfo[] {
  return ctx.events.filter((e) => e.object === `${kind}/${name}`);
}

/** How many log lines an evidence line stands for: folded logs mark repeats as "[×N]" (or "[×N in a row]"). */
export function repeats(line: string): number {
  const m = /\[×(\d+)(?: in a row)?\]\s*$/.exec(line);
  return m ? Number(m[1]) : 1;
}

/** The first line of a program's usage text (Go's flag package, cobra, argparse, most CLIs). */
const USAGE_START = /^(?:Usage of \S+:|usage:|Usage:)/i;
/** Inside usage text: indented option lines, blank lines and the section headings between them. */
const USAGE_BODY =
  /^(?:\s|$|(?:Flags|Global Flags|Available Commands|Options|Commands|Aliases|Examples|positional arguments|optional arguments|options):?\s*$)/i;

/**
 * Which lines are a program's usage text: printed after a bad flag, they describe every option ("log
 * level: debug, info, warn, error") and are never the error itself — the line before them is.
 */
function usageLines(lines: string[]): Set<number> {
  const usage = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    if (!USAGE_START.test(lines[i]!)) continue;
    usage.add(i);
    while (i + 1 < lines.length && USAGE_BODY.test(lines[i + 1]!)) usage.add(++i);
  }
  return usage;
}

/** Lines matching `re`, newest last, at most `max`, near-duplicates (same text but numbers) once. */
export function matchingLines(log: LogInfo, re: RegExp, max = 5): Evidence[] {
  const lines = log.text.split('\n');
  const usage = usageLines(lines);
  const hits: Evidence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() && !usage.has(i) && re.test(line))
      hits.push({ ref: logRef(log, i + 1), text: line.trim().slice(0, 400) });
  }
  return dedupeByText(hits).slice(-max);
}

/** Lines that usually carry the cause of a crash, across languages and runtimes. */
export const ERROR_SIGNATURE =
  /\b(panic|fatal|FATAL|ERROR|Error|error|Exception|Traceback|Caused by|OutOfMemory|OOM|killed|refused|timed? ?out|unreachable|no such host|denied|unauthorized|forbidden|not found|invalid|failed|cannot|can't|unable|not defined|unknown (?:flag|option|command|argument|shorthand flag)|unrecognized|required (?:flag|option|argument))\b|\b(?:HTTP\/\d(?:\.\d)? |status[=: "]+|code[=: "]+|returned |responded (?:with )?)5\d\d\b/;

/** Lines logged at error level or worse, or naming an error outright: the app's own account of the failure. */
export const DECISIVE_ERROR =
  /\blevel=(?:ERROR|FATAL|error|fatal)\b|"level":\s*"(?:error|fatal|critical)"|\b(?:ERROR|FATAL|CRITICAL|panic:|Traceback)|\w+(?:Exception|Error):\s|^Error:\s/;

/** The decisive lines of a log: error signatures, newest last, at most `max`. */
export function errorLines(log: LogInfo, max = 5): Evidence[] {
  return matchingLines(log, ERROR_SIGNATURE, max);
}

/**
 * Where a crash happened: the innermost application frame of the newest Go panic, Java exception or
 * Python traceback in the log (runtime and standard-library frames skipped).
 */
export function crashFrame(log: LogInfo): Evidence | null {
  const lines = log.text.split('\n');
  const start = lines.findLastIndex((l) =>
    /^(panic: |fatal error: |Exception in thread |Traceback \(most recent call last\))/.test(l),
  );
  if (start < 0) return null;
  const stdlib = /\/usr\/local\/go\/|\/go\/src\/runtime\/|\/usr\/lib\/python|site-packages|\bjava\.base\//;
  const at = (i: number) => ({ ref: logRef(log, i + 1), text: lines[i]!.trim().slice(0, 400) });
  if (lines[start]!.startsWith('Traceback')) {
    // Python prints the innermost frame last, just before the exception line.
    let found = -1;
    for (let i = start + 1; i < Math.min(lines.length, start + 60) && /^\s/.test(lines[i]!); i++)
      if (/^\s+File "[^"]+", line \d+/.test(lines[i]!) && !stdlib.test(lines[i]!)) found = i;
    return found >= 0 ? at(found) : null;
  }
  for (let i = start + 1; i < Math.min(lines.length, start + 30); i++) {
    const l = lines[i]!;
    if ((/^\s+\/\S+\.\w+:\d+/.test(l) || /^\s+at [\w$.<>]+\([\w$.-]+:\d+\)/.test(l)) && !stdlib.test(l))
      return at(i);
  }
  return null;
}

/** The logs of one container, the previous (crashed) one first when `previousFirst`. */
export function logsOf(ctx: Context, pod: PodInfo, c: ContainerInfo, previousFirst = true): LogInfo[] {
  const mine = ctx.logs.filter((l) => l.pod === pod.name && l.container === c.name);
  return mine.sort((a, b) => (Number(b.previous) - Number(a.previous)) * (previousFirst ? 1 : -1));
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
