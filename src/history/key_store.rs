//! The order keys of item blobs, kept between runs in `.git/backlog-cache/order-keys`.
//!
//! Saying by how many places an item moved, and which item it now sits above, needs the
//! rank key of every item of the tree, and reading 10,000 blobs out of a long history's
//! pack costs ten times a `git diff --stat`. An order key is a pure function of the blob's
//! bytes, and a blob id names its bytes, so a key once read is right for that blob
//! forever: the cache maps blob ids to keys and can never be stale. It is derived data,
//! never committed: a missing, unreadable or foreign file (another format or another
//! version of this program) is ignored and rewritten, and a cache that cannot be written
//! only costs speed. A lookup that misses reads the blob, so the answer with the cache
//! always equals the answer without it (see the tests here and in `diff`).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;

use super::{OrderKey, read_order_keys};
use crate::git::{ObjectId, Repo};

/// The first line of the file: the format and the program version that wrote it (a new
/// version may read keys differently, so it starts afresh). Format 2: keys are
/// [`OrderKey`]s, whose invalid rank keys sort as unranked (format 1 kept them ranked).
fn header() -> String {
    format!("backlog order keys 2 {}", env!("CARGO_PKG_VERSION"))
}

/// Past this many entries, a save keeps only the blobs used in this run.
const MAX_ENTRIES: usize = 200_000;

/// Order keys by blob id: the in-memory map, loaded from and saved to the cache file.
#[derive(Debug, Default)]
pub(crate) struct KeyStore {
    /// Keys looked up (parsed from the file, or read from their blobs) in this run.
    keys: HashMap<ObjectId, Option<OrderKey>>,
    /// The cache file's text, when it is one this version wrote.
    text: String,
    /// Where each blob's entry (the text after the id) is in `text`: a line is parsed only
    /// when its blob is looked up, so a diff that needs 10,000 of the 30,000 keys a long
    /// history has cached does not build the other 20,000.
    lines: HashMap<ObjectId, (usize, usize)>,
    /// Blobs looked up in this run.
    used: HashSet<ObjectId>,
    /// Where the cache lives (`None`: in memory only).
    file: Option<PathBuf>,
    /// Whether this run read blobs the file does not have yet.
    dirty: bool,
    /// Whether the file was read (it is, on the first lookup: a diff without rank moves
    /// never pays for it).
    loaded: bool,
}

impl KeyStore {
    /// An empty store that is never saved: every key is read from its blob.
    #[cfg(test)]
    pub(crate) fn in_memory() -> Self {
        Self {
            loaded: true,
            ..Self::default()
        }
    }

    /// The store of `repo`, backed by its cache file (read on the first lookup, when it
    /// is a valid one).
    pub(crate) fn open(repo: &Repo) -> Self {
        Self {
            file: Some(repo.common_dir().join("backlog-cache").join("order-keys")),
            ..Self::default()
        }
    }

    fn load(&mut self) {
        self.loaded = true;
        if let Some(file) = &self.file
            && let Ok(text) = std::fs::read_to_string(file)
            && let Some(lines) = index(&text)
        {
            self.text = text;
            self.lines = lines;
        }
    }

    /// The order keys of `files` (path and blob id), in their order; files that are not
    /// items give `None`. Blobs not known yet (or whose cached entry does not parse) are
    /// read, in parallel.
    pub(crate) fn keys(&mut self, r: &Repo, files: &[(String, ObjectId)]) -> Vec<Option<OrderKey>> {
        if !self.loaded {
            self.load();
        }
        let mut missing: Vec<(String, ObjectId)> = Vec::new();
        for (path, oid) in files {
            if self.keys.contains_key(oid) {
                continue;
            }
            match self
                .lines
                .get(oid)
                .and_then(|&(from, to)| parse_entry(&self.text[from..to]))
            {
                Some(key) => {
                    self.keys.insert(*oid, key);
                }
                None => missing.push((path.clone(), *oid)),
            }
        }
        if !missing.is_empty() {
            self.dirty = true;
            self.keys.extend(read_order_keys(r, &missing));
        }
        files
            .iter()
            .map(|(_, oid)| {
                self.used.insert(*oid);
                self.keys.get(oid).cloned().flatten()
            })
            .collect()
    }

    /// Writes the cache file when this run read new blobs (atomically: a temporary file
    /// renamed over the old one). Entries this run did not look up are copied as they
    /// were. Failing to write is not an error: the cache only saves time.
    pub(crate) fn save(&self) {
        let Some(file) = &self.file else {
            return;
        };
        if !self.dirty {
            return;
        }
        let unread: Vec<ObjectId> = self
            .lines
            .keys()
            .filter(|o| !self.keys.contains_key(*o))
            .copied()
            .collect();
        let keep_all = self.keys.len() + unread.len() <= MAX_ENTRIES;
        let mut entries: Vec<(ObjectId, Option<String>)> = self
            .keys
            .iter()
            .filter(|(oid, _)| keep_all || self.used.contains(*oid))
            .filter_map(|(oid, key)| line(oid, key.as_ref()).map(|l| (*oid, Some(l))))
            .collect();
        if keep_all {
            entries.extend(unread.into_iter().map(|oid| (oid, None)));
        }
        entries.sort_by_key(|(oid, _)| *oid);
        let mut text = header();
        text.push('\n');
        for (oid, written) in entries {
            match written {
                Some(l) => text.push_str(&l),
                None => {
                    let (from, to) = self.lines[&oid];
                    text.push_str(&format!("{oid} {}", &self.text[from..to]));
                }
            }
            text.push('\n');
        }
        let Some(dir) = file.parent() else {
            return;
        };
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| tempfile::NamedTempFile::new_in(dir))
            .and_then(|mut tmp| {
                tmp.write_all(text.as_bytes())?;
                tmp.persist(file).map_err(|e| e.error)?;
                Ok(())
            });
        // Only speed is lost when the cache cannot be written (a read-only `.git`).
        drop(written);
    }
}

/// One line: `OID -` (not an item) or `OID u|r<TAB>rank<TAB>created<TAB>id`; `None` for a
/// key with a tab or a line break in it (never cached: read again next time).
fn line(oid: &ObjectId, key: Option<&OrderKey>) -> Option<String> {
    let Some(key) = key else {
        return Some(format!("{oid} -"));
    };
    let (flag, rank, created) = match (key.rank(), key.created()) {
        (Some(rank), _) => ('r', rank, ""),
        (None, created) => ('u', "", created.unwrap_or_default()),
    };
    let id = key.id();
    let plain = |s: &str| !s.contains(['\t', '\n', '\r']);
    (plain(rank) && plain(created) && plain(id))
        .then(|| format!("{oid} {flag}\t{rank}\t{created}\t{id}"))
}

/// Where each entry of a cache file is (the text after `OID `, per blob id); `None` when
/// the file is not one this version wrote (another header, a line without a full
/// lowercase id: then it is all ignored).
fn index(text: &str) -> Option<HashMap<ObjectId, (usize, usize)>> {
    let (first, _) = text.split_once('\n').unwrap_or((text, ""));
    if first != header() {
        return None;
    }
    let mut out = HashMap::with_capacity(text.len() / 56);
    let mut at = first.len() + 1;
    for line in text.get(at..).unwrap_or_default().split_terminator('\n') {
        let (hex, rest) = line.split_once(' ')?;
        let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        if hex.len() != 40 || !hex.bytes().all(lower_hex) {
            return None;
        }
        let oid: ObjectId = hex.parse().ok()?;
        let from = at + hex.len() + 1;
        out.insert(oid, (from, from + rest.len()));
        at += line.len() + 1;
    }
    Some(out)
}

/// The key of one entry (`-`, or `u|r<TAB>rank<TAB>created<TAB>id`): `Some(None)` for a
/// blob that is no item, `None` when the entry is malformed (then the blob is read).
fn parse_entry(rest: &str) -> Option<Option<OrderKey>> {
    if rest == "-" {
        return Some(None);
    }
    let mut parts = rest.split('\t');
    let flag = parts.next()?;
    let (rank, created, id) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let key = match flag {
        "u" if rank.is_empty() => OrderKey::of(None, Some(created), id),
        "r" if created.is_empty() => OrderKey::of(Some(rank), None, id),
        _ => return None,
    };
    // A ranked line whose key is not valid was not written by this format.
    if key.rank() != (flag == "r").then_some(rank) {
        return None;
    }
    Some(Some(key))
}

/// Every entry of a cache file, each parsed; `None` when the file or any entry is not
/// one this version wrote.
#[cfg(test)]
fn parse(text: &str) -> Option<HashMap<ObjectId, Option<OrderKey>>> {
    index(text)?
        .into_iter()
        .map(|(oid, (from, to))| parse_entry(&text[from..to]).map(|k| (oid, k)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(n: u8) -> ObjectId {
        crate::git::testing::object_id(n)
    }

    #[test]
    fn test_lines_round_trip() {
        let keys: Vec<(ObjectId, Option<OrderKey>)> = vec![
            (oid(1), None),
            (oid(2), Some(OrderKey::of(Some("a0V"), None, "B-1"))),
            (oid(3), Some(OrderKey::of(None, Some("2026-01-02"), "b-2"))),
            (oid(4), Some(OrderKey::of(Some("a 1#x"), None, "B-3 x#"))),
            (oid(5), Some(OrderKey::of(None, None, "B-4"))),
        ];
        let mut text = header();
        for (o, k) in &keys {
            text.push('\n');
            text.push_str(&line(o, k.as_ref()).unwrap());
        }
        let parsed = parse(&text).unwrap();
        assert_eq!(parsed.len(), keys.len());
        for (o, k) in keys {
            assert_eq!(parsed[&o], k);
        }
    }

    #[test]
    fn test_foreign_or_broken_files_are_ignored() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("backlog order keys 0 0.0.0\n"), None);
        let good = format!("{}\n{} -\n", header(), oid(1));
        assert!(parse(&good).is_some());
        for bad in [
            format!("{}\n{} x\trank\t\tB-1\n", header(), oid(1)),
            format!("{}\n{} r\trank\tB-1\n", header(), oid(1)),
            format!("{}\nnot-an-oid -\n", header()),
            format!("{}\n{} r\ta\tb\tB-1\textra\n", header(), oid(1)),
        ] {
            assert_eq!(parse(&bad), None, "{bad}");
        }
        // A key that cannot be written on one line is left out, never mangled.
        let k = OrderKey::of(None, Some("a\tb"), "B-1");
        assert_eq!(line(&oid(1), Some(&k)), None);
        // A ranked line with an invalid key, or a ranked line with a date: not written by
        // this format.
        for bad in [
            format!("{}\n{} r\tnot valid\t\tB-1\n", header(), oid(1)),
            format!("{}\n{} r\ta1\t2026-01-01\tB-1\n", header(), oid(1)),
        ] {
            assert_eq!(parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn test_store_saves_and_reloads() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = crate::git::testing::init(tmp.path());
        let a = crate::git::testing::write_blob(&repo, b"---\nid: B-1\ntitle: t\nrank: a1\n---\n");
        let b = crate::git::testing::write_blob(&repo, b"no front matter");
        let files = vec![
            ("backlog/B-1.md".to_owned(), a),
            ("backlog/x.md".to_owned(), b),
        ];
        let mut store = KeyStore::open(&repo);
        let first = store.keys(&repo, &files);
        assert_eq!(
            first,
            vec![Some(OrderKey::of(Some("a1"), None, "B-1")), None]
        );
        store.save();
        let mut again = KeyStore::open(&repo);
        assert!(!again.loaded, "read on the first lookup only");
        assert_eq!(again.keys(&repo, &files), first);
        assert_eq!(again.keys.len(), 2);
        assert!(!again.dirty, "every key came from the file");
        // A damaged entry is read from its blob again; the others still come from the
        // file, which is rewritten whole.
        let path = repo.common_dir().join("backlog-cache/order-keys");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace(&format!("{b} -"), &format!("{b} x\tjunk")),
        )
        .unwrap();
        let mut damaged = KeyStore::open(&repo);
        assert_eq!(damaged.keys(&repo, &files), first);
        assert!(damaged.dirty);
        damaged.save();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        // Entries not looked up are kept as they were.
        let mut one = KeyStore::open(&repo);
        let c = crate::git::testing::write_blob(&repo, b"---\nid: B-2\ntitle: t\n---\n");
        one.keys(&repo, &[("backlog/B-2.md".to_owned(), c)]);
        one.save();
        let kept = parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[&a], first[0]);
        // A damaged file is ignored: the keys are read from the blobs again.

        std::fs::write(repo.common_dir().join("backlog-cache/order-keys"), "junk").unwrap();
        let mut fresh = KeyStore::open(&repo);
        assert_eq!(fresh.keys(&repo, &files), first);
        assert!(fresh.dirty);
    }
}
