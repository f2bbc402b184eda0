//! The backlog order at a commit: order keys, read cheaply from blobs, and what a rank
//! move is described by (places moved, the neighbours it now sits between).

use git2::{Oid, Repository};

use super::{Direction, FieldChange, Version};
use crate::document::MAX_FILE_BYTES;
use crate::item::Item;

/// The backlog order key of an item, owned (see [`crate::store::order_key`]).
pub(crate) type OrderKey = (bool, String, String, String);

pub(crate) fn order_key(item: &Item) -> OrderKey {
    let (a, b, c, d) = crate::store::order_key(item);
    (a, b.to_owned(), c.to_owned(), d.to_owned())
}

/// The items right after and right before `x` in the sorted `keys` (which may contain
/// `x` itself, skipped by ID): the neighbours that "moved above X" names.
pub(crate) fn neighbours(keys: &[OrderKey], x: &OrderKey) -> (Option<String>, Option<String>) {
    let same = |k: &OrderKey| crate::id::key(&k.3) == crate::id::key(&x.3);
    let at = keys.partition_point(|k| k < x);
    let above = keys[at..].iter().find(|k| !same(k)).map(|k| k.3.clone());
    let below = keys[..at]
        .iter()
        .rev()
        .find(|k| !same(k))
        .map(|k| k.3.clone());
    (above, below)
}

/// Sets `above`/`below` of the rank changes in `changes`, from the new state's order.
pub(crate) fn fill_neighbours(changes: &mut [FieldChange], keys: &[OrderKey], x: &OrderKey) {
    for c in changes {
        if let FieldChange::Rank { above, below, .. } = c {
            (*above, *below) = neighbours(keys, x);
        }
    }
}

/// Sets `places` and the direction of the rank changes in `changes`: `net` is how many
/// more items it now comes before (negative: fewer). A rank change that kept its place
/// (`net == 0`) becomes a [`FieldChange::RankKey`]: a respread is not a move.
pub(crate) fn set_places(changes: &mut [FieldChange], net: i64) {
    for c in changes {
        if let FieldChange::Rank {
            from,
            to,
            direction,
            places,
            ..
        } = c
        {
            if net == 0 {
                *c = FieldChange::RankKey {
                    from: from.take(),
                    to: to.take(),
                };
                continue;
            }
            *direction = if net > 0 {
                Direction::Up
            } else {
                Direction::Down
            };
            *places = Some(usize::try_from(net.unsigned_abs()).unwrap_or(usize::MAX));
        }
    }
}

/// How many places an item moved between two orders (sorted order keys of the whole
/// backlog), counting only the items present in both: its position among them in the old
/// order minus its position in the new order.
pub(crate) fn net_places(old: &[OrderKey], new: &[OrderKey], ox: &OrderKey, nx: &OrderKey) -> i64 {
    let ids = |keys: &[OrderKey]| -> std::collections::HashSet<String> {
        keys.iter().map(|k| crate::id::key(&k.3)).collect()
    };
    let (old_ids, new_ids) = (ids(old), ids(new));
    let me = crate::id::key(&ox.3);
    let position = |keys: &[OrderKey], x: &OrderKey| -> i64 {
        let n = keys
            .iter()
            .take_while(|k| *k < x)
            .filter(|k| {
                let id = crate::id::key(&k.3);
                id != me && old_ids.contains(&id) && new_ids.contains(&id)
            })
            .count();
        i64::try_from(n).unwrap_or(i64::MAX)
    };
    position(old, ox) - position(new, nx)
}

/// Order keys of the given blobs, read in parallel (one repository handle per chunk).
/// Files that are not items give `None`.
pub(crate) fn read_order_keys(
    r: &Repository,
    files: &[(String, Oid)],
) -> Vec<(Oid, Option<OrderKey>)> {
    use rayon::prelude::*;
    let git_dir = r.path().to_path_buf();
    let chunk = files
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(64);
    files
        .par_chunks(chunk)
        .flat_map_iter(|part| {
            let repo = Repository::open(&git_dir).ok();
            part.iter()
                .map(|(path, oid)| {
                    let key = repo
                        .as_ref()
                        .and_then(|repo| order_key_of_blob(repo, path, *oid));
                    (*oid, key)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The order key of one blob (`None`: not an item, or too large to be one).
pub(crate) fn order_key_of_blob(r: &Repository, path: &str, oid: Oid) -> Option<OrderKey> {
    let blob = r.find_blob(oid).ok()?;
    if blob.size() > MAX_FILE_BYTES {
        return None;
    }
    scan_order_key(blob.content()).or_else(|| {
        Version::parse(path, blob.content())
            .ok()
            .map(|v| order_key(&v.item))
    })
}

/// Reads `id`, `rank` and `created` from the front matter with a line scan. `None` when
/// the file needs the YAML parser (no fence, or a value in flow/block/anchor syntax).
pub(crate) fn scan_order_key(bytes: &[u8]) -> Option<OrderKey> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let (mut id, mut rank, mut created) = (None, None, None);
    let mut closed = false;
    for line in lines {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            closed = true;
            break;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let slot = match key {
            "id" => &mut id,
            "rank" => &mut rank,
            "created" => &mut created,
            _ => continue,
        };
        *slot = Some(scalar(value)?);
    }
    if !closed {
        return None;
    }
    let id: String = id.filter(|i: &String| crate::id::is_valid(i))?;
    Some(match rank.filter(|r: &String| !r.is_empty()) {
        Some(rank) => (false, rank, String::new(), id),
        None => (
            true,
            String::new(),
            created
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "~".to_owned()),
            id,
        ),
    })
}

/// A plain or quoted one-line YAML scalar; `None` for anything fancier.
fn scalar(value: &str) -> Option<String> {
    let v = value.trim();
    let v = match v.find(" #") {
        Some(i) if !v.starts_with(['"', '\'']) => v[..i].trim_end(),
        _ => v,
    };
    if v.starts_with(['[', '{', '|', '>', '&', '*', '!', '%', '@', '`']) {
        return None;
    }
    if let Some(inner) = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return (!inner.contains('\\')).then(|| inner.to_owned());
    }
    if let Some(inner) = v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Some(inner.replace("''", "'"));
    }
    if v == "~" || v == "null" {
        return Some(String::new());
    }
    Some(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_scan_order_key_plain_and_quoted() {
        let k = scan_order_key(b"---\nid: b-1\ntitle: x\nrank: 'a0'\n---\nbody\n").unwrap();
        assert_eq!(k, (false, "a0".into(), String::new(), "b-1".into()));
        let k = scan_order_key(b"---\nid: \"B-2\"\ncreated: 2026-01-02 # c\n---\n").unwrap();
        assert_eq!(k, (true, String::new(), "2026-01-02".into(), "B-2".into()));
    }

    #[test]
    fn test_scan_order_key_refuses_fancy_yaml() {
        assert_eq!(scan_order_key(b"---\nid: [B-1]\n---\n"), None);
        assert_eq!(scan_order_key(b"---\nid: B-1\n"), None);
        assert_eq!(scan_order_key(b"no front matter"), None);
    }
}
