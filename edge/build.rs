//! Ships data files into the wasm without what only their readers need: the migrations the
//! worker applies itself (src/store.rs, src/inbox_page.rs) without their comment lines, and the
//! phrase catalogue (data/replies.json) as compact JSON. The sources stay documented; the
//! comments and indentation would be ~1.5 KB of the gzipped bundle.
use std::{env, fs, path::Path};

fn main() {
    let out = env::var("OUT_DIR").expect("OUT_DIR");
    for name in ["0001_init.sql", "0002_inbox_events.sql", "0003_inbox_queue.sql"] {
        let src = format!("migrations/{name}");
        println!("cargo::rerun-if-changed={src}");
        let sql = fs::read_to_string(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let kept: String = sql.lines().filter(|l| !l.trim_start().starts_with("--")).map(|l| format!("{l}\n")).collect();
        fs::write(Path::new(&out).join(name), kept).expect("write migration");
    }
    let src = "data/replies.json";
    println!("cargo::rerun-if-changed={src}");
    let text = fs::read_to_string(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{src}: {e}"));
    value.as_object_mut().map(|o| o.remove("_doc")); // the file's own documentation
    fs::write(Path::new(&out).join("replies.json"), value.to_string()).expect("write catalogue");
}
