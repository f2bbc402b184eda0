//! Property tests: random item documents, random key-level edits on two sides (made with
//! the document editor, as commands make them), merged and compared with a model.

use proptest::prelude::*;
use serde_yaml_ng::{Mapping, Value};

use super::front::set_merge;
use super::{Labels, merge_files};
use crate::document::{Document, FieldValue};

/// One key of a generated document.
#[derive(Debug, Clone)]
enum Val {
    Plain(String),
    Quoted(String),
    Int(i64),
    Flow(Vec<String>),
    Block(Vec<String>),
}

fn arb_word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_owned()),
        Just("b".to_owned()),
        Just("web".to_owned()),
        Just("B-1".to_owned()),
        Just("two words".to_owned()),
        "[a-z]{1,5}",
    ]
}

fn arb_val() -> impl Strategy<Value = Val> {
    let list = || proptest::collection::vec("[a-z]{1,4}", 0..4);
    prop_oneof![
        arb_word().prop_map(Val::Plain),
        arb_word().prop_map(Val::Quoted),
        (0i64..20).prop_map(Val::Int),
        list().prop_map(Val::Flow),
        list()
            .prop_filter("block lists have elements", |l| !l.is_empty())
            .prop_map(Val::Block),
    ]
}

/// A document: `id`, then keys `k0…` with values, optional comments, LF or CRLF, a body
/// with a criteria list.
fn arb_doc() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec((arb_val(), any::<bool>(), any::<bool>()), 1..7),
        any::<bool>(),
        proptest::collection::vec("[a-z]{1,6}", 0..3),
    )
        .prop_map(|(keys, crlf, criteria)| {
            let mut s = String::from("---\nid: B-1\n");
            for (i, (val, comment, above)) in keys.into_iter().enumerate() {
                if above {
                    s.push_str(&format!("# about k{i}\n"));
                }
                let tail = if comment { "  # note" } else { "" };
                match val {
                    Val::Plain(w) => s.push_str(&format!("k{i}: {w}{tail}\n")),
                    Val::Quoted(w) => {
                        s.push_str(&format!("k{i}: \"{w}\"{tail}\n"));
                    }
                    Val::Int(n) => s.push_str(&format!("k{i}: {n}{tail}\n")),
                    Val::Flow(l) => s.push_str(&format!("k{i}: [{}]{tail}\n", l.join(", "))),
                    Val::Block(l) => {
                        s.push_str(&format!("k{i}:{tail}\n"));
                        for e in l {
                            s.push_str(&format!("  - {e}\n"));
                        }
                    }
                }
            }
            s.push_str("---\nAs a user, I want it.\n\n## Acceptance criteria\n");
            for c in criteria {
                s.push_str(&format!("- [ ] {c}\n"));
            }
            if crlf { s.replace('\n', "\r\n") } else { s }
        })
}

/// A key-level edit, as a refinement command makes it.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, String),
    SetInt(usize, i64),
    Remove(usize),
    Add(usize, String),
    ListAdd(usize, String),
    ListRemove(usize, usize),
    AppendCriterion(String),
}

fn arb_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0usize..7, arb_word()).prop_map(|(k, v)| Edit::Set(k, v)),
        (0usize..7, 0i64..20).prop_map(|(k, v)| Edit::SetInt(k, v)),
        (0usize..7).prop_map(Edit::Remove),
        (0usize..2, arb_word()).prop_map(|(k, v)| Edit::Add(k, v)),
        (0usize..7, "[x-z]{1,2}").prop_map(|(k, v)| Edit::ListAdd(k, v)),
        (0usize..7, 0usize..4).prop_map(|(k, i)| Edit::ListRemove(k, i)),
        "[a-z]{1,6}".prop_map(Edit::AppendCriterion),
    ]
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_sequence()?
        .iter()
        .map(|e| e.as_str().map(str::to_owned))
        .collect()
}

/// Applies edits with the document editor; returns the text and the criteria appended.
fn apply(text: &str, edits: &[Edit]) -> (String, Vec<String>) {
    let mut doc = Document::parse(text.as_bytes()).unwrap();
    let mut appended = Vec::new();
    for edit in edits {
        let fm = doc.front_matter().unwrap();
        match edit {
            Edit::Set(k, v) => {
                doc.set(&format!("k{k}"), &FieldValue::Str(v.clone()));
            }
            Edit::SetInt(k, v) => {
                doc.set(&format!("k{k}"), &FieldValue::Int(*v));
            }
            Edit::Remove(k) => {
                doc.remove(&format!("k{k}"));
            }
            Edit::Add(k, v) => {
                doc.set(&format!("n{k}"), &FieldValue::Str(v.clone()));
            }
            Edit::ListAdd(k, e) => {
                let key = format!("k{k}");
                if let Some(mut list) = fm.get(key.as_str()).and_then(strings)
                    && !list.contains(e)
                {
                    list.push(e.clone());
                    doc.set(&key, &FieldValue::List(list));
                }
            }
            Edit::ListRemove(k, i) => {
                let key = format!("k{k}");
                if let Some(mut list) = fm.get(key.as_str()).and_then(strings)
                    && *i < list.len()
                {
                    list.remove(*i);
                    doc.set(&key, &FieldValue::List(list));
                }
            }
            Edit::AppendCriterion(c) => {
                let line = format!("- [ ] {c}{}", doc.newline());
                if !doc.body().contains(&line) {
                    let body = format!("{}{line}", doc.body());
                    doc.set_body(&body);
                    appended.push(line);
                }
            }
        }
    }
    (doc.into_string(), appended)
}

/// The merged front matter the rules promise, or `None` where a key conflicts.
fn model(base: &Mapping, ours: &Mapping, theirs: &Mapping) -> Option<Mapping> {
    let mut out = Mapping::new();
    let keys = ours.keys().chain(theirs.keys()).chain(base.keys());
    let mut seen = Vec::new();
    for key in keys {
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let (b, o, t) = (base.get(key), ours.get(key), theirs.get(key));
        let merged = if o == b {
            t.cloned()
        } else if t == b || o == t {
            o.cloned()
        } else {
            match (b, o, t) {
                (
                    None | Some(Value::Sequence(_)),
                    Some(Value::Sequence(os)),
                    Some(Value::Sequence(ts)),
                ) => {
                    let empty = Vec::new();
                    let bs = b.and_then(Value::as_sequence).unwrap_or(&empty);
                    Some(Value::Sequence(set_merge(bs, os, ts)))
                }
                _ => return None,
            }
        };
        if let Some(v) = merged {
            out.insert(key.clone(), v);
        }
    }
    Some(out)
}

fn sorted(m: &Mapping) -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = m
        .iter()
        .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), v.clone()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A clean merge holds every change of both sides (it is exactly the model's merge);
    /// a conflict happens only where the model has one; one side without edits gives the
    /// other side byte for byte.
    #[test]
    fn prop_key_merge_keeps_both_sides_changes(
        base in arb_doc(),
        ours_edits in proptest::collection::vec(arb_edit(), 0..4),
        theirs_edits in proptest::collection::vec(arb_edit(), 0..4),
    ) {
        let (ours, ours_added) = apply(&base, &ours_edits);
        let (theirs, theirs_added) = apply(&base, &theirs_edits);
        let merged = merge_files(base.as_bytes(), ours.as_bytes(), theirs.as_bytes(), &Labels::default()).unwrap();
        let text = String::from_utf8(merged.text.clone()).unwrap();
        if ours == base {
            prop_assert_eq!(&text, &theirs);
        }
        if theirs == base {
            prop_assert_eq!(&text, &ours);
        }
        let fm = |t: &str| Document::parse(t.as_bytes()).unwrap().front_matter().unwrap();
        let expected = model(&fm(&base), &fm(&ours), &fm(&theirs));
        match expected {
            Some(expected) => {
                prop_assert!(merged.is_clean(), "model is clean but merge is not:\n{}", text);
                let doc = Document::parse(text.as_bytes()).unwrap();
                prop_assert_eq!(sorted(&doc.front_matter().unwrap()), sorted(&expected), "{}", text);
                for line in ours_added.iter().chain(&theirs_added) {
                    prop_assert!(doc.body().contains(line.as_str()), "{:?} lost:\n{}", line, text);
                }
                // Lines of OURS that no side changed keep their bytes.
                let ours_doc = Document::parse(ours.as_bytes()).unwrap();
                let base_doc = Document::parse(base.as_bytes()).unwrap();
                let theirs_doc = Document::parse(theirs.as_bytes()).unwrap();
                for entry in ours_doc.keys() {
                    let span = &ours.as_str()[entry.span()];
                    let same = |d: &Document| d.key(&entry.key).map(|e| &d.as_str()[e.span()]) == Some(span);
                    if same(&base_doc) && same(&theirs_doc) {
                        prop_assert!(text.contains(span), "{:?} lost:\n{}", span, text);
                    }
                }
            }
            None => prop_assert!(!merged.is_clean(), "model conflicts but merge is clean:\n{}", text),
        }
    }
}
