//! `tandem`: analyse messages from stdin, replay conversations, score labelled sets.
fn main() {
    std::process::exit(tandem_cli::run(std::env::args().skip(1).collect()))
}
