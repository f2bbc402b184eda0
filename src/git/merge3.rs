//! libgit2's three-way merge of file contents, without a repository.

use git2::Oid;

use super::{GitError, OID_LEN, git};

/// Labels, marker size and style of [`merge_file`].
#[derive(Debug, Clone, Copy)]
pub struct MergeFileOptions<'a> {
    /// After `<<<<<<<`.
    pub ours_label: &'a str,
    /// After `>>>>>>>`.
    pub theirs_label: &'a str,
    /// After `|||||||` (diff3 style).
    pub base_label: &'a str,
    /// Length of the markers.
    pub marker_size: u16,
    /// Whether conflicts carry the base lines (`|||||||` section).
    pub diff3: bool,
}

/// libgit2's three-way line merge of three texts (xdiff, as `git merge-file`; no
/// repository involved). Returns the merged text and whether it is free of conflicts.
pub fn merge_file(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    opts: &MergeFileOptions<'_>,
) -> Result<(Vec<u8>, bool), GitError> {
    // `git_merge_file` does not initialize libgit2 itself; this call does.
    let _ = Oid::from_bytes(&[0; OID_LEN]);
    let label = |s: &str| s.replace('\0', "");
    let input = |content| {
        let mut input = git2::MergeFileInput::new();
        input.content(content);
        input
    };
    let mut options = git2::MergeFileOptions::new();
    options
        .our_label(label(opts.ours_label))
        .their_label(label(opts.theirs_label))
        .ancestor_label(label(opts.base_label))
        .marker_size(opts.marker_size)
        .style_diff3(opts.diff3);
    let result = git2::merge_file(
        &input(base),
        &input(ours),
        &input(theirs),
        Some(&mut options),
    )
    .map_err(git("merge-file"))?;
    Ok((result.content().to_vec(), result.is_automergeable()))
}
