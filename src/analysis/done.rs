//! The done gate over loaded items: which done items are not done by the definition of
//! done ([`crate::model::checklist::done_gaps`]). `check` reports them as
//! `done-incomplete`; `set status=done` and `plan` warn about them.

use crate::config::Config;
use crate::model::checklist::{DoneGaps, done_gaps};
use crate::model::item::Body;
use crate::store::Entry;

/// What an item lacks to be done. Quick when there is nothing to find: without a team
/// list, a body with no unchecked box (`[ ]`) is not even parsed.
pub fn entry_done_gaps(entry: &Entry, team: &[String]) -> DoneGaps {
    let text = entry.doc.body();
    if team.is_empty() && !text.contains("[ ]") {
        return DoneGaps::default();
    }
    done_gaps(&Body::parse(text, entry.doc.body_line()), team)
}

/// The done items that are not done by the definition of done (empty when the
/// `done_incomplete` rule is switched off), in the given order.
pub fn incomplete_done<'a>(entries: &'a [Entry], config: &Config) -> Vec<&'a Entry> {
    if !config.rules.done_incomplete.enabled {
        return Vec::new();
    }
    entries
        .iter()
        .filter(|e| {
            config.is_done_status(config.status(&e.item))
                && !entry_done_gaps(e, &config.definition_of_done).is_empty()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_entry_done_gaps_agrees_with_the_full_parse() {
        for body in [
            "",
            "- [ ] no heading\n",
            "## Acceptance criteria\n- [ ] a\n",
            "## Acceptance criteria\n- [x] a\n",
        ] {
            let e =
                Entry::from_text("b.md", &format!("---\nid: B-1\ntitle: T\n---\n{body}")).unwrap();
            let full = done_gaps(&Body::parse(e.doc.body(), e.doc.body_line()), &[]);
            assert_eq!(entry_done_gaps(&e, &[]), full, "{body}");
        }
    }
}
