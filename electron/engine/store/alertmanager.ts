import type { Alert } from '../../../shared/alert.ts';
import type { SilenceInfo } from '../../../shared/alertmanager.ts';
import { type Db, write } from './db.ts';
import { type IncidentRow, toAlert } from './rows.ts';

interface SilenceRow {
  id: number;
  silence_id: string;
  alertmanager: string;
  source: string | null;
  created_by: string;
  starts_at: string;
  ends_at: string;
  expired_at: string | null;
}

const toInfo = (r: SilenceRow): SilenceInfo & { rowId: number } => ({
  rowId: r.id,
  id: r.silence_id,
  alertmanager: r.alertmanager,
  source: r.source,
  createdBy: r.created_by,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  expiredAt: r.expired_at,
});

/** What the store keeps about Alertmanagers: the silences made by acknowledging, and which pull source lists which incident. */
export function createAlertmanagerStore(db: Db) {
  const insert = db.prepare(`INSERT INTO silences (incident_id, silence_id, alertmanager, source, created_by,
    starts_at, ends_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const latest = db.prepare<[number], SilenceRow>(
    'SELECT * FROM silences WHERE incident_id = ? ORDER BY id DESC LIMIT 1',
  );
  const expire = db.prepare('UPDATE silences SET expired_at = ? WHERE id = ? AND expired_at IS NULL');
  const reported = db.prepare<[string], IncidentRow>(
    `SELECT i.* FROM source_alerts s JOIN incidents i ON i.id = s.incident_id
     WHERE s.source = ? AND i.resolved_at IS NULL`,
  );
  const listedBy = db.prepare<[number], { source: string }>(
    'SELECT source FROM source_alerts WHERE incident_id = ? ORDER BY seen_at DESC',
  );
  return {
    add(incidentId: number, s: Omit<SilenceInfo, 'expiredAt'>, at: string): void {
      write(() =>
        insert.run(incidentId, s.id, s.alertmanager, s.source, s.createdBy, s.startsAt, s.endsAt, at),
      );
    },
    latest(incidentId: number): (SilenceInfo & { rowId: number }) | null {
      const r = latest.get(incidentId);
      return r ? toInfo(r) : null;
    },
    expired(rowId: number, at: string): void {
      write(() => expire.run(at, rowId));
    },
    /** Firing incidents a pull source had reported (see store/ingest.ts). */
    reported(source: string): Alert[] {
      return reported.all(source).map(toAlert);
    },
    /** The pull sources (`pull:<name>`) that listed the incident, most recent first. */
    listedBy(incidentId: number): string[] {
      return listedBy.all(incidentId).map((r) => r.source);
    },
  };
}

export type AlertmanagerStore = ReturnType<typeof createAlertmanagerStore>;
