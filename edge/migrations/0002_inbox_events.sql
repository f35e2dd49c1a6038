-- The inbox's own transition log, for the KPIs (time to resolution, re-opened episodes) and the
-- specialist handoffs. Append-only; no message text. Rows of erased conversations are ignored
-- by the KPI queries (they join on conversations). Keep `BEGIN`/`END;` of a trigger on their own
-- lines: the worker's lazy schema apply (kpi.rs) splits statements on them.
CREATE TABLE IF NOT EXISTS conversation_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  site TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  agent TEXT,
  note TEXT
);
CREATE INDEX IF NOT EXISTS conversation_events_conversation ON conversation_events (conversation_id, id);

-- Every resolution, whichever route made it (inbox API, tools, SQL console): logged by the store
-- itself so the KPIs never depend on a handler remembering to.
CREATE TRIGGER IF NOT EXISTS conversation_resolved AFTER UPDATE OF status ON conversations
WHEN NEW.status = 'resolved' AND OLD.status <> 'resolved'
BEGIN
  INSERT INTO conversation_events (conversation_id, site, kind, at, agent) VALUES (NEW.id, NEW.site, 'resolved', NEW.updated_at, NEW.agent);
END;

CREATE INDEX IF NOT EXISTS conversations_site_created ON conversations (site, created_at);
CREATE INDEX IF NOT EXISTS feedback_conversation ON feedback (conversation_id, id);
