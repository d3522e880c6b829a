/**
 * The UI's addresses, as URL fragments: `#/incidents/42`, `#/settings`, `#/` (the list, with optional
 * filters). Kept in shared/ because Electron main routes a notification click with the same format.
 */
export type Route =
  | { page: 'list'; filters: Record<string, string> }
  | { page: 'incident'; id: number; tab?: string; ref?: string }
  | { page: 'settings' }
  | { page: 'stats' }
  | { page: 'audit'; incidentId?: number };

export function incidentHash(id: number, ref?: string): string {
  return `#/incidents/${id}${ref ? `?ref=${encodeURIComponent(ref)}` : ''}`;
}

export function listHash(filters: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(
    Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1])),
  ).toString();
  return q ? `#/?${q}` : '#/';
}

export const SETTINGS_HASH = '#/settings';
export const STATS_HASH = '#/stats';

/** The remediation audit log, all of it or one incident's. */
export function auditHash(incidentId?: number): string {
  return incidentId ? `#/audit?incident=${incidentId}` : '#/audit';
}

export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const params = new URLSearchParams(query);
  const m = /^\/incidents\/(\d{1,15})$/.exec(path);
  if (m) {
    const ref = params.get('ref') ?? undefined;
    return { page: 'incident', id: Number(m[1]), ...(ref ? { ref } : {}) };
  }
  if (path === '/settings') return { page: 'settings' };
  if (path === '/stats') return { page: 'stats' };
  if (path === '/audit') {
    const incident = Number(params.get('incident'));
    return {
      page: 'audit',
      ...(Number.isSafeInteger(incident) && incident > 0 ? { incidentId: incident } : {}),
    };
  }
  return { page: 'list', filters: Object.fromEntries(params) };
}
