//! `git-setup`: install the merge driver in a repository.
//!
//! Two things, both idempotent:
//!
//! - the attribute `*.md merge=backlog` in `<backlog dir>/.gitattributes` (committed, so
//!   every clone has it). The file lives in the backlog folder rather than at the
//!   repository root because nothing is ever written outside the backlog folder; git
//!   applies a folder's `.gitattributes` to everything below it, so the line covers
//!   exactly the item files (`config.yml` is not an item and keeps git's line merge);
//! - `merge.backlog.name` and `merge.backlog.driver` in the repository's own git config.
//!   Git never clones config (a repository must not be able to make its clones run
//!   commands), so every clone runs `backlog git-setup` once.

use crate::git::Repo;
use crate::store::{Store, StoreError};
use crate::workspace::Change;

/// The attribute line `git-setup` adds.
pub const ATTRIBUTE_LINE: &str = "*.md merge=backlog";

/// `merge.backlog.name`: what git shows for the driver.
pub const DRIVER_NAME: &str = "backlog: key-level merge of backlog item files";

/// `merge.backlog.driver`: the command git runs (`%O` base, `%A` ours and result, `%B`
/// theirs, `%P` the path, `%L` the marker size, `%X`/`%Y` the branch labels).
pub const DRIVER_COMMAND: &str =
    "backlog merge-file %O %A %B --path %P --marker-size %L --ours-label %X --theirs-label %Y";

/// Errors of `git-setup`.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Reading the attributes file failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the git config failed.
    #[error("cannot set {key} in the repository's git config: {message}")]
    Config {
        /// The config key.
        key: String,
        /// libgit2's message.
        message: String,
    },
}

/// What `git-setup` did.
#[derive(Debug, Clone, PartialEq)]
pub struct GitSetup {
    /// Root-relative path of the attributes file.
    pub attributes_path: String,
    /// The change that adds the attribute line (empty when it is already there).
    pub change: Change,
    /// The config keys that were set (empty when they already had these values).
    pub configured: Vec<String>,
}

/// The change that adds [`ATTRIBUTE_LINE`] to `<backlog dir>/.gitattributes`, keeping
/// whatever the file already holds; an empty change when the line is there.
pub fn setup_change(store: &Store) -> Result<(String, Change), StoreError> {
    let rel = store.relative(&store.dir().join(".gitattributes"));
    let current = match std::fs::read_to_string(store.absolute(&rel)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(StoreError::Io {
                path: rel.clone(),
                source,
            });
        }
    };
    if current.lines().any(|l| l.trim() == ATTRIBUTE_LINE) {
        return Ok((rel, Change::default()));
    }
    let mut text = current;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(
        "# Item files merge key by key (backlog git-setup; see `backlog merge-file --help`)\n",
    );
    text.push_str(ATTRIBUTE_LINE);
    text.push('\n');
    let change = Change {
        op: "git-setup".to_owned(),
        summary: format!("git-setup {rel}: merge item files with `backlog merge-file`"),
        writes: vec![(rel.clone(), text)],
        ..Change::default()
    };
    Ok((rel, change))
}

/// Sets `merge.backlog.name` and `merge.backlog.driver` in the repository's local config
/// (only those that differ). Returns the keys it set.
pub fn configure(repo: &Repo) -> Result<Vec<String>, SetupError> {
    let mut set = Vec::new();
    for (key, value) in [
        ("merge.backlog.name", DRIVER_NAME),
        ("merge.backlog.driver", DRIVER_COMMAND),
    ] {
        let changed = repo
            .set_local_config(key, value)
            .map_err(|e| SetupError::Config {
                key: key.to_owned(),
                message: e.to_string(),
            })?;
        if changed {
            set.push(key.to_owned());
        }
    }
    Ok(set)
}

/// Everything `git-setup` needs to do, without doing it: the attributes change (for
/// [`crate::workspace::Transaction::apply`]) and, when `repo` is given, the config keys set.
pub fn git_setup(store: &Store, repo: Option<&Repo>) -> Result<GitSetup, SetupError> {
    let (attributes_path, change) = setup_change(store)?;
    let configured = match repo {
        Some(repo) => configure(repo)?,
        None => Vec::new(),
    };
    Ok(GitSetup {
        attributes_path,
        change,
        configured,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_setup_change_appends_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("backlog")).unwrap();
        std::fs::write(dir.path().join("backlog/.gitattributes"), "*.png binary").unwrap();
        let store = Store::open(dir.path(), std::path::Path::new("backlog"), false).unwrap();
        let (rel, change) = setup_change(&store).unwrap();
        assert_eq!(rel, "backlog/.gitattributes");
        let text = &change.writes[0].1;
        assert!(text.starts_with("*.png binary\n# Item files"), "{text}");
        assert!(text.ends_with("\n*.md merge=backlog\n"), "{text}");
        std::fs::write(dir.path().join("backlog/.gitattributes"), text).unwrap();
        let (_, again) = setup_change(&store).unwrap();
        assert!(again.is_empty());
    }

    #[test]
    fn test_configure_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let repo = crate::git::testing::init(dir.path());
        assert_eq!(
            configure(&repo).unwrap(),
            ["merge.backlog.name", "merge.backlog.driver"]
        );
        assert!(configure(&repo).unwrap().is_empty());
        assert_eq!(
            crate::git::testing::local_config(&repo, "merge.backlog.driver").as_deref(),
            Some(DRIVER_COMMAND)
        );
    }
}
