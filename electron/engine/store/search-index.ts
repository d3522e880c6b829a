import { type Db, immediate } from './db.ts';

/**
 * The full-text index over incidents (alert, labels, annotations, diagnosis). Kept by the pipeline's
 * thread, not by the intake: indexing costs the webhook a millisecond per payload, while a search that
 * finds a new incident half a second later costs nobody anything.
 */
export function createSearchIndex(db: Db) {
  const missing = db.prepare<[number, number], { id: number }>(
    'SELECT id FROM incidents WHERE id > ? AND id NOT IN (SELECT rowid FROM incidents_fts) ORDER BY id LIMIT ?',
  );
  const remove = db.prepare('DELETE FROM incidents_fts WHERE rowid = ?');
  const insert = db.prepare(`
    INSERT INTO incidents_fts (rowid, alertname, target, labels, annotations, diagnosis)
    SELECT id, alertname, target, labels, annotations, ? FROM incidents WHERE id = ?`);
  let indexedUpTo = 0;

  const addAll = immediate(db, (ids: number[]) => {
    for (const id of ids) insert.run('', id);
  });

  return {
    /** Indexes incidents that arrived since the last call; returns how many. */
    catchUp(limit = 5_000): number {
      const ids = missing.all(indexedUpTo, limit).map((r) => r.id);
      if (!ids.length) return 0;
      addAll(ids);
      indexedUpTo = ids.at(-1)!;
      return ids.length;
    },
    /** (Re)indexes one incident with its current diagnosis text; call inside the report's transaction. */
    setDiagnosis(id: number, diagnosis: string): void {
      remove.run(id);
      insert.run(diagnosis, id);
    },
  };
}

export type SearchIndex = ReturnType<typeof createSearchIndex>;
