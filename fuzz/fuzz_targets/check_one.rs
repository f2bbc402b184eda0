//! `check` on one file: any text gives findings, never a panic.
#![no_main]
use backlog::check::{CheckOptions, check};
use backlog::store::Loaded;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let entries = match backlog::Entry::from_text("backlog/B-FUZZ-x.md", text) {
        Ok(e) => vec![e],
        Err(_) => return,
    };
    let loaded = Loaded {
        entries,
        errors: Vec::new(),
    };
    let _ = check(&loaded, &backlog::Config::default(), &CheckOptions::default());
});
