//! The intent journal of a transaction: everything needed to finish an interrupted change.
//!
//! It is written (and fsynced) after the commit object exists and before the first file
//! is published, so from that moment a crash is rolled forward by the next command: the
//! journal holds the full new content of every file (the staging files next to it are
//! only a fast path), the commit to move HEAD to and the parent it must move from.
//! Without a complete journal the change never started publishing and is rolled back.
//!
//! Format (binary-safe, lengths in decimal):
//!
//! ```text
//! backlog-journal 1
//! op <op>
//! summary <one line>
//! parent <hex id|->
//! commit <hex id|->
//! file <path length> <unix mode in octal|-> <old content id|-> <new length|->
//! <path bytes>
//! <new content bytes>
//! …
//! end
//! ```
//!
//! `old content id` is git's blob hash of the file's bytes before the change (`-`: the
//! file did not exist); a `-` new length is a removal.

use crate::git::ObjectId;

/// One file of a journaled change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalFile {
    /// Root-relative path.
    pub path: String,
    /// Unix permission bits the new file gets (those of the file it replaces).
    pub mode: Option<u32>,
    /// Hash of the bytes before the change; `None` when the file did not exist.
    pub old: Option<ObjectId>,
    /// The new content; `None` when the file is removed.
    pub new: Option<Vec<u8>>,
}

impl JournalFile {
    /// Hash of the new bytes (`None` for a removal).
    pub fn new_id(&self) -> Option<ObjectId> {
        self.new.as_deref().map(content_id)
    }
}

/// A journaled change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// The operation (`estimate`…).
    pub op: String,
    /// The commit summary, for the recovery message.
    pub summary: String,
    /// HEAD before the change (`None`: no commit, or an unborn branch).
    pub parent: Option<ObjectId>,
    /// The prepared commit HEAD moves to (`None`: the change is not committed).
    pub commit: Option<ObjectId>,
    /// The files, in the order they are published.
    pub files: Vec<JournalFile>,
}

/// Git's blob id of `bytes` (computed without a repository).
pub fn content_id(bytes: &[u8]) -> ObjectId {
    ObjectId::of_blob(bytes)
}

const MAGIC: &str = "backlog-journal 1";

impl Journal {
    /// The journal's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let oid = |o: Option<ObjectId>| o.map_or_else(|| "-".to_owned(), |o| o.to_string());
        let one_line = |s: &str| s.replace(['\n', '\r'], " ");
        let mut out = format!(
            "{MAGIC}\nop {}\nsummary {}\nparent {}\ncommit {}\n",
            one_line(&self.op),
            one_line(&self.summary),
            oid(self.parent),
            oid(self.commit)
        )
        .into_bytes();
        for f in &self.files {
            out.extend(
                format!(
                    "file {} {} {} {}\n",
                    f.path.len(),
                    f.mode.map_or_else(|| "-".to_owned(), |m| format!("{m:o}")),
                    oid(f.old),
                    f.new
                        .as_ref()
                        .map_or_else(|| "-".to_owned(), |n| n.len().to_string())
                )
                .bytes(),
            );
            out.extend(f.path.as_bytes());
            out.push(b'\n');
            if let Some(new) = &f.new {
                out.extend(new);
                out.push(b'\n');
            }
        }
        out.extend(b"end\n");
        out
    }

    /// Parses a journal; `None` when it is incomplete or not a journal (then the change
    /// never started publishing and is rolled back).
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader { bytes, at: 0 };
        if r.line()? != MAGIC.as_bytes() {
            return None;
        }
        // `encode` writes these on one line with CR and LF as spaces: read a stray CR the
        // same way, so what decodes encodes back to itself (found by fuzz/journal).
        let op = r.field("op")?.replace('\r', " ");
        let summary = r.field("summary")?.replace('\r', " ");
        let parent = parse_oid(&r.field("parent")?)?;
        let commit = parse_oid(&r.field("commit")?)?;
        let mut files = Vec::new();
        loop {
            let line = r.line()?;
            if line == b"end" {
                break;
            }
            let line = std::str::from_utf8(line).ok()?.strip_prefix("file ")?;
            let parts: Vec<&str> = line.split(' ').collect();
            let [path_len, mode, old, new_len] = parts.as_slice() else {
                return None;
            };
            let path_len: usize = path_len.parse().ok()?;
            let mode = match *mode {
                "-" => None,
                m => Some(u32::from_str_radix(m, 8).ok()?),
            };
            let old = parse_oid(old)?;
            let new_len: Option<usize> = match *new_len {
                "-" => None,
                n => Some(n.parse().ok()?),
            };
            let path = String::from_utf8(r.take(path_len)?.to_vec()).ok()?;
            let new = match new_len {
                Some(n) => Some(r.take(n)?.to_vec()),
                None => None,
            };
            files.push(JournalFile {
                path,
                mode,
                old,
                new,
            });
        }
        (r.at == bytes.len()).then_some(Self {
            op,
            summary,
            parent,
            commit,
            files,
        })
    }
}

fn parse_oid(s: &str) -> Option<Option<ObjectId>> {
    match s {
        "-" => Some(None),
        hex => hex.parse::<ObjectId>().ok().map(Some),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn line(&mut self) -> Option<&'a [u8]> {
        let rest = &self.bytes[self.at..];
        let end = rest.iter().position(|&b| b == b'\n')?;
        self.at += end + 1;
        Some(&rest[..end])
    }

    /// `n` bytes followed by a newline.
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        if self.bytes.get(end) != Some(&b'\n') {
            return None;
        }
        let out = &self.bytes[self.at..end];
        self.at = end + 1;
        Some(out)
    }

    fn field(&mut self, name: &str) -> Option<String> {
        let line = std::str::from_utf8(self.line()?).ok()?;
        let value = line.strip_prefix(name)?.strip_prefix(' ')?;
        Some(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn test_carriage_return_in_a_text_line_round_trips() {
        let bytes = format!(
            "{MAGIC}\nop estimate\nsummary estimate B-1: 3 -> \r\nparent -\ncommit -\nend\n"
        );
        let journal = Journal::decode(bytes.as_bytes()).unwrap();
        assert_eq!(journal.summary, "estimate B-1: 3 ->  ");
        assert_eq!(Journal::decode(&journal.encode()), Some(journal));
    }

    fn sample() -> Journal {
        Journal {
            op: "split".to_owned(),
            summary: "split B-1 into B-2, B-3".to_owned(),
            parent: Some(content_id(b"p")),
            commit: Some(content_id(b"c")),
            files: vec![
                JournalFile {
                    path: "backlog/B-1-a.md".to_owned(),
                    mode: Some(0o755),
                    old: Some(content_id(b"old")),
                    new: Some(b"---\nid: B-1\n---\nend\nfile 1 - - -\n".to_vec()),
                },
                JournalFile {
                    path: "backlog/B-4 x\ny.md".to_owned(),
                    mode: None,
                    old: None,
                    new: Some(Vec::new()),
                },
                JournalFile {
                    path: "backlog/B-5.md".to_owned(),
                    mode: None,
                    old: Some(content_id(b"gone")),
                    new: None,
                },
            ],
        }
    }

    #[test]
    fn test_journal_round_trips_with_hostile_content() {
        let j = sample();
        assert_eq!(Journal::decode(&j.encode()), Some(j));
    }

    #[test]
    fn test_every_truncated_journal_is_rejected() {
        let bytes = sample().encode();
        for len in 0..bytes.len() {
            assert_eq!(
                Journal::decode(&bytes[..len]),
                None,
                "prefix of {len} bytes"
            );
        }
        let mut longer = bytes.clone();
        longer.push(b'x');
        assert_eq!(Journal::decode(&longer), None);
    }

    proptest! {
        #[test]
        fn prop_journal_round_trips(
            op in "[a-z]{1,8}",
            summary in "\\PC{0,40}",
            files in proptest::collection::vec(
                ("[a-zA-Z0-9 /\n.-]{1,30}", proptest::option::of(0u32..0o7777),
                 proptest::option::of(any::<[u8; 4]>()),
                 proptest::option::of(proptest::collection::vec(any::<u8>(), 0..200))),
                0..6),
        ) {
            let j = Journal {
                op,
                summary: summary.replace(['\n', '\r'], " "),
                parent: None,
                commit: Some(content_id(b"x")),
                files: files
                    .into_iter()
                    .map(|(path, mode, old, new)| JournalFile {
                        path,
                        mode,
                        old: old.map(|o| content_id(&o)),
                        new,
                    })
                    .collect(),
            };
            let bytes = j.encode();
            prop_assert_eq!(Journal::decode(&bytes), Some(j));
            // A journal cut anywhere is never mistaken for a complete one.
            let cut = bytes.len() / 2;
            prop_assert_eq!(Journal::decode(&bytes[..cut]), None);
        }
    }
}
