//! The crash journal: any bytes are a journal or rejected, never a panic; what decodes
//! encodes back to the same journal.
#![no_main]
use backlog::workspace::journal::Journal;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(journal) = Journal::decode(data) {
        assert_eq!(Journal::decode(&journal.encode()), Some(journal));
    }
});
