import type { Severity } from '../../../shared/alert.ts';
import type { ApiInput } from '../../../shared/api.ts';
import type { IncidentSummary } from '../../../shared/incident.ts';
import { workloadOf } from '../../../shared/workload.ts';

/**
 * What the list shows; mirrors listIncidents' input and lives in the URL fragment (shareable, reloadable).
 * `view` is not a filter: the incidents one by one, or grouped by alert and workload.
 */
export interface ListFilters {
  q: string;
  status: '' | 'firing' | 'resolved';
  acked: '' | 'true' | 'false';
  severity: '' | Severity;
  namespace: string;
  cluster: string;
  alertname: string;
  workload: string;
  view: '' | 'groups';
}

export const NO_FILTERS: ListFilters = {
  q: '',
  status: '',
  acked: '',
  severity: '',
  namespace: '',
  cluster: '',
  alertname: '',
  workload: '',
  view: '',
};

/** No filter at all, in the same view. */
export const cleared = (f: ListFilters): ListFilters => ({ ...NO_FILTERS, view: f.view });

export function filtersFromParams(p: Record<string, string>): ListFilters {
  const pick = <T extends string>(v: string | undefined, allowed: readonly T[]): T | '' =>
    allowed.includes(v as T) ? (v as T) : '';
  return {
    q: p.q ?? '',
    status: pick(p.status, ['firing', 'resolved'] as const),
    acked: pick(p.acked, ['true', 'false'] as const),
    severity: pick(p.severity, ['critical', 'warning', 'info', 'none'] as const),
    namespace: p.namespace ?? '',
    cluster: p.cluster ?? '',
    alertname: p.alertname ?? '',
    workload: p.workload ?? '',
    view: pick(p.view, ['groups'] as const),
  };
}

export function filtersToParams(f: ListFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== '')) as Record<string, string>;
}

export const isFiltered = ({ view: _view, ...f }: ListFilters) => Object.values(f).some((v) => v !== '');

export function toQuery(f: ListFilters): ApiInput<'listIncidents'> {
  return {
    q: f.q.trim() || undefined,
    status: f.status || undefined,
    acked: f.acked || undefined,
    severity: f.severity || undefined,
    namespace: f.namespace || undefined,
    cluster: f.cluster || undefined,
    alertname: f.alertname || undefined,
    workload: f.workload || undefined,
  };
}

/**
 * Whether an incident belongs in the list, for the filters the client can judge itself. Full-text
 * search it cannot: `undefined` then means "ask the server".
 */
export function matches(s: IncidentSummary, f: ListFilters): boolean | undefined {
  if (f.status && s.status !== f.status) return false;
  if (f.acked && (s.ackedAt !== null) !== (f.acked === 'true')) return false;
  if (f.severity && s.severity !== f.severity) return false;
  if (f.namespace && s.namespace !== f.namespace) return false;
  if (f.cluster && s.cluster !== f.cluster) return false;
  if (f.alertname && s.alertname !== f.alertname) return false;
  if (f.workload && workloadOf(s.target) !== f.workload) return false;
  return f.q.trim() ? undefined : true;
}

/** The list's order (newest first), as the server sorts: received_at DESC, id DESC. */
export function before(a: IncidentSummary, b: IncidentSummary): boolean {
  return a.receivedAt === b.receivedAt ? a.id > b.id : a.receivedAt > b.receivedAt;
}

/**
 * Applies live updates to a loaded, ordered list. An incident moves in, is replaced, or drops out as the
 * filters say; one that sorts past the loaded pages is left for paging to bring in.
 */
export function applyUpdates(
  items: IncidentSummary[],
  updates: IncidentSummary[],
  f: ListFilters,
  complete: boolean,
): { items: IncidentSummary[]; added: number; removed: number; unknown: IncidentSummary[] } {
  let next = items;
  let added = 0;
  let removed = 0;
  const unknown: IncidentSummary[] = [];
  for (const s of updates) {
    const at = next.findIndex((i) => i.id === s.id);
    const fits = matches(s, f);
    if (at !== -1) {
      next = next.slice();
      if (fits === false) {
        next.splice(at, 1);
        removed++;
      } else next[at] = s;
      continue;
    }
    if (fits === undefined) {
      unknown.push(s);
      continue;
    }
    if (!fits) continue;
    const pos = next.findIndex((i) => before(s, i));
    if (pos === -1 && !complete) continue;
    next = next.slice();
    next.splice(pos === -1 ? next.length : pos, 0, s);
    added++;
  }
  return { items: next, added, removed, unknown };
}
