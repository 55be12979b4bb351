/**
 * Versioned schema migrations for the SQL stores. Each store runs the pending ones on open (unless
 * opened with `migrate: 'off'`; `paystate migrate` runs them explicitly), each in its own
 * transaction, and records them in `paystate_migrations`, a name no application table is likely to
 * have. Never edit a released migration: add a new one.
 */

import { REJECTION_ROW_OVERHEAD } from './shared/rejectionLogLimits';

/** The table that records the migrations run (in the store's schema on PostgreSQL). */
export const MIGRATIONS_TABLE = 'paystate_migrations';

/** When a store runs its pending migrations: on open ('auto', the default), or never ('off': opening a store that is behind fails). */
export type MigrateMode = 'auto' | 'off';

/** Why a store whose schema is behind is not opened with `migrate: 'off'`. */
export const behindMessage = (applied: ReadonlySet<number>, upTo: number): string | undefined => {
  const pending = pendingMigrations(applied, upTo);
  if (pending.length === 0) return undefined;
  const at = applied.size === 0 ? 'has no paystate tables' : `is at migration ${Math.max(...applied)}`;
  return (
    `the store ${at} and this release needs migration ${upTo} (${pending.length} pending); ` +
    "run `paystate migrate --store URL` first, or open it with migrate: 'auto'"
  );
};

// Advisory lock namespace of PostgreSQL appends ('pays'); the second key is hashtext(schema), so
// stores in different schemas do not contend.
export const POSTGRES_APPEND_LOCK = 1885436275;

/**
 * The PostgreSQL function that appends a batch planned on its expected versions (migration 4),
 * the rows' data as one JSON array. Migration 3's function (`append_expected`, the data as a
 * json[] literal, which the driver escapes character by character) stays for the release that
 * calls it.
 */
export const POSTGRES_APPEND_FUNCTION = 'append_planned';
export const POSTGRES_APPEND_FUNCTION_MIGRATION = 4;

/** The migration that bounds the rejection log; a store on an older schema keeps every rejection whole. */
export const REJECTION_LOG_MIGRATION = 5;

/** The migration that adds subscription leases (segments, fencing tokens) and effect claims. */
export const SUBSCRIPTION_LEASES_MIGRATION = 6;
/** The migration that keeps reconciliation claims, attempts and backoff in the store; on an older schema a reconciler keeps them in memory. */
export const RECONCILE_CLAIMS_MIGRATION = 7;

export interface Migration {
  readonly version: number;
  readonly description: string;
  /** SQLite statements (empty when the migration concerns PostgreSQL only). */
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
  {
    version: 3,
    description: 'PostgreSQL: append a batch planned on its expected versions in one call',
    sqlite: '',
    // One statement, so one round trip and one implicit transaction that commits before the
    // answer. The lock is the one every append takes; the checks after it run on fresh snapshots
    // (a VOLATILE function in READ COMMITTED takes one per statement), so they see everything the
    // lock's previous holder committed. NULL means nothing was written: the caller's plan does not
    // fit the store (a stream moved, a key is stored) or the isolation level is not the one the
    // checks rely on, and the caller appends the way that reads the state first.
    //
    // s is a quoted plain identifier ("name"), so s.slice(1, -1) is the schema's name.
    postgres: (s) => `
      CREATE FUNCTION ${s}.append_expected(
        p_streams text[], p_versions integer[], p_key_streams text[], p_keys text[],
        r_streams text[], r_versions integer[], r_types text[], r_data json[], r_keys text[], r_recorded timestamptz[]
      ) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        last_position bigint;
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(${POSTGRES_APPEND_LOCK}, hashtext('${s.slice(1, -1)}'));
        IF EXISTS (
             SELECT 1 FROM unnest(p_streams, p_versions) AS u(stream_id, version)
             WHERE coalesce((SELECT max(e.version) FROM ${s}.events e WHERE e.stream_id = u.stream_id), 0) <> u.version)
           OR EXISTS (
             SELECT 1 FROM ${s}.events e
             WHERE e.idempotency_key IS NOT NULL
               AND (e.stream_id, e.idempotency_key) IN (SELECT * FROM unnest(p_key_streams, p_keys))) THEN
          RETURN NULL;
        END IF;
        SELECT coalesce(max(position), 0) INTO last_position FROM ${s}.events;
        INSERT INTO ${s}.events (position, stream_id, version, type, data, idempotency_key, recorded_at)
        SELECT last_position + r.n, r.stream_id, r.version, r.type, r.data, r.idempotency_key, r.recorded_at
        FROM unnest(r_streams, r_versions, r_types, r_data, r_keys, r_recorded)
          WITH ORDINALITY AS r(stream_id, version, type, data, idempotency_key, recorded_at, n);
        RETURN last_position;
      END
      $fn$;
    `,
  },
  {
    version: POSTGRES_APPEND_FUNCTION_MIGRATION,
    description: 'PostgreSQL: append a planned batch in one call, its data as one JSON array',
    sqlite: '',
    // One statement, so one round trip and one implicit transaction that commits before the
    // answer. The lock is the one every append takes; the checks after it run on fresh snapshots
    // (a VOLATILE function in READ COMMITTED takes one per statement), so they see everything the
    // lock's previous holder committed. NULL means nothing was written: the caller's plan does not
    // fit the store (a stream moved, a key is stored) or the isolation level is not the one the
    // checks rely on, and the caller appends the way that reads the state first.
    //
    // r_data is one JSON array, element i the data of row i: json_array_elements gives each
    // element's text exactly as sent, so the stored text is still what was appended.
    //
    // s is a quoted plain identifier ("name"), so s.slice(1, -1) is the schema's name.
    postgres: (s) => `
      CREATE FUNCTION ${s}.${POSTGRES_APPEND_FUNCTION}(
        p_streams text[], p_versions integer[], p_key_streams text[], p_keys text[],
        r_streams text[], r_versions integer[], r_types text[], r_data json, r_keys text[], r_recorded timestamptz[]
      ) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        last_position bigint;
      BEGIN
        IF r_data IS NULL OR json_array_length(r_data) IS DISTINCT FROM cardinality(r_streams) THEN
          RAISE EXCEPTION 'append_planned: % rows but % data', cardinality(r_streams), json_array_length(r_data);
        END IF;
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(${POSTGRES_APPEND_LOCK}, hashtext('${s.slice(1, -1)}'));
        IF EXISTS (
             SELECT 1 FROM unnest(p_streams, p_versions) AS u(stream_id, version)
             WHERE coalesce((SELECT max(e.version) FROM ${s}.events e WHERE e.stream_id = u.stream_id), 0) <> u.version)
           OR EXISTS (
             SELECT 1 FROM ${s}.events e
             WHERE e.idempotency_key IS NOT NULL
               AND (e.stream_id, e.idempotency_key) IN (SELECT * FROM unnest(p_key_streams, p_keys))) THEN
          RETURN NULL;
        END IF;
        SELECT coalesce(max(position), 0) INTO last_position FROM ${s}.events;
        INSERT INTO ${s}.events (position, stream_id, version, type, data, idempotency_key, recorded_at)
        SELECT last_position + r.n, r.stream_id, r.version, r.type, d.data, r.idempotency_key, r.recorded_at
        FROM unnest(r_streams, r_versions, r_types, r_keys, r_recorded)
          WITH ORDINALITY AS r(stream_id, version, type, idempotency_key, recorded_at, n)
        JOIN json_array_elements(r_data) WITH ORDINALITY AS d(data, n) USING (n);
        RETURN last_position;
      END
      $fn$;
    `,
  },
  {
    version: REJECTION_LOG_MIGRATION,
    description: 'bounded rejection log: body digest and size, row size and time stored, drop counters',
    // Rows already stored count from now (stored_ms is the migration's time). unfiled_bytes is
    // kept by triggers, in the statement that inserts or deletes a row, so it never drifts.
    sqlite: `
      ALTER TABLE rejections ADD COLUMN body_sha256 TEXT;
      ALTER TABLE rejections ADD COLUMN body_bytes INTEGER;
      ALTER TABLE rejections ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rejections ADD COLUMN stored_ms INTEGER NOT NULL DEFAULT 0;
      UPDATE rejections SET
        stored_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000,
        size = length(CAST(raw_body AS BLOB)) + length(CAST(reason AS BLOB)) + length(CAST(kind AS BLOB))
          + length(CAST(received_at AS BLOB)) + coalesce(length(CAST(order_id AS BLOB)), 0) + ${REJECTION_ROW_OVERHEAD};
      CREATE INDEX rejections_unfiled ON rejections (id, size) WHERE order_id IS NULL;
      CREATE INDEX rejections_unfiled_age ON rejections (stored_ms) WHERE order_id IS NULL;
      CREATE TABLE rejection_log (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        unfiled_bytes INTEGER NOT NULL,
        dropped_rows INTEGER NOT NULL,
        dropped_bytes INTEGER NOT NULL
      ) STRICT;
      INSERT INTO rejection_log VALUES (1, (SELECT coalesce(sum(size), 0) FROM rejections WHERE order_id IS NULL), 0, 0);
      CREATE TRIGGER rejections_unfiled_insert AFTER INSERT ON rejections WHEN NEW.order_id IS NULL BEGIN
        UPDATE rejection_log SET unfiled_bytes = unfiled_bytes + NEW.size;
      END;
      CREATE TRIGGER rejections_unfiled_delete AFTER DELETE ON rejections WHEN OLD.order_id IS NULL BEGIN
        UPDATE rejection_log SET unfiled_bytes = unfiled_bytes - OLD.size,
          dropped_rows = dropped_rows + 1, dropped_bytes = dropped_bytes + OLD.size;
      END;
    `,
    postgres: (s) => `
      ALTER TABLE ${s}.rejections ADD COLUMN body_sha256 text;
      ALTER TABLE ${s}.rejections ADD COLUMN body_bytes bigint;
      ALTER TABLE ${s}.rejections ADD COLUMN size bigint NOT NULL DEFAULT 0;
      ALTER TABLE ${s}.rejections ADD COLUMN stored_ms bigint NOT NULL DEFAULT 0;
      UPDATE ${s}.rejections SET
        stored_ms = (extract(epoch FROM now()) * 1000)::bigint,
        size = octet_length(raw_body) + octet_length(reason) + octet_length(kind) + octet_length(received_at)
          + coalesce(octet_length(order_id), 0) + ${REJECTION_ROW_OVERHEAD};
      CREATE INDEX rejections_unfiled ON ${s}.rejections (id, size) WHERE order_id IS NULL;
      CREATE INDEX rejections_unfiled_age ON ${s}.rejections (stored_ms) WHERE order_id IS NULL;
      CREATE TABLE ${s}.rejection_log (
        id integer PRIMARY KEY CHECK (id = 1),
        unfiled_bytes bigint NOT NULL,
        dropped_rows bigint NOT NULL,
        dropped_bytes bigint NOT NULL
      );
      INSERT INTO ${s}.rejection_log VALUES (1, (SELECT coalesce(sum(size), 0) FROM ${s}.rejections WHERE order_id IS NULL), 0, 0);
      CREATE FUNCTION ${s}.rejections_unfiled_count() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          UPDATE ${s}.rejection_log SET unfiled_bytes = unfiled_bytes + NEW.size;
          RETURN NEW;
        END IF;
        UPDATE ${s}.rejection_log SET unfiled_bytes = unfiled_bytes - OLD.size,
          dropped_rows = dropped_rows + 1, dropped_bytes = dropped_bytes + OLD.size;
        RETURN OLD;
      END
      $fn$;
      CREATE TRIGGER rejections_unfiled_insert AFTER INSERT ON ${s}.rejections
        FOR EACH ROW WHEN (NEW.order_id IS NULL) EXECUTE FUNCTION ${s}.rejections_unfiled_count();
      CREATE TRIGGER rejections_unfiled_delete AFTER DELETE ON ${s}.rejections
        FOR EACH ROW WHEN (OLD.order_id IS NULL) EXECUTE FUNCTION ${s}.rejections_unfiled_count();
    `,
  },
  {
    version: SUBSCRIPTION_LEASES_MIGRATION,
    description: 'subscriptions across processes: segment leases with fencing tokens, effect claims',
    // One row per (subscriber, segment): who holds it until when (expires_ms, by the store's clock),
    // its fencing token and its checkpoint. subscription_members: the live processes of a subscriber,
    // among which its segments are shared out. subscription_effects: effects claimed by key. The checkpoints rows stay and read the same: a segment
    // stored for the first time starts from its subscriber's checkpoint.
    sqlite: `
      CREATE TABLE subscription_leases (
        subscriber_id TEXT NOT NULL,
        segment INTEGER NOT NULL CHECK (segment >= 0),
        segments INTEGER NOT NULL CHECK (segments >= 1),
        owner TEXT,
        token INTEGER NOT NULL,
        position INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        PRIMARY KEY (subscriber_id, segment)
      ) STRICT;
      CREATE TABLE subscription_effects (
        subscriber_id TEXT NOT NULL,
        key TEXT NOT NULL,
        done INTEGER NOT NULL CHECK (done IN (0, 1)),
        claimed_at TEXT NOT NULL,
        PRIMARY KEY (subscriber_id, key)
      ) STRICT;
      CREATE INDEX subscription_effects_unfinished ON subscription_effects (subscriber_id, claimed_at) WHERE done = 0;
      CREATE TABLE subscription_members (
        subscriber_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        expires_ms INTEGER NOT NULL,
        PRIMARY KEY (subscriber_id, owner)
      ) STRICT;
    `,
    postgres: (s) => `
      CREATE TABLE ${s}.subscription_leases (
        subscriber_id text NOT NULL,
        segment integer NOT NULL CHECK (segment >= 0),
        segments integer NOT NULL CHECK (segments >= 1),
        owner text,
        token bigint NOT NULL,
        position bigint NOT NULL,
        expires_ms bigint NOT NULL,
        PRIMARY KEY (subscriber_id, segment)
      );
      CREATE TABLE ${s}.subscription_effects (
        subscriber_id text NOT NULL,
        key text NOT NULL,
        done boolean NOT NULL,
        claimed_at timestamptz NOT NULL,
        PRIMARY KEY (subscriber_id, key)
      );
      CREATE INDEX subscription_effects_unfinished ON ${s}.subscription_effects (subscriber_id, claimed_at) WHERE NOT done;
      CREATE TABLE ${s}.subscription_members (
        subscriber_id text NOT NULL,
        owner text NOT NULL,
        expires_ms bigint NOT NULL,
        PRIMARY KEY (subscriber_id, owner)
      );
    `,
  },
  {
    version: RECONCILE_CLAIMS_MIGRATION,
    description: 'reconciliation claims: per order, the lease of the worker checking it, attempts, next due time',
    // One row per order ever due for reconciliation. Times are ms on the workers' clock; the two
    // indexes serve the query for the orders held back now (leased or backing off).
    sqlite: `
      CREATE TABLE reconcile_claims (
        order_id TEXT PRIMARY KEY,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at_ms INTEGER NOT NULL DEFAULT 0,
        lease_token TEXT,
        lease_until_ms INTEGER NOT NULL DEFAULT 0,
        seen_position INTEGER NOT NULL DEFAULT 0,
        checked_at_ms INTEGER,
        last_error TEXT,
        deadline_noted TEXT
      ) STRICT;
      CREATE INDEX reconcile_claims_next_at ON reconcile_claims (next_at_ms);
      CREATE INDEX reconcile_claims_lease_until ON reconcile_claims (lease_until_ms);
    `,
    postgres: (s) => `
      CREATE TABLE ${s}.reconcile_claims (
        order_id text PRIMARY KEY,
        attempts integer NOT NULL DEFAULT 0,
        next_at_ms bigint NOT NULL DEFAULT 0,
        lease_token text,
        lease_until_ms bigint NOT NULL DEFAULT 0,
        seen_position bigint NOT NULL DEFAULT 0,
        checked_at_ms bigint,
        last_error text,
        deadline_noted text
      );
      CREATE INDEX reconcile_claims_next_at ON ${s}.reconcile_claims (next_at_ms);
      CREATE INDEX reconcile_claims_lease_until ON ${s}.reconcile_claims (lease_until_ms);
    `,
  },
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** The migrations still to run, in order, up to a version (default: all). */
export const pendingMigrations = (applied: ReadonlySet<number>, upTo: number = LATEST_SCHEMA_VERSION): readonly Migration[] =>
  [...MIGRATIONS].sort((a, b) => a.version - b.version).filter((m) => m.version <= upTo && !applied.has(m.version));
