//! [`LinkCache`]: what every item links to, kept between calls of a long-running process
//! and revalidated by file metadata.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

use super::{Mentions, key};
use crate::store::{Entry, Store, sort_entries};

/// What every item links to (its `depends_on` and `parent`), remembered between calls of
/// a long-running process (the MCP server) so that "who depends on X?" does not read the
/// whole backlog each time.
///
/// Every query first revalidates the cache against file metadata, as git's index and its
/// untracked cache do. The folder is listed again when the size, modification time,
/// change time or inode of one of its directories differs from what was seen (creating,
/// removing or renaming a file changes its directory). A file is read again when its own
/// metadata differs. Anything modified so shortly before it was read that a second change
/// within the file system's timestamp granularity could go unseen ("racily clean" in git's
/// words) is not trusted and is read again next time. The answer is therefore the one a
/// fresh read gives, at the cost of one `stat` per file instead of a read and a parse.
#[derive(Debug, Default)]
pub struct LinkCache {
    /// Every directory of the folder; empty until the first listing.
    dirs: Vec<Dir>,
    /// The item files of the last listing, with what was last read from each.
    files: Vec<File>,
}

#[derive(Debug)]
struct Dir {
    path: PathBuf,
    stamp: Stamp,
    /// False when the directory changed too close to the listing to trust `stamp`.
    trusted: bool,
    /// Open, so files are `stat`ed relative to it: the kernel then looks up one name
    /// instead of every component of the full path.
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

#[derive(Debug)]
struct File {
    path: PathBuf,
    /// Index of its directory in `dirs`, and its name there.
    #[cfg(unix)]
    at: Option<(usize, std::ffi::CString)>,
    links: Option<Links>,
}

#[derive(Debug)]
struct Links {
    stamp: Stamp,
    /// False when the file changed too close to when it was read to trust `stamp`.
    trusted: bool,
    /// The item's ID key.
    id: String,
    depends_on: Vec<String>,
    parent: Option<String>,
}

/// How far apart a change and our read must be for a stamp to be trusted: above the
/// coarsest common timestamp granularity (FAT's 2 s).
const RACY_WINDOW: Duration = Duration::from_secs(3);

impl LinkCache {
    /// Brings the cache up to date with the files of `store`.
    fn refresh(&mut self, store: &Store) {
        if self.dirs_changed() {
            self.list(store);
        }
        let dirs = &self.dirs;
        self.files.par_iter_mut().for_each(|file| {
            let Some(stamp) = file.stamp(dirs) else {
                // Gone since the listing, or unreadable: it links nowhere.
                file.links = None;
                return;
            };
            if file
                .links
                .as_ref()
                .is_some_and(|links| links.trusted && links.stamp == stamp)
            {
                return;
            }
            // The stamp was taken before the read: a change during the read makes the
            // next stamp differ, so it is seen next time.
            let started = SystemTime::now();
            // Unparsable: `check` reports it; it links nowhere.
            file.links = store.load_file(&file.path).ok().map(|entry| Links {
                trusted: stamp.settled_before(started),
                stamp,
                id: key(&entry.item.id),
                depends_on: entry.item.depends_on.iter().map(|d| key(d)).collect(),
                parent: entry.item.parent.as_deref().map(key),
            });
        });
    }

    /// Whether a directory of the folder may have gained, lost or renamed a file since
    /// the last listing.
    fn dirs_changed(&self) -> bool {
        self.dirs.is_empty()
            || self
                .dirs
                .iter()
                .any(|dir| !dir.trusted || Stamp::of_path(&dir.path).as_ref() != Some(&dir.stamp))
    }

    /// Lists the folder again, keeping what was read from files that are still there.
    /// The directories are stamped first, so a change during the listing is seen next
    /// time.
    fn list(&mut self, store: &Store) {
        let started = SystemTime::now();
        self.dirs = walkdir::WalkDir::new(store.dir())
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().as_encoded_bytes().starts_with(b"."))
            .flatten()
            .filter(|e| e.file_type().is_dir())
            .filter_map(|e| {
                let stamp = Stamp::of_path(e.path())?;
                Some(Dir {
                    trusted: stamp.settled_before(started),
                    stamp,
                    #[cfg(unix)]
                    fd: rustix::fs::open(
                        e.path(),
                        rustix::fs::OFlags::RDONLY
                            | rustix::fs::OFlags::DIRECTORY
                            | rustix::fs::OFlags::CLOEXEC,
                        rustix::fs::Mode::empty(),
                    )
                    .ok(),
                    path: e.into_path(),
                })
            })
            .collect();
        #[cfg(unix)]
        let dir_index: HashMap<&Path, usize> = self
            .dirs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.path.as_path(), i))
            .collect();
        let mut known: HashMap<PathBuf, Links> = std::mem::take(&mut self.files)
            .into_iter()
            .filter_map(|f| Some((f.path, f.links?)))
            .collect();
        self.files = store
            .item_files()
            .0
            .into_iter()
            .map(|path| File {
                #[cfg(unix)]
                at: path.parent().and_then(|dir| {
                    let name = std::ffi::CString::new(path.file_name()?.as_encoded_bytes()).ok()?;
                    Some((*dir_index.get(dir)?, name))
                }),
                links: known.remove(&path),
                path,
            })
            .collect();
    }

    /// [`super::dependents`], answered from the cache after revalidating it: the same items, read
    /// afresh, in backlog order.
    pub fn dependents(&mut self, store: &Store, id: &str) -> Vec<Entry> {
        self.refresh(store);
        self.dependents_now(store, &key(id))
    }

    /// [`super::mentions`], answered from the cache after revalidating it.
    pub fn mentions(&mut self, store: &Store, entry: &Entry) -> Mentions {
        self.refresh(store);
        let needle = key(&entry.item.id);
        let mut namesakes: Vec<String> = self
            .current()
            .filter(|(_, links)| links.id == needle)
            .filter_map(|(path, _)| store.load_file(path).ok())
            .filter(|e| e.path != entry.path && key(&e.item.id) == needle)
            .map(|e| e.path)
            .collect();
        namesakes.sort();
        Mentions {
            dependents: self.dependents_now(store, &needle),
            namesakes,
        }
    }

    fn dependents_now(&self, store: &Store, needle: &String) -> Vec<Entry> {
        let mut found: Vec<Entry> = self
            .current()
            .filter(|(_, links)| links.depends_on.contains(needle))
            .filter_map(|(path, _)| store.load_file(path).ok())
            .filter(|e| e.item.depends_on.iter().any(|d| key(d) == *needle))
            .collect();
        sort_entries(&mut found);
        found
    }

    /// The children of `id` and theirs, as [`crate::analysis::outline::descendants`]
    /// finds them, answered from the cache after revalidating it.
    pub fn descendants(&mut self, store: &Store, id: &str) -> Vec<Entry> {
        self.refresh(store);
        let mut seen: HashSet<String> = HashSet::from([key(id)]);
        let mut wanted = vec![key(id)];
        let mut found = Vec::new();
        while let Some(parent) = wanted.pop() {
            for (path, links) in self.current() {
                if links.parent.as_deref() != Some(parent.as_str()) {
                    continue;
                }
                let Ok(entry) = store.load_file(path) else {
                    continue;
                };
                if entry.item.parent.as_deref().map(key).as_ref() != Some(&parent) {
                    continue;
                }
                if seen.insert(key(&entry.item.id)) {
                    wanted.push(key(&entry.item.id));
                    found.push(entry);
                }
            }
        }
        sort_entries(&mut found);
        found
    }

    /// The files with what they link to.
    fn current(&self) -> impl Iterator<Item = (&PathBuf, &Links)> {
        self.files
            .iter()
            .filter_map(|f| Some((&f.path, f.links.as_ref()?)))
    }
}

impl File {
    /// The file's stamp now, `stat`ed relative to its open directory where possible.
    fn stamp(&self, dirs: &[Dir]) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some((dir, name)) = &self.at
            && let Some(fd) = &dirs[*dir].fd
        {
            let st = rustix::fs::statat(fd, name.as_c_str(), rustix::fs::AtFlags::empty()).ok()?;
            return Some(Stamp {
                len: u64::try_from(st.st_size).unwrap_or(0),
                modified: (st.st_mtime, i64::try_from(st.st_mtime_nsec).unwrap_or(0)),
                changed: (st.st_ctime, i64::try_from(st.st_ctime_nsec).unwrap_or(0)),
                inode: (st.st_dev, st.st_ino),
            });
        }
        let _ = dirs;
        Stamp::of_path(&self.path)
    }
}

/// The metadata that tells whether a file or directory changed since it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: (u64, u64),
}

impl Stamp {
    fn of_path(path: &Path) -> Option<Self> {
        Some(Self::of(&std::fs::metadata(path).ok()?))
    }

    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        Self {
            len: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
            inode: (meta.dev(), meta.ino()),
        }
    }

    #[cfg(not(unix))]
    fn of(meta: &std::fs::Metadata) -> Self {
        let nanos = |t: std::io::Result<SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or((0, 0), |d| {
                    (
                        i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                        i64::from(d.subsec_nanos()),
                    )
                })
        };
        Self {
            len: meta.len(),
            modified: nanos(meta.modified()),
            changed: nanos(meta.created()),
            inode: (0, 0),
        }
    }

    /// Whether the last change happened safely before `moment` (see [`RACY_WINDOW`]).
    fn settled_before(&self, moment: SystemTime) -> bool {
        let Ok(now) = moment.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        let latest = self.modified.0.max(self.changed.0);
        i64::try_from(now.saturating_sub(RACY_WINDOW).as_secs()).is_ok_and(|safe| latest < safe)
    }
}

#[cfg(test)]
/// What the cache answers must be what a fresh read answers, whatever happened to the
/// files in between.
mod tests {
    use super::*;
    use crate::analysis::related::{dependents, mentions};
    use proptest::prelude::*;
    use std::time::{Duration, SystemTime};

    const IDS: [&str; 5] = ["B-A", "B-B", "B-C", "B-D", "B-E"];

    #[derive(Debug, Clone)]
    enum Op {
        /// Writes item `id` with these dependencies and parent, padded to a length.
        Write {
            id: usize,
            deps: Vec<usize>,
            parent: Option<usize>,
            pad: usize,
        },
        Remove(usize),
        /// Moves item `id` to another file name (as a retitle does).
        Rename(usize),
        /// Sets every file's and directory's modification time far back, so the
        /// cache trusts what it read.
        Age,
        /// Writes garbage into item `id`'s file.
        Break(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0..5usize, proptest::collection::vec(0..5usize, 0..3), proptest::option::of(0..5usize), 0..3usize)
                .prop_map(|(id, deps, parent, pad)| Op::Write { id, deps, parent, pad }),
            1 => (0..5usize).prop_map(Op::Remove),
            1 => (0..5usize).prop_map(Op::Rename),
            2 => Just(Op::Age),
            1 => (0..5usize).prop_map(Op::Break),
        ]
    }

    fn file_of(dir: &Path, id: usize) -> Option<PathBuf> {
        std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.starts_with(&format!("{}-", IDS[id])) || n == format!("{}.md", IDS[id])
                })
            })
    }

    fn set_old(path: &Path) {
        let old = SystemTime::now() - Duration::from_secs(3600);
        if let Ok(f) = std::fs::File::options().write(true).open(path) {
            let _ = f.set_modified(old);
        } else if let Ok(f) = std::fs::File::open(path) {
            let _ = f.set_modified(old);
        }
    }

    fn apply(dir: &Path, op: &Op) {
        match op {
            Op::Write {
                id,
                deps,
                parent,
                pad,
            } => {
                let deps: Vec<&str> = deps.iter().map(|d| IDS[*d]).collect();
                let parent = parent.map_or(String::new(), |p| format!("parent: {}\n", IDS[p]));
                let text = format!(
                    "---\nid: {}\ntitle: T{}\ndepends_on: [{}]\n{parent}---\n",
                    IDS[*id],
                    "x".repeat(*pad),
                    deps.join(", ")
                );
                let path =
                    file_of(dir, *id).unwrap_or_else(|| dir.join(format!("{}.md", IDS[*id])));
                // Keep the old modification time when the size is unchanged: only the
                // change time tells the rewrite apart.
                let before = std::fs::metadata(&path)
                    .ok()
                    .and_then(|m| m.modified().ok());
                std::fs::write(&path, text).unwrap();
                if let Some(t) = before {
                    let f = std::fs::File::options().write(true).open(&path).unwrap();
                    f.set_modified(t).unwrap();
                }
            }
            Op::Remove(id) => {
                if let Some(p) = file_of(dir, *id) {
                    std::fs::remove_file(p).unwrap();
                }
            }
            Op::Rename(id) => {
                if let Some(p) = file_of(dir, *id) {
                    let name = p.file_name().unwrap().to_str().unwrap().to_owned();
                    let new = if name.ends_with("-x.md") {
                        format!("{}.md", IDS[*id])
                    } else {
                        format!("{}-x.md", IDS[*id])
                    };
                    std::fs::rename(&p, dir.join(new)).unwrap();
                }
            }
            Op::Age => {
                for e in std::fs::read_dir(dir).unwrap().flatten() {
                    set_old(&e.path());
                }
                set_old(dir);
            }
            Op::Break(id) => {
                if let Some(p) = file_of(dir, *id) {
                    std::fs::write(p, "---\nid: [unclosed\n---\n").unwrap();
                }
            }
        }
    }

    fn ids(entries: Vec<Entry>) -> Vec<(String, String)> {
        entries.into_iter().map(|e| (e.item.id, e.path)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn test_cached_links_equal_a_fresh_read(ops in proptest::collection::vec(op(), 1..14)) {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("backlog");
            std::fs::create_dir_all(&dir).unwrap();
            let mut cache = LinkCache::default();
            for op in &ops {
                apply(&dir, op);
                let store = Store::open(tmp.path(), Path::new("backlog"), false).unwrap();
                for id in IDS {
                    if let Ok(entry) = store.find(id) {
                        prop_assert_eq!(
                            cache.mentions(&store, &entry).namesakes,
                            mentions(&store, &entry).namesakes,
                            "namesakes of {} after {:?}", id, op
                        );
                    }
                    prop_assert_eq!(
                        ids(cache.dependents(&store, id)),
                        ids(dependents(&store, id)),
                        "dependents of {} after {:?}", id, op
                    );
                    prop_assert_eq!(
                        ids(cache.descendants(&store, id)),
                        ids(crate::analysis::outline::descendants(&store, id)),
                        "descendants of {} after {:?}", id, op
                    );
                }
            }
        }
    }

    #[test]
    fn test_settled_stamps_are_trusted_and_fresh_ones_are_not() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        std::fs::write(&path, "x").unwrap();
        let now = SystemTime::now();
        assert!(!Stamp::of_path(&path).unwrap().settled_before(now));
        assert!(
            Stamp::of_path(&path)
                .unwrap()
                .settled_before(now + Duration::from_secs(10))
        );
    }
}
