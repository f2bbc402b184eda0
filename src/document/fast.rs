//! The fast front-matter path: a line parser for the front matter people and the tool
//! write, giving exactly the mapping `serde_yaml_ng` gives, or `None` so the caller uses
//! the YAML parser.
//!
//! Accepted: blank lines, comment lines (`# …`, at any indentation), and `key: value`
//! lines at column 0 whose key is a plain word and whose value is
//! - empty (null), or followed by a block list of scalars (`- a` lines, all at one
//!   indentation, comment lines between them allowed);
//! - a plain scalar;
//! - a `'…'` string (`''` for a quote) or a `"…"` string with YAML's escapes;
//! - a one-line flow list `[a, 'b', "c"]` of scalars;
//!
//! each optionally followed by a comment (` # …`). Scalars are resolved as
//! `serde_yaml_ng` resolves them; every case where that is not obvious (null and boolean
//! words, anything a float parser accepts, hex/octal forms, leading zeros, characters
//! YAML treats specially, tabs, multi-line scalars, nested collections) returns `None`.

use serde_yaml_ng::{Mapping, Value};

/// The mapping of `text` (front matter without its fences), or `None` (see the module docs).
pub(super) fn simple_front_matter(text: &str) -> Option<Mapping> {
    let mut mapping = Mapping::with_capacity(text.bytes().filter(|&b| b == b'\n').count() + 1);
    walk(text, |_, key, value| {
        mapping
            .insert(Value::String(key.to_owned()), value)
            .is_none()
            .then_some(())
    })?;
    Some(mapping)
}

/// A value read by [`scan_keys`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scanned {
    /// The 0-based line of its key within the front-matter text.
    pub line: usize,
    /// The value, as `serde_yaml_ng` reads it.
    pub value: Value,
}

/// The values of `keys` in front-matter text (without its fences), in the order of
/// `keys` (`None` for a key that is absent), read by the same line parser and the same
/// scalar rules as [`Document::front_matter`](super::Document::front_matter)'s fast path.
///
/// The whole text is checked, not only the lines of `keys`: whenever this answers, the
/// YAML parser reads the same front matter without error and gives these values. `None`
/// when unsure (the caller then parses the document).
pub fn scan_keys(text: &str, keys: &[&str]) -> Option<Vec<Option<Scanned>>> {
    let mut found: Vec<Option<Scanned>> = vec![None; keys.len()];
    let mut seen: Vec<&str> = Vec::with_capacity(16);
    walk(text, |line, key, value| {
        if seen.contains(&key) {
            return None;
        }
        seen.push(key);
        if let Some(at) = keys.iter().position(|k| *k == key) {
            found[at] = Some(Scanned { line, value });
        }
        Some(())
    })?;
    Some(found)
}

/// The front-matter text of a whole file's text: between an opening `---` line (after a
/// byte-order mark, if any) and the closing `---` or `...` line, as
/// [`Document::parse`](super::Document::parse) finds them. `None` when there is none, or
/// the closing fence is the last line without a line break (the text may be the start of
/// a longer file).
pub fn split_front(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = super::lines::lines_with_offsets(text, 0);
    let (_, first) = lines.next()?;
    if !super::lines::is_fence(first, false) || !first.ends_with('\n') {
        return None;
    }
    for (at, line) in lines {
        if super::lines::is_fence(line, true) {
            return line.ends_with('\n').then(|| &text[first.len()..at]);
        }
    }
    None
}

/// Reads every `key: value` of `text` (see the module docs), calling `entry` with each
/// key's 0-based line, the key and its value; `None` when the text is not in the accepted
/// form or `entry` returns `None` (a duplicate key).
fn walk<'t>(
    text: &'t str,
    mut entry: impl FnMut(usize, &'t str, Value) -> Option<()>,
) -> Option<()> {
    // YAML reads a lone CR as a line break (`Document::front_matter` refuses it).
    if text.contains('\t')
        || text
            .match_indices('\r')
            .any(|(at, _)| !text[at + 1..].starts_with('\n'))
        || !yaml_printable(text)
    {
        return None;
    }
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let at = i;
        i += 1;
        if is_blank_or_comment(line) {
            continue;
        }
        let colon = line.find(':')?;
        let key = &line[..colon];
        let rest = &line[colon + 1..];
        let first = key.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_')
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return None;
        }
        if !matches!(resolve_plain(key)?, Value::String(_)) {
            return None;
        }
        let value = if rest.is_empty() {
            block_list(&lines, &mut i)?
        } else {
            let value = rest.strip_prefix(' ')?.trim_start_matches(' ');
            if value.is_empty() || value.starts_with('#') {
                block_list(&lines, &mut i)?
            } else {
                let (value, after) = value_token(value)?;
                comment_only(after)?;
                value
            }
        };
        entry(at, key, value)?;
    }
    Some(())
}

/// Whether every character of `text` is one the YAML parser reads as this module does:
/// YAML's printable set (as libyaml checks it; outside it, comment lines included, the
/// parser refuses the whole front matter: found by fuzzing, a comment line with control
/// characters read fine here and failed after an edit made the parser read the file),
/// without the characters YAML 1.1 reads as line breaks (U+0085, U+2028, U+2029).
fn yaml_printable(text: &str) -> bool {
    let ascii_ok =
        |b: u8| b >= 0x80 || (0x20..0x7F).contains(&b) || matches!(b, b'\n' | b'\r' | b'\t');
    text.bytes().all(ascii_ok)
        && (text.is_ascii()
            || text.chars().all(|c| {
                c.is_ascii()
                    || (('\u{A0}'..='\u{D7FF}').contains(&c)
                        && !matches!(c, '\u{2028}' | '\u{2029}'))
                    || (('\u{E000}'..='\u{FFFD}').contains(&c) && c != '\u{FEFF}')
                    || c >= '\u{10000}'
            }))
}

/// A blank line or a comment line (spaces, then `#`).
fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    t.is_empty() || t.starts_with('#')
}

/// What follows a value: nothing, spaces, or spaces and a comment. `None` otherwise.
fn comment_only(after: &str) -> Option<()> {
    let t = after.trim_start_matches(' ');
    (t.is_empty() || (t.len() < after.len() && t.starts_with('#'))).then_some(())
}

/// The value of a key with nothing after its colon: the block list on the next lines
/// (advancing `i` past it), or null when the next line is a key. `None` for anything
/// else (a nested mapping, a multi-line scalar).
fn block_list(lines: &[&str], i: &mut usize) -> Option<Value> {
    let mut items = Vec::new();
    let mut indent = None;
    let mut j = *i;
    while j < lines.len() {
        let line = lines[j];
        if is_blank_or_comment(line) {
            j += 1;
            continue;
        }
        let body = line.trim_start_matches(' ');
        let at = line.len() - body.len();
        let Some(item) = body.strip_prefix("- ") else {
            if body == "-" || at > 0 {
                return None;
            }
            break;
        };
        match indent {
            None => indent = Some(at),
            Some(n) if n != at => return None,
            Some(_) => {}
        }
        let item = item.trim_start_matches(' ');
        if item.is_empty() || item.starts_with(['#', '[', '-']) {
            return None;
        }
        let (value, after) = scalar_token(item, false)?;
        comment_only(after)?;
        items.push(value);
        j += 1;
        *i = j;
    }
    if indent.is_none() {
        // Comment and blank lines before the next key are skipped by the caller.
        return Some(Value::Null);
    }
    Some(Value::Sequence(items))
}

/// A value after `key: `: a flow list or a scalar, and the text after it.
fn value_token(text: &str) -> Option<(Value, &str)> {
    if let Some(inner) = text.strip_prefix('[') {
        return flow_list(inner);
    }
    scalar_token(text, false)
}

/// A one-line flow list after its `[`: its items and the text after the `]`.
fn flow_list(text: &str) -> Option<(Value, &str)> {
    let mut seq = Vec::new();
    let mut rest = text.trim_start_matches(' ');
    if let Some(after) = rest.strip_prefix(']') {
        return Some((Value::Sequence(seq), after));
    }
    loop {
        let (value, after) = scalar_token(rest, true)?;
        seq.push(value);
        let after = after.trim_start_matches(' ');
        if let Some(after) = after.strip_prefix(']') {
            return Some((Value::Sequence(seq), after));
        }
        rest = after.strip_prefix(',')?.trim_start_matches(' ');
        if rest.is_empty() || rest.starts_with([',', ']']) {
            return None;
        }
    }
}

/// A quoted or plain scalar at the start of `text`, and the text after it. In a flow
/// list a plain scalar ends at `,` or `]`; in block context at ` #` or the line's end.
fn scalar_token(text: &str, in_flow: bool) -> Option<(Value, &str)> {
    if let Some(inner) = text.strip_prefix('\'') {
        return single_quoted(inner);
    }
    if let Some(inner) = text.strip_prefix('"') {
        return double_quoted(inner);
    }
    let end = if in_flow {
        text.find([',', ']']).unwrap_or(text.len())
    } else {
        text.find(" #").unwrap_or(text.len())
    };
    let plain = text[..end].trim_end_matches(' ');
    if in_flow && plain.contains(" #") {
        return None;
    }
    if !plain_ok(plain, in_flow) {
        return None;
    }
    Some((resolve_plain(plain)?, &text[plain.len()..]))
}

/// A `'…'` scalar after its opening quote (`''` is a quote), on one line.
fn single_quoted(text: &str) -> Option<(Value, &str)> {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        if c == '\'' {
            if text[at + 1..].starts_with('\'') {
                out.push('\'');
                chars.next();
                continue;
            }
            return Some((Value::String(out), &text[at + 1..]));
        }
        if !(c == ' ' || yaml_safe_char(c)) {
            return None;
        }
        out.push(c);
    }
    None
}

/// A `"…"` scalar after its opening quote, with YAML's escapes, on one line.
fn double_quoted(text: &str) -> Option<(Value, &str)> {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((Value::String(out), &text[at + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                let code_len = match e {
                    '0' => {
                        out.push('\0');
                        continue;
                    }
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    't' => '\t',
                    'n' => '\n',
                    'v' => '\u{B}',
                    'f' => '\u{C}',
                    'r' => '\r',
                    'e' => '\u{1B}',
                    ' ' => ' ',
                    '"' => '"',
                    '/' => '/',
                    '\\' => '\\',
                    'N' => '\u{85}',
                    '_' => '\u{A0}',
                    'L' => '\u{2028}',
                    'P' => '\u{2029}',
                    'x' | 'u' | 'U' => {
                        let len = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut code = 0u32;
                        for _ in 0..len {
                            let (_, h) = chars.next()?;
                            code = code * 16 + h.to_digit(16)?;
                        }
                        out.push(char::from_u32(code)?);
                        continue;
                    }
                    _ => return None,
                };
                out.push(code_len);
            }
            c if c == ' ' || yaml_safe_char(c) => out.push(c),
            _ => return None,
        }
    }
    None
}

/// A character that YAML reads as itself everywhere: printable, not a line break, no BOM.
fn yaml_safe_char(c: char) -> bool {
    match c {
        '!'..='~' => true,
        '\u{A0}'..='\u{D7FF}' => !matches!(c, '\u{2028}' | '\u{2029}'),
        '\u{E000}'..='\u{FFFD}' => c != '\u{FEFF}',
        c => c >= '\u{10000}',
    }
}

/// Whether `s` is a plain scalar whose text YAML takes literally: it starts with a letter,
/// digit, `_`, `/` or `(`, uses no indicator characters (a `#` only right after another
/// character), and has no double spaces.
fn plain_ok(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    (first.is_alphanumeric() || matches!(first, '_' | '/' | '('))
        && !s.ends_with(' ')
        && !s.contains("  ")
        && !s.contains(" #")
        && s.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    '_' | '.' | '/' | '@' | '-' | '+' | '(' | ')' | '\'' | '!' | '?' | '#' | ' '
                )
                || (!in_flow && matches!(c, ',' | '&' | ';'))
        })
        && s.chars().all(|c| c.is_ascii() || yaml_safe_char(c))
}

/// Resolves a plain scalar that passed [`plain_ok`] the way `serde_yaml_ng` does, or
/// `None` when the answer is not a plain string or a small unsigned integer.
fn resolve_plain(s: &str) -> Option<Value> {
    if matches!(
        s,
        "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    ) {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        if s.len() > 1 && s.starts_with('0') {
            return None;
        }
        return s.parse::<u64>().ok().map(|n| Value::Number(n.into()));
    }
    let b = s.as_bytes();
    let radix =
        b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'x' | b'o' | b'b');
    if radix || s.parse::<f64>().is_ok() {
        return None;
    }
    Some(Value::String(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the YAML parser makes of front-matter text (`None` when it is an error).
    fn yaml_mapping(text: &str) -> Option<Mapping> {
        match serde_yaml_ng::from_str::<Value>(text).ok()? {
            Value::Mapping(m) => Some(m),
            Value::Null => Some(Mapping::new()),
            _ => None,
        }
    }

    #[test]
    fn test_simple_front_matter_matches_yaml_parser() {
        let text = "id: B-00GE\ntitle: Submit payout batches, per project (v2)\ntype: story\n\
                    # comment\n\nestimate: 13\nvalue: 0\nlabels: [mobile, expenses]\n\
                    depends_on: []\ncreated: 2026-11-21\nsprint: 2026-S17\nowner:\n\
                    quoted: \"a: b # c\"\nsingle: 'it''s'\nrank: a0V\nx-custom: café ok\n";
        let fast = simple_front_matter(text);
        assert_eq!(fast, yaml_mapping(text));
        let fast = fast.unwrap();
        assert_eq!(fast["estimate"].as_u64(), Some(13));
        assert_eq!(fast["created"].as_str(), Some("2026-11-21"));
        assert!(fast["owner"].is_null());
        assert_eq!(fast["labels"][1].as_str(), Some("expenses"));
        assert_eq!(fast["single"].as_str(), Some("it's"));
    }

    /// What hand-written files contain: comments after values, quoted scalars with
    /// escapes, flow lists with quoted items, block lists.
    #[test]
    fn test_simple_front_matter_reads_hand_written_files() {
        let text = "id: B-1  # the id\n\
                    title: Fix bug #456 in export\n\
                    estimate: 3  # rough\n\
                    owner: # nobody yet\n\
                    status: 'in progress' # quoted\n\
                    story: \"tab\\there, \\\"quoted\\\", caf\\u00e9 \\x41 \\\\ \\/\"\n\
                    labels: [a, 'b, c', \"d\"]  # three\n\
                    tags:\n  - x   # first\n  # between\n\n  - 'y z'\n  - \"w\"\n\
                    more:\n- one\n- 2\n\
                    lang: C#\n\
                    empty: []\n";
        let fast = simple_front_matter(text);
        assert_eq!(fast, yaml_mapping(text));
        let fast = fast.unwrap();
        assert_eq!(fast["title"].as_str(), Some("Fix bug"));
        assert_eq!(fast["estimate"].as_u64(), Some(3));
        assert!(fast["owner"].is_null());
        assert_eq!(
            fast["story"].as_str(),
            Some("tab\there, \"quoted\", café A \\ /")
        );
        assert_eq!(fast["labels"][1].as_str(), Some("b, c"));
        assert_eq!(fast["tags"][1].as_str(), Some("y z"));
        assert_eq!(fast["more"][1].as_u64(), Some(2));
        assert_eq!(fast["lang"].as_str(), Some("C#"));
    }

    #[test]
    fn test_simple_front_matter_declines_what_it_cannot_resolve() {
        for text in [
            "a: true\n",
            "a: null\n",
            "a: 1.5\n",
            "a: 1e3\n",
            "a: 0x1F\n",
            "a: 007\n",
            "a: .inf\n",
            "a: nan\n",
            "a: -3\n",
            "a: ~\n",
            "a: x  y\n",
            "a: \"\\q\"\n",
            "a: \"\\ud800\"\n",
            "a: 'open\n",
            "a: \"open\n",
            "a: 'x' y\n",
            "a: 'x'# y\n",
            "a: [b, [c]]\n",
            "a: [b, ]\n",
            "a: [b #c]\n",
            "a: [b\n",
            "a: {b: 1}\n",
            "a: &x b\n",
            "a: *x\n",
            "a: !tag b\n",
            "a: |\n  text\n",
            "a:\n  b: 1\n",
            "a:\n  - b\n   - c\n",
            "a:\n  - b\n  c\n",
            "a:\n  -\n",
            "a:\n  - [b]\n",
            "a:\n  - - b\n",
            "a:\n  - b: c\n",
            "a: b\n  c\n",
            "a: b\na: c\n",
            "\"a\": b\n",
            "true: b\n",
            "a:b\n",
            "a:\tb\n",
            "a: b\t# c\n",
            "a: line\u{2028}sep\n",
            "a: 99999999999999999999999\n",
        ] {
            assert_eq!(simple_front_matter(text), None, "{text:?}");
        }
    }

    #[test]
    fn test_scan_keys_reads_the_keys_asked_for() {
        let text = "id: B-1  # the id\ntitle: Fix bug #456\nlabels:\n- a\nrank: a0V\n";
        let got = scan_keys(text, &["rank", "id", "created"]).unwrap();
        let at = |i: usize| got[i].as_ref().map(|s| (s.line, s.value.as_str()));
        assert_eq!(at(0), Some((4, Some("a0V"))));
        assert_eq!(at(1), Some((0, Some("B-1"))));
        assert_eq!(at(2), None);
        // Any line the YAML parser would refuse or read differently, asked for or not.
        for text in [
            "id: B-1\ntitle: 'open\n",
            "id: B-1\nid: B-2\n",
            "id: B-1\nrank: a0\n  more\n",
            "id: B-1\rrank: a0\n",
            "id: B-1\ntitle: a\tb\n",
        ] {
            assert_eq!(scan_keys(text, &["id"]), None, "{text:?}");
        }
    }

    #[test]
    fn test_split_front_finds_the_fences_as_the_document_does() {
        assert_eq!(split_front("---\nid: B-1\n---\nbody"), Some("id: B-1\n"));
        assert_eq!(
            split_front("\u{feff}---  \r\nid: B-1\r\n...\r\n"),
            Some("id: B-1\r\n")
        );
        assert_eq!(split_front("---\n---\n"), Some(""));
        assert_eq!(split_front("---\nid: B-1\n---"), None, "maybe cut short");
        assert_eq!(split_front("id: B-1\n---\n"), None);
        assert_eq!(split_front("---\nid: B-1\n"), None);
        assert_eq!(split_front("..."), None);
    }

    fn arb_token() -> impl Strategy<Value = String> {
        let special = proptest::sample::select(vec![
            "true",
            "Null",
            "0",
            "012",
            "12",
            "1.5",
            "inf",
            "2026-11-21",
            "0x1A",
            "1e5",
            "café",
            "C#",
            "a\u{2028}b",
            "\"x y\"",
            "'x y'",
            "'it''s'",
            "[a, b]",
            "[1, x y]",
            "['a, b', \"c\"]",
            "[]",
            "",
        ])
        .prop_map(str::to_owned);
        prop_oneof![
            6 => "[a-zA-Z0-9][a-z0-9 #'.,()-]{0,10}",
            3 => "'[a-z '#,\\\\\"]{0,6}'",
            3 => "\"[a-z '#,]{0,4}(\\\\[0abtnvfre \"/\\\\NLP_q]|\\\\x[0-9a-fA-F]{2}|\\\\u[0-9a-fA-F]{4}|\\\\U00[01][0-9a-fA-F]{5})?[a-z #]{0,3}\"",
            3 => "\\[( ?([a-z0-9][a-z0-9 #]{0,4}|'[a-z ,#]{0,3}'|\"[a-z ,#]{0,3}\") ?,?){0,3}\\]",
            2 => "[a-zA-Z0-9_./()@+!?' ,&;:#~*&|>%=-]{1,12}",
            3 => special,
        ]
    }

    /// A value line's tail: nothing, or a comment after one or more spaces (or none).
    fn arb_comment() -> impl Strategy<Value = String> {
        prop_oneof![Just(String::new()), "( {1,2}|)#[a-z #:']{0,6}",]
    }

    /// One front-matter line group: `key: value # comment`, or `key:` and a block list,
    /// or a comment line at some indentation.
    fn arb_group() -> impl Strategy<Value = String> {
        let key = || {
            prop_oneof![
                6 => "[a-z_][a-z0-9_-]{0,6}",
                4 => proptest::sample::select(vec!["id", "rank", "created", "title"])
                    .prop_map(str::to_owned),
                1 => "true|inf",
            ]
        };
        prop_oneof![
            4 => (key(), arb_token(), arb_comment()).prop_map(|(k, v, c)| {
                if v.is_empty() { format!("{k}:{c}") } else { format!("{k}: {v}{c}") }
            }),
            2 => (
                key(),
                arb_comment(),
                0usize..3,
                proptest::collection::vec(
                    (arb_token(), arb_comment(), 0usize..2, proptest::bool::weighted(0.2)),
                    1..4,
                ),
            )
                .prop_map(|(k, c, indent, items)| {
                    let pad = " ".repeat(indent);
                    let mut s = format!("{k}:{c}");
                    for (v, c, extra, comment_line) in items {
                        if comment_line {
                            s.push_str(&format!("\n{pad}# note"));
                        }
                        s.push_str(&format!("\n{pad}{}- {v}{c}", " ".repeat(extra * usize::from(extra > 1))));
                    }
                    s
                }),
            1 => "( {0,3})# [a-z:]{0,5}",
            1 => proptest::sample::select(vec!["  continued", "  - stray", "- top", "   "])
                .prop_map(str::to_owned),
        ]
    }

    #[test]
    fn test_characters_yaml_refuses_are_left_to_the_parser() {
        // Found by fuzzing (document_edit): a comment line with control characters.
        let text = "id: B-1\ntitle: t\n## Acc\u{12}\u{12}5\n";
        assert_eq!(simple_front_matter(text), None);
        assert_eq!(yaml_mapping(text), None);
        for c in [
            '\u{7F}', '\u{9B}', '\u{FEFF}', '\u{FFFE}', '\u{0}', '\u{85}', '\u{2028}',
        ] {
            assert_eq!(
                simple_front_matter(&format!("id: B-1\n# a{c}\n")),
                None,
                "{c:?}"
            );
        }
        // Other characters stay on the fast path (when its scalar rules take them).
        let text = "id: B-1\n# a é\ntitle: café\n";
        assert!(simple_front_matter(text).is_some());
        for c in ['é', '→', '😀', '\u{A0}', '\u{E000}'] {
            let text = format!("id: B-1\n# a{c}\ntitle: x{c}y\n");
            if let Some(fast) = simple_front_matter(&text) {
                assert_eq!(Some(fast), yaml_mapping(&text), "{c:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Whenever the fast path answers, it answers exactly what the YAML parser does.
        #[test]
        fn prop_simple_front_matter_agrees_with_yaml(
            groups in proptest::collection::vec(arb_group(), 0..6),
            crlf in proptest::bool::ANY,
            odd in proptest::option::weighted(0.2, (0usize..400, proptest::char::any())),
        ) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text: String = groups.iter().map(|g| format!("{}{nl}", g.replace('\n', nl))).collect();
            // Any character anywhere (a control character in a comment, say).
            if let Some((at, c)) = odd {
                let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                text.insert(at, c);
            }
            if let Some(fast) = simple_front_matter(&text) {
                prop_assert_eq!(Some(fast), yaml_mapping(&text), "{:?}", text);
            }
        }

        /// Whenever `scan_keys` answers, the YAML parser reads the text and gives the
        /// same values, and each line is its key's line; it answers whenever the fast
        /// path does.
        #[test]
        fn prop_scan_keys_agrees_with_yaml(
            groups in proptest::collection::vec(arb_group(), 0..6),
            crlf in proptest::bool::ANY,
            lone_cr in proptest::bool::weighted(0.05),
        ) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text: String = groups.iter().map(|g| format!("{}{nl}", g.replace('\n', nl))).collect();
            if lone_cr {
                text = text.replacen(' ', "\r", 1);
            }
            let keys = ["id", "rank", "created", "title", "x"];
            let scanned = scan_keys(&text, &keys);
            if simple_front_matter(&text).is_some() {
                prop_assert!(scanned.is_some(), "{:?}", text);
            }
            if let Some(scanned) = scanned {
                let yaml = yaml_mapping(&text);
                prop_assert!(yaml.is_some(), "{:?}", text);
                let yaml = yaml.unwrap();
                let lines: Vec<&str> = text.split('\n').collect();
                for (key, got) in keys.iter().zip(scanned) {
                    prop_assert_eq!(got.as_ref().map(|s| &s.value), yaml.get(*key), "{:?}", text);
                    if let Some(got) = got {
                        prop_assert!(lines[got.line].starts_with(&format!("{key}:")), "{:?}", text);
                    }
                }
            }
        }
    }
}
