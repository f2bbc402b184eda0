//! Refinement operations: one function per mutation.
//!
//! An operation takes the loaded item(s) and a typed request, validates it, edits the
//! documents in memory and returns an [`Outcome`]: the [`Change`] to write and commit,
//! plus the items as they will be. Operations never touch the disk or git; the caller
//! hands the change to [`crate::workspace::Transaction::apply`].

mod add;
mod edit;
mod estimate;
mod fmt;
pub mod guard;
pub mod new_item;
mod rank;
mod set;

mod criteria;
mod merge;
mod plan;
mod split;
mod story;
pub mod template;
mod votes;

pub use add::{AddOptions, add, add_with_template};
pub use edit::validate_edit;
pub use estimate::{estimate, estimate_warning};
pub use fmt::{FmtAction, fmt};
pub use new_item::{NewItem, TitleProblem, check_title};
pub use rank::{
    Filter, Move, Placed, Position, RankIndex, RankSlot, Ranked, Reorder, rank_by, rank_index,
    rank_move_indexed, rebalance_indexed, resolve,
};
pub use set::{
    Assignment, check_references, needs_backlog, parse_assignment, parse_list, resolve_references,
    set, set_warnings,
};

pub use crate::analysis::done::{entry_done_gaps, incomplete_done};
pub use crate::model::checklist::{DoneGaps, Gap, done_gaps};
pub use criteria::{ChecklistEdit, ChecklistEntry, checklist, edit_checklist};
pub use merge::merge;
pub use plan::plan_change;
pub use split::{SplitOptions, parse_give, split};
pub use story::story;
pub use template::{Template, load_template};
pub use votes::{Round, Spread, Tally, Vote, estimate_votes, parse_vote, tally};

use crate::document::Document;
use crate::store::{Entry, StoreError};
use crate::workspace::Change;

/// The result of an operation: what to write, and the items it created or changed.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Files and commit description.
    pub change: Change,
    /// The created or changed items, as they will be on disk.
    pub items: Vec<Entry>,
}

/// Why an operation was refused. Nothing has been written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// A store problem (unknown item…).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An estimate off the configured scale.
    #[error("{points} is not on the estimate scale ({scale})")]
    OffScale {
        /// The rejected value.
        points: String,
        /// The allowed values.
        scale: String,
    },
    /// A value that does not fit its key.
    #[error("invalid value for `{key}`: {message}")]
    InvalidValue {
        /// The key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// An argument that does not parse (`KEY=VALUE`, `NAME=POINTS`, `--give`, a key name).
    #[error("{0}")]
    BadArgument(String),
    /// Text the item cannot hold: an empty or multi-line title, a story with headings,
    /// a checklist entry with control characters.
    #[error("{0}")]
    BadText(String),
    /// The request names an item that does not exist.
    #[error("unknown item {0}")]
    UnknownItem(String),
    /// The items' state forbids the request: splitting a closed item, merging an item
    /// into itself, changing an `id`, unchecking the team's definition of done.
    #[error("{0}")]
    Refused(String),
    /// Text from the editor that cannot replace the item file.
    #[error("line {line}: {message}")]
    InvalidEdit {
        /// 1-based line of the edited text.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An item template (`templates/<type>.md`) that cannot be used.
    #[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Template {
        /// The template, root-relative.
        path: String,
        /// 1-based line, where there is one.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// Rank keys that leave no room for the move (equal, invalid or missing keys).
    #[error("{0}")]
    Rank(String),
    /// The edit cannot be made in place: the file changed while it was read, or its
    /// layout would not read back as intended.
    #[error("{0}")]
    NotInPlace(String),
    /// A new dependency that would close a dependency cycle.
    #[error("{id} cannot depend on {dep}: that makes a dependency cycle {}", .cycle.join(" -> "))]
    DependencyCycle {
        /// The item gaining the dependency.
        id: String,
        /// The dependency.
        dep: String,
        /// The cycle, from `id` back to `id`.
        cycle: Vec<String>,
    },
    /// A new dependency on a closed item, which would keep the dependent blocked forever.
    #[error("{dep} is closed ({status}): an item depending on it would stay blocked forever")]
    ClosedDependency {
        /// The closed item.
        dep: String,
        /// Its status (`split` or `duplicate`).
        status: String,
        /// What to depend on instead: the children of a split item, the item a duplicate
        /// was merged into.
        instead: Vec<String>,
    },
    /// A request refused for a reason worth explaining, with what to do instead (a done
    /// item merged as a duplicate).
    #[error("{message}")]
    RefusedWithHints {
        /// What is refused and why.
        message: String,
        /// What to do instead.
        hints: Vec<String>,
    },
    /// An invariant failed: the operation produced something its own reader rejects.
    /// A bug in `backlog`, never the user's input (exit code 101).
    #[error("internal error: {0}")]
    Internal(String),
}

impl OpError {
    /// Whether this is a bug in `backlog` rather than a problem with the input.
    pub fn is_internal(&self) -> bool {
        matches!(self, Self::Internal(_))
    }
}

/// A reference list (`depends_on`) with every reference to `from` replaced by `to` (the
/// children of a split, the item a duplicate was merged into), keeping the order, without
/// duplicates (IDs compare case-insensitively) and without `owner` (the list's own item,
/// which must not come to depend on itself). Shared by `split` and `merge`.
pub fn repoint_references(
    list: &[String],
    from: &str,
    to: &[String],
    owner: Option<&str>,
) -> Vec<String> {
    let same = |a: &str, b: &str| crate::id::key(a.trim()) == crate::id::key(b.trim());
    let mut out: Vec<String> = Vec::with_capacity(list.len() + to.len());
    for reference in list {
        let targets: Vec<&str> = if same(reference, from) {
            to.iter().map(String::as_str).collect()
        } else {
            vec![reference.as_str()]
        };
        for t in targets {
            if !owner.is_some_and(|o| same(t, o)) && !out.iter().any(|x| same(x, t)) {
                out.push(t.to_owned());
            }
        }
    }
    out
}

/// A copy of `entry` with `f` applied to its document, read back as an item: the
/// clone → `doc.set` → re-read step of every operation.
pub(crate) fn edited(entry: &Entry, f: impl FnOnce(&mut Document)) -> Result<Entry, OpError> {
    let mut copy = entry.clone();
    f(&mut copy.doc);
    refresh(copy)
}

/// Re-reads an edited document into an entry (the document was produced by our own
/// edits, so it parses).
pub(crate) fn refresh(mut entry: Entry) -> Result<Entry, OpError> {
    entry.item = crate::item::Item::from_document(&entry.doc).map_err(|e| {
        OpError::Internal(format!(
            "{}:{}: edit produced an invalid item: {e}",
            entry.path,
            e.line()
        ))
    })?;
    Ok(entry)
}

#[cfg(test)]
mod reference_tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn test_repoint_references_for_split_and_merge() {
        // split: the parent's place goes to every child, in order, once.
        assert_eq!(
            repoint_references(
                &ids(&["B-1", "b-p", "B-C2"]),
                "B-P",
                &ids(&["B-C1", "B-C2"]),
                None
            ),
            ids(&["B-1", "B-C1", "B-C2"])
        );
        // merge: the duplicate becomes the kept item; the list's own item is dropped.
        assert_eq!(
            repoint_references(
                &ids(&["B-D", "B-K", "B-2"]),
                "b-d",
                &ids(&["B-K"]),
                Some("B-2")
            ),
            ids(&["B-K"])
        );
        assert_eq!(
            repoint_references(&ids(&["B-1"]), "B-9", &ids(&["B-8"]), None),
            ids(&["B-1"])
        );
    }
}
