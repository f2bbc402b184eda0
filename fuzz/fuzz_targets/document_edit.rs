//! The document editor: parse, apply edits, render, parse again. A document that parsed
//! stays parseable after any edit, and a field that was set reads back as set.
#![no_main]
use backlog::{Document, FieldValue};
use libfuzzer_sys::fuzz_target;

const KEYS: [&str; 6] = ["title", "status", "estimate", "labels", "x-note", "owner"];

fuzz_target!(|input: (&[u8], Vec<(u8, u8, String)>)| {
    let (bytes, edits) = input;
    let Ok(mut doc) = Document::parse(bytes) else {
        return;
    };
    if doc.front_matter().is_err() {
        return;
    }
    for (key, kind, text) in edits.iter().take(8) {
        let key = KEYS[usize::from(*key) % KEYS.len()];
        let value = match kind % 4 {
            0 => FieldValue::Str(text.clone()),
            1 => FieldValue::Int(text.len() as i64 - 3),
            2 => FieldValue::List(text.split(',').map(str::to_owned).collect()),
            _ => {
                doc.remove(key);
                continue;
            }
        };
        doc.set(key, &value);
        let again = Document::parse(doc.as_str().as_bytes())
            .unwrap_or_else(|e| panic!("edit made the document unreadable: {e}\n{}", doc.as_str()));
        let fields = again
            .front_matter()
            .unwrap_or_else(|e| panic!("edit broke the front matter: {e}\n{}", doc.as_str()));
        if let FieldValue::Int(n) = value {
            assert_eq!(fields.get(key).and_then(|v| v.as_i64()), Some(n), "{}", doc.as_str());
        }
        doc = again;
    }
});
