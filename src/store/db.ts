/**
 * Opens the SQLite database with settings that make a committed hit survive a process kill or a
 * power cut, and let a CLI read while the daemon writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
}

/** Opens (creating the folder and file if needed) and migrates. Throws with code DB_OPEN on failure. */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  let db: Db;
  try {
    if (!opts.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw Object.assign(new Error(`cannot open database ${file}: ${(err as Error).message}`, { cause: err }), { code: 'DB_OPEN' });
  }
  // Readers (CLI) wait for the writer instead of failing with SQLITE_BUSY.
  db.pragma('busy_timeout = 10000');
  if (!opts.readonly) {
    // WAL: readers never block the writer and vice versa.
    db.pragma('journal_mode = WAL');
    // FULL: each commit is fsynced, so a committed hit survives a power cut, not only a kill.
    // Commits are batched per processing slice, so this costs little.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  }
  return db;
}
