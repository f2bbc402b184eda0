//! The merge driver for item files: a three-way merge that understands front matter.
//!
//! Git merges item files line by line, so two branches that change *different* keys of
//! one item conflict whenever the lines are neighbours (`estimate:` above `value:`).
//! [`merge_files`] merges the front matter key by key instead ([`front`]) and the body
//! line by line ([`body`]); `backlog merge-file` runs it as git's merge driver, and
//! [`setup`] installs that driver in a repository.
//!
//! Files that are not item documents (no front matter, YAML the key index cannot follow,
//! duplicate keys…) fall back to a plain line merge of the whole file, so the driver can
//! never do worse than git's own merge.

pub mod body;
pub mod front;
pub mod setup;

#[cfg(test)]
mod prop;

use crate::document::{Document, MAX_FILE_BYTES};

pub use crate::document::conflict_marker_line;
pub use body::{LineMerge, merge_lines};
pub use setup::{GitSetup, SetupError, git_setup};

/// Why a merge could not be attempted (the driver exits 2: git keeps OURS as it is and
/// reports a conflict).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// One input is over the size limit for an item.
    #[error("{which} is {size} bytes, over the {limit}-byte limit for an item")]
    TooLarge {
        /// `base`, `ours` or `theirs`.
        which: &'static str,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// One input is binary (contains NUL bytes).
    #[error("{which} is a binary file (contains NUL bytes)")]
    Binary {
        /// `base`, `ours` or `theirs`.
        which: &'static str,
    },
    /// libgit2's line merge failed.
    #[error("git merge-file failed: {0}")]
    Git(String),
}

/// Conflict-marker labels and size (git's `%X`, `%Y`, `%S` and `%L`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// After `<<<<<<<`.
    pub ours: String,
    /// After `>>>>>>>`.
    pub theirs: String,
    /// After `|||||||` (diff3 style, used internally).
    pub base: String,
    /// Marker length (git's default is 7).
    pub marker_size: usize,
}

impl Default for Labels {
    fn default() -> Self {
        Self {
            ours: "ours".to_owned(),
            theirs: "theirs".to_owned(),
            base: "base".to_owned(),
            marker_size: 7,
        }
    }
}

impl Labels {
    /// Labels made safe for a marker line: one line, no NUL, at most 200 characters; an
    /// empty label or a placeholder git did not expand (`%X`) falls back to the default.
    pub fn sanitized(mut self) -> Self {
        let defaults = Self::default();
        let clean = |label: String, default: String| {
            let label: String = label
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
            let label = label.trim().to_owned();
            if label.is_empty() || (label.starts_with('%') && label.len() == 2) {
                default
            } else {
                label
            }
        };
        self.ours = clean(self.ours, defaults.ours);
        self.theirs = clean(self.theirs, defaults.theirs);
        self.base = clean(self.base, defaults.base);
        self.marker_size = self.marker_size.clamp(3, 100);
        self
    }
}

/// How a merge was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Front matter key by key, body line by line.
    Keys,
    /// The whole file line by line (not an item document on some side).
    Lines,
}

/// The result of [`merge_files`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The merged file (with conflict markers if `conflicts > 0`).
    pub text: Vec<u8>,
    /// Conflict regions left for a person (front-matter keys plus body regions).
    pub conflicts: usize,
    /// How the files were merged.
    pub strategy: Strategy,
}

impl Merged {
    /// Whether the merge is clean.
    pub fn is_clean(&self) -> bool {
        self.conflicts == 0
    }
}

/// Merges three versions of an item file (see the module docs).
pub fn merge_files(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels,
) -> Result<Merged, MergeError> {
    for (which, bytes) in [("base", base), ("ours", ours), ("theirs", theirs)] {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(MergeError::TooLarge {
                which,
                size: bytes.len(),
                limit: MAX_FILE_BYTES,
            });
        }
        if bytes.contains(&0) {
            return Err(MergeError::Binary { which });
        }
    }
    let quick = |text: &[u8]| Merged {
        text: text.to_vec(),
        conflicts: 0,
        strategy: Strategy::Keys,
    };
    if ours == theirs || base == theirs {
        return Ok(quick(ours));
    }
    if base == ours {
        return Ok(quick(theirs));
    }
    let parse = |bytes: &[u8]| Document::parse(bytes).ok();
    // An empty base is what git passes when both sides added the file.
    let base_doc = if base.is_empty() {
        Some(None)
    } else {
        parse(base).map(Some)
    };
    if let (Some(base_doc), Some(ours_doc), Some(theirs_doc)) =
        (base_doc, parse(ours), parse(theirs))
        && let Some(merged) =
            front::merge_documents(base_doc.as_ref(), &ours_doc, &theirs_doc, labels)?
    {
        return Ok(merged);
    }
    let lines = merge_lines(base, ours, theirs, labels)?;
    Ok(Merged {
        text: lines.text,
        conflicts: lines.conflicts,
        strategy: Strategy::Lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_conflict_marker_line() {
        assert_eq!(
            conflict_marker_line("a\n<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n"),
            Some(2)
        );
        assert_eq!(conflict_marker_line("<<<<<<<\n>>>>>>>"), Some(1));
        assert_eq!(conflict_marker_line("a <<<<<<< b\n>>>>>>> c\n"), None);
        assert_eq!(conflict_marker_line("<<<<<<< only a start\n"), None);
        assert_eq!(conflict_marker_line("<<<<<<<< x\n>>>>>>>> y\n"), None);
        assert_eq!(conflict_marker_line("Title\n=======\n"), None);
        assert_eq!(
            conflict_marker_line("x\r\n<<<<<<< a\r\n>>>>>>> b\r\n"),
            Some(2)
        );
    }

    #[test]
    fn test_documents_with_markers_are_refused() {
        let text = "---\nid: X\n<<<<<<< HEAD\nestimate: 5\n=======\nestimate: 8\n>>>>>>> b\n---\n";
        assert_eq!(
            Document::parse(text.as_bytes()).unwrap_err(),
            crate::document::DocumentError::MergeConflict { line: 3 }
        );
        // A body conflict is refused too: the item is half-merged.
        let text = "---\nid: X\n---\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> b\n";
        assert!(Document::parse(text.as_bytes()).is_err());
        // A setext heading is not a marker.
        assert!(Document::parse(b"---\nid: X\n---\nTitle\n=======\n").is_ok());
    }

    #[test]
    fn test_labels_sanitized() {
        let labels = Labels {
            ours: "%X".into(),
            theirs: "feature\u{1b}[31m\nx".into(),
            base: String::new(),
            marker_size: 1,
        }
        .sanitized();
        assert_eq!(labels.ours, "ours");
        assert_eq!(labels.theirs, "feature[31mx");
        assert_eq!(labels.base, "base");
        assert_eq!(labels.marker_size, 3);
    }

    #[test]
    fn test_unusable_inputs_are_errors() {
        let l = Labels::default();
        assert!(matches!(
            merge_files(b"a", b"b\0", b"c", &l),
            Err(MergeError::Binary { which: "ours" })
        ));
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert!(matches!(
            merge_files(b"a", b"b", &big, &l),
            Err(MergeError::TooLarge {
                which: "theirs",
                ..
            })
        ));
    }

    #[test]
    fn test_no_front_matter_falls_back_to_lines() {
        let m = merge_files(b"a\nb\nc\n", b"A\nb\nc\n", b"a\nb\nC\n", &Labels::default()).unwrap();
        assert_eq!(m.text, b"A\nb\nC\n");
        assert_eq!(m.strategy, Strategy::Lines);
        assert!(m.is_clean());
    }
}
