//! The merge driver: any three versions merge or conflict, never a panic; a clean merge
//! of a version with itself is that version.
#![no_main]
use backlog::merge::{Labels, merge_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], &[u8], &[u8])| {
    let (base, ours, theirs) = input;
    let _ = merge_files(base, ours, theirs, &Labels::default());
});
