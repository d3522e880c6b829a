import type { Context } from '../../../shared/context.ts';
import type { Finding } from '../../../shared/report.ts';

export type TabId = 'status' | 'events' | 'logs' | 'metrics' | 'workload' | 'node' | 'alert' | 'digest';

/** Where an evidence ref points: the tab, and the element there (its data-ref attribute). */
export interface RefTarget {
  tab: TabId;
  ref: string;
  /** For log refs: which log and line. */
  log?: { key: string; line: number };
}

/** The key of a collected log, as log refs spell it: `<pod>/<container>/<current|previous>`. */
export const logKey = (l: { pod: string; container: string; previous: boolean }) =>
  `${l.pod}/${l.container}/${l.previous ? 'previous' : 'current'}`;

/**
 * Reads a ref of diagnose/evidence.ts (`pod/<p>/container/<c>/lastState`, `event/<i>`,
 * `log/<pod>/<c>/<current|previous>#L<n>`, and the workload/node/pvc/service refs the collector adds).
 */
export function parseRef(ref: string): RefTarget | null {
  const log = /^log\/([^/]+)\/([^/]+)\/(current|previous)#L(\d+)$/.exec(ref);
  if (log) return { tab: 'logs', ref, log: { key: `${log[1]}/${log[2]}/${log[3]}`, line: Number(log[4]) } };
  if (/^event\/\d+$/.test(ref)) return { tab: 'events', ref };
  if (/^pod\//.test(ref)) return { tab: 'status', ref };
  if (/^(workload|rollout|replicaset|deployment|statefulset|daemonset|job|cronjob|service|pvc)\b/.test(ref))
    return { tab: 'workload', ref };
  if (/^node\//.test(ref)) return { tab: 'node', ref };
  return null;
}

/**
 * The LLM cites evidence as plain strings. Find where each one is: a rule finding that quotes it, else
 * the log line or event that contains it. Unfound evidence stays unlinked rather than linked wrongly.
 */
export function locateEvidence(text: string, ctx: Context | null, findings: Finding[]): string | null {
  const needle = text.trim();
  if (needle.length < 4) return null;
  for (const f of findings)
    for (const e of f.evidence) if (e.text === needle || e.text.includes(needle)) return e.ref;
  if (!ctx) return null;
  for (const log of ctx.logs) {
    const lines = log.text.split('\n');
    for (let i = lines.length - 1; i >= 0; i--)
      if (lines[i]!.includes(needle)) return `log/${logKey(log)}#L${i + 1}`;
  }
  const ev = ctx.events.findIndex((e) => e.message.includes(needle) || needle.includes(e.message));
  return ev === -1 ? null : `event/${ev}`;
}
