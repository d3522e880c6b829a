/**
 * The UI's addresses, as URL fragments: `#/incidents/42`, `#/settings`, `#/` (the list, with optional
 * filters). Kept in shared/ because Electron main routes a notification click with the same format.
 */
export type Route =
  | { page: 'list'; filters: Record<string, string> }
  | { page: 'incident'; id: number; tab?: string; ref?: string }
  | { page: 'settings' };

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

export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const params = new URLSearchParams(query);
  const m = /^\/incidents\/(\d{1,15})$/.exec(path);
  if (m) {
    const ref = params.get('ref') ?? undefined;
    return { page: 'incident', id: Number(m[1]), ...(ref ? { ref } : {}) };
  }
  if (path === '/settings') return { page: 'settings' };
  return { page: 'list', filters: Object.fromEntries(params) };
}
