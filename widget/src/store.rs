//! The conversation in the visitor's browser storage, so it survives reloads and navigation
//! (case C06). Written only after the visitor opened the widget.
use gloo_storage::{LocalStorage, Storage};

use crate::session::Session;

fn key(site: &str) -> String {
    format!("tandem:v1:{site}")
}

pub fn load(site: &str) -> Option<Session> {
    LocalStorage::get(key(site)).ok()
}

pub fn save(site: &str, s: &Session) {
    // Storage can be full or disabled (private mode); the chat goes on in memory.
    let _ = LocalStorage::set(key(site), s);
}

pub fn clear(site: &str) {
    LocalStorage::delete(key(site));
}
