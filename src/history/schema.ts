// The history database's file and schema: WAL journal with synchronous=NORMAL (a monitor killed with -9
// loses at most its last transaction and never corrupts the file), versioned with user_version.
import { closeSync, constants, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { InputError } from "../errors.js";

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS incidents (
  id INTEGER PRIMARY KEY,
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  title TEXT NOT NULL,
  cause TEXT,
  nodes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY,
  incident_id INTEGER NOT NULL,
  code TEXT NOT NULL,
  severity TEXT NOT NULL,
  nodes TEXT NOT NULL,
  summary TEXT NOT NULL,
  cause TEXT,
  evidence TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX IF NOT EXISTS alerts_incident ON alerts (incident_id);
CREATE TABLE IF NOT EXISTS steps (
  incident_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  nodes TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS steps_incident ON steps (incident_id, at);
CREATE TABLE IF NOT EXISTS node_signals (
  at INTEGER NOT NULL,
  node TEXT NOT NULL,
  answering INTEGER NOT NULL,
  cluster_state TEXT,
  slots_pfail INTEGER,
  slots_fail INTEGER,
  known_nodes INTEGER,
  connected_clients INTEGER,
  sent_per_second REAL,
  received_per_second REAL
);
CREATE INDEX IF NOT EXISTS node_signals_at ON node_signals (at);
CREATE TABLE IF NOT EXISTS link_signals (
  at INTEGER NOT NULL,
  observer TEXT NOT NULL,
  peer TEXT NOT NULL,
  ping_pending_ms INTEGER,
  pong_age_ms INTEGER,
  flag TEXT,
  link_recreations INTEGER NOT NULL,
  failure_reports INTEGER
);
CREATE INDEX IF NOT EXISTS link_signals_at ON link_signals (at);
`;

function openFile(path: string, create: boolean): Database.Database {
  try {
    if (create) {
      // The history holds the cluster's topology and incidents: only its owner reads it. SQLite makes
      // its -wal and -shm files with the database file's mode.
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o600));
    }
    return new Database(path, { fileMustExist: !create });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!create && code === "SQLITE_CANTOPEN") throw new InputError(`no history database at ${path}: \`busdoctor watch\` writes one (see --history)`);
    throw new InputError(`history database ${path}: cannot open it (${error instanceof Error ? error.message : String(error)})`);
  }
}

export function openHistoryDatabase(path: string, create: boolean): Database.Database {
  const db = openFile(path, create);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 2000");
    const version = Number(db.pragma("user_version", { simple: true }));
    if (version > SCHEMA_VERSION) throw new InputError(`history database ${path} was written by a newer busdoctor (schema ${version})`);
    if (create) {
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    return db;
  } catch (error) {
    db.close();
    if (error instanceof InputError) throw error;
    throw new InputError(`history database ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
