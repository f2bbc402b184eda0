//! Key-level three-way merge of front matter, built on the lossless [`Document`] index.
//!
//! The front matter is cut into *units*, one per top-level key: the comment and blank
//! lines just above the key (its *lead*) and the key's own lines (its *span*), plus the
//! *tail* after the last key. The result is OURS' text with units replaced, added or
//! removed, so every line of OURS that neither side changed keeps its bytes.
//!
//! For each key, with B, O and T its lines in base, ours and theirs:
//!
//! | case                                   | result                                    |
//! |----------------------------------------|-------------------------------------------|
//! | changed on one side only (a side that only re-quoted a value counts as unchanged) | that side's lines |
//! | same lines, or same value, on both     | OURS' lines                               |
//! | added on one side / removed on one side (other side unchanged) | added / removed   |
//! | both sides changed a YAML sequence     | set merge: OURS' elements minus THEIRS' removals, then THEIRS' new elements |
//! | `updated` changed on both sides        | the later date                            |
//! | `rank` changed on both sides           | the smaller key (the item ends up higher) |
//! | anything else changed on both sides    | conflict markers around just this key     |
//! | changed on one side, removed on the other | conflict markers around just this key  |
//!
//! The `rank` rule: both sides moved the item, so both wanted it somewhere else; the
//! higher place wins, where the next refinement sees it and a single `rank` fixes the
//! order if it is wrong. Markers would block the merge for a question of order.
//!
//! Leads and the tail are merged line by line. Keys THEIRS added go after the key that
//! precedes them in THEIRS (after keys only OURS added there).

use std::collections::HashMap;

use serde_yaml_ng::Value;

use super::body::{merge_lines, push_conflict};
use super::{Labels, MergeError, Merged, Strategy};
use crate::document::{Document, FieldValue};

/// One top-level key's lines.
#[derive(Debug, Clone, Copy)]
struct Unit<'a> {
    key: &'a str,
    lead: &'a str,
    span: &'a str,
}

/// One side's front matter cut into units, with the parsed values.
struct Side<'a> {
    units: Vec<Unit<'a>>,
    tail: &'a str,
    values: serde_yaml_ng::Mapping,
    body: &'a str,
}

impl<'a> Side<'a> {
    /// `None` when the key index and the YAML parser disagree (nested syntax the index
    /// does not follow, duplicate keys, non-string keys): the caller merges by lines.
    fn new(doc: &'a Document) -> Option<Self> {
        let raw = doc.as_str();
        let front = doc.front_range();
        let values = doc.front_matter().ok()?;
        let keys = doc.keys();
        if values.len() != keys.len() {
            return None;
        }
        let mut units = Vec::with_capacity(keys.len());
        let mut at = front.start;
        for entry in keys {
            let span = entry.span();
            if !values.contains_key(entry.key.as_str()) || span.start < at {
                return None;
            }
            units.push(Unit {
                key: &entry.key,
                lead: &raw[at..span.start],
                span: &raw[span.clone()],
            });
            at = span.end;
        }
        Some(Self {
            units,
            tail: &raw[at..front.end],
            values,
            body: &raw[doc.body_start()..],
        })
    }

    fn empty() -> Self {
        Self {
            units: Vec::new(),
            tail: "",
            values: serde_yaml_ng::Mapping::new(),
            body: "",
        }
    }

    fn get(&self, key: &str) -> Option<&Unit<'a>> {
        self.units.iter().find(|u| u.key == key)
    }

    fn value(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }
}

/// Converts line endings to `newline`.
fn normalize(text: &str, newline: &str) -> String {
    let lf = text.replace("\r\n", "\n");
    if newline == "\n" {
        lf
    } else {
        lf.replace('\n', "\r\n")
    }
}

/// The merge in progress: output text and conflict count.
struct Out<'l> {
    text: String,
    conflicts: usize,
    labels: &'l Labels,
    newline: &'static str,
}

impl Out<'_> {
    fn conflict(&mut self, ours: &str, theirs: &str) {
        let mut bytes = Vec::new();
        let split = |s: &str| -> Vec<Vec<u8>> {
            s.split_inclusive('\n')
                .map(|l| l.as_bytes().to_vec())
                .collect()
        };
        let (o, t) = (split(ours), split(theirs));
        let o: Vec<&[u8]> = o.iter().map(Vec::as_slice).collect();
        let t: Vec<&[u8]> = t.iter().map(Vec::as_slice).collect();
        push_conflict(&mut bytes, &o, &t, self.labels, self.newline.as_bytes());
        self.text.push_str(&String::from_utf8_lossy(&bytes));
        self.conflicts += 1;
    }

    /// Line merge of small texts (leads, the tail). `None` if the result is not UTF-8.
    fn lines(&mut self, base: &str, ours: &str, theirs: &str) -> Result<Option<()>, MergeError> {
        let merged = merge_lines(
            base.as_bytes(),
            ours.as_bytes(),
            theirs.as_bytes(),
            self.labels,
        )?;
        let Ok(text) = String::from_utf8(merged.text) else {
            return Ok(None);
        };
        self.text.push_str(&text);
        self.conflicts += merged.conflicts;
        Ok(Some(()))
    }
}

/// Merges three item documents key by key. `base` is `None` when the file was added on
/// both sides. Returns `Ok(None)` when some side cannot be cut into key units (the
/// caller then merges the whole file by lines).
pub fn merge_documents(
    base: Option<&Document>,
    ours: &Document,
    theirs: &Document,
    labels: &Labels,
) -> Result<Option<Merged>, MergeError> {
    let nl = ours.newline();
    // THEIRS and BASE in OURS' line endings, so an editor's CRLF does not conflict.
    let theirs_text;
    let theirs = if theirs.newline() == nl {
        theirs
    } else {
        theirs_text = Document::parse(normalize(theirs.as_str(), nl).as_bytes()).ok();
        match &theirs_text {
            Some(doc) => doc,
            None => return Ok(None),
        }
    };
    let base_text;
    let base = match base {
        Some(doc) if doc.newline() != nl => {
            base_text = Document::parse(normalize(doc.as_str(), nl).as_bytes()).ok();
            match &base_text {
                Some(doc) => Some(doc),
                None => return Ok(None),
            }
        }
        other => other,
    };
    let (Some(o), Some(t)) = (Side::new(ours), Side::new(theirs)) else {
        return Ok(None);
    };
    let b = match base {
        Some(doc) => match Side::new(doc) {
            Some(side) => side,
            None => return Ok(None),
        },
        None => Side::empty(),
    };
    let raw = ours.as_str();
    let front = ours.front_range();
    let mut out = Out {
        text: String::with_capacity(raw.len() + 64),
        conflicts: 0,
        labels,
        newline: nl,
    };
    out.text.push_str(&raw[..front.start]);

    // Keys only THEIRS has, grouped by the OURS key they follow.
    let mut after: HashMap<Option<&str>, Vec<Unit<'_>>> = HashMap::new();
    for (i, unit) in t.units.iter().enumerate() {
        if o.get(unit.key).is_some() {
            continue;
        }
        let before = t.units[..i]
            .iter()
            .rev()
            .map(|u| u.key)
            .find(|k| o.get(k).is_some());
        after.entry(before).or_default().push(*unit);
    }
    let mut waiting = after.remove(&None).unwrap_or_default();
    for unit in &o.units {
        let only_ours_added = b.get(unit.key).is_none() && t.get(unit.key).is_none();
        if !only_ours_added {
            for theirs_unit in waiting.drain(..) {
                theirs_only(&mut out, &b, &t, &theirs_unit);
            }
        }
        if !merge_unit(&mut out, ours, &b, &o, &t, unit)? {
            return Ok(None);
        }
        if !only_ours_added {
            waiting = after.remove(&Some(unit.key)).unwrap_or_default();
        }
    }
    for theirs_unit in waiting.drain(..) {
        theirs_only(&mut out, &b, &t, &theirs_unit);
    }
    if out.lines(b.tail, o.tail, t.tail)?.is_none() {
        return Ok(None);
    }
    out.text.push_str(&raw[front.end..ours.body_start()]);
    let body = merge_lines(
        b.body.as_bytes(),
        o.body.as_bytes(),
        t.body.as_bytes(),
        labels,
    )?;
    let mut text = out.text.into_bytes();
    text.extend_from_slice(&body.text);
    Ok(Some(Merged {
        text,
        conflicts: out.conflicts + body.conflicts,
        strategy: Strategy::Keys,
    }))
}

/// A key THEIRS has and OURS does not: added by THEIRS, or removed by OURS.
fn theirs_only(out: &mut Out<'_>, b: &Side<'_>, t: &Side<'_>, unit: &Unit<'_>) {
    match b.get(unit.key) {
        None => {
            out.text.push_str(unit.lead);
            out.text.push_str(unit.span);
        }
        // Removed by OURS, untouched (in value) by THEIRS: stays removed.
        Some(base) if base.span == unit.span || b.value(unit.key) == t.value(unit.key) => {}
        // Removed by OURS, changed by THEIRS.
        Some(_) => {
            out.text.push_str(unit.lead);
            out.conflict("", unit.span);
        }
    }
}

/// Merges one key OURS has. `Ok(false)` asks for the line-merge fallback.
fn merge_unit(
    out: &mut Out<'_>,
    ours_doc: &Document,
    b: &Side<'_>,
    o: &Side<'_>,
    t: &Side<'_>,
    unit: &Unit<'_>,
) -> Result<bool, MergeError> {
    let key = unit.key;
    match (b.get(key), t.get(key)) {
        // Only OURS added it.
        (None, None) => {
            out.text.push_str(unit.lead);
            out.text.push_str(unit.span);
        }
        // THEIRS removed it.
        (Some(base), None) => {
            if unit.lead != base.lead {
                out.text.push_str(unit.lead);
            }
            if unit.span != base.span && o.value(key) != b.value(key) {
                out.conflict(unit.span, "");
            }
        }
        (base, Some(theirs)) => {
            if out
                .lines(base.map_or("", |u| u.lead), unit.lead, theirs.lead)?
                .is_none()
            {
                return Ok(false);
            }
            let spans = Spans {
                base: base.map(|u| u.span),
                ours: unit.span,
                theirs: theirs.span,
            };
            let values = Values {
                base: b.value(key),
                ours: o.value(key),
                theirs: t.value(key),
            };
            match merge_key(ours_doc, key, &spans, &values) {
                Some(text) => out.text.push_str(&text),
                None => out.conflict(unit.span, theirs.span),
            }
        }
    }
    Ok(true)
}

struct Spans<'a> {
    base: Option<&'a str>,
    ours: &'a str,
    theirs: &'a str,
}

struct Values<'a> {
    base: Option<&'a Value>,
    ours: Option<&'a Value>,
    theirs: Option<&'a Value>,
}

/// The merged lines of a key both OURS and THEIRS have, or `None` for a conflict.
fn merge_key(
    ours_doc: &Document,
    key: &str,
    spans: &Spans<'_>,
    values: &Values<'_>,
) -> Option<String> {
    let (o, t) = (spans.ours, spans.theirs);
    // Bytes first (exact), then values (a side that only re-quoted counts as unchanged).
    if spans.base == Some(o) {
        return Some(t.to_owned());
    }
    if spans.base == Some(t) || o == t || values.ours == values.theirs {
        return Some(o.to_owned());
    }
    if values.base.is_some() && values.ours == values.base {
        return Some(t.to_owned());
    }
    if values.base.is_some() && values.theirs == values.base {
        return Some(o.to_owned());
    }
    let (ov, tv) = (values.ours?, values.theirs?);
    match (key, ov, tv) {
        ("updated", Value::String(a), Value::String(b)) => {
            return Some(if b > a { t } else { o }.to_owned());
        }
        ("rank", Value::String(a), Value::String(b)) => {
            return Some(if b < a { t } else { o }.to_owned());
        }
        _ => {}
    }
    let (Value::Sequence(os), Value::Sequence(ts)) = (ov, tv) else {
        return None;
    };
    let empty = Vec::new();
    let bs = match values.base {
        None | Some(Value::Null) => &empty,
        Some(Value::Sequence(s)) => s,
        Some(_) => return None,
    };
    let merged = set_merge(bs, os, ts);
    if &merged == os {
        return Some(o.to_owned());
    }
    if &merged == ts {
        return Some(t.to_owned());
    }
    let strings = merged
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<Vec<String>>>()?;
    let mut doc = ours_doc.clone();
    doc.set(key, &FieldValue::List(strings));
    let span = doc.key(key)?.span();
    Some(doc.as_str()[span].to_owned())
}

/// Sequences as sets: OURS' elements minus those THEIRS removed, then THEIRS' additions.
pub fn set_merge(base: &[Value], ours: &[Value], theirs: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = ours
        .iter()
        .filter(|v| !base.contains(v) || theirs.contains(v))
        .cloned()
        .collect();
    for v in theirs {
        if !base.contains(v) && !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::merge_files;

    fn merge(base: &str, ours: &str, theirs: &str) -> (String, usize) {
        let m = merge_files(
            base.as_bytes(),
            ours.as_bytes(),
            theirs.as_bytes(),
            &Labels::default(),
        )
        .unwrap();
        assert_eq!(m.strategy, Strategy::Keys);
        (String::from_utf8(m.text).unwrap(), m.conflicts)
    }

    const BASE: &str = "---\nid: B-1\ntitle: Sign in  # short\nestimate: 3\nvalue: 5\nlabels: [auth]\nrank: a0\n---\nBody\n";

    #[test]
    fn test_neighbouring_keys_merge() {
        let ours = BASE.replace("estimate: 3", "estimate: 5");
        let theirs = BASE.replace("value: 5", "value: 8");
        let (text, n) = merge(BASE, &ours, &theirs);
        assert_eq!(n, 0);
        assert_eq!(
            text,
            BASE.replace("estimate: 3", "estimate: 5")
                .replace("value: 5", "value: 8")
        );
    }

    #[test]
    fn test_scalar_conflict_marks_one_key() {
        let ours = BASE
            .replace("estimate: 3", "estimate: 5")
            .replace("value: 5", "value: 1");
        let theirs = BASE.replace("estimate: 3", "estimate: 8");
        let (text, n) = merge(BASE, &ours, &theirs);
        assert_eq!(n, 1);
        assert_eq!(
            text,
            "---\nid: B-1\ntitle: Sign in  # short\n<<<<<<< ours\nestimate: 5\n=======\nestimate: 8\n>>>>>>> theirs\nvalue: 1\nlabels: [auth]\nrank: a0\n---\nBody\n"
        );
    }

    #[test]
    fn test_lists_merge_as_sets() {
        let ours = BASE.replace("[auth]", "[auth, web]");
        let theirs = BASE.replace("[auth]", "[api]");
        let (text, n) = merge(BASE, &ours, &theirs);
        assert_eq!(n, 0);
        assert!(text.contains("labels: [web, api]\n"), "{text}");
    }

    #[test]
    fn test_block_lists_stay_block_lists() {
        let base = "---\nid: X\ndepends_on:\n  - B-1  # first\n  - B-2\n---\n";
        let ours = "---\nid: X\ndepends_on:\n  - B-1  # first\n  - B-2\n  - B-3\n---\n";
        let theirs = "---\nid: X\ndepends_on:\n  - B-1  # first\n---\n";
        let (text, n) = merge(base, ours, theirs);
        assert_eq!(
            (text.as_str(), n),
            (
                "---\nid: X\ndepends_on:\n  - B-1  # first\n  - B-3\n---\n",
                0
            )
        );
    }

    #[test]
    fn test_rank_takes_the_smaller_key_and_updated_the_later_date() {
        let base = "---\nid: X\nrank: a5\nupdated: 2026-01-01\n---\n";
        let ours = "---\nid: X\nrank: a7\nupdated: 2026-03-01\n---\n";
        let theirs = "---\nid: X\nrank: a2\nupdated: 2026-02-01\n---\n";
        let expected = "---\nid: X\nrank: a2\nupdated: 2026-03-01\n---\n";
        assert_eq!(merge(base, ours, theirs), (expected.to_owned(), 0));
        assert_eq!(merge(base, theirs, ours), (expected.to_owned(), 0));
    }

    #[test]
    fn test_added_and_removed_keys() {
        let ours = BASE
            .replace("value: 5\n", "")
            .replace("rank: a0\n", "rank: a0\nowner: ann\n");
        let theirs = BASE.replace(
            "title: Sign in  # short\n",
            "title: Sign in  # short\nstatus: ready\n",
        );
        let (text, n) = merge(BASE, &ours, &theirs);
        assert_eq!(n, 0);
        assert_eq!(
            text,
            "---\nid: B-1\ntitle: Sign in  # short\nstatus: ready\nestimate: 3\nlabels: [auth]\nrank: a0\nowner: ann\n---\nBody\n"
        );
    }

    #[test]
    fn test_both_add_keys_at_the_end_ours_first() {
        let ours = BASE.replace("rank: a0\n", "rank: a0\nowner: ann\n");
        let theirs = BASE.replace("rank: a0\n", "rank: a0\nsprint: S1\n");
        let (text, n) = merge(BASE, &ours, &theirs);
        assert_eq!(n, 0);
        assert!(
            text.contains("rank: a0\nowner: ann\nsprint: S1\n---\n"),
            "{text}"
        );
    }

    #[test]
    fn test_changed_and_removed_conflicts() {
        let ours = BASE.replace("estimate: 3", "estimate: 5");
        let theirs = BASE.replace("estimate: 3\n", "");
        let (text, n) = merge(BASE, &ours, &theirs);
        assert_eq!(n, 1);
        assert!(
            text.contains("<<<<<<< ours\nestimate: 5\n=======\n>>>>>>> theirs\n"),
            "{text}"
        );
        let (text, n) = merge(BASE, &theirs, &ours);
        assert_eq!(n, 1);
        assert!(
            text.contains("<<<<<<< ours\n=======\nestimate: 5\n>>>>>>> theirs\n"),
            "{text}"
        );
    }

    #[test]
    fn test_comments_and_quoting_of_ours_are_kept() {
        let base = "---\nid: X\n# why\ntitle: 'Quoted'   # note\nestimate: 1\n---\n";
        let ours = "---\nid: X\n# why it matters\ntitle: 'Quoted'   # note\nestimate: 1\n---\n";
        let theirs = "---\nid: X\n# why\ntitle: 'Quoted'   # note\nestimate: 2\n---\n";
        let (text, n) = merge(base, ours, theirs);
        assert_eq!(
            (text.as_str(), n),
            (
                "---\nid: X\n# why it matters\ntitle: 'Quoted'   # note\nestimate: 2\n---\n",
                0
            )
        );
    }

    #[test]
    fn test_crlf_ours_with_lf_theirs() {
        let base = "---\r\nid: X\r\nestimate: 1\r\nvalue: 1\r\n---\r\nbody\r\n";
        let ours = "---\r\nid: X\r\nestimate: 2\r\nvalue: 1\r\n---\r\nbody\r\n";
        let theirs = "---\nid: X\nestimate: 1\nvalue: 3\n---\nbody\n";
        let (text, n) = merge(base, ours, theirs);
        assert_eq!(
            (text.as_str(), n),
            (
                "---\r\nid: X\r\nestimate: 2\r\nvalue: 3\r\n---\r\nbody\r\n",
                0
            )
        );
    }

    #[test]
    fn test_added_on_both_sides_with_empty_base() {
        let ours = "---\nid: X\ntitle: t\nlabels: [a]\n---\n";
        let theirs = "---\nid: X\ntitle: t\nlabels: [b]\n---\n";
        let (text, n) = merge("", ours, theirs);
        assert_eq!(
            (text.as_str(), n),
            ("---\nid: X\ntitle: t\nlabels: [a, b]\n---\n", 0)
        );
    }

    #[test]
    fn test_front_and_body_merge_together() {
        let base = "---\nid: X\nestimate: 1\n---\n## Acceptance criteria\n- [ ] a\n- [ ] b\n";
        let ours = "---\nid: X\nestimate: 2\n---\n## Acceptance criteria\n- [ ] a\n- [x] b\n";
        let theirs = "---\nid: X\nestimate: 1\nowner: ben\n---\n## Acceptance criteria\n- [ ] a\n- [ ] b\n- [ ] c\n";
        let (text, n) = merge(base, ours, theirs);
        assert_eq!(
            (text.as_str(), n),
            (
                "---\nid: X\nestimate: 2\nowner: ben\n---\n## Acceptance criteria\n- [ ] a\n- [x] b\n- [ ] c\n",
                0
            )
        );
    }

    #[test]
    fn test_set_merge() {
        let v = |s: &[&str]| {
            s.iter()
                .map(|x| Value::String((*x).into()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            set_merge(&v(&["a", "b"]), &v(&["b", "c"]), &v(&["a", "d", "b"])),
            v(&["b", "c", "d"])
        );
        assert_eq!(
            set_merge(&v(&["a"]), &v(&["a", "x"]), &v(&["x"])),
            v(&["x"])
        );
    }
}
