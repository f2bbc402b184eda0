//! What one item is linked to by dependencies, for `show`: each dependency with its
//! current state, and the items that depend on it.
//!
//! Like [`crate::analysis::outline::descendants`], only files that mention the ID are
//! parsed, so `show` stays quick on a large backlog.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use memchr::memmem;
use rayon::prelude::*;

use crate::store::{Entry, Store, sort_entries};

mod cache;
pub use cache::LinkCache;

/// One `depends_on` entry of an item, resolved.
#[derive(Debug, Clone)]
pub struct Dependency {
    /// The ID as written in `depends_on`.
    pub id: String,
    /// The item, or `None` when no item has that ID (`check` reports it).
    pub entry: Option<Entry>,
}

/// The dependencies of `entry`, in the order of its `depends_on`.
///
/// One folder listing finds each dependency's file by name (`ID-slug.md`); only when some
/// are not found that way (a misnamed file, or no such item) is the whole backlog loaded,
/// once. Looking each up with [`Store::find`] cost a listing per dependency and a full
/// load per missing one: `depends_on` with 100,000 missing IDs never finished.
pub fn dependencies(store: &Store, entry: &Entry) -> Vec<Dependency> {
    let wanted = &entry.item.depends_on;
    if wanted.is_empty() {
        return Vec::new();
    }
    let (files, _) = store.item_files();
    let mut names: Vec<(String, &PathBuf)> = files
        .iter()
        .filter_map(|p| Some((p.file_name()?.to_str()?.to_ascii_uppercase(), p)))
        .collect();
    names.sort_unstable();
    let mut found: HashMap<String, Entry> = HashMap::new();
    let mut missing: HashSet<String> = HashSet::new();
    for id in wanted {
        let k = key(id);
        if k.is_empty() || found.contains_key(&k) || missing.contains(&k) {
            continue;
        }
        let start = names.partition_point(|(n, _)| n.as_str() < k.as_str());
        let hit = names[start..]
            .iter()
            .take_while(|(n, _)| n.starts_with(k.as_str()))
            .filter(
                |(n, _)| matches!(&n[k.len()..], rest if rest.starts_with('-') || rest == ".MD"),
            )
            .filter_map(|(_, p)| store.load_file(p).ok())
            .find(|e| key(&e.item.id) == k);
        match hit {
            Some(e) => {
                found.insert(k, e);
            }
            None => {
                missing.insert(k);
            }
        }
    }
    if !missing.is_empty() {
        for e in store.load_all().entries {
            let k = key(&e.item.id);
            if missing.contains(&k) && !found.contains_key(&k) {
                found.insert(k, e);
            }
        }
    }
    wanted
        .iter()
        .map(|id| Dependency {
            id: id.clone(),
            entry: found.get(&key(id)).cloned(),
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

/// What a raw scan of the backlog for one item's ID finds.
#[derive(Debug, Default)]
pub struct Mentions {
    /// The items that depend on it, in backlog order ([`dependents`]).
    pub dependents: Vec<Entry>,
    /// Other files that claim its ID (a copy made by hand, an impostor): one-item
    /// commands find an item by its file name, so these would go unnoticed; `check`
    /// reports them as `duplicate-id`.
    pub namesakes: Vec<String>,
}

impl Mentions {
    /// One warning per namesake, naming both files.
    pub fn warnings(&self, entry: &Entry) -> Vec<String> {
        self.namesakes
            .iter()
            .map(|path| {
                format!(
                    "{path} also has id {}; this is {} (`backlog check` reports duplicate-id)",
                    entry.item.id, entry.path
                )
            })
            .collect()
    }
}

/// The dependents and namesakes of `entry`, in one pass over the files.
pub fn mentions(store: &Store, entry: &Entry) -> Mentions {
    let (files, _) = store.item_files();
    let needle = crate::id::key(&entry.item.id);
    let is_dependent = |e: &Entry| {
        e.item
            .depends_on
            .iter()
            .any(|d| crate::id::key(d) == needle)
    };
    let is_namesake = |e: &Entry| e.path != entry.path && crate::id::key(&e.item.id) == needle;
    let found = mentioning(store, &files, std::slice::from_ref(&needle), |e| {
        is_dependent(e) || is_namesake(e)
    });
    let mut namesakes: Vec<String> = found
        .iter()
        .filter(|e| is_namesake(e))
        .map(|e| e.path.clone())
        .collect();
    namesakes.sort();
    let mut dependents: Vec<Entry> = found.into_iter().filter(is_dependent).collect();
    sort_entries(&mut dependents);
    Mentions {
        dependents,
        namesakes,
    }
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
    let finders: Vec<memmem::Finder<'_>> = needles
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| memmem::Finder::new(n.as_bytes()))
        .collect();
    files
        .par_iter()
        .filter_map(|path| {
            // One read of the whole (bounded) file, upper-cased in place: IDs match in
            // any case.
            let mut bytes = crate::store::read_bounded(path).ok()?;
            bytes.make_ascii_uppercase();
            if !finders.iter().any(|f| f.find(&bytes).is_some()) {
                return None;
            }
            let entry = store.load_file(path).ok()?;
            keep(&entry).then_some(entry)
        })
        .collect()
}

fn key(id: &str) -> String {
    crate::id::key(id)
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

    #[test]
    fn test_dependencies_found_by_name_by_content_or_missing() {
        let missing: Vec<String> = (0..2000).map(|i| format!("B-M{i}")).collect();
        let front = format!(
            "---\nid: B-A\ntitle: A\ndepends_on: [B-B, b-misnamed, {}]\n---\n",
            missing.join(", ")
        );
        let (_tmp, store) = store_with(&[
            ("B-A.md", &front),
            ("B-B-some-title.md", "---\nid: B-B\ntitle: B\n---\n"),
            // B-BB's name starts with B-B: not a candidate for B-B.
            ("B-BB.md", "---\nid: B-BB\ntitle: BB\n---\n"),
            ("copy.md", "---\nid: B-MISNAMED\ntitle: M\n---\n"),
        ]);
        let a = store.find("B-A").unwrap();
        let deps = dependencies(&store, &a);
        assert_eq!(deps.len(), 2002);
        let path = |d: &Dependency| d.entry.as_ref().map(|e| e.path.clone());
        assert_eq!(path(&deps[0]).as_deref(), Some("backlog/B-B-some-title.md"));
        assert_eq!(path(&deps[1]).as_deref(), Some("backlog/copy.md"));
        assert_eq!(deps[1].id, "b-misnamed");
        assert!(deps[2..].iter().all(|d| d.entry.is_none()));
    }
}
