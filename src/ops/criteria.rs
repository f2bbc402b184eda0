//! Acceptance criteria as source text: where each criterion's lines are in a body, so
//! `split` and `merge` can move and copy them without reformatting anything else.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::item::Body;

/// One acceptance criterion with its source lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CriterionSource {
    /// Normalized text (as [`Body::parse`] reports it).
    pub text: String,
    /// Byte range of its whole lines in the body (line terminators included).
    pub range: Range<usize>,
    /// Its lines with the list's indentation removed, without the final line break.
    pub raw: String,
    /// Leading whitespace of its first line.
    pub indent: String,
}

/// The criteria of `body` with their source, in document order.
pub(crate) fn sources(body: &str) -> Vec<CriterionSource> {
    let parsed = Body::parse(body, 1);
    if parsed.criteria.is_empty() {
        return Vec::new();
    }
    // 1-based body line -> range of the innermost list item starting on it.
    let starts = line_starts(body);
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
    let mut items: HashMap<usize, Range<usize>> = HashMap::new();
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TASKLISTS).into_offset_iter() {
        if let Event::Start(Tag::Item) = event {
            items.insert(line_of(range.start), range);
        }
    }
    parsed
        .criteria
        .iter()
        .filter_map(|c| {
            let item = items.get(&c.line)?;
            let start = starts[c.line - 1];
            let last = item.end.max(item.start + 1) - 1;
            let end = body.as_bytes()[last..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(body.len(), |i| last + i + 1);
            // A list item's range can include the blank lines after it: leave those.
            let content_end = start + body[start..end].trim_end().len();
            let end = body[content_end..end]
                .find('\n')
                .map_or(end, |i| content_end + i + 1);
            let lines = &body[start..end];
            let indent: String = lines
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let raw = lines
                .trim_end_matches(['\n', '\r'])
                .split('\n')
                .map(|l| {
                    let l = l.strip_suffix('\r').unwrap_or(l);
                    l.strip_prefix(indent.as_str())
                        .unwrap_or_else(|| l.trim_start())
                })
                .collect::<Vec<_>>()
                .join("\n");
            Some(CriterionSource {
                text: c.text.clone(),
                range: start..end,
                raw,
                indent,
            })
        })
        .collect()
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Normalized form for comparing criteria (case and spacing ignored).
pub(crate) fn comparable(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `raw` criteria lines, each line prefixed with `indent`, joined with `newline`, with a
/// final line break.
pub(crate) fn render(raws: &[&str], indent: &str, newline: &str) -> String {
    let mut out = String::new();
    for raw in raws {
        for line in raw.split('\n') {
            if !line.is_empty() {
                out.push_str(indent);
            }
            out.push_str(line);
            out.push_str(newline);
        }
    }
    out
}

/// `body` without the given byte ranges.
pub(crate) fn remove_ranges(body: &str, ranges: &[Range<usize>]) -> String {
    let mut sorted: Vec<Range<usize>> = ranges.to_vec();
    sorted.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(body.len());
    let mut pos = 0;
    for r in sorted {
        if r.start > pos {
            out.push_str(&body[pos..r.start]);
        }
        pos = pos.max(r.end);
    }
    out.push_str(&body[pos.min(body.len())..]);
    out
}

/// `body` with criteria `raws` appended to its acceptance criteria: after the last
/// criterion, or under an empty "Acceptance criteria" heading, or in a new
/// `## Acceptance criteria` section at the end.
pub(crate) fn append(body: &str, raws: &[&str], newline: &str) -> String {
    if raws.is_empty() {
        return body.to_owned();
    }
    let existing = sources(body);
    if let Some(last_end) = existing.iter().map(|c| c.range.end).max() {
        let indent = &existing[0].indent;
        let mut out = body[..last_end].to_owned();
        if !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str(&render(raws, indent, newline));
        out.push_str(&body[last_end..]);
        return out;
    }
    let parsed = Body::parse(body, 1);
    if let Some(heading) = parsed.criteria_heading_line {
        let starts = line_starts(body);
        let after = starts.get(heading).copied().unwrap_or(body.len());
        let mut out = body[..after].to_owned();
        if !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str(&render(raws, "", newline));
        out.push_str(&body[after..]);
        return out;
    }
    let mut out = body.to_owned();
    if !out.is_empty() {
        if !out.ends_with('\n') {
            out.push_str(newline);
        }
        if !out.ends_with(&format!("{newline}{newline}")) && out.trim() != "" {
            out.push_str(newline);
        }
    }
    out.push_str("## Acceptance criteria");
    out.push_str(newline);
    out.push_str(&render(raws, "", newline));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Story.\n\n## Acceptance criteria\n- [ ] First **bold**\n  continued\n- [x] Second\n  - [ ] Nested\n- [ ] Third\n\n## Notes\n- [ ] not a criterion\n";

    #[test]
    fn test_sources_find_lines_of_each_criterion() {
        let s = sources(BODY);
        let texts: Vec<&str> = s.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["First bold continued", "Second", "Nested", "Third"]);
        assert_eq!(
            &BODY[s[0].range.clone()],
            "- [ ] First **bold**\n  continued\n"
        );
        assert_eq!(s[0].raw, "- [ ] First **bold**\n  continued");
        assert_eq!(&BODY[s[3].range.clone()], "- [ ] Third\n");
        assert_eq!(s[2].raw, "- [ ] Nested");
        assert_eq!(s[2].indent, "  ");
    }

    #[test]
    fn test_sources_multibyte_end_without_newline() {
        let body = "## Acceptance criteria\n- [ ] Crème brûlée\n- [x] Ünïcödé ✓";
        let s = sources(body);
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].raw, "- [x] Ünïcödé ✓");
        assert_eq!(&body[s[1].range.clone()], "- [x] Ünïcödé ✓");
        let out = append(body, &["- [ ] Ñ"], "\n");
        assert_eq!(out, format!("{body}\n- [ ] Ñ\n"));
        assert_eq!(
            remove_ranges(body, &[s[0].range.clone()]),
            "## Acceptance criteria\n- [x] Ünïcödé ✓"
        );
    }

    #[test]
    fn test_remove_ranges_keeps_everything_else() {
        let s = sources(BODY);
        let out = remove_ranges(BODY, &[s[3].range.clone(), s[0].range.clone()]);
        assert_eq!(
            out,
            "Story.\n\n## Acceptance criteria\n- [x] Second\n  - [ ] Nested\n\n## Notes\n- [ ] not a criterion\n"
        );
    }

    #[test]
    fn test_append_after_last_criterion_or_new_section() {
        let out = append(BODY, &["- [ ] Fourth"], "\n");
        assert!(
            out.contains("- [ ] Third\n- [ ] Fourth\n\n## Notes"),
            "{out}"
        );
        let out = append("Story only.", &["- [ ] A", "- [x] B"], "\n");
        assert_eq!(
            out,
            "Story only.\n\n## Acceptance criteria\n- [ ] A\n- [x] B\n"
        );
        let out = append("", &["- [ ] A"], "\n");
        assert_eq!(out, "## Acceptance criteria\n- [ ] A\n");
        let out = append("## Acceptance criteria\n\n## Notes\n", &["- [ ] A"], "\n");
        assert_eq!(out, "## Acceptance criteria\n- [ ] A\n\n## Notes\n");
        let crlf = "S.\r\n\r\n## Acceptance criteria\r\n- [ ] A\r\n";
        assert_eq!(
            append(crlf, &["- [ ] B"], "\r\n"),
            "S.\r\n\r\n## Acceptance criteria\r\n- [ ] A\r\n- [ ] B\r\n"
        );
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn arb_body() -> impl Strategy<Value = String> {
            let line = prop_oneof![
                Just("## Acceptance criteria".to_owned()),
                Just("### Notes".to_owned()),
                Just("- [ ] plain".to_owned()),
                Just("* [x] star ✓".to_owned()),
                Just("  - [ ] nested é".to_owned()),
                Just("1. [ ] ordered".to_owned()),
                Just("- not a task".to_owned()),
                Just("  continued".to_owned()),
                Just("> - [ ] quoted".to_owned()),
                Just("```".to_owned()),
                Just(String::new()),
                "[a-zé✓ ]{0,12}",
            ];
            (
                proptest::collection::vec(line, 0..14),
                proptest::bool::ANY,
                proptest::bool::ANY,
            )
                .prop_map(|(lines, crlf, final_newline)| {
                    let nl = if crlf { "\r\n" } else { "\n" };
                    let mut body = lines.join(nl);
                    if final_newline {
                        body.push_str(nl);
                    }
                    body
                })
        }

        proptest! {
            #[test]
            fn sources_match_parsed_criteria(body in arb_body()) {
                let parsed = Body::parse(&body, 1);
                let found = sources(&body);
                // Numbering must agree with `show`, or --give would hand out the wrong one.
                prop_assert_eq!(found.len(), parsed.criteria.len());
                for (f, c) in found.iter().zip(&parsed.criteria) {
                    prop_assert_eq!(&f.text, &c.text);
                    prop_assert!(body.is_char_boundary(f.range.start));
                    prop_assert!(body.is_char_boundary(f.range.end));
                }
                let ranges: Vec<_> = found.iter().map(|f| f.range.clone()).collect();
                let _ = remove_ranges(&body, &ranges);
                let appended = append(&body, &["- [ ] added"], "\n");
                prop_assert!(appended.contains("- [ ] added"));
            }
        }
    }
}
