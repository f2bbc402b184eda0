//! The backlog folder: finding item files, loading them (in parallel), looking items up by
//! ID, and writing files atomically.
//!
//! The store knows nothing about git or the terminal. Paths it hands out are relative to
//! the workspace root (the repository's work tree, or the folder the backlog lives in) and
//! use `/` separators, so they can go into JSON and into git trees unchanged.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, ConfigError};
use crate::document::{Document, DocumentError, MAX_FILE_BYTES};
use crate::item::{Item, ItemError};
use crate::model::OrderKey;

pub mod lookup;
pub use lookup::{IdIndex, Resolved};

/// The folder of item templates inside the backlog folder; the store skips it.
pub const TEMPLATES_DIR: &str = "templates";

/// An item file that loaded: where it is, its exact text, and the typed view.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path relative to the workspace root, `/`-separated.
    pub path: String,
    /// The file.
    pub doc: Document,
    /// The typed view.
    pub item: Item,
}

impl Entry {
    /// Parses an item from its path (root-relative) and text, as the store would load it.
    pub fn from_text(path: impl Into<String>, text: &str) -> Result<Self, ItemError> {
        let doc = Document::parse(text.as_bytes())?;
        let item = Item::from_document(&doc)?;
        Ok(Self {
            path: path.into(),
            doc,
            item,
        })
    }

    /// Every front-matter key as parsed (known and unknown), in file order.
    ///
    /// Parsed on demand rather than kept: holding the full YAML mapping of every loaded
    /// item doubled the memory of a 100k-item `check`. The document already parsed once,
    /// so this cannot fail; an empty mapping is returned if it somehow does.
    pub fn fields(&self) -> serde_yaml_ng::Mapping {
        self.doc.front_matter().unwrap_or_default()
    }
}

/// An item file that did not load, and why.
#[derive(Debug, Clone)]
pub struct LoadError {
    /// Path relative to the workspace root.
    pub path: String,
    /// What went wrong.
    pub kind: LoadErrorKind,
}

/// Why a file did not load.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadErrorKind {
    /// The file could not be read.
    #[error("cannot read file: {0}")]
    Io(String),
    /// The content is not an item.
    #[error("{0}")]
    Item(#[from] ItemError),
    /// A symlink that leads outside the backlog folder (not followed).
    #[error("symlink leads outside the backlog folder; not followed")]
    SymlinkOutside,
}

impl LoadError {
    /// An empty error, left behind when an error is moved out of a result list.
    fn placeholder() -> Self {
        Self {
            path: String::new(),
            kind: LoadErrorKind::SymlinkOutside,
        }
    }

    /// The 1-based line the error points at.
    pub fn line(&self) -> usize {
        match &self.kind {
            LoadErrorKind::Item(e) => e.line(),
            _ => 1,
        }
    }

    /// What is wrong, without the location (that is [`LoadError::path`] and
    /// [`LoadError::line`]).
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line(), self.message())
    }
}

/// Errors of the store as a whole.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `config.yml` is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The git repository exists but git refuses it (ownership, format).
    #[error("{0}")]
    Repository(String),
    /// The backlog folder does not exist.
    #[error("no backlog folder at {path}")]
    NoBacklog {
        /// The folder looked for.
        path: String,
    },
    /// The backlog folder resolves to a place outside the workspace root.
    #[error("the backlog folder {path} leads outside the repository (to {target}); not followed")]
    OutsideRoot {
        /// The folder as given.
        path: String,
        /// Where it leads.
        target: String,
    },
    /// Several files hold the same ID: which one is meant cannot be decided.
    #[error("{id} is the ID of {} files: {}", .paths.len(), .paths.join(", "))]
    DuplicateId {
        /// The ID.
        id: String,
        /// The files.
        paths: Vec<String>,
    },
    /// No item has this ID.
    #[error("unknown item {query}")]
    UnknownItem {
        /// What the user typed.
        query: String,
        /// Close IDs.
        suggestions: Vec<String>,
    },
    /// More than one item matches a prefix.
    #[error(
        "ambiguous item {query}: matches {}{}",
        .matches.join(", "),
        if *.more > 0 { format!(" and {} more", .more) } else { String::new() }
    )]
    Ambiguous {
        /// What the user typed.
        query: String,
        /// The IDs it matches (the first ten).
        matches: Vec<String>,
        /// How many more it matches.
        more: usize,
    },
    /// The item's file could not be loaded.
    #[error("{0}")]
    Load(LoadError),
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// Something else went wrong with the file system.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

/// Everything loaded from the folder.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Items in backlog order (see [`sort_entries`]).
    pub entries: Vec<Entry>,
    /// Files that did not load.
    pub errors: Vec<LoadError>,
}

impl Loaded {
    /// The entry with this exact ID (case-insensitive).
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.item.id.eq_ignore_ascii_case(id))
    }

    /// An [`IdIndex`] of the entries, by position.
    pub fn id_index(&self) -> IdIndex {
        IdIndex::new(self.entries.iter().map(|e| e.item.id.as_str()))
    }

    /// The entry an ID or unique ID prefix names (case-insensitive), as commands accept
    /// them everywhere. Builds an [`IdIndex`]; callers resolving many IDs should build
    /// one and use [`Loaded::resolve_with`].
    pub fn resolve(&self, query: &str) -> Result<&Entry, StoreError> {
        self.resolve_with(&self.id_index(), query)
    }

    /// [`Loaded::resolve`] with a prebuilt index of these entries.
    pub fn resolve_with(&self, index: &IdIndex, query: &str) -> Result<&Entry, StoreError> {
        match index.resolve(query) {
            // A duplicate ID (reported by `check`): the first in backlog order.
            Resolved::One(i) => Ok(&self.entries[i]),
            Resolved::Duplicate(all) => Ok(&self.entries[all[0]]),
            Resolved::Ambiguous(many) => Err(index.ambiguous(query, &many)),
            // A file named after the ID that did not load (a merge conflict, bad YAML):
            // say why, rather than that the item does not exist.
            Resolved::Unknown => {
                let q = crate::id::key(query.trim());
                match self.errors.iter().find(|e| named_after(&e.path, &q)) {
                    Some(broken) => Err(StoreError::Load(broken.clone())),
                    None => Err(index.unknown(query, false)),
                }
            }
        }
    }

    /// The upper-cased IDs of all loaded items.
    pub fn id_set(&self) -> HashSet<String> {
        self.entries
            .iter()
            .map(|e| crate::id::key(&e.item.id))
            .collect()
    }
}

/// Every item reduced to what a caller keeps (see [`Store::load_mapped`]).
#[derive(Debug)]
pub struct Mapped<T> {
    /// One value per item that loaded, in backlog order.
    pub items: Vec<T>,
    /// Files that did not load, by path.
    pub errors: Vec<LoadError>,
}

/// The backlog folder inside a workspace root.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    dir: PathBuf,
    /// The team's settings.
    pub config: Config,
}

/// Where the workspace root is outside git, given a starting folder: the start itself
/// when it holds `dir_name`, else the nearest ancestor whose `dir_name` holds a
/// `config.yml` (what `backlog init` writes), else the start itself.
///
/// An ancestor that merely contains a folder named like the backlog (a clone of a
/// project called `backlog`, say) is not a backlog: discovery never climbs into it.
pub fn find_root(start: &Path, dir_name: &Path) -> PathBuf {
    if dir_name.is_absolute() || start.join(dir_name).is_dir() {
        return start.to_path_buf();
    }
    start
        .ancestors()
        .skip(1)
        .find(|a| a.join(dir_name).join("config.yml").is_file())
        .unwrap_or(start)
        .to_path_buf()
}

/// `to` relative to `from` (both absolute and normalized), with `..` where `to` is not
/// below `from`: the way to say where a folder is from where the user stands.
pub fn relative_to(to: &Path, from: &Path) -> PathBuf {
    let (to_parts, from_parts): (Vec<_>, Vec<_>) =
        (to.components().collect(), from.components().collect());
    let common = to_parts
        .iter()
        .zip(&from_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..from_parts.len() {
        out.push("..");
    }
    for part in &to_parts[common..] {
        out.push(part);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

impl Store {
    /// Opens the backlog folder `dir` (relative to `root` unless absolute) and reads its
    /// `config.yml`. The folder must exist unless `allow_missing`.
    pub fn open(root: &Path, dir: &Path, allow_missing: bool) -> Result<Self, StoreError> {
        let dir = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            root.join(dir)
        };
        if !allow_missing && !dir.is_dir() {
            return Err(StoreError::NoBacklog {
                path: dir.display().to_string(),
            });
        }
        let config = if dir.is_dir() {
            Config::load(&dir)?
        } else {
            Config::default()
        };
        Ok(Self {
            root: root.to_path_buf(),
            dir,
            config,
        })
    }

    /// The workspace root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The backlog folder (absolute when the root is).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A root-relative `/` path for an absolute or root-relative path.
    pub fn relative(&self, path: &Path) -> String {
        // Fast path for what the store hands itself: `<root>/<plain components>`.
        if !cfg!(windows) {
            let rest = path
                .to_str()
                .zip(self.root.to_str())
                .and_then(|(p, root)| p.strip_prefix(root))
                .and_then(|r| r.strip_prefix('/'))
                .filter(|r| r.split('/').all(|c| !c.is_empty() && c != "." && c != ".."));
            if let Some(rest) = rest {
                return rest.to_owned();
            }
        }
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let parts: Vec<String> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        parts.join("/")
    }

    /// The absolute path of a root-relative path.
    pub fn absolute(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The root-relative path a new item gets: `<dir>/<ID>-<slug>.md`.
    pub fn new_item_path(&self, id: &str, title: &str) -> String {
        let file = format!("{id}-{}.md", crate::text::slugify(title));
        self.relative(&self.dir.join(file))
    }

    /// Every item file under the folder (any depth; `README.md` excepted; hidden files and
    /// folders skipped), with symlinks that leave the folder reported instead of followed.
    /// Sorted by path (byte order).
    pub fn item_files(&self) -> (Vec<PathBuf>, Vec<LoadError>) {
        let (mut files, mut errors) = self.scan(|_| true);
        files.sort_unstable_by(|a, b| {
            a.as_os_str()
                .as_encoded_bytes()
                .cmp(b.as_os_str().as_encoded_bytes())
        });
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        (files, errors)
    }

    /// Walks the folder with walkdir (symlinks not followed, hidden entries skipped, no
    /// sorting: callers order items by rank) and returns the item files whose name passes
    /// `wanted`. Only matching names cost more than reading the directory: nothing is
    /// `stat`ed for the others.
    fn scan(&self, wanted: impl Fn(&[u8]) -> bool) -> (Vec<PathBuf>, Vec<LoadError>) {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        let mut canonical_dir: Option<PathBuf> = None;
        let walker = walkdir::WalkDir::new(&self.dir)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().as_encoded_bytes();
                // Item templates (`templates/<type>.md`) are not items.
                let templates =
                    e.depth() == 1 && e.file_type().is_dir() && name == TEMPLATES_DIR.as_bytes();
                e.depth() == 0 || !(name.starts_with(b".") || templates)
            });
        for entry in walker.flatten() {
            let file_type = entry.file_type();
            if file_type.is_dir() {
                continue;
            }
            let bytes = entry.file_name().as_encoded_bytes();
            if !bytes.ends_with(b".md")
                || bytes.eq_ignore_ascii_case(b"README.md")
                || !wanted(bytes)
            {
                continue;
            }
            if file_type.is_symlink() {
                let canonical = canonical_dir.get_or_insert_with(|| {
                    self.dir.canonicalize().unwrap_or_else(|_| self.dir.clone())
                });
                match entry.path().canonicalize() {
                    Ok(target) if target.starts_with(&*canonical) && target.is_file() => {
                        // A link to an item file the walk reaches anyway would load the
                        // same item twice; only links to files the walk skips are read.
                        if !walked(target.strip_prefix(&*canonical).unwrap_or(&target)) {
                            files.push(entry.into_path());
                        }
                    }
                    _ => errors.push(LoadError {
                        path: self.relative(entry.path()),
                        kind: LoadErrorKind::SymlinkOutside,
                    }),
                }
            } else if file_type.is_file() {
                files.push(entry.into_path());
            }
        }
        (files, errors)
    }

    /// Reads and parses one file.
    pub fn load_file(&self, path: &Path) -> Result<Entry, LoadError> {
        let rel = self.relative(path);
        let fail = |kind| LoadError {
            path: rel.clone(),
            kind,
        };
        // Paths are strings from here on: a non-UTF-8 name would be written back under a
        // lossy name, a second file. Such a file is reported, never loaded.
        if path.to_str().is_none() {
            return Err(fail(LoadErrorKind::Io(
                "its name is not valid UTF-8; rename the file".to_owned(),
            )));
        }
        let bytes = read_bounded(path).map_err(|e| match e {
            ReadError::Io(e) => fail(LoadErrorKind::Io(e.to_string())),
            ReadError::TooLarge(size) => fail(LoadErrorKind::Item(ItemError::Document(
                DocumentError::TooLarge {
                    size,
                    limit: MAX_FILE_BYTES,
                },
            ))),
        })?;
        let doc = Document::parse_owned(bytes).map_err(|e| fail(LoadErrorKind::Item(e.into())))?;
        let item = Item::from_document(&doc).map_err(|e| fail(LoadErrorKind::Item(e)))?;
        Ok(Entry {
            path: rel,
            doc,
            item,
        })
    }

    /// Loads every item in parallel, in backlog order.
    pub fn load_all(&self) -> Loaded {
        // Unsorted: the entries are sorted into backlog order below, errors by path.
        let (files, mut errors) = self.scan(|_| true);
        let mut results: Vec<Result<Entry, LoadError>> =
            files.par_iter().map(|p| self.load_file(p)).collect();
        drop(files);
        errors.extend(results.iter_mut().filter_map(|r| {
            r.as_mut()
                .err()
                .map(|e| std::mem::replace(e, LoadError::placeholder()))
        }));
        // `Result<Entry, LoadError>` is as large as `Entry`, so this collect reuses the
        // allocation instead of holding a second copy of every entry (60 MB at 100k items).
        let mut entries: Vec<Entry> = results.into_iter().filter_map(Result::ok).collect();
        sort_entries(&mut entries);
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        Loaded { entries, errors }
    }

    /// Loads every item in parallel but keeps only `map(entry)` of each, in backlog order.
    ///
    /// For commands that render or check each item on its own (`list`): the entry is
    /// dropped on the worker thread as soon as it is mapped, so memory holds one `T` per
    /// item instead of a whole [`Entry`] (about 4 KB each: text, YAML mapping, typed view).
    pub fn load_mapped<T: Send>(&self, map: impl Fn(&Entry) -> T + Sync) -> Mapped<T> {
        let (files, mut errors) = self.scan(|_| true);
        let results: Vec<Result<(OrderKey, T), LoadError>> = files
            .par_iter()
            .map(|p| {
                self.load_file(p)
                    .map(|entry| (OrderKey::of_item(&entry.item), map(&entry)))
            })
            .collect();
        let mut keyed = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(k) => keyed.push(k),
                Err(e) => errors.push(e),
            }
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        Mapped {
            items: keyed.into_iter().map(|(_, t)| t).collect(),
            errors,
        }
    }

    /// Finds one item by ID or unique prefix (case-insensitive).
    ///
    /// Fast path: item files are named `<ID>-<slug>.md`, so only files whose name starts
    /// with the query are parsed, and an item with exactly that ID among them is the
    /// answer. Otherwise (a prefix, or a renamed file) the whole folder is loaded.
    pub fn find(&self, query: &str) -> Result<Entry, StoreError> {
        let q = query.trim().to_ascii_uppercase();
        if q.is_empty() {
            return Err(StoreError::UnknownItem {
                query: "\"\" (an empty ID)".to_owned(),
                suggestions: Vec::new(),
            });
        }
        let (named, _) = self.scan(|name| {
            name.len() >= q.len() && name[..q.len()].eq_ignore_ascii_case(q.as_bytes())
        });
        let mut candidates = Vec::new();
        for path in &named {
            match self.load_file(path) {
                Ok(e) => candidates.push(e),
                Err(e) => {
                    // A broken file whose name is exactly the query: report it.
                    let stem = path
                        .file_name()
                        .map(|n| n.to_string_lossy().to_ascii_uppercase());
                    if stem
                        .is_some_and(|s| s.starts_with(&format!("{q}-")) || s == format!("{q}.MD"))
                    {
                        return Err(StoreError::Load(e));
                    }
                }
            }
        }
        let index = IdIndex::new(candidates.iter().map(|e| e.item.id.as_str()));
        // Only an exact ID is taken from the files named after the query: a prefix match
        // among them (`CR-1` naming `CR-10-….md`) could hide the item whose ID is exactly
        // the query in a file not named after it (a copy, a hand rename), and the exact ID
        // wins (found by the crash test, after a `fmt` that was interrupted).
        if !index.all(query).is_empty()
            && let Some(found) = pick(&index, query, &mut candidates)?
        {
            return Ok(found);
        }
        let loaded = self.load_all();
        let index = loaded.id_index();
        let mut all = loaded.entries;
        if let Some(found) = pick(&index, query, &mut all)? {
            return Ok(found);
        }
        Err(index.unknown(query, true))
    }

    /// The absolute path of a root-relative path; refuses paths that would leave the
    /// backlog folder.
    pub fn checked_target(&self, rel: &str) -> Result<PathBuf, StoreError> {
        let target = self.root.join(rel);
        let inside = Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
            && target.starts_with(&self.dir);
        if !inside {
            return Err(StoreError::Write {
                path: rel.to_owned(),
                source: std::io::Error::other("refusing to write outside the backlog folder"),
            });
        }
        Ok(target)
    }
}

/// Whether a root-relative path's file name is `<ID>-….md` or `<ID>.md` for the
/// upper-cased `id`.
fn named_after(path: &str, id: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_uppercase();
    !id.is_empty() && (name.starts_with(&format!("{id}-")) || name == format!("{id}.MD"))
}

fn pick(
    index: &IdIndex,
    query: &str,
    candidates: &mut Vec<Entry>,
) -> Result<Option<Entry>, StoreError> {
    match index.resolve(query) {
        Resolved::One(i) => Ok(Some(candidates.swap_remove(i))),
        Resolved::Unknown => Ok(None),
        Resolved::Duplicate(many) => {
            let mut paths: Vec<String> = many.iter().map(|&i| candidates[i].path.clone()).collect();
            paths.sort();
            Err(StoreError::DuplicateId {
                id: candidates[many[0]].item.id.clone(),
                paths,
            })
        }
        Resolved::Ambiguous(many) => Err(index.ambiguous(query, &many)),
    }
}

pub(crate) enum ReadError {
    Io(std::io::Error),
    TooLarge(u64),
}

/// Whether the walk reaches this folder-relative path on its own: an `.md` file other
/// than `README.md` with no hidden component.
fn walked(rel: &Path) -> bool {
    let name = rel
        .file_name()
        .map(|n| n.as_encoded_bytes())
        .unwrap_or_default();
    name.ends_with(b".md")
        && !name.eq_ignore_ascii_case(b"README.md")
        && rel
            .components()
            .all(|c| !c.as_os_str().as_encoded_bytes().starts_with(b"."))
}

/// Reads a file but never more than the size limit (a 100 MB file costs 4 MB).
pub(crate) fn read_bounded(path: &Path) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > MAX_FILE_BYTES as u64 {
        return Err(ReadError::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Sorts entries into backlog order: ranked items by rank key (ties by ID), then unranked
/// items by creation date, then ID. Stable.
///
/// Entries are large, so the order is computed on indices and then applied with one swap
/// per misplaced entry, instead of moving entries around during the sort.
pub fn sort_entries(entries: &mut [Entry]) {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    let key = |i: usize| OrderKey::of_item_ref(&entries[i].item);
    order.sort_by(|&a, &b| key(a).cmp(&key(b)));
    // `order[i]` is the entry that belongs at i; follow each cycle of the permutation.
    for start in 0..order.len() {
        let mut i = start;
        while order[i] != start {
            let next = order[i];
            entries.swap(i, next);
            order[i] = i;
            i = next;
        }
        order[i] = i;
    }
}

#[cfg(test)]
mod tests;
