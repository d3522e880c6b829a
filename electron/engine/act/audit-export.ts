import type { AuditEntry } from '../../../shared/action.ts';

const COLUMNS: Array<[string, (e: AuditEntry) => unknown]> = [
  ['id', (e) => e.id],
  ['at', (e) => e.at],
  ['incident', (e) => e.incidentId],
  ['action_id', (e) => e.actionId],
  ['event', (e) => e.event],
  ['actor', (e) => e.actor],
  ['ok', (e) => (e.ok === null ? '' : e.ok ? 'yes' : 'no')],
  ['action', (e) => e.action],
  ['message', (e) => e.message],
  ['policy', (e) => e.policy],
];

/**
 * One CSV cell (RFC 4180 quoting). Text from the cluster and the model can start with = + - @, which a
 * spreadsheet would run as a formula: such cells get a leading apostrophe.
 */
function cell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsv(entries: AuditEntry[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const e of entries) lines.push(COLUMNS.map(([, get]) => cell(get(e))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function auditExport(
  entries: AuditEntry[],
  format: 'csv' | 'json',
  at: Date,
  incidentId?: number,
): { filename: string; contentType: string; content: string } {
  const stamp = at.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const base = `oncall-scout-audit${incidentId ? `-incident-${incidentId}` : ''}-${stamp}`;
  // Oldest first in a file: it reads as a log.
  const ordered = [...entries].sort((a, b) => a.id - b.id);
  return format === 'csv'
    ? { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', content: auditCsv(ordered) }
    : {
        filename: `${base}.json`,
        contentType: 'application/json; charset=utf-8',
        content: `${JSON.stringify({ exportedAt: at.toISOString(), entries: ordered }, null, 2)}\n`,
      };
}
