//! Throughput of `analyze` on short messages: `cargo run --release -p tandem-shared --example bench`.
fn main() {
    let msgs = [
        "Waar is mijn pakket? Ik wacht al twee weken!!!",
        "This is so bad!!!!! I want my money back",
        "not bad at all, thanks",
        "ik snap het niet, hoe moet ik retourneren?",
        "Geweldig, alweer te laat. Bedankt voor niks",
        "Great product, fast delivery 🙂",
        "mag ik een medewerker spreken aub",
        "The mic is great.",
    ];
    let n = 200_000;
    let start = std::time::Instant::now();
    let mut acc = 0.0f32;
    for i in 0..n {
        acc += tandem_shared::analyze(msgs[i % msgs.len()]).valence;
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{{\"messages\": {n}, \"seconds\": {secs:.3}, \"per_second\": {:.0}, \"checksum\": {acc}}}", n as f64 / secs);
}
