-- Tandem edge schema (D1 / SQLite). Every statement is idempotent (IF NOT EXISTS) so the worker
-- can also apply it lazily on first use; keep one statement per `;`.

-- One row per conversation. `rev` is an optimistic-concurrency token: every write batch is
-- guarded by `WHERE rev = ?old` and sets a fresh random rev, so concurrent writers never
-- interleave (the loser re-reads and retries).
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  lang TEXT NOT NULL DEFAULT 'unknown',
  status TEXT NOT NULL DEFAULT 'bot',
  tier TEXT,
  state TEXT NOT NULL DEFAULT '{}',
  next_seq INTEGER NOT NULL DEFAULT 1,
  urgency REAL NOT NULL DEFAULT 0,
  agent TEXT,
  intents TEXT NOT NULL DEFAULT '[]',
  reasons TEXT NOT NULL DEFAULT '[]',
  event_id TEXT,
  rev TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  escalated_at INTEGER
);
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated_at);

-- The transcript. (conversation_id, client_id) is unique: retries are de-duplicated.
CREATE TABLE IF NOT EXISTS messages (
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  author TEXT NOT NULL,
  author_name TEXT,
  text TEXT NOT NULL,
  at INTEGER NOT NULL,
  article_id TEXT,
  valence REAL,
  frustration REAL,
  decision TEXT,
  PRIMARY KEY (conversation_id, seq),
  UNIQUE (conversation_id, client_id)
);

-- The decision log: one row per customer message (and per explicit handoff). Text is redacted.
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  site TEXT NOT NULL,
  seq INTEGER,
  at INTEGER NOT NULL,
  lang TEXT NOT NULL DEFAULT 'unknown',
  text TEXT,
  intents TEXT NOT NULL DEFAULT '[]',
  decision TEXT NOT NULL,
  stub INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS decisions_conversation ON decisions (conversation_id, id);
CREATE INDEX IF NOT EXISTS decisions_at ON decisions (at);

-- Escalation events, stored before any delivery is attempted (the outbox's source of truth).
CREATE TABLE IF NOT EXISTS escalations (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  site TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS escalations_conversation ON escalations (conversation_id);

-- The built-in inbox: one row per event id (INSERT OR IGNORE makes receipt idempotent, C08).
CREATE TABLE IF NOT EXISTS inbox_items (
  event_id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  site TEXT NOT NULL,
  tier TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_items_conversation ON inbox_items (conversation_id);

-- The webhook outbox: one row per (event, webhook url); retried with exponential backoff.
CREATE TABLE IF NOT EXISTS deliveries (
  event_id TEXT NOT NULL,
  url TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  delivered_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, url)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_at);

-- Deliveries that used up every attempt, for an operator to inspect and replay.
CREATE TABLE IF NOT EXISTS dead_letters (
  event_id TEXT NOT NULL,
  url TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (event_id, url)
);

-- Fixed-window rate-limit counters.
CREATE TABLE IF NOT EXISTS rate_counters (
  key TEXT NOT NULL,
  window INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (key, window)
);

-- CSAT / NPS answers from the widget.
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  site TEXT NOT NULL,
  at INTEGER NOT NULL,
  csat INTEGER,
  nps INTEGER,
  comment TEXT
);
