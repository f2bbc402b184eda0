use super::*;

#[test]
fn test_known_keys_table() {
    assert_eq!(KNOWN_KEYS[0], "id");
    assert_eq!(KNOWN_KEYS[17], "updated");
    assert_eq!(key_kind("depends_on"), Some(KeyKind::Ids));
    assert_eq!(key_kind("created"), Some(KeyKind::Date));
    assert_eq!(key_kind("x-custom"), None);
    let mut sorted = KNOWN_KEYS.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), KNOWN.len(), "a key is listed twice");
}

const ITEM: &str = "---\nid: B-7KX2\ntitle: SSO\nestimate: five\nlabels: [a, b]\n---\n\
As a user, I want SSO
so that I have one password.

## Acceptance criteria
- [ ] reach the `IdP`
- [x] errors shown
  - [ ] nested one
- not a task

## Notes
- [ ] not a criterion
";

#[test]
fn test_item_fields_and_problems() {
    let doc = Document::parse(ITEM.as_bytes()).unwrap();
    let item = Item::from_document(&doc).unwrap();
    assert_eq!(item.id, "B-7KX2");
    assert_eq!(item.labels, ["a", "b"]);
    assert_eq!(item.estimate, None);
    assert_eq!(item.problems.len(), 1);
    assert_eq!(item.problems[0].line, 4);
}

#[test]
fn test_body_line_counting_is_linear() {
    // D5: 20,000 criteria: every line number right, the body scanned once.
    let n = 20_000;
    let body = format!(
        "Story.\n\n## Acceptance criteria\n{}",
        "- [ ] c\n".repeat(n)
    );
    SCANNED.set(0);
    let parsed = Body::parse(&body, 10);
    assert_eq!(parsed.criteria.len(), n);
    assert_eq!(parsed.criteria[0].line, 13);
    assert_eq!(parsed.criteria[n - 1].line, 12 + n);
    assert!(
        SCANNED.get() <= body.len(),
        "{} > {}",
        SCANNED.get(),
        body.len()
    );
}

#[test]
fn test_body_story_and_criteria() {
    let doc = Document::parse(ITEM.as_bytes()).unwrap();
    let body = Body::parse(doc.body(), doc.body_line());
    assert_eq!(
        body.story.as_deref(),
        Some("As a user, I want SSO so that I have one password.")
    );
    assert_eq!(body.story_line, Some(7));
    assert!(body.has_story_form());
    assert_eq!(body.criteria_heading_line, Some(10));
    let got: Vec<_> = body
        .criteria
        .iter()
        .map(|c| (c.text.as_str(), c.done, c.line))
        .collect();
    assert_eq!(
        got,
        [
            ("reach the IdP", false, 11),
            ("errors shown", true, 12),
            ("nested one", false, 13)
        ]
    );
}

#[test]
fn test_body_definition_of_done_is_its_own_checklist() {
    let body = Body::parse(
        "Story.\n\n## Acceptance criteria\n- [x] A\n\n## Definition of Done:\n- [ ] Docs\n- [x] Review\n\n## Notes\n- [ ] n\n",
        1,
    );
    assert_eq!(body.criteria.len(), 1);
    assert_eq!(body.done_heading_line, Some(6));
    let done: Vec<_> = body
        .done
        .iter()
        .map(|c| (c.text.as_str(), c.done))
        .collect();
    assert_eq!(done, [("Docs", false), ("Review", true)]);
    assert_eq!(body.checklist(Checklist::Done).len(), 2);
    assert_eq!(
        Checklist::of_heading(" acceptance CRITERIA: "),
        Some(Checklist::Criteria)
    );
    assert_eq!(Checklist::of_heading("Notes"), None);
}

#[test]
fn test_empty_placeholders_are_not_criteria_or_titles() {
    let body = Body::parse("## Acceptance criteria\n- [ ]\n- [ ] real one\n", 1);
    assert_eq!(body.criteria.len(), 1);
    assert_eq!(body.criteria[0].text, "real one");
    let doc = Document::parse(b"---\nid: X-1\ntitle: '  '\n---\n").unwrap();
    let item = Item::from_document(&doc).unwrap();
    assert_eq!(item.problems[0].key, "title");
    assert_eq!(item.problems[0].line, 3);
}

#[test]
fn test_missing_id_is_an_error_with_line() {
    let doc = Document::parse(b"---\ntitle: x\n---\n").unwrap();
    assert_eq!(Item::from_document(&doc).unwrap_err().line(), 1);
}

#[test]
fn test_story_form() {
    assert!(is_user_story("As an admin, I want X so that Y"));
    assert!(!is_user_story("Make it dark"));
    assert!(!is_user_story("As a , I want  so that ."));
    assert!(is_user_story(
        "As the admin, I want logs so that I can audit."
    ));
    assert!(
        !is_user_story("As any user, I want x so that y"),
        "needs 'as a '"
    );
}

#[test]
fn test_item_errors_name_no_line_in_their_text() {
    // The line is a field, rendered as `path:line:` at the edge, never in the message.
    let e = ItemError::BadId {
        line: 2,
        message: "`id` is missing".to_owned(),
    };
    assert_eq!(e.to_string(), "`id` is missing");
    assert_eq!(e.line(), 2);
}
