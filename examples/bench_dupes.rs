//! Generates a backlog of N items (default 10,000) with one planted near-duplicate pair,
//! writes it as item files under DIR/backlog, and times `dupes` in process.
//!
//! ```sh
//! cargo run --release --example bench_dupes -- /tmp/dupes-10k 10000
//! ```
//!
//! `scripts/bench-dupes.sh` runs this and then times the `backlog dupes` command.

use std::path::PathBuf;
use std::time::Instant;

use backlog::document::{Document, FieldValue};
use backlog::dupes::{DupeOptions, find, generate, inputs};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/dupes-bench".to_owned()));
    let n: usize = args.next().map_or(Ok(10_000), |s| s.parse())?;
    let (orig, copy) = (n / 7, n - n / 5);
    let items = generate::backlog(n, 2026, (orig, copy));
    let folder = dir.join("backlog");
    std::fs::create_dir_all(&folder)?;
    let mut rank: Option<String> = None;
    let mut filler = generate::Rng::new(7);
    for it in &items {
        let key = backlog::rank::key_between(rank.as_deref(), None)?;
        let fields = [
            ("id", FieldValue::Str(it.id.clone())),
            ("title", FieldValue::Str(it.title.clone())),
            ("type", FieldValue::Str("story".to_owned())),
            ("status", FieldValue::Str("draft".to_owned())),
            ("rank", FieldValue::Str(key.clone())),
            ("created", FieldValue::Str("2026-11-25".to_owned())),
        ];
        // About 800 bytes per item: story, criteria and a notes section (not compared).
        let mut body = format!("{}\n\n## Acceptance criteria\n", it.story);
        for c in &it.criteria {
            body.push_str(&format!("- [ ] {c}\n"));
        }
        body.push_str("\n## Notes\n");
        let words = [
            "design", "review", "legacy", "edge", "case", "follow", "up", "with",
        ];
        for _ in 0..60 {
            body.push_str(filler.pick(&words));
            body.push(' ');
        }
        body.push('\n');
        let doc = Document::new_item(&fields, &body);
        std::fs::write(folder.join(format!("{}.md", it.id)), doc.as_str())?;
        rank = Some(key);
    }
    println!("wrote {n} items to {}", folder.display());

    let store = backlog::Store::open(&dir, std::path::Path::new("backlog"), false)?;
    let t = Instant::now();
    let loaded = store.load_all();
    let load = t.elapsed();
    let t = Instant::now();
    let docs = inputs(&loaded.entries, &store.config);
    let report = find(&docs, &DupeOptions::default());
    let search = t.elapsed();
    println!(
        "load {:.0} ms, dupes {:.0} ms: {} pairs from {} candidates (all pairs: {})",
        load.as_secs_f64() * 1e3,
        search.as_secs_f64() * 1e3,
        report.pairs.len(),
        report.candidates,
        n * (n - 1) / 2
    );
    if let Some(top) = report.pairs.first() {
        println!(
            "top pair: {} {} {:.3} (planted: B-{orig:04} B-{copy:04})",
            top.a, top.b, top.score
        );
    }
    Ok(())
}
