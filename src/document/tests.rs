use super::*;
use proptest::prelude::*;

#[test]
fn test_plain_value_comment() {
    let doc = Document::parse(
            "---\r\ntitle: Fix bug #456  \r\na: 'x' # c\r\nb: [x] # c\r\nc: C#\r\nd: x #\r\ne:  # c\r\n---\r\n"
                .as_bytes(),
        )
        .unwrap();
    assert_eq!(doc.plain_value_comment("title"), Some(("Fix bug", "#456")));
    assert_eq!(doc.plain_value_comment("d"), Some(("x", "#")));
    for key in ["a", "b", "c", "e", "missing"] {
        assert_eq!(doc.plain_value_comment(key), None, "{key}");
    }
}

#[test]
fn test_front_matter_falls_back_to_yaml_parser() {
    let doc = Document::parse(SAMPLE.as_bytes()).unwrap();
    let fm = doc.front_matter().unwrap();
    assert_eq!(fm["labels"][0].as_str(), Some("auth"));
    assert_eq!(fm["title"].as_str(), Some("Sign in"));
}

#[test]
fn test_parse_owned_equals_parse() {
    for text in [
        SAMPLE.as_bytes(),
        b"---\nid: X\n---\n\xff\n",
        b"no fence\n",
        b"---\n\0\n---\n",
    ] {
        assert_eq!(Document::parse_owned(text.to_vec()), Document::parse(text));
    }
}

#[test]
fn test_keys_are_indexed_lazily_and_after_edits() {
    let mut doc = Document::parse(SAMPLE.as_bytes()).unwrap();
    assert_eq!(doc.key_line("labels"), Some(5));
    doc.remove("id");
    assert_eq!(doc.key_line("labels"), Some(4));
    assert_eq!(doc.key_line("id"), None);
    let fresh = Document::parse(doc.as_str().as_bytes()).unwrap();
    assert_eq!(doc, fresh);
}

const SAMPLE: &str = "---\nid: B-7KX2\ntitle: Sign in  # the title\n# a comment\nlabels:\n  - auth\n  - web\nx-custom: {a: 1}\n---\nAs a user...\n";

#[test]
fn test_document_indexes_keys_and_lines() {
    let doc = Document::parse(SAMPLE.as_bytes()).unwrap();
    let keys: Vec<_> = doc
        .keys()
        .iter()
        .map(|k| (k.key.as_str(), k.line))
        .collect();
    assert_eq!(
        keys,
        [("id", 2), ("title", 3), ("labels", 5), ("x-custom", 8)]
    );
    assert_eq!(doc.body(), "As a user...\n");
    assert_eq!(doc.body_line(), 10);
}

#[test]
fn test_document_set_keeps_comment() {
    let mut doc = Document::parse(SAMPLE.as_bytes()).unwrap();
    assert!(doc.set("title", &FieldValue::Str("Log in".into())));
    assert!(doc.as_str().contains("title: Log in  # the title\n"));
    assert_eq!(doc.as_str().lines().count(), SAMPLE.lines().count());
}

#[test]
fn test_document_set_block_list_stays_block() {
    let mut doc = Document::parse(SAMPLE.as_bytes()).unwrap();
    doc.set("labels", &FieldValue::List(vec!["a".into(), "b c".into()]));
    assert!(
        doc.as_str()
            .contains("# a comment\nlabels:\n  - a\n  - \"b c\"\nx-custom"),
        "a block list stays a block list: {}",
        doc.as_str()
    );
    let fm = doc.front_matter().unwrap();
    assert_eq!(fm["labels"][1].as_str(), Some("b c"));
}

#[test]
fn test_document_set_block_list_keeps_style_and_comments() {
    let text = "---\nid: X\ndepends_on:\n  - B-1   # why\n  - B-2\ntitle: t\n---\n";
    let mut doc = Document::parse(text.as_bytes()).unwrap();
    doc.set(
        "depends_on",
        &FieldValue::List(vec!["B-1".into(), "B-7".into(), "B-8".into()]),
    );
    assert_eq!(
        doc.as_str(),
        "---\nid: X\ndepends_on:\n  - B-1   # why\n  - B-7\n  - B-8\ntitle: t\n---\n"
    );
    assert!(!doc.set(
        "depends_on",
        &FieldValue::List(vec!["B-1".into(), "B-7".into(), "B-8".into()])
    ));
}

#[test]
fn test_document_insert_and_remove() {
    let mut doc = Document::parse(SAMPLE.as_bytes()).unwrap();
    doc.set("estimate", &FieldValue::Int(5));
    assert!(
        doc.as_str()
            .contains("x-custom: {a: 1}\nestimate: 5\n---\n")
    );
    assert!(doc.remove("estimate"));
    assert_eq!(doc.as_str(), SAMPLE);
    assert!(doc.remove("labels"));
    assert!(doc.as_str().contains("# a comment\nx-custom"));
}

#[test]
fn test_document_crlf_and_bom() {
    let text = "\u{feff}---\r\nid: X-1\r\ntitle: t\r\n---\r\nbody";
    let mut doc = Document::parse(text.as_bytes()).unwrap();
    assert_eq!(doc.as_str(), text);
    doc.set("status", &FieldValue::Str("ready".into()));
    assert_eq!(
        doc.as_str(),
        "\u{feff}---\r\nid: X-1\r\ntitle: t\r\nstatus: ready\r\n---\r\nbody"
    );
}

#[test]
fn test_error_messages_leave_the_line_to_the_front_end() {
    let errors = [
        DocumentError::NotUtf8 { line: 2 },
        DocumentError::Binary { line: 3 },
        DocumentError::TooLarge { size: 9, limit: 1 },
        DocumentError::MissingFrontMatter,
        DocumentError::Unterminated { line: 1 },
        DocumentError::Yaml {
            line: 4,
            column: 2,
            message: "bad".to_owned(),
        },
        DocumentError::NotAMapping { line: 1 },
        DocumentError::MergeConflict { line: 5 },
        DocumentError::Unsupported {
            key: "k".to_owned(),
            line: 6,
            reason: "why",
        },
    ];
    for e in errors {
        let text = e.to_string();
        assert!(!text.starts_with("line "), "{text}");
        assert!(!text.contains(&format!("line {}", e.line())), "{text}");
    }
}

#[test]
fn test_document_errors_name_lines() {
    assert_eq!(
        Document::parse(b"no fence\n").unwrap_err(),
        DocumentError::MissingFrontMatter
    );
    assert_eq!(
        Document::parse(b"---\nid: x\n").unwrap_err(),
        DocumentError::Unterminated { line: 1 }
    );
    assert_eq!(
        Document::parse(b"---\nid: \xff\n---\n").unwrap_err(),
        DocumentError::NotUtf8 { line: 2 }
    );
    let doc = Document::parse(b"---\nid: x\ntitle: [unclosed\n---\n").unwrap();
    let err = doc.front_matter().unwrap_err();
    assert!(
        matches!(
            err,
            DocumentError::Yaml { line: 4, .. } | DocumentError::Yaml { line: 3, .. }
        ),
        "{err:?}"
    );
}

#[test]
fn test_scalar_quoting() {
    for s in [
        "true",
        "5",
        "null",
        "a: b",
        "#x",
        "",
        " lead",
        "multi\nline",
        "x\u{1b}[31m",
        "it's",
    ] {
        let yaml = format!("k: {}", FieldValue::Str(s.into()).to_yaml());
        let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(v["k"].as_str(), Some(s), "{yaml}");
    }
    assert_eq!(FieldValue::Str("Sign in".into()).to_yaml(), "Sign in");
}

fn arb_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9 -]{0,12}",
        "\"[a-z #:]{0,8}\"",
        "'[a-z #:]{0,8}'",
        "[0-9]{1,3}",
        Just("[a, b]".to_owned()),
        Just("{k: v}".to_owned()),
    ]
}

fn arb_doc() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        (arb_scalar(), proptest::option::of("[a-z ]{0,8}")).prop_map(|(v, c)| (v, c, false)),
        Just(("".to_owned(), None, true)),
    ];
    (
        proptest::bool::ANY,
        proptest::bool::ANY,
        proptest::collection::vec(line, 0..8),
        "[a-zA-Z #\\-\\[\\]\n]{0,40}",
        proptest::bool::ANY,
    )
        .prop_map(|(bom, crlf, lines, body, comment)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            s.push_str("---");
            s.push_str(nl);
            if comment {
                s.push_str("# leading comment");
                s.push_str(nl);
            }
            for (i, (v, c, block)) in lines.into_iter().enumerate() {
                if block {
                    s.push_str(&format!("k{i}:{nl}  - one{nl}  - two{nl}"));
                } else {
                    s.push_str(&format!("k{i}: {v}"));
                    if let Some(c) = c {
                        s.push_str(&format!("  # {c}"));
                    }
                    s.push_str(nl);
                }
            }
            s.push_str("---");
            s.push_str(nl);
            s.push_str(&body.replace('\n', nl));
            s
        })
}

proptest! {
    #[test]
    fn prop_unchanged_document_renders_byte_for_byte(text in arb_doc()) {
        let doc = Document::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(doc.as_str(), text.as_str());
    }

    #[test]
    fn prop_set_existing_key_is_local(text in arb_doc(), n in 0usize..8, v in "[a-z]{1,6}") {
        let mut doc = Document::parse(text.as_bytes()).unwrap();
        let key = format!("k{n}");
        let Some(entry) = doc.key(&key).cloned() else { return Ok(()) };
        doc.set(&key, &FieldValue::Str(v.clone()));
        let before: Vec<&str> = text.split_inclusive('\n').collect();
        let after: Vec<&str> = doc.as_str().split_inclusive('\n').collect();
        let span_lines = text[entry.span.clone()].matches('\n').count().max(1);
        // Lines before and after the key's span are identical.
        let start = entry.line - 1;
        prop_assert_eq!(&before[..start], &after[..start]);
        prop_assert_eq!(&before[start + span_lines..], &after[start + 1..]);
        // The value reads back.
        let fm = doc.front_matter().unwrap();
        prop_assert_eq!(fm[key.as_str()].as_str(), Some(v.as_str()));
    }

    #[test]
    fn prop_insert_adds_exactly_one_line(text in arb_doc(), v in 0i64..100) {
        let mut doc = Document::parse(text.as_bytes()).unwrap();
        doc.set("estimate", &FieldValue::Int(v));
        let before: Vec<&str> = text.split_inclusive('\n').collect();
        let after: Vec<&str> = doc.as_str().split_inclusive('\n').collect();
        prop_assert_eq!(after.len(), before.len() + 1);
        let mut removed = after.clone();
        let pos = after.iter().position(|l| l.starts_with("estimate: ")).unwrap();
        removed.remove(pos);
        prop_assert_eq!(removed, before);
        doc.remove("estimate");
        prop_assert_eq!(doc.as_str(), text.as_str());
    }
}

#[test]
fn test_lone_carriage_return_in_front_matter_is_an_error_with_its_line() {
    let doc = Document::parse(b"---\nid: B-1\nestimate:\r\r 20\ntitle: T\n---\nbody\n").unwrap();
    match doc.front_matter() {
        Err(DocumentError::Yaml {
            line,
            column,
            message,
        }) => {
            assert_eq!((line, column), (3, 10));
            assert!(
                message.contains("carriage return without a line feed"),
                "{message}"
            );
        }
        other => panic!("expected an error, got {other:?}"),
    }
    // CRLF files, and a CR in the body, are fine.
    let crlf = Document::parse(b"---\r\nid: B-1\r\ntitle: T\r\n---\r\nbody\rmore\r\n").unwrap();
    assert_eq!(crlf.front_matter().unwrap().len(), 2);
}

#[test]
fn test_a_null_front_matter_is_no_mapping_to_add_keys_to() {
    // Found by fuzz/document_edit: `~` (null) then a key added by `set` is no YAML.
    for front in ["~ # note\n", "null\n", "~\n"] {
        let doc = Document::parse(format!("---\n{front}---\nbody\n").as_bytes()).unwrap();
        assert!(
            matches!(doc.front_matter(), Err(DocumentError::NotAMapping { .. })),
            "{front:?}: {:?}",
            doc.front_matter()
        );
    }
    // Comments only: an empty mapping, which `set` fills.
    let mut doc = Document::parse(b"---\n# nothing yet\n---\nbody\n").unwrap();
    assert!(doc.front_matter().unwrap().is_empty());
    doc.set("title", &FieldValue::Str("T".to_owned()));
    assert_eq!(doc.front_matter().unwrap().len(), 1);
}

#[test]
fn test_an_indented_mapping_is_refused_with_its_line() {
    // Found by fuzz/document_edit: ` id: B-1` is a valid (indented) mapping, but a key
    // `set` appends at column 1 would end it.
    let doc = Document::parse(b"---\n# c\n id: B-1\n title: T\n---\nbody\n").unwrap();
    match doc.front_matter() {
        Err(DocumentError::Yaml { line, message, .. }) => {
            assert_eq!(line, 3);
            assert!(message.contains("beginning of the line"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn test_an_empty_front_matter_with_a_tab_indented_line_is_refused() {
    // Found by fuzz/document_edit: YAML reads a lone `\t` line, but not before a key, so
    // the first `set` made the file unreadable.
    for front in ["\t\n", "# c\n \t\n", "\u{b}\n\n\u{b}\n", "  \u{c}\n"] {
        let doc = Document::parse(format!("---\n{front}---\nbody\n").as_bytes()).unwrap();
        assert!(
            matches!(doc.front_matter(), Err(DocumentError::Yaml { .. })),
            "{front:?}: {:?}",
            doc.front_matter()
        );
    }
    for front in ["  \n# c\n", "\r\n  \r\n"] {
        let doc = Document::parse(format!("---\n{front}---\nbody\n").as_bytes()).unwrap();
        assert!(doc.front_matter().unwrap().is_empty(), "{front:?}");
    }
}

#[test]
fn test_a_byte_order_mark_inside_the_front_matter_is_refused() {
    // Found by fuzz/document_edit: YAML starts a stream at it; a key added after it made
    // a second document.
    let doc = Document::parse("---\n\u{FEFF}id: B-1\n---\nbody\n".as_bytes()).unwrap();
    match doc.front_matter() {
        Err(DocumentError::Yaml { line, message, .. }) => {
            assert_eq!(line, 2);
            assert!(message.contains("byte order mark"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Before the opening fence it is skipped, as before.
    let doc = Document::parse("\u{FEFF}---\nid: B-1\n---\nbody\n".as_bytes()).unwrap();
    assert_eq!(doc.front_matter().unwrap().len(), 1);
}

#[test]
fn test_values_with_characters_yaml_does_not_take_raw_are_escaped() {
    // Found by fuzz/document_edit: a list value with U+FEFF written raw.
    for c in ['\u{FEFF}', '\u{2028}', '\u{85}', '\u{FFFE}', '\u{1}'] {
        let mut doc = Document::parse(b"---\nid: B-1\n---\nbody\n").unwrap();
        let value = format!("a{c}b");
        doc.set("title", &FieldValue::Str(value.clone()));
        doc.set("labels", &FieldValue::List(vec![value.clone()]));
        let again = Document::parse(doc.as_str().as_bytes()).unwrap();
        let fields = again
            .front_matter()
            .unwrap_or_else(|e| panic!("{c:?}: {e}"));
        assert_eq!(
            fields.get("title").and_then(|v| v.as_str()),
            Some(value.as_str())
        );
        assert!(!doc.as_str().contains(c), "{c:?} written raw");
    }
}

#[test]
fn test_lines_inside_a_multi_line_quoted_scalar_or_flow_list_are_no_keys() {
    // Found by the document_edit fuzz target: the `As I:` and `title:` lines belong to
    // `id`'s single-quoted value, and editing them as keys cut the string.
    let text = "---\nid: 'A-1 it''s\nAs I: story\n# not a comment\ntitle: x'\n\
                labels: [a,\nb: c, \"d\n]\"]\nstatus: todo\n---\nbody\n";
    let mut doc = Document::parse(text.as_bytes()).unwrap();
    let keys: Vec<&str> = doc.keys().iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, ["id", "labels", "status"]);
    let fm = doc.front_matter().unwrap();
    assert_eq!(
        fm["id"].as_str(),
        Some("A-1 it's As I: story # not a comment title: x")
    );
    for (key, value) in [("title", "T"), ("As I", "s"), ("status", "done")] {
        doc.set(key, &FieldValue::Str(value.into()));
        let fm = Document::parse(doc.as_str().as_bytes())
            .unwrap()
            .front_matter()
            .unwrap_or_else(|e| panic!("{e}\n{}", doc.as_str()));
        assert_eq!(fm[key].as_str(), Some(value), "{}", doc.as_str());
        assert_eq!(fm["labels"].as_sequence().map(Vec::len), Some(3));
    }
    doc.set("id", &FieldValue::Str("A-2".into()));
    assert!(
        doc.as_str().starts_with("---\nid: A-2\nlabels: [a,\n"),
        "{}",
        doc.as_str()
    );
}

#[test]
fn test_an_apostrophe_inside_a_plain_value_opens_nothing() {
    let text = "---\ntitle: don 't [stop\nstatus: todo\nx: {a: 'b\n  c'}\nowner: me\n---\n";
    let doc = Document::parse(text.as_bytes()).unwrap();
    let keys: Vec<&str> = doc.keys().iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, ["title", "status", "x", "owner"]);
}

/// Asserts that `text`'s front matter is refused at file line `line` with a message
/// containing `words`.
fn assert_refused(text: &str, line: usize, words: &str) {
    let doc = Document::parse(text.as_bytes()).unwrap();
    match doc.front_matter() {
        Err(DocumentError::Yaml {
            line: l, message, ..
        }) => {
            assert_eq!(l, line, "{text:?}");
            assert!(message.contains(words), "{message}");
        }
        other => panic!("{text:?}: {other:?}"),
    }
}

#[test]
fn test_a_mapping_whose_keys_the_editor_cannot_see_is_refused_with_its_line() {
    // Found by fuzz/document_edit: an anchor on a line of its own, the mapping indented
    // below it; a `title:` line added at column 1 made a second document.
    for (text, line) in [
        ("---\n#c\n&a #x\n  k: story\n---\n", 3),
        ("---\n? k\n: v\n---\n", 2),
        ("---\n{a: 1, b: 2}\n---\n", 2),
        ("---\n{\t}\t\t\n---\n", 2),
        ("---\nowner: x\n\n?\n: 20  # c\n---\n", 4),
    ] {
        assert_refused(text, line, "must each start a line");
    }
    // Keys the editor knows, quoted or not, are fine.
    let doc = Document::parse(b"---\n'a b': 1\n\"c\": 2\nd: 3\n---\n").unwrap();
    assert_eq!(doc.front_matter().unwrap().len(), 3);
}

#[test]
fn test_a_document_marker_inside_the_front_matter_is_refused_with_its_line() {
    // Found by fuzz/document_edit: `... #c` ends the YAML document; a key added after it
    // made a second one.
    for (text, line) in [
        ("---\na: 1\n... #c\n\n---\n", 3),
        ("---\na: 1\nb: [x]\n--- y\n---\n", 4),
    ] {
        assert_refused(text, line, "document marker");
    }
    // Inside a value, or not followed by a blank, it is text.
    let doc = Document::parse(b"---\na: '...'\nb: ----\nc: x\n  ... y\n---\n").unwrap();
    assert_eq!(doc.front_matter().unwrap().len(), 3);
}

#[test]
fn test_a_quoted_value_after_a_tag_or_anchor_opens_a_multi_line_scalar() {
    // Found by fuzz/document_edit: `!tag 'text` opens a quoted scalar as `'text` does.
    let text = "---\nle: !!!-f0id: 'a\nstatu: x\ntitle: y'\nb: &a [1,\nc: 2]\nowner: o\n---\n";
    let mut doc = Document::parse(text.as_bytes()).unwrap();
    let keys: Vec<&str> = doc.keys().iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, ["le", "b", "owner"]);
    doc.set("title", &FieldValue::Str("T".into()));
    let fm = Document::parse(doc.as_str().as_bytes())
        .unwrap()
        .front_matter()
        .unwrap();
    assert_eq!(fm["title"].as_str(), Some("T"));
}
