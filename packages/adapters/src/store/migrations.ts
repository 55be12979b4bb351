/**
 * Versioned schema migrations for the SQL stores. Each store runs the pending ones itself on open,
 * each in its own transaction, and records them in `schema_migrations`. Never edit a released
 * migration: add a new one.
 */

export interface Migration {
  readonly version: number;
  readonly description: string;
  /** SQLite statements. */
  readonly sqlite: string;
  /** PostgreSQL statements for a schema, given as a quoted identifier. */
  readonly postgres: (schema: string) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema: events, aliases, rejections, checkpoints',
    sqlite: `
      CREATE TABLE events (
        position INTEGER PRIMARY KEY,
        stream_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        idempotency_key TEXT,
        recorded_at TEXT NOT NULL,
        UNIQUE (stream_id, version)
      ) STRICT;
      CREATE UNIQUE INDEX events_stream_idempotency_key ON events (stream_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE TABLE aliases (
        alias TEXT PRIMARY KEY,
        stream_id TEXT NOT NULL
      ) STRICT;
      CREATE TABLE rejections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        order_id TEXT,
        reason TEXT NOT NULL,
        raw_body TEXT NOT NULL
      ) STRICT;
      CREATE TABLE checkpoints (
        subscriber_id TEXT PRIMARY KEY,
        position INTEGER NOT NULL
      ) STRICT;
    `,
    // data is json (not jsonb) so the stored text is exactly what was appended; raw_body is bytea
    // because rejected input may contain NUL, which PostgreSQL text cannot hold.
    postgres: (s) => `
      CREATE TABLE ${s}.events (
        position bigint PRIMARY KEY,
        stream_id text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        type text NOT NULL,
        data json NOT NULL,
        idempotency_key text,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT events_stream_version UNIQUE (stream_id, version)
      );
      CREATE UNIQUE INDEX events_stream_idempotency_key ON ${s}.events (stream_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE TABLE ${s}.aliases (
        alias text PRIMARY KEY,
        stream_id text NOT NULL
      );
      CREATE TABLE ${s}.rejections (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at text NOT NULL,
        kind text NOT NULL,
        order_id text,
        reason text NOT NULL,
        raw_body bytea NOT NULL
      );
      CREATE TABLE ${s}.checkpoints (
        subscriber_id text PRIMARY KEY,
        position bigint NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'index rejections by order_id',
    sqlite: `CREATE INDEX rejections_order_id ON rejections (order_id, id);`,
    postgres: (s) => `CREATE INDEX rejections_order_id ON ${s}.rejections (order_id, id);`,
  },
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** The migrations still to run, in order, up to a version (default: all). */
export const pendingMigrations = (applied: ReadonlySet<number>, upTo: number = LATEST_SCHEMA_VERSION): readonly Migration[] =>
  [...MIGRATIONS].sort((a, b) => a.version - b.version).filter((m) => m.version <= upTo && !applied.has(m.version));
