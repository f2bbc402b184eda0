//! The front-matter reader: any bytes parse to a document or a located error, never a
//! panic; a parsed document's fields and item read without panicking either.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = backlog::Document::parse(data) {
        let _ = doc.front_matter();
        let _ = doc.keys();
        let _ = backlog::Entry::from_text("backlog/B-FUZZ-x.md", doc.as_str());
    }
});
