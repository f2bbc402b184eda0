//! What one item is linked to by dependencies, for `show`: each dependency with its
//! current state, and the items that depend on it.
//!
//! Like [`crate::analysis::outline::descendants`], only files that mention the ID are
//! parsed, so `show` stays quick on a large backlog.

use std::io::Read;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::document::MAX_FILE_BYTES;
use crate::store::{Entry, Store, sort_entries};

/// One `depends_on` entry of an item, resolved.
#[derive(Debug, Clone)]
pub struct Dependency {
    /// The ID as written in `depends_on`.
    pub id: String,
    /// The item, or `None` when no item has that ID (`check` reports it).
    pub entry: Option<Entry>,
}

/// The dependencies of `entry`, in the order of its `depends_on`.
pub fn dependencies(store: &Store, entry: &Entry) -> Vec<Dependency> {
    entry
        .item
        .depends_on
        .iter()
        .map(|id| Dependency {
            id: id.clone(),
            entry: store
                .find(id)
                .ok()
                .filter(|e| e.item.id.eq_ignore_ascii_case(id)),
        })
        .collect()
}

/// The items whose `depends_on` names `id` (any case), in backlog order.
pub fn dependents(store: &Store, id: &str) -> Vec<Entry> {
    let (files, _) = store.item_files();
    let needle = crate::id::key(id);
    let mut found = mentioning(store, &files, std::slice::from_ref(&needle), |e| {
        e.item
            .depends_on
            .iter()
            .any(|d| crate::id::key(d) == needle)
    });
    sort_entries(&mut found);
    found
}

/// The items among `files` that `keep` accepts, parsing only the files whose text
/// mentions one of `needles` (ID keys, upper case): a raw scan first, so a question
/// about one item does not parse the whole backlog.
pub(crate) fn mentioning(
    store: &Store,
    files: &[PathBuf],
    needles: &[String],
    keep: impl Fn(&Entry) -> bool + Sync,
) -> Vec<Entry> {
    files
        .par_iter()
        .filter_map(|path| {
            let mut bytes = Vec::new();
            std::fs::File::open(path)
                .ok()?
                .take(MAX_FILE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
                .ok()?;
            let upper = bytes.to_ascii_uppercase();
            if !needles.iter().any(|n| contains(&upper, n.as_bytes())) {
                return None;
            }
            let entry = store.load_file(path).ok()?;
            keep(&entry).then_some(entry)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Store) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("backlog")).unwrap();
        for (name, text) in files {
            std::fs::write(tmp.path().join("backlog").join(name), text).unwrap();
        }
        let store = Store::open(tmp.path(), std::path::Path::new("backlog"), false).unwrap();
        (tmp, store)
    }

    #[test]
    fn test_dependencies_and_dependents() {
        let (_tmp, store) = store_with(&[
            (
                "B-A.md",
                "---\nid: B-A\ntitle: A\ndepends_on: [b-b, B-GONE]\n---\n",
            ),
            ("B-B.md", "---\nid: B-B\ntitle: B\nstatus: done\n---\n"),
            ("B-C.md", "---\nid: B-C\ntitle: C\ndepends_on: [B-B]\n---\n"),
            // Mentions B-B without depending on it.
            (
                "B-D.md",
                "---\nid: B-D\ntitle: D\nparent: B-B\n---\nSee B-B.\n",
            ),
            // B-BB contains "B-B" as text but is another ID.
            (
                "B-E.md",
                "---\nid: B-E\ntitle: E\ndepends_on: [B-BB]\n---\n",
            ),
            ("B-BB.md", "---\nid: B-BB\ntitle: BB\n---\n"),
        ]);
        let a = store.find("B-A").unwrap();
        let deps = dependencies(&store, &a);
        assert_eq!(deps.len(), 2);
        assert_eq!(deps[0].entry.as_ref().unwrap().item.id, "B-B");
        assert!(deps[1].entry.is_none());
        let ids: Vec<String> = dependents(&store, "B-B")
            .into_iter()
            .map(|e| e.item.id)
            .collect();
        assert_eq!(ids, ["B-A", "B-C"]);
    }
}
