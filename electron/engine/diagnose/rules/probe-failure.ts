import type { ContainerInfo, EventInfo, PodInfo } from '../../../../shared/context.ts';
import type { Evidence, Finding } from '../../../../shared/report.ts';
import {
  DECISIVE_ERROR,
  errorLines,
  eventEvidence,
  eventsOf,
  logsOf,
  matchingLines,
  probeEvidence,
  stateEvidence,
} from '../evidence.ts';
import type { ProbeCause } from '../messages/en.ts';
import { containerDependencyErrors } from './dependency-failure.ts';
import { finding, type Rule } from './types.ts';

type Probe = 'liveness' | 'readiness' | 'startup';

/** `<Type> probe failed: <output>`, `<Type> probe errored[ and resulted in <state> state]: <err>` (PROTOCOLS §2.4). */
const UNHEALTHY =
  /^(Liveness|Readiness|Startup) probe (failed|errored)(?: and resulted in \w+ state)?:?\s*([\s\S]*)$/;
/** `Container <c> failed liveness probe, will be restarted` (also startup). */
const KILLING = /^Container (\S+) failed (liveness|startup) probe, will be restarted/;

interface ProbeEvent {
  event: EventInfo;
  probe: Probe;
  errored: boolean;
  output: string;
}

function probeEvents(events: EventInfo[]): ProbeEvent[] {
  const out: ProbeEvent[] = [];
  for (const e of events) {
    if (e.reason !== 'Unhealthy') continue;
    const m = UNHEALTHY.exec(e.message);
    if (m)
      out.push({
        event: e,
        probe: m[1]!.toLowerCase() as Probe,
        errored: m[2] === 'errored',
        output: m[3]!.trim(),
      });
  }
  return out;
}

/** What the probe's output says went wrong. */
export function probeCause(output: string, errored: boolean): { cause: ProbeCause; status?: string } {
  const status = /statuscode: (\d{3})/.exec(output)?.[1];
  if (status) return { cause: 'status', status };
  if (/context deadline exceeded|Client\.Timeout|timed? ?out|timeout/i.test(output))
    return { cause: 'timeout' };
  if (/connection refused/i.test(output)) return { cause: 'refused' };
  if (errored) return { cause: 'errored' };
  return { cause: 'other' };
}

/** The path and timeout of a probe as the collector describes it ("http-get http://:8080/healthz … timeout=1s …"). */
function probeSpec(spec: string | undefined): { path?: string; timeout?: string; earliestKill?: number } {
  if (!spec) return {};
  const num = (re: RegExp) => Number(re.exec(spec)?.[1] ?? Number.NaN);
  const delay = num(/\bdelay=(\d+)s/);
  const period = num(/\bperiod=(\d+)s/);
  const failures = num(/#failure=(\d+)/);
  return {
    path: /^http-get https?:\/\/[^/\s]*(\/\S*)/.exec(spec)?.[1],
    timeout: /\btimeout=(\S+)/.exec(spec)?.[1],
    // The soonest the kubelet can kill a container that never passes: delay + period × failureThreshold.
    earliestKill: Number.isNaN(delay + period + failures) ? undefined : delay + period * failures,
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Log lines where the app answered its probe path with an error status: the app's side of the story. */
function probePathLines(ctx: Parameters<Rule['run']>[0], pod: PodInfo, c: ContainerInfo, path: string) {
  const re = new RegExp(`${escapeRegExp(path)}(?=[\\s?"'])[^\\n]*\\b[45]\\d\\d\\b`);
  for (const log of logsOf(ctx, pod, c)) {
    const lines = matchingLines(log, re, 1);
    if (lines.length) return lines;
  }
  return [];
}

const seconds = (from?: string, to?: string) =>
  from && to ? Math.round((Date.parse(to) - Date.parse(from)) / 1000) : undefined;

/**
 * Liveness or startup probe failures that make the kubelet restart the container (the restarts look
 * like a crash loop, but the process was killed, exit 137/143, not OOMKilled), and readiness failures
 * that keep a running container out of its Service. When the app's log shows a dependency failing, the
 * probe is only the messenger: the dependency rule explains it and this one stays quiet.
 */
export const probeFailure: Rule = {
  name: 'probe-failure',
  run(ctx) {
    const findings: Finding[] = [];
    for (const pod of ctx.pods) {
      const events = eventsOf(ctx, 'Pod', pod.name);
      const unhealthy = probeEvents(events);
      const kills = events.filter((e) => e.reason === 'Killing' && KILLING.test(e.message));
      if (!unhealthy.length && !kills.length) continue;
      const app = pod.containers.filter((c) => !c.init);
      for (const c of app) {
        if (c.state.reason === 'OOMKilled' || c.lastState?.reason === 'OOMKilled') continue;
        const started =
          c.state.kind === 'running' ||
          c.state.reason === 'CrashLoopBackOff' ||
          c.lastState?.kind === 'terminated';
        if (!started) continue;
        // Unhealthy events do not name the container: they are this one's if it is the only one, or not ready.
        const mine = app.length === 1 || !c.ready ? unhealthy : [];
        const kill = kills.find((e) => KILLING.exec(e.message)?.[1] === c.name);
        const lastExit = c.lastState?.kind === 'terminated' ? c.lastState.exitCode : undefined;
        const killedExit = lastExit === 137 || lastExit === 143;
        const live = mine.filter((u) => u.probe !== 'readiness');
        const ready = mine.filter((u) => u.probe === 'readiness');
        const failures = (list: ProbeEvent[]) => list.reduce((n, u) => n + u.event.count, 0);

        let probe: Probe;
        let confidence: number;
        let killed = false;
        if (kill || (live.length && killedExit && c.restartCount > 0)) {
          probe = (kill ? KILLING.exec(kill.message)![2] : live.at(-1)!.probe) as Probe;
          killed = true;
          confidence = kill ? 93 : 88;
        } else if (ready.length && c.state.kind === 'running' && !c.ready && failures(ready) >= 3) {
          probe = 'readiness';
          confidence = c.restartCount === 0 ? 90 : 80;
        } else if (live.length && c.state.kind === 'running' && failures(live) >= 3) {
          probe = live.at(-1)!.probe;
          confidence = 70;
        } else continue;

        // A probe failing because a downstream is down is the dependency's story (dependency-failure).
        if (containerDependencyErrors(ctx, pod, c)) continue;

        const shown = [...(probe === 'readiness' ? ready : live)]
          .sort((a, b) => a.event.count - b.event.count)
          .at(-1);
        const spec = probeSpec(c.probes[probe]);
        const { cause, status } = shown
          ? probeCause(shown.output, shown.errored)
          : { cause: 'other' as const };
        const evidence: Evidence[] = [];
        if (shown) evidence.push(eventEvidence(ctx, shown.event));
        if (kill) evidence.push(eventEvidence(ctx, kill));
        evidence.push(stateEvidence(pod, c, 'state'));
        if (killed && c.lastState) evidence.push(stateEvidence(pod, c, 'lastState'));
        const specEvidence = probeEvidence(pod, c, probe);
        if (specEvidence) evidence.push(specEvidence);
        if (spec.path) evidence.push(...probePathLines(ctx, pod, c, spec.path));
        let lastError: string | undefined;
        if (killed) {
          // What the app itself said went wrong before it was killed (a stall, a deadlock, an exception).
          const log = logsOf(ctx, pod, c)[0];
          const decisive = log ? matchingLines(log, DECISIVE_ERROR, 2) : [];
          const lines = decisive.length ? decisive : log ? errorLines(log, 2) : [];
          evidence.push(...lines.filter((l) => !evidence.some((e) => e.ref === l.ref)));
          lastError = decisive.at(-1)?.text;
        }
        const ranFor =
          c.lastState?.kind === 'terminated'
            ? seconds(c.lastState.startedAt, c.lastState.finishedAt)
            : undefined;
        findings.push(
          finding(
            'probe-failure',
            'ProbeFailure',
            confidence,
            {
              pod: pod.name,
              container: c.name,
              probe,
              cause,
              status,
              path: spec.path,
              timeout: spec.timeout,
              output: shown?.output.slice(0, 200),
              killed: killed ? 1 : undefined,
              exit: killed ? lastExit : undefined,
              restarts: c.restartCount,
              ranFor: killed ? ranFor : undefined,
              // Killed about as soon as the probe allows, every time: it never got to answer at all.
              slowStart:
                killed &&
                probe === 'liveness' &&
                !c.probes.startup &&
                ranFor !== undefined &&
                spec.earliestKill !== undefined &&
                ranFor <= spec.earliestKill + 30
                  ? 1
                  : undefined,
              lastError,
            },
            evidence,
          ),
        );
      }
    }
    return findings;
  },
};
