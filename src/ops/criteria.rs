//! Checklists as source text: where each acceptance criterion (or definition-of-done
//! entry) is in a body, so `split` and `merge` can move and copy them, and `criteria` and
//! `dod` can edit them, without reformatting anything else. Checking one changes one
//! character; adding one adds one line.
//!
//! The structure comes from pulldown-cmark (the same parse as [`Body::parse`], so the
//! numbers agree with `show` and `split --give`); the edits are byte-range replacements
//! of the lines it located.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::item::{Body, Checklist};
pub(crate) use crate::model::checklist::comparable;
use crate::model::checklist::shown_order;
use crate::ops::{OpError, Outcome, refresh};
use crate::store::Entry;
use crate::workspace::Change;

/// One checklist entry with its source lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CriterionSource {
    /// Normalized text (as [`Body::parse`] reports it).
    pub text: String,
    /// Whether it is checked.
    pub done: bool,
    /// Byte range of its whole lines in the body (line terminators included).
    pub range: Range<usize>,
    /// Its lines with the list's indentation removed, without the final line break.
    pub raw: String,
    /// Leading whitespace of its first line.
    pub indent: String,
    /// Byte range of its `[ ]` task marker.
    pub marker: Range<usize>,
    /// End of its own text: before a nested list and trailing whitespace.
    pub text_end: usize,
}

/// The acceptance criteria of `body` with their source, in document order.
pub(crate) fn sources(body: &str) -> Vec<CriterionSource> {
    sources_in(body, Checklist::Criteria)
}

/// Where a list item is: its range, its task marker, and where a nested list starts.
struct Located {
    range: Range<usize>,
    marker: Option<Range<usize>>,
    nested: Option<usize>,
}

/// The entries of one checklist of `body` with their source, in document order.
pub(crate) fn sources_in(body: &str, list: Checklist) -> Vec<CriterionSource> {
    let parsed = Body::parse(body, 1);
    let wanted = parsed.checklist(list);
    if wanted.is_empty() {
        return Vec::new();
    }
    // 1-based body line -> the innermost list item starting on it.
    let starts = line_starts(body);
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
    let mut items: HashMap<usize, Located> = HashMap::new();
    let mut open: Vec<usize> = Vec::new();
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TASKLISTS).into_offset_iter() {
        match event {
            Event::Start(Tag::Item) => {
                let line = line_of(range.start);
                items.insert(
                    line,
                    Located {
                        range,
                        marker: None,
                        nested: None,
                    },
                );
                open.push(line);
            }
            Event::End(TagEnd::Item) => {
                open.pop();
            }
            Event::TaskListMarker(_) => {
                if let Some(found) = open.last().and_then(|l| items.get_mut(l)) {
                    found.marker.get_or_insert(range);
                }
            }
            Event::Start(Tag::List(_)) => {
                if let Some(found) = open.last().and_then(|l| items.get_mut(l)) {
                    found.nested.get_or_insert(range.start);
                }
            }
            _ => {}
        }
    }
    wanted
        .iter()
        .filter_map(|c| {
            let found = items.get(&c.line)?;
            let item = &found.range;
            let marker = found.marker.clone()?;
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
            let own_limit = found
                .nested
                .filter(|&n| n > marker.end && n < content_end)
                .unwrap_or(content_end);
            let text_end = marker.end + body[marker.end..own_limit].trim_end().len();
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
                done: c.done,
                range: start..end,
                raw,
                indent,
                marker,
                text_end,
            })
        })
        .collect()
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
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
    append_to(body, raws, newline, Checklist::Criteria)
}

/// `body` with entries `raws` appended to checklist `list`: after its last entry, or
/// under its empty heading, or in a new `## <heading>` section at the end.
pub(crate) fn append_to(body: &str, raws: &[&str], newline: &str, list: Checklist) -> String {
    if raws.is_empty() {
        return body.to_owned();
    }
    let existing = sources_in(body, list);
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
    if let Some(heading) = parsed.checklist_heading_line(list) {
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
    out.push_str("## ");
    out.push_str(list.heading());
    out.push_str(newline);
    out.push_str(&render(raws, "", newline));
    out
}

/// A change to a checklist; numbers count from 1 in the order the list is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChecklistEdit {
    /// Append unchecked entries (creating the section when it is missing).
    Add(Vec<String>),
    /// Check these entries.
    Check(Vec<usize>),
    /// Uncheck these entries.
    Uncheck(Vec<usize>),
    /// Remove these entries (with any list nested under them).
    Remove(Vec<usize>),
    /// Replace the text of one entry, keeping its checkbox.
    Edit {
        /// The entry.
        number: usize,
        /// Its new text (one line).
        text: String,
    },
    /// Move one entry (with any list nested under it) to the place of another.
    Move {
        /// The entry to move.
        from: usize,
        /// Where it goes: it takes this entry's number.
        to: usize,
    },
}

/// One entry of a checklist as it is shown, numbered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChecklistEntry {
    /// Its number, from 1.
    pub number: usize,
    /// Its text.
    pub text: String,
    /// Whether it is checked.
    pub done: bool,
    /// Whether it comes from the team's `definition_of_done` in `config.yml` (only in
    /// the definition of done).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub team: bool,
}

/// An entry as the edits see it: shown text, state, and where it is in the file (a team
/// entry the item does not mention yet has no source).
struct Slot {
    text: String,
    done: bool,
    team: bool,
    source: Option<CriterionSource>,
}

/// The slots of a checklist, in the order [`shown_order`] gives.
fn slots(body: &str, list: Checklist, team: &[String]) -> Vec<Slot> {
    let mut sources: Vec<Option<CriterionSource>> =
        sources_in(body, list).into_iter().map(Some).collect();
    let texts: Vec<String> = sources.iter().flatten().map(|s| s.text.clone()).collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    shown_order(&texts, list, team)
        .into_iter()
        .map(|(own, t)| {
            let source = own.and_then(|i| sources[i].take());
            Slot {
                text: match t {
                    Some(t) => team[t].clone(),
                    None => source.as_ref().map(|s| s.text.clone()).unwrap_or_default(),
                },
                done: source.as_ref().is_some_and(|s| s.done),
                team: t.is_some(),
                source,
            }
        })
        .collect()
}

/// The checklist `list` of `body`, numbered as `criteria`/`dod` show it and take numbers.
/// `team` is the team's definition of done (only used for [`Checklist::Done`]).
pub fn checklist(body: &str, list: Checklist, team: &[String]) -> Vec<ChecklistEntry> {
    slots(body, list, team)
        .into_iter()
        .enumerate()
        .map(|(i, s)| ChecklistEntry {
            number: i + 1,
            text: s.text,
            done: s.done,
            team: s.team,
        })
        .collect()
}

fn op_name(list: Checklist) -> &'static str {
    match list {
        Checklist::Criteria => "criteria",
        Checklist::Done => "dod",
    }
}

fn noun(list: Checklist, count: usize) -> &'static str {
    match (list, count) {
        (Checklist::Criteria, 1) => "acceptance criterion",
        (Checklist::Criteria, _) => "acceptance criteria",
        (Checklist::Done, 1) => "definition-of-done entry",
        (Checklist::Done, _) => "definition-of-done entries",
    }
}

/// Checks an entry's new text: one line of something, no control characters.
fn entry_text(text: &str) -> Result<String, OpError> {
    if text.chars().any(char::is_control) {
        return Err(OpError::BadText(format!(
            "{text:?}: an entry is one line without control characters"
        )));
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(OpError::BadText("an entry needs some text".to_owned()));
    }
    Ok(text.to_owned())
}

/// The list marker of an entry's first line (`- `, `* `, `3. `), for the next entry:
/// an ordered list continues its numbering.
fn next_bullet(source: &CriterionSource, body: &str) -> String {
    let start = source.range.start + source.indent.len();
    let bullet = body.get(start..source.marker.start).unwrap_or("- ");
    let digits: String = bullet.chars().take_while(char::is_ascii_digit).collect();
    match digits.parse::<u64>() {
        Ok(n) if !digits.is_empty() => format!("{}{}", n + 1, &bullet[digits.len()..]),
        _ => bullet.to_owned(),
    }
}

/// Applies `edit` to checklist `list` of one item. `team` is the team's definition of
/// done (only used for [`Checklist::Done`]). The outcome changes only the lines the edit
/// names: a check flips one character, an add appends one line.
pub fn edit_checklist(
    entry: Entry,
    list: Checklist,
    team: &[String],
    edit: &ChecklistEdit,
) -> Result<Outcome, OpError> {
    let id = entry.item.id.clone();
    let body = entry.doc.body().to_owned();
    let newline = entry.doc.newline();
    let slots = slots(&body, list, team);
    let count = slots.len();
    let pick = |n: usize| -> Result<&Slot, OpError> {
        if n == 0 || n > count {
            return Err(OpError::Refused(format!(
                "{id} has {count} {}; there is no number {n} (numbered from 1, as `backlog {} {id}` lists them)",
                noun(list, count),
                op_name(list)
            )));
        }
        Ok(&slots[n - 1])
    };
    let own = |n: usize, verb: &str| -> Result<&CriterionSource, OpError> {
        let slot = pick(n)?;
        match (&slot.source, slot.team) {
            (Some(s), false) => Ok(s),
            _ => Err(OpError::Refused(format!(
                "{n} is on the team's definition of done (config.yml): it cannot be {verb} \
                 for one item"
            ))),
        }
    };
    let numbers = |ns: &[usize]| -> Result<Vec<usize>, OpError> {
        let mut ns = ns.to_vec();
        ns.sort_unstable();
        ns.dedup();
        for &n in &ns {
            pick(n)?;
        }
        Ok(ns)
    };
    let list_text = |ns: &[usize]| {
        ns.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut expected = count;
    let (new_body, what) = match edit {
        ChecklistEdit::Add(texts) => {
            if texts.is_empty() {
                return Err(OpError::BadArgument("nothing to add".to_owned()));
            }
            let texts = texts
                .iter()
                .map(|t| entry_text(t))
                .collect::<Result<Vec<_>, _>>()?;
            let existing = sources_in(&body, list);
            let mut bullet = existing
                .last()
                .map_or_else(|| "- ".to_owned(), |s| next_bullet(s, &body));
            let mut raws = Vec::with_capacity(texts.len());
            for t in &texts {
                raws.push(format!("{bullet}[ ] {t}"));
                let digits: String = bullet.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(n) = digits.parse::<u64>() {
                    bullet = format!("{}{}", n + 1, &bullet[digits.len()..]);
                }
            }
            let raws: Vec<&str> = raws.iter().map(String::as_str).collect();
            expected += texts.len();
            let quoted: Vec<String> = texts.iter().map(|t| format!("{t:?}")).collect();
            (
                append_to(&body, &raws, newline, list),
                format!("add {}", quoted.join(", ")),
            )
        }
        ChecklistEdit::Check(ns) | ChecklistEdit::Uncheck(ns) => {
            let check = matches!(edit, ChecklistEdit::Check(_));
            let ns = numbers(ns)?;
            let mut out = body.clone().into_bytes();
            let mut missing: Vec<String> = Vec::new();
            let mut changed = Vec::new();
            for &n in &ns {
                let slot = &slots[n - 1];
                if slot.done == check {
                    continue;
                }
                changed.push(n);
                match &slot.source {
                    Some(s) => {
                        // The marker is `[ ]`, `[x]` or `[X]`: one ASCII byte changes.
                        out[s.marker.start + 1] = if check { b'x' } else { b' ' };
                    }
                    None => missing.push(format!("- [x] {}", slot.text)),
                }
            }
            let out = String::from_utf8(out)
                .map_err(|_| OpError::Internal("task marker is not ASCII".to_owned()))?;
            let raws: Vec<&str> = missing.iter().map(String::as_str).collect();
            let verb = if check { "check" } else { "uncheck" };
            (
                append_to(&out, &raws, newline, list),
                format!("{verb} {}", list_text(&changed)),
            )
        }
        ChecklistEdit::Remove(ns) => {
            let ns = numbers(ns)?;
            let mut ranges = Vec::new();
            for &n in &ns {
                ranges.push(own(n, "removed")?.range.clone());
            }
            let mut out = remove_ranges(&body, &ranges);
            // Removing the last line of a file without a final line break leaves the
            // previous line's break: drop it so only the removed lines differ.
            if !body.ends_with('\n') && ranges.iter().any(|r| r.end == body.len()) {
                drop_final_break(&mut out);
            }
            // Entries nested under a removed one go with it.
            let inside =
                |r: &Range<usize>| ranges.iter().any(|x| x.start <= r.start && r.end <= x.end);
            expected -= slots
                .iter()
                .filter(|s| !s.team && s.source.as_ref().is_some_and(|s| inside(&s.range)))
                .count();
            (out, format!("remove {}", list_text(&ns)))
        }
        ChecklistEdit::Edit { number, text } => {
            let text = entry_text(text)?;
            let s = own(*number, "edited")?;
            let mut out = body.clone();
            out.replace_range(s.marker.end..s.text_end, &format!(" {text}"));
            (out, format!("edit {number}"))
        }
        ChecklistEdit::Move { from, to } => {
            let a = own(*from, "moved")?;
            let b = own(*to, "moved")?;
            if from == to {
                (body.clone(), String::new())
            } else if a.range.start <= b.range.start && b.range.end <= a.range.end {
                return Err(OpError::Refused(format!(
                    "{to} is nested under {from}: an entry cannot move into itself"
                )));
            } else {
                let block = render(&[a.raw.as_str()], &b.indent, newline);
                let last_without_break = !body.ends_with('\n')
                    && (a.range.end == body.len() || b.range.end == body.len());
                let mut out = remove_ranges(&body, std::slice::from_ref(&a.range));
                let at = if to < from {
                    b.range.start
                } else {
                    b.range.end - (a.range.end - a.range.start)
                };
                let mut block = block;
                if !out[..at].ends_with('\n') && at > 0 {
                    block.insert_str(0, newline);
                }
                out.insert_str(at, &block);
                if last_without_break {
                    drop_final_break(&mut out);
                }
                (out, format!("move {from} -> {to}"))
            }
        }
    };
    let mut entry = entry;
    let changed = entry.doc.set_body(&new_body);
    let entry = refresh(entry)?;
    let found = slots_count(entry.doc.body(), list, team);
    if changed && found != expected {
        return Err(OpError::NotInPlace(format!(
            "{}: the edit would not read back as {expected} {} (found {found}); \
             use `backlog edit {id}` for this change",
            entry.path,
            noun(list, expected)
        )));
    }
    let change = if changed {
        Change {
            op: op_name(list).to_owned(),
            summary: format!("{} {id}: {what}", op_name(list)),
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

/// Removes one final line break (`\n` or `\r\n`).
fn drop_final_break(text: &mut String) {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
}

fn slots_count(body: &str, list: Checklist, team: &[String]) -> usize {
    slots(body, list, team).len()
}

#[cfg(test)]
mod tests;
