//! The `tandem` command line: thin glue over `tandem_shared`.
//!
//! ```text
//! tandem analyze [--conversation]   one message per stdin line (or JSON {"text": …, "lang": "nl"|"en"})
//! tandem eval --uci PATH.json | --vader PATH.txt | --tsv PATH.tsv
//! tandem kb-check FILE.json...      validate knowledge-base files
//! ```
//! All errors become one line on stderr and a non-zero exit code (see `run`).

mod analyze;
mod eval;
mod kb;

use std::fmt;

/// A CLI failure: a kind (for the exit code) and a one-line message.
#[derive(Debug)]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Usage,
    Input,
    Io,
}

impl CliError {
    pub fn usage(m: impl Into<String>) -> Self {
        CliError { kind: ErrorKind::Usage, message: m.into() }
    }
    pub fn input(m: impl Into<String>) -> Self {
        CliError { kind: ErrorKind::Input, message: m.into() }
    }
    pub fn io(m: impl Into<String>) -> Self {
        CliError { kind: ErrorKind::Io, message: m.into() }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

const USAGE: &str = "usage: tandem analyze [--conversation] < messages\n       tandem eval (--uci PATH.json | --vader PATH.txt | --tsv PATH.tsv)\n       tandem kb-check FILE.json...";

/// Run the CLI; returns the process exit code. Errors are printed here, once.
pub fn run(args: Vec<String>) -> i32 {
    let result = match args.first().map(String::as_str) {
        Some("analyze") => analyze::run(&args[1..]),
        Some("eval") => eval::run(&args[1..]),
        Some("kb-check") => kb::run(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(CliError::usage(USAGE)),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("tandem: {e}");
            match e.kind {
                ErrorKind::Usage => 2,
                ErrorKind::Input => 1,
                ErrorKind::Io => 3,
            }
        }
    }
}
