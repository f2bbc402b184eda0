//! The rank index: every item's ID and rank key read from the few front-matter lines that
//! hold them, so moves and rebalancing parse only the files that change.

use super::*;
use crate::model::OrderKey;
use crate::model::order::OrderFields;

/// One item as the rank index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankSlot {
    /// Path relative to the workspace root.
    pub path: String,
    /// The item's ID.
    pub id: String,
    /// Its rank key.
    pub rank: Option<String>,
    /// Its creation date (orders unranked items).
    pub created: Option<String>,
    /// 1-based line of the `rank` key.
    pub rank_line: usize,
}

impl Slot for RankSlot {
    fn slot_id(&self) -> &str {
        &self.id
    }
    fn slot_rank(&self) -> Option<&str> {
        self.rank.as_deref()
    }
    fn slot_path(&self) -> &str {
        &self.path
    }
    fn slot_rank_line(&self) -> usize {
        self.rank_line
    }
}

/// The backlog order read cheaply: the `id`, `rank` and `created` lines of every item, in
/// backlog order. Files whose lines are not plain `key: value` fall back to a full parse;
/// files that do not load are in `errors`, as with [`Store::load_all`].
#[derive(Debug, Default)]
pub struct RankIndex {
    /// Items in backlog order.
    pub slots: Vec<RankSlot>,
    /// Files that did not load.
    pub errors: Vec<LoadError>,
}

/// Builds the [`RankIndex`] of the backlog (in parallel).
pub fn rank_index(store: &Store) -> RankIndex {
    use rayon::prelude::*;
    let (files, mut errors) = store.item_files();
    let results: Vec<Result<RankSlot, LoadError>> =
        files.par_iter().map(|p| index_file(store, p)).collect();
    let mut slots = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(slot) => slots.push(slot),
            Err(e) => errors.push(e),
        }
    }
    fn key(s: &RankSlot) -> OrderKey<&str> {
        OrderKey::of_ref(s.rank.as_deref(), s.created.as_deref(), &s.id)
    }
    slots.sort_by(|a, b| key(a).cmp(&key(b)));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    RankIndex { slots, errors }
}

fn index_file(store: &Store, path: &std::path::Path) -> Result<RankSlot, LoadError> {
    let quick = read_front(path).and_then(|front| OrderFields::scan(&front));
    if let Some(fields) = quick {
        return Ok(RankSlot {
            path: store.relative(path),
            id: fields.id,
            rank: fields.rank,
            created: fields.created,
            // Front matter starts on line 2; without a key, line 1 as `Entry` says.
            rank_line: fields.rank_line.map_or(1, |line| line + 2),
        });
    }
    let entry = store.load_file(path)?;
    Ok(RankSlot {
        rank_line: entry.slot_rank_line(),
        path: entry.path,
        id: entry.item.id,
        rank: entry.item.rank,
        created: entry.item.created,
    })
}

/// The front matter of a file, read from its first few kilobytes: the text between an
/// opening `---` on the first line and the closing fence ([`crate::document::split_front`]).
/// `None` when the file does not start that way, the front matter is longer, or it is not
/// plain UTF-8 text (the caller then does a full, checked load).
pub(super) fn read_front(path: &std::path::Path) -> Option<String> {
    use std::io::Read;
    const HEAD: usize = 8 * 1024;
    let mut buf = Vec::with_capacity(HEAD);
    std::fs::File::open(path)
        .ok()?
        .take(HEAD as u64)
        .read_to_end(&mut buf)
        .ok()?;
    if buf.contains(&0) {
        return None;
    }
    let text = match std::str::from_utf8(&buf) {
        Ok(t) => t,
        // A multi-byte character cut at the end of the buffer.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&buf[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    crate::document::split_front(text).map(str::to_owned)
}
