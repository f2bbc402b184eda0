//! The backlog order: the one sort key every layer uses.
//!
//! Ranked items come first, by rank key (ties by ID); then unranked items by creation
//! date (a missing date as `~`, after every date), then ID. An invalid rank key (which
//! `check` reports) sorts with the unranked items, so a malformed key cannot jump the
//! queue.

use super::item::Item;

/// An item's place in backlog order. Compare keys to order items.
///
/// `OrderKey` (the default, owning its text) is for keys that outlive the item they come
/// from (history, sorted indexes); `OrderKey<&str>` ([`OrderKey::of_ref`],
/// [`OrderKey::of_item_ref`]) borrows it, for sorts that must not allocate. Both order
/// the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderKey<S = String> {
    // Field order is the sort order (derived `Ord`).
    unranked: bool,
    rank: S,
    created: S,
    id: S,
}

impl OrderKey {
    /// The key of an item with these fields.
    pub fn of(rank: Option<&str>, created: Option<&str>, id: &str) -> Self {
        OrderKey::of_ref(rank, created, id).into_owned()
    }

    /// The key of `item`.
    pub fn of_item(item: &Item) -> Self {
        OrderKey::of_item_ref(item).into_owned()
    }
}

impl<'a> OrderKey<&'a str> {
    /// [`OrderKey::of`], borrowing the fields.
    pub fn of_ref(rank: Option<&'a str>, created: Option<&'a str>, id: &'a str) -> Self {
        match rank {
            Some(rank) if super::rank_key::validate(rank).is_ok() => OrderKey {
                unranked: false,
                rank,
                created: "",
                id,
            },
            _ => OrderKey {
                unranked: true,
                rank: "",
                created: created.unwrap_or("~"),
                id,
            },
        }
    }

    /// [`OrderKey::of_item`], borrowing the item.
    pub fn of_item_ref(item: &'a Item) -> Self {
        OrderKey::of_ref(item.rank.as_deref(), item.created.as_deref(), &item.id)
    }

    /// The owned key.
    pub fn into_owned(self) -> OrderKey {
        OrderKey {
            unranked: self.unranked,
            rank: self.rank.to_owned(),
            created: self.created.to_owned(),
            id: self.id.to_owned(),
        }
    }
}

impl<S: AsRef<str>> OrderKey<S> {
    /// The item's ID.
    pub fn id(&self) -> &str {
        self.id.as_ref()
    }

    /// Its valid rank key (`None`: unranked, or an invalid key).
    pub fn rank(&self) -> Option<&str> {
        (!self.unranked).then(|| self.rank.as_ref())
    }

    /// Its creation date as the order uses it (`~` when missing); `None` for a ranked
    /// item, which is ordered by its rank key alone.
    pub fn created(&self) -> Option<&str> {
        self.unranked.then(|| self.created.as_ref())
    }

    /// The borrowed key.
    pub fn borrowed(&self) -> OrderKey<&str> {
        OrderKey {
            unranked: self.unranked,
            rank: self.rank.as_ref(),
            created: self.created.as_ref(),
            id: self.id.as_ref(),
        }
    }
}

/// The fields an [`OrderKey`] is made of, read from front-matter text (without its
/// fences) by [`crate::document::scan_keys`], exactly as [`Item`] reads them. `None` when
/// the scan is unsure, or the item would not load for its ID (the caller then parses the
/// document, which gives the answer or the error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrderFields {
    pub id: String,
    pub rank: Option<String>,
    pub created: Option<String>,
    /// The 0-based line of the `rank` key within the front-matter text.
    pub rank_line: Option<usize>,
}

impl OrderFields {
    pub(crate) fn scan(front: &str) -> Option<Self> {
        let [id, rank, created]: [_; 3] =
            crate::document::scan_keys(front, &["id", "rank", "created"])?
                .try_into()
                .ok()?;
        // As `Item::from_fields` reads a single value: null is absent, a list is not one.
        let string = |s: &Option<crate::document::Scanned>| -> Option<Option<String>> {
            match s.as_ref().map(|s| &s.value) {
                None | Some(serde_yaml_ng::Value::Null) => Some(None),
                Some(v) => super::item::scalar_string(v).map(Some),
            }
        };
        let id = string(&id)?.filter(|id| super::id::is_valid(id))?;
        Some(OrderFields {
            id,
            rank_line: rank.as_ref().map(|s| s.line),
            rank: string(&rank)?,
            created: string(&created)?,
        })
    }

    /// The order key of these fields.
    pub(crate) fn key(&self) -> OrderKey {
        OrderKey::of(self.rank.as_deref(), self.created.as_deref(), &self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The tuple `store::order_key` returned before this type replaced it.
    fn old_tuple<'a>(
        rank: Option<&'a str>,
        created: Option<&'a str>,
        id: &'a str,
    ) -> (bool, &'a str, &'a str, &'a str) {
        match rank {
            Some(rank) if crate::rank::validate(rank).is_ok() => (false, rank, "", id),
            _ => (true, "", created.unwrap_or("~"), id),
        }
    }

    #[test]
    fn test_order_key_orders_ranked_then_dated_then_undated() {
        let ranked = OrderKey::of(Some("a1"), Some("2026-01-09"), "B-9");
        let invalid = OrderKey::of(Some("not a key!"), Some("2026-01-01"), "B-1");
        let dated = OrderKey::of(None, Some("2026-01-02"), "B-2");
        let undated = OrderKey::of(None, None, "B-0");
        assert!(ranked < invalid && invalid < dated && dated < undated);
        assert_eq!(ranked.rank(), Some("a1"));
        assert_eq!(ranked.created(), None);
        assert_eq!(invalid.rank(), None, "an invalid key sorts as unranked");
        assert_eq!(undated.created(), Some("~"));
        assert_eq!(undated.id(), "B-0");
        assert_eq!(undated.borrowed().into_owned(), undated);
    }

    fn arb_rank() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(prop_oneof![
            "a[0-9A-Za-z]{0,3}",
            "[0-9A-Za-z~ -]{0,3}",
            Just(String::new()),
            Just("a0".to_owned()),
            Just("A00000000000000000000000000".to_owned()),
        ])
    }

    fn arb_field() -> impl Strategy<Value = (Option<String>, Option<String>, String)> {
        (
            arb_rank(),
            proptest::option::of("(2026-0[1-2]-0[1-3]|~|)"),
            "[AB]-[0-3]",
        )
    }

    proptest! {
        /// `OrderKey` orders exactly as the old `(bool, rank, created, id)` tuple did,
        /// owned or borrowed.
        #[test]
        fn prop_order_key_orders_like_the_old_tuple(a in arb_field(), b in arb_field()) {
            let (ka, kb) = (
                OrderKey::of(a.0.as_deref(), a.1.as_deref(), &a.2),
                OrderKey::of(b.0.as_deref(), b.1.as_deref(), &b.2),
            );
            let (ta, tb) = (
                old_tuple(a.0.as_deref(), a.1.as_deref(), &a.2),
                old_tuple(b.0.as_deref(), b.1.as_deref(), &b.2),
            );
            prop_assert_eq!(ka.cmp(&kb), ta.cmp(&tb));
            prop_assert_eq!(ka.borrowed().cmp(&kb.borrowed()), ta.cmp(&tb));
            prop_assert_eq!(ka == kb, ta == tb);
            let ra = OrderKey::of_ref(a.0.as_deref(), a.1.as_deref(), &a.2);
            prop_assert_eq!(ra, ka.borrowed());
        }
    }
}
