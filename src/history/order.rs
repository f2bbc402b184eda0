//! The backlog order at a commit: order keys, read cheaply from blobs, and what a rank
//! move is described by (places moved, the neighbours it now sits between).

use super::{Direction, FieldChange, Version};
use crate::document::MAX_FILE_BYTES;
use crate::git::{ObjectId, Repo};
use crate::model::OrderKey;
use crate::model::order::OrderFields;

/// The items right after and right before `x` in the sorted `keys` (which may contain
/// `x` itself, skipped by ID): the neighbours that "moved above X" names.
pub(crate) fn neighbours(keys: &[OrderKey], x: &OrderKey) -> (Option<String>, Option<String>) {
    let same = |k: &OrderKey| crate::id::key(k.id()) == crate::id::key(x.id());
    let at = keys.partition_point(|k| k < x);
    let above = keys[at..]
        .iter()
        .find(|k| !same(k))
        .map(|k| k.id().to_owned());
    let below = keys[..at]
        .iter()
        .rev()
        .find(|k| !same(k))
        .map(|k| k.id().to_owned());
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
        keys.iter().map(|k| crate::id::key(k.id())).collect()
    };
    let (old_ids, new_ids) = (ids(old), ids(new));
    let me = crate::id::key(ox.id());
    let position = |keys: &[OrderKey], x: &OrderKey| -> i64 {
        let n = keys
            .iter()
            .take_while(|k| *k < x)
            .filter(|k| {
                let id = crate::id::key(k.id());
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
    repo: &Repo,
    files: &[(String, ObjectId)],
) -> Vec<(ObjectId, Option<OrderKey>)> {
    repo.par_read_blobs(files, MAX_FILE_BYTES, &order_key_of_bytes)
}

/// The order key of one blob (`None`: not an item, or too large to be one).
pub(crate) fn order_key_of_blob(repo: &Repo, path: &str, oid: ObjectId) -> Option<OrderKey> {
    repo.read_blob_with(path, oid, MAX_FILE_BYTES, &order_key_of_bytes)
}

/// The order key of an item file's bytes: the cheap scan, else the full parse.
fn order_key_of_bytes(path: &str, bytes: &[u8]) -> Option<OrderKey> {
    scan_order_key(bytes).or_else(|| {
        Version::parse(path, bytes)
            .ok()
            .map(|v| OrderKey::of_item(&v.item))
    })
}

/// The order key of an item file's bytes read from its `id`, `rank` and `created` lines
/// ([`OrderFields::scan`]); `None` when the file needs the full parse.
pub(crate) fn scan_order_key(bytes: &[u8]) -> Option<OrderKey> {
    let text = std::str::from_utf8(bytes).ok()?;
    if text.contains('\0') {
        return None;
    }
    OrderFields::scan(crate::document::split_front(text)?).map(|f| f.key())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_scan_order_key_plain_and_quoted() {
        let k = scan_order_key(b"---\nid: b-1\ntitle: x\nrank: 'a0'\n---\nbody\n").unwrap();
        assert_eq!(k, OrderKey::of(Some("a0"), None, "b-1"));
        let k = scan_order_key(b"---\nid: \"B-2\"\ncreated: 2026-01-02 # c\n---\n").unwrap();
        assert_eq!(k, OrderKey::of(None, Some("2026-01-02"), "B-2"));
    }

    #[test]
    fn test_scan_order_key_refuses_fancy_yaml() {
        assert_eq!(scan_order_key(b"---\nid: [B-1]\n---\n"), None);
        assert_eq!(scan_order_key(b"---\nid: B-1\n"), None);
        assert_eq!(scan_order_key(b"no front matter"), None);
    }

    /// The scan and the full parse give the same key, an invalid rank key included.
    #[test]
    fn test_scan_order_key_agrees_with_the_parse() {
        for text in [
            "---\nid: B-1\nrank: a0\n---\n",
            "---\nid: B-1\nrank: 'not a key'\ncreated: 2026-01-02\n---\n",
            "---\nid: B-1\nrank: 12\n---\n",
            "\u{feff}---\r\nid: B-1\r\ntitle: x # y\r\n---\r\n",
        ] {
            let parsed = Version::parse("backlog/B-1.md", text.as_bytes()).unwrap();
            let key = scan_order_key(text.as_bytes());
            assert_eq!(key, Some(OrderKey::of_item(&parsed.item)), "{text:?}");
        }
    }
}
