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

fn entry(body: &str) -> Entry {
    Entry::from_text(
        "backlog/B-1.md",
        &format!("---\nid: B-1\ntitle: T\n---\n{body}"),
    )
    .unwrap()
}

fn edited(body: &str, edit: ChecklistEdit) -> Result<String, OpError> {
    let out = edit_checklist(entry(body), Checklist::Criteria, &[], &edit)?;
    Ok(out.items[0].doc.body().to_owned())
}

/// Lines of `a` and `b` that differ (same line count assumed), as (line, old, new).
fn changed_lines(a: &str, b: &str) -> Vec<(String, String)> {
    a.lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.to_owned(), y.to_owned()))
        .collect()
}

#[test]
fn test_markers_are_located_on_the_bracket() {
    for s in sources(BODY) {
        assert_eq!(&BODY[s.marker.start..s.marker.start + 1], "[");
        assert_eq!(&BODY[s.marker.end - 1..s.marker.end], "]");
    }
    let s = sources(BODY);
    assert_eq!(
        &BODY[s[0].marker.end..s[0].text_end],
        " First **bold**\n  continued"
    );
    assert_eq!(&BODY[s[1].marker.end..s[1].text_end], " Second");
}

#[test]
fn test_check_and_uncheck_flip_one_character() {
    let out = edited(BODY, ChecklistEdit::Check(vec![4, 1, 4])).unwrap();
    assert_eq!(out.len(), BODY.len());
    let diff: Vec<usize> = (0..BODY.len())
        .filter(|&i| BODY.as_bytes()[i] != out.as_bytes()[i])
        .collect();
    assert_eq!(diff.len(), 2, "{out}");
    assert!(out.contains("- [x] First **bold**\n") && out.contains("- [x] Third\n"));
    let out = edited(BODY, ChecklistEdit::Uncheck(vec![2])).unwrap();
    assert_eq!(
        changed_lines(BODY, &out),
        [("- [x] Second".to_owned(), "- [ ] Second".to_owned())]
    );
    // Already in that state: nothing changes.
    let out = edit_checklist(
        entry(BODY),
        Checklist::Criteria,
        &[],
        &ChecklistEdit::Check(vec![2]),
    )
    .unwrap();
    assert!(out.change.is_empty());
    let err = edited(BODY, ChecklistEdit::Check(vec![5])).unwrap_err();
    assert!(
        err.to_string()
            .contains("B-1 has 4 acceptance criteria; there is no number 5"),
        "{err}"
    );
    assert!(edited(BODY, ChecklistEdit::Check(vec![0])).is_err());
}

#[test]
fn test_add_appends_one_line_with_the_lists_bullet() {
    let out = edited(BODY, ChecklistEdit::Add(vec!["Fourth".into()])).unwrap();
    assert_eq!(
        out,
        BODY.replace("- [ ] Third\n", "- [ ] Third\n- [ ] Fourth\n")
    );
    let out = edited(
        "## Acceptance criteria\n1. [ ] a\n2. [x] b\n",
        ChecklistEdit::Add(vec!["c".into(), "d".into()]),
    )
    .unwrap();
    assert_eq!(
        out,
        "## Acceptance criteria\n1. [ ] a\n2. [x] b\n3. [ ] c\n4. [ ] d\n"
    );
    let out = edited("Story.\n", ChecklistEdit::Add(vec!["a".into()])).unwrap();
    assert_eq!(out, "Story.\n\n## Acceptance criteria\n- [ ] a\n");
    assert!(edited(BODY, ChecklistEdit::Add(vec!["two\nlines".into()])).is_err());
    assert!(edited(BODY, ChecklistEdit::Add(vec!["  ".into()])).is_err());
    // Markdown in the text stays text of the criterion.
    let out = edited(BODY, ChecklistEdit::Add(vec!["# not a heading".into()])).unwrap();
    assert!(out.contains("- [ ] # not a heading\n"));
}

#[test]
fn test_remove_edit_and_move() {
    let out = edited(BODY, ChecklistEdit::Remove(vec![4])).unwrap();
    assert_eq!(out, BODY.replace("- [ ] Third\n", ""));
    let out = edited(BODY, ChecklistEdit::Remove(vec![2])).unwrap();
    assert_eq!(out, BODY.replace("- [x] Second\n  - [ ] Nested\n", ""));
    let out = edited(
        BODY,
        ChecklistEdit::Edit {
            number: 1,
            text: "Only **one**".into(),
        },
    )
    .unwrap();
    assert_eq!(
        out,
        BODY.replace("First **bold**\n  continued", "Only **one**")
    );
    let out = edited(
        BODY,
        ChecklistEdit::Edit {
            number: 2,
            text: "Deux".into(),
        },
    )
    .unwrap();
    assert_eq!(out, BODY.replace("[x] Second\n", "[x] Deux\n"));
    let out = edited(BODY, ChecklistEdit::Move { from: 4, to: 1 }).unwrap();
    assert_eq!(
        out,
        "Story.\n\n## Acceptance criteria\n- [ ] Third\n- [ ] First **bold**\n  continued\n- [x] Second\n  - [ ] Nested\n\n## Notes\n- [ ] not a criterion\n"
    );
    let out = edited(BODY, ChecklistEdit::Move { from: 1, to: 4 }).unwrap();
    assert_eq!(
        out,
        "Story.\n\n## Acceptance criteria\n- [x] Second\n  - [ ] Nested\n- [ ] Third\n- [ ] First **bold**\n  continued\n\n## Notes\n- [ ] not a criterion\n"
    );
    assert!(edited(BODY, ChecklistEdit::Move { from: 2, to: 3 }).is_err());
    let body = "## Acceptance criteria\n- [ ] a\n- [ ] b";
    assert_eq!(
        edited(body, ChecklistEdit::Move { from: 2, to: 1 }).unwrap(),
        "## Acceptance criteria\n- [ ] b\n- [ ] a"
    );
    assert_eq!(
        edited(body, ChecklistEdit::Move { from: 1, to: 2 }).unwrap(),
        "## Acceptance criteria\n- [ ] b\n- [ ] a"
    );
    assert_eq!(
        edited(body, ChecklistEdit::Remove(vec![2])).unwrap(),
        "## Acceptance criteria\n- [ ] a"
    );
}

#[test]
fn test_definition_of_done_merges_the_team_list() {
    let team = vec!["Code reviewed".to_owned(), "Docs updated".to_owned()];
    let body = "## Definition of done\n- [x] code REVIEWED\n- [ ] Load test\n";
    let list = checklist(body, Checklist::Done, &team);
    let got: Vec<_> = list
        .iter()
        .map(|e| (e.number, e.text.as_str(), e.done, e.team))
        .collect();
    assert_eq!(
        got,
        [
            (1, "Code reviewed", true, true),
            (2, "Docs updated", false, true),
            (3, "Load test", false, false)
        ]
    );
    // Checking a team entry the item does not list yet adds it, checked.
    let out = edit_checklist(
        entry(body),
        Checklist::Done,
        &team,
        &ChecklistEdit::Check(vec![2, 3]),
    )
    .unwrap();
    assert_eq!(
        out.items[0].doc.body(),
        "## Definition of done\n- [x] code REVIEWED\n- [x] Load test\n- [x] Docs updated\n"
    );
    assert_eq!(out.change.op, "dod");
    assert_eq!(out.change.summary, "dod B-1: check 2, 3");
    assert!(
        edit_checklist(
            entry(body),
            Checklist::Done,
            &team,
            &ChecklistEdit::Remove(vec![1])
        )
        .is_err()
    );
    // Without a section, checking creates it.
    let out = edit_checklist(
        entry("Story.\n"),
        Checklist::Done,
        &team,
        &ChecklistEdit::Check(vec![1]),
    )
    .unwrap();
    assert_eq!(
        out.items[0].doc.body(),
        "Story.\n\n## Definition of done\n- [x] Code reviewed\n"
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

        #[test]
        fn check_changes_one_byte_and_add_one_line(body in arb_body(), n in 1usize..6) {
            let count = sources(&body).len();
            let e = || Entry::from_text("b.md", &format!("---\nid: B-1\ntitle: T\n---\n{body}")).unwrap();
            if n <= count {
                for edit in [ChecklistEdit::Check(vec![n]), ChecklistEdit::Uncheck(vec![n])] {
                    let out = edit_checklist(e(), Checklist::Criteria, &[], &edit).unwrap();
                    let new = out.items[0].doc.body();
                    prop_assert_eq!(new.len(), body.len());
                    let differ = body.bytes().zip(new.bytes()).filter(|(a, b)| a != b).count();
                    prop_assert!(differ <= 1);
                    let parsed = Body::parse(new, 1);
                    prop_assert_eq!(parsed.criteria[n - 1].done, matches!(edit, ChecklistEdit::Check(_)));
                }
            }
            if count > 0
                && let Ok(out) = edit_checklist(e(), Checklist::Criteria, &[], &ChecklistEdit::Add(vec!["added".into()])) {
                    let new = out.items[0].doc.body();
                    prop_assert_eq!(new.lines().count(), body.lines().count() + 1);
                }
        }
    }
}
