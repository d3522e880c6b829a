import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export interface OpenOptions {
  /** Path of a better_sqlite3.node built for another runtime (Electron's ABI). */
  nativeBinding?: string;
  /**
   * Whether this connection copies the WAL back into the database when it grows. Only the pipeline's
   * connection does: a checkpoint inside the intake's commit would stall the webhook for milliseconds.
   */
  checkpoints?: boolean;
}

/**
 * Opens (creating if needed) the store. WAL lets the UI read while intake writes. Commits are not
 * fsynced by default (synchronous=NORMAL: safe against crashes, not power loss); intake wraps its
 * transaction in `durable()` because a webhook 200 promises the alert is on disk, power loss included.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // No SQLite busy handler: it sleeps in steps of 1, 2, 5, 10… ms, which alone would break the webhook's
  // latency budget. Writers retry in write() with 0.2 ms waits instead.
  db.pragma('busy_timeout = 0');
  db.pragma('cache_size = -16384');
  // No memory-mapped reads: a storm's history is hundreds of MB, and mapped pages count in the app's RSS;
  // reads through the OS page cache cost a copy and leave the memory to the OS.
  db.pragma('mmap_size = 0');
  if (opts.checkpoints === false) db.pragma('wal_autocheckpoint = 0');
  migrate(db);
  return db;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** SQLITE_FULL (or the OS saying no space): nothing can be written until the disk has room again. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return (
    code === 'SQLITE_FULL' ||
    code === 'SQLITE_IOERR_WRITE' ||
    code === 'ENOSPC' ||
    /database or disk is full/i.test(String((err as Error).message))
  );
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

let beforeWrite: (() => void) | null = null;

/**
 * Makes every write of this thread first wait for `wait` (the pipeline worker gives way to webhook
 * payloads being stored: store/intake-gate.ts). Per thread: each worker has its own module instance.
 */
export function giveWayTo(wait: () => void): void {
  beforeWrite = wait;
}

/**
 * Runs a write (one statement or an immediate transaction), waiting for the other connection's write
 * lock in 0.2 ms steps. Safe to repeat: SQLite reports BUSY before the write has changed anything.
 */
export function write<T>(fn: () => T, timeoutMs = 10_000): T {
  beforeWrite?.();
  const until = Date.now() + timeoutMs;
  const started = performance.now();
  for (;;) {
    const attempt = performance.now();
    try {
      const result = fn();
      lockWaitMs = attempt - started;
      return result;
    } catch (err) {
      if (!isBusy(err) || Date.now() > until) throw err;
      Atomics.wait(pause, 0, 0, 0.2);
    }
  }
}

let lockWaitMs = 0;

/**
 * How long this thread's last successful write() waited for the other connection's write lock, in ms
 * (the webhook's Server-Timing reports it for its commit).
 */
export function lastLockWaitMs(): number {
  return lockWaitMs;
}

/**
 * A write transaction that takes the write lock at BEGIN. Two connections write (intake on the main
 * thread, the pipeline in its worker); a deferred transaction that reads first and then writes can get
 * SQLITE_BUSY without waiting, an immediate one waits its turn.
 */
export function immediate<A extends unknown[], R>(db: Db, fn: (...args: A) => R): (...args: A) => R {
  const tx = db.transaction(fn);
  return (...args: A) => write(() => tx.immediate(...args));
}

/**
 * Prepares each distinct SQL text once per connection. For store methods called per incident or per
 * poll: preparing costs more than running a small query.
 */
export function statementCache(db: Db) {
  const cache = new Map<string, Database.Statement>();
  return <P extends unknown[] | object = unknown[], R = unknown>(sql: string): Database.Statement<P, R> => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt as unknown as Database.Statement<P, R>;
  };
}

/** Runs `fn` (a transaction) with an fsync at commit. Safe: each connection is used by one thread. */
export function durable<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = FULL');
  try {
    return fn();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the database was written by a newer Oncall Scout (schema ${current}, this build knows ${MIGRATIONS.length}): upgrade the app or use another --data-dir`,
    );
  }
  if (current === MIGRATIONS.length) return;
  // Off while migrating (it cannot change inside a transaction): a migration that rebuilds a table drops
  // the old one, and with foreign keys on that would delete every row that refers to it.
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  const dangling = () => (db.pragma('foreign_key_check') as unknown[]).length;
  const before = current > 0 ? dangling() : 0;
  try {
    for (let v = current; v < MIGRATIONS.length; v++) {
      immediate(db, () => {
        if ((db.pragma('user_version', { simple: true }) as number) > v) return; // another connection did it
        db.exec(MIGRATIONS[v]!);
        // Rolled back (nothing changed) if the migration broke references that held before it.
        if (dangling() > before) throw new Error(`migration ${v + 1} would leave rows referring to nothing`);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
  } finally {
    if (enforced) db.pragma('foreign_keys = ON');
  }
}
