//! The conversation rows this isolate wrote last, so the next message of the same conversation
//! skips its read round trip (one D1 round trip per message instead of two).
//!
//! Why this is safe: every write to `conversations` sets a new `rev`, and a message's write
//! batch is guarded by the rev it started from (`store::Guard`) and by its client id not being
//! stored yet. A row that another isolate or route changed since (an agent's reply, a claim, a
//! deletion, the retention sweep) fails the guard, and the handler re-reads it and retries; a
//! retried message fails the client-id check and is answered from storage. So a stale entry
//! costs one wasted batch, never a wrong answer. Nothing here is shared between isolates.
use std::cell::RefCell;
use std::collections::HashMap;

use crate::store::ConvRow;

/// Rows kept at most; at the limit the map starts afresh (one extra read per conversation).
/// A row is ~0.5–2 KB (the policy state is bounded), so this is a few MB at worst.
const MAX_ENTRIES: usize = 2048;

thread_local! {
    static ROWS: RefCell<HashMap<String, ConvRow>> = RefCell::new(HashMap::new());
}

pub fn get(id: &str) -> Option<ConvRow> {
    ROWS.with(|r| r.borrow().get(id).cloned())
}

pub fn put(row: ConvRow) {
    ROWS.with(|r| {
        let mut m = r.borrow_mut();
        if m.len() >= MAX_ENTRIES && !m.contains_key(&row.id) {
            m.clear();
        }
        m.insert(row.id.clone(), row);
    });
}

pub fn forget(id: &str) {
    ROWS.with(|r| {
        r.borrow_mut().remove(id);
    });
}
