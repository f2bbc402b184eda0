//! `story ID TEXT`: replaces the user story (the paragraphs before the first heading) and
//! leaves every other line of the file alone.
//!
//! The story's place comes from pulldown-cmark: the first top-level paragraph before any
//! heading, plus the paragraphs that directly follow it, up to the first other block
//! (list, code, quote, HTML…) or heading. With no story yet, the new one goes before the
//! first heading (or at the end of a body without headings).

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::item::Body;
use crate::ops::{OpError, Outcome, refresh};
use crate::store::Entry;
use crate::workspace::Change;

/// Where the story is in a body: the byte range from the start of its first paragraph to
/// the end of the text of its last one (line break excluded), or `None` with the offset
/// where a new story goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StorySpan {
    /// The existing story's bytes.
    Found(Range<usize>),
    /// No story; insert one here (the start of the first heading's line, or the end).
    Missing(usize),
}

/// Locates the story of `body`.
pub(crate) fn story_span(body: &str) -> StorySpan {
    let mut depth = 0usize;
    let mut span: Option<Range<usize>> = None;
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TASKLISTS).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                let top = depth == 0;
                depth += 1;
                if !top {
                    continue;
                }
                match tag {
                    Tag::Heading { .. } => {
                        return match span {
                            Some(s) => StorySpan::Found(s),
                            None => StorySpan::Missing(line_start(body, range.start)),
                        };
                    }
                    Tag::Paragraph => {
                        let end = range.start + body[range.clone()].trim_end().len();
                        match &mut span {
                            None => span = Some(range.start..end),
                            Some(s) => s.end = end,
                        }
                    }
                    _ if span.is_some() => break,
                    _ => {}
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            // Top-level leaf blocks without Start/End (a thematic break, say) end the
            // story too.
            Event::Rule if depth == 0 && span.is_some() => break,
            _ => {}
        }
    }
    match span {
        Some(s) => StorySpan::Found(s),
        None => StorySpan::Missing(body.len()),
    }
}

fn ends_with_blank_line(text: &str) -> bool {
    let Some(rest) = text.strip_suffix('\n') else {
        return false;
    };
    let rest = rest.strip_suffix('\r').unwrap_or(rest);
    rest.ends_with('\n')
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Checks and normalizes new story text: line breaks become `newline`, trailing blank
/// lines go, and it must read as paragraphs only (no heading, list or code block that
/// would change the body's structure).
fn story_text(text: &str, newline: &str) -> Result<String, OpError> {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(OpError::BadText(
            "the story contains control characters".to_owned(),
        ));
    }
    let lines: Vec<&str> = text
        .trim_end()
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).trim_end())
        .collect();
    let first = lines
        .iter()
        .position(|l| !l.trim().is_empty())
        .ok_or_else(|| {
            OpError::BadText("the story is empty; write it, or use `backlog edit`".to_owned())
        })?;
    let joined = lines[first..].join("\n");
    let mut depth = 0usize;
    for (event, _) in Parser::new_ext(&joined, Options::ENABLE_TASKLISTS).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 && !matches!(tag, Tag::Paragraph) {
                    return Err(OpError::BadText(
                        "a story is plain paragraphs: headings, lists, quotes and code \
                         blocks belong in their own sections (use `backlog edit`)"
                            .to_owned(),
                    ));
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Rule | Event::Html(_) if depth == 0 => {
                return Err(OpError::BadText(
                    "a story is plain paragraphs: no rules or HTML blocks".to_owned(),
                ));
            }
            _ => {}
        }
    }
    Ok(joined.replace('\n', newline))
}

/// `body` with its story replaced by `text` (see the module docs for where it goes).
pub(crate) fn replace_story(body: &str, text: &str, newline: &str) -> Result<String, OpError> {
    let text = story_text(text, newline)?;
    let mut out = String::with_capacity(body.len() + text.len() + 4);
    match story_span(body) {
        StorySpan::Found(range) => {
            out.push_str(&body[..range.start]);
            out.push_str(&text);
            out.push_str(&body[range.end..]);
        }
        StorySpan::Missing(at) => {
            let before = &body[..at];
            out.push_str(before);
            if !before.trim().is_empty() {
                // A blank line before the story, or it would continue what precedes it.
                if !before.ends_with('\n') {
                    out.push_str(newline);
                    out.push_str(newline);
                } else if !ends_with_blank_line(before) {
                    out.push_str(newline);
                }
            }
            out.push_str(&text);
            out.push_str(newline);
            if at < body.len() {
                out.push_str(newline);
            }
            out.push_str(&body[at..]);
        }
    }
    Ok(out)
}

/// Replaces the story of one item with `text`.
pub fn story(entry: Entry, text: &str) -> Result<Outcome, OpError> {
    let id = entry.item.id.clone();
    let newline = entry.doc.newline();
    let new_body = replace_story(entry.doc.body(), text, newline)?;
    let wanted = Body::parse(&story_text(text, newline)?, 1).story;
    let mut entry = entry;
    let changed = entry.doc.set_body(&new_body);
    let entry = refresh(entry)?;
    let read_back = Body::parse(entry.doc.body(), 1).story;
    if read_back != wanted {
        return Err(OpError::NotInPlace(format!(
            "{}: the new story would not read back as the story (the body's layout is \
             unusual); use `backlog edit {id}`",
            entry.path
        )));
    }
    let change = if changed {
        Change {
            op: "story".to_owned(),
            summary: format!(
                "story {id}: {}",
                crate::text::sanitize(&short(&text_first_line(text)))
            ),
            items: vec![id],
            writes: vec![(entry.path.clone(), entry.doc.as_str().to_owned())],
            ..Change::default()
        }
    } else {
        Change::default()
    };
    Ok(Outcome {
        change,
        items: vec![entry],
    })
}

fn text_first_line(text: &str) -> String {
    text.trim()
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// At most 60 characters, with `…` when cut.
fn short(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replaced(body: &str, text: &str) -> String {
        replace_story(body, text, "\n").unwrap()
    }

    #[test]
    fn test_replace_story_keeps_everything_else() {
        let body = "As a user, I want x\nso that y.\n\nSecond paragraph.\n\n## Acceptance criteria\n- [ ] A\n";
        assert_eq!(
            replaced(body, "As an admin, I want z so that w."),
            "As an admin, I want z so that w.\n\n## Acceptance criteria\n- [ ] A\n"
        );
        // A list before the heading ends the story and is kept.
        let body = "Story.\n- a list\n\n## Notes\n";
        assert_eq!(replaced(body, "New."), "New.\n- a list\n\n## Notes\n");
        // Leading comment kept.
        let body = "<!-- keep -->\n\nOld story.\n";
        assert_eq!(replaced(body, "New."), "<!-- keep -->\n\nNew.\n");
        // No final newline.
        assert_eq!(replaced("Old.", "New."), "New.");
    }

    #[test]
    fn test_replace_story_inserts_when_missing() {
        assert_eq!(replaced("", "New."), "New.\n");
        assert_eq!(
            replaced("## Acceptance criteria\n- [ ] A\n", "New."),
            "New.\n\n## Acceptance criteria\n- [ ] A\n"
        );
        assert_eq!(replaced("\n## Notes\n", "New."), "\nNew.\n\n## Notes\n");
        assert_eq!(
            replaced("- a list\n## Notes\n", "New."),
            "- a list\n\nNew.\n\n## Notes\n"
        );
        assert_eq!(
            replace_story("## N\r\n", "a\nb", "\r\n").unwrap(),
            "a\r\nb\r\n\r\n## N\r\n"
        );
    }

    #[test]
    fn test_story_text_refuses_structure() {
        assert!(story_text("## Heading", "\n").is_err());
        assert!(story_text("- a list", "\n").is_err());
        assert!(story_text("para\n\n    code", "\n").is_err());
        assert!(story_text("   \n", "\n").is_err());
        assert!(story_text("bell\u{7}", "\n").is_err());
        assert_eq!(story_text("a\r\nb\n\n", "\n").unwrap(), "a\nb");
        assert_eq!(story_text("one\n\ntwo", "\n").unwrap(), "one\n\ntwo");
    }

    #[test]
    fn test_story_op_changes_only_story_lines() {
        let text = "---\nid: B-1\ntitle: T\n---\nOld story.\n\n## Acceptance criteria\n- [ ] A\n";
        let entry = Entry::from_text("backlog/B-1.md", text).unwrap();
        let out = story(entry, "As a user, I want it so that I win.").unwrap();
        assert_eq!(out.change.op, "story");
        assert_eq!(
            out.change.writes[0].1,
            "---\nid: B-1\ntitle: T\n---\nAs a user, I want it so that I win.\n\n## Acceptance criteria\n- [ ] A\n"
        );
        let entry = out.items[0].clone();
        let again = story(entry, "As a user, I want it so that I win.").unwrap();
        assert!(again.change.is_empty());
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn arb_body() -> impl Strategy<Value = String> {
            let line = prop_oneof![
                Just("## Acceptance criteria".to_owned()),
                Just("- [ ] a".to_owned()),
                Just("<!-- c -->".to_owned()),
                Just("> quote".to_owned()),
                Just("---".to_owned()),
                Just("```".to_owned()),
                Just(String::new()),
                "[a-zé ]{1,12}",
            ];
            proptest::collection::vec(line, 0..10).prop_map(|l| l.join("\n"))
        }

        proptest! {
            #[test]
            fn replaced_story_reads_back_and_the_rest_stays(body in arb_body(), text in "[a-z]{1,8}( [a-z]{1,8}){0,3}") {
                let Ok(out) = replace_story(&body, &text, "\n") else { return Ok(()); };
                // Lines other than the story's are kept in order.
                if let StorySpan::Found(r) = story_span(&body) {
                    prop_assert!(out.starts_with(&body[..r.start]));
                    prop_assert!(out.ends_with(&body[r.end..]));
                }
                let _ = Body::parse(&out, 1);
            }
        }
    }
}
