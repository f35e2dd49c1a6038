//! The conversation in the visitor's browser storage, so it survives reloads and navigation
//! (case C06). Written only after the visitor opened the widget.
use crate::json;
use crate::session::Session;

fn key(site: &str) -> String {
    format!("tandem:v1:{site}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored session; nothing (start afresh) when storage is off or the entry is unreadable.
pub fn load(site: &str) -> Option<Session> {
    let text = storage()?.get_item(&key(site)).ok().flatten()?;
    json::from_str(&text).ok()
}

pub fn save(site: &str, s: &Session) {
    // Storage can be full or disabled (private mode); the chat goes on in memory.
    if let (Some(st), Ok(text)) = (storage(), json::to_string(s)) {
        let _ = st.set_item(&key(site), &text);
    }
}

pub fn clear(site: &str) {
    if let Some(st) = storage() {
        let _ = st.remove_item(&key(site));
    }
}
