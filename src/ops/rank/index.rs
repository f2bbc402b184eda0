//! The rank index: every item's ID and rank key read from the few front-matter lines that
//! hold them, so moves and rebalancing parse only the files that change.

use super::*;

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
    // The same order as `store::order_key`.
    fn key(s: &RankSlot) -> (bool, &str, &str, &str) {
        crate::store::order_key_of(s.rank.as_deref(), s.created.as_deref(), &s.id)
    }
    slots.sort_by(|a, b| key(a).cmp(&key(b)));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    RankIndex { slots, errors }
}

fn index_file(store: &Store, path: &std::path::Path) -> Result<RankSlot, LoadError> {
    let quick = read_front(path).and_then(|front| scan_front(&front, 2));
    if let Some((id, rank, created, rank_line)) = quick {
        return Ok(RankSlot {
            path: store.relative(path),
            id,
            rank,
            created,
            rank_line,
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
/// opening `---` on the first line and the closing fence. `None` when the file does not
/// start that way, the front matter is longer, or it is not plain UTF-8 text (the caller
/// then does a full, checked load).
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
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if !line.ends_with('\n') {
            return None;
        }
        let bare = line
            .trim_end_matches(['\n', '\r'])
            .trim_end_matches([' ', '\t']);
        if bare == "---" || bare == "..." {
            return Some(rest[..at].to_owned());
        }
        at += line.len();
    }
    None
}

/// Reads `id`, `rank` and `created` from front-matter text (whose first line is file line
/// `first_line`) when every line involved is plain; `None` when unsure (the caller then
/// parses the YAML).
pub(super) fn scan_front(
    front: &str,
    first_line: usize,
) -> Option<(String, Option<String>, Option<String>, usize)> {
    let lines: Vec<&str> = front
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let (mut id, mut rank, mut created) = (None, None, None);
    let mut rank_line = first_line;
    for (n, line) in lines.iter().enumerate() {
        match line.as_bytes().first() {
            None | Some(b' ' | b'\t' | b'#' | b'-') => continue,
            Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => {}
            Some(_) => return None,
        }
        let (key, rest) = line.split_once(':')?;
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None;
        }
        let slot = match key {
            "id" => &mut id,
            "rank" => {
                rank_line = first_line + n;
                &mut rank
            }
            "created" => &mut created,
            _ => continue,
        };
        if slot.is_some() {
            return None;
        }
        let value = plain_value(rest, key == "created")?;
        let continued = lines
            .get(n + 1)
            .is_some_and(|next| next.starts_with([' ', '\t']));
        if continued {
            return None;
        }
        *slot = Some(value);
    }
    Some((id??, rank.flatten(), created.flatten(), rank_line))
}

/// A scalar written plainly or in simple quotes: `Some(None)` for null, `None` when unsure.
fn plain_value(rest: &str, date: bool) -> Option<Option<String>> {
    let mut v = rest.trim();
    if let Some(i) = v.find([' ', '\t']).filter(|_| v.contains('#')) {
        let (head, tail) = v.split_at(i);
        if tail.trim_start().starts_with('#') {
            v = head;
        } else {
            return None;
        }
    }
    if v.is_empty() || v == "~" || v.eq_ignore_ascii_case("null") {
        return Some(None);
    }
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
            return (!inner.contains([q, '\\']) && !inner.chars().any(char::is_control))
                .then(|| Some(inner.to_owned()));
        }
    }
    let simple = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let first = v.chars().next()?;
    let is_date = date
        && v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let word = matches!(
        v.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    );
    (simple && ((first.is_ascii_alphabetic() && !word) || is_date)).then(|| Some(v.to_owned()))
}
