-- The inbox queue (GET /v1/inbox/conversations): the latest escalation per conversation of a
-- site is found from this index without touching the stored payloads, and the retention sweep
-- of old inbox items and transition-log rows uses an index instead of a table scan.
CREATE INDEX IF NOT EXISTS inbox_items_site_conversation ON inbox_items (site, conversation_id, received_at);
CREATE INDEX IF NOT EXISTS inbox_items_received ON inbox_items (received_at);
CREATE INDEX IF NOT EXISTS conversation_events_at ON conversation_events (at);
