// The SQLite event store's schema: its migrations (run by the store's own connection when it
// opens a file for writing) and the check a read-only connection makes instead.

import type Database from 'libsql';

/** Each entry upgrades the schema by one version; never edit one that has shipped. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     position INTEGER PRIMARY KEY AUTOINCREMENT,
     event_id TEXT NOT NULL UNIQUE,
     stream_id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     type TEXT NOT NULL,
     schema_version INTEGER NOT NULL,
     data TEXT NOT NULL,
     metadata TEXT NOT NULL,
     recorded_at TEXT NOT NULL,
     UNIQUE (stream_id, revision)
   );
   CREATE TABLE streams (
     stream_id TEXT PRIMARY KEY,
     revision INTEGER NOT NULL
   ) WITHOUT ROWID;`,
];

export function migrate(db: Database.Database): void {
  // Our own version table, not PRAGMA user_version: the read models share this file.
  db.exec('CREATE TABLE IF NOT EXISTS event_store_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  db.exec('BEGIN IMMEDIATE');
  try {
    const rows = db.prepare('SELECT coalesce(max(version), 0) AS version FROM event_store_migrations').all() as { version: number }[];
    const current = rows[0].version;
    if (current > MIGRATIONS.length) {
      throw new Error(`schema version ${current} is newer than this code knows (${MIGRATIONS.length})`);
    }
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version - 1]);
      db.prepare('INSERT INTO event_store_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** A read-only connection's check that the writer has brought the schema up to date (a plain read: no lock). */
export function assertMigrated(db: Database.Database): void {
  const rows = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event_store_migrations'").all();
  const version = rows.length === 0 ? 0 : (db.prepare('SELECT coalesce(max(version), 0) AS version FROM event_store_migrations').all() as { version: number }[])[0].version;
  if (version !== MIGRATIONS.length) throw new Error(`schema version ${version}, not ${MIGRATIONS.length}: open it read-write once first`);
}
