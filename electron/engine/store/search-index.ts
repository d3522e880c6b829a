import { type Db, immediate } from './db.ts';

/**
 * The full-text index over incidents (alert, labels, annotations, diagnosis). Kept by the pipeline's
 * thread, not by the intake: indexing costs the webhook a millisecond per payload, while a search that
 * finds a new incident half a second later costs nobody anything.
 */
/** Incidents indexed per write transaction: short, so the intake never waits long for the write lock. */
const BATCH = 25;
/**
 * The index's merging, done here in steps of this many pages (a millisecond or so each) instead of by
 * FTS5 inside whichever write filled a level (automerge is off since migration 7): those merges held
 * the write lock for up to 30 ms, and a webhook payload arriving meanwhile waited for all of it.
 */
const MERGE_PAGES = 16;
/** Merge steps per call at most, each its own transaction (giving way to the intake before each). */
const MERGE_STEPS = 4;

export function createSearchIndex(db: Db) {
  // Ids only grow, so a high-water mark finds the new ones; a row setDiagnosis already indexed is skipped.
  // (A NOT IN over the FTS table's rowids would scan the whole index on every call.)
  const after = db.prepare<[number, number], { id: number }>(
    'SELECT id FROM incidents WHERE id > ? ORDER BY id LIMIT ?',
  );
  const indexed = db
    .prepare<[number], { one: number }>('SELECT 1 AS one FROM incidents_fts WHERE rowid = ?')
    .pluck();
  const remove = db.prepare('DELETE FROM incidents_fts WHERE rowid = ?');
  const insert = db.prepare(`
    INSERT INTO incidents_fts (rowid, alertname, target, labels, annotations, diagnosis)
    SELECT id, alertname, target, labels, annotations, ? FROM incidents WHERE id = ?`);
  const mergeStep = db.prepare(
    `INSERT INTO incidents_fts (incidents_fts, rank) VALUES ('merge', ${MERGE_PAGES})`,
  );
  const totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  let indexedUpTo = 0;
  // Whether the index was written since merging last found nothing to do (so an idle pipeline's passes
  // take no write lock). At start it may hold an earlier run's unmerged segments.
  let unmerged = true;

  const addAll = immediate(db, (ids: number[]) => {
    for (const id of ids) if (!indexed.get(id)) insert.run('', id);
  });
  /** One bounded step of merging; false once there was nothing to merge (FTS5 then changes < 2 rows). */
  const merge = immediate(db, (): boolean => {
    const before = totalChanges.get()!;
    mergeStep.run();
    return totalChanges.get()! - before >= 2;
  });

  return {
    /**
     * Indexes up to one batch of the incidents that arrived since the last call, then merges a few
     * steps' worth; returns how much it did (more than nothing: call again, after letting others write).
     */
    catchUp(limit = BATCH): number {
      const ids = after.all(indexedUpTo, limit).map((r) => r.id);
      if (ids.length) {
        addAll(ids);
        indexedUpTo = ids.at(-1)!;
        unmerged = true;
      }
      let steps = 0;
      while (unmerged && steps < MERGE_STEPS) {
        if (merge()) steps++;
        else unmerged = false;
      }
      return ids.length + steps;
    },
    /** (Re)indexes one incident with its current diagnosis text; call inside the report's transaction. */
    setDiagnosis(id: number, diagnosis: string): void {
      remove.run(id);
      insert.run(diagnosis, id);
      unmerged = true;
    },
  };
}

export type SearchIndex = ReturnType<typeof createSearchIndex>;
