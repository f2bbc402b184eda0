//! One ID index for every resolver: exact IDs (case-insensitive), unique prefixes,
//! duplicate IDs and "did you mean" suggestions, as DESIGN.md promises for every command
//! ("an ID case-insensitively and any unique prefix of it").
//!
//! The index holds positions into the caller's list (entries, rank slots, items), so it
//! serves `Loaded`, the rank index and the analyses alike.

use std::collections::HashMap;

use crate::store::StoreError;

/// How many IDs an ambiguity error lists.
pub const AMBIGUOUS_SHOWN: usize = 10;
/// How many "did you mean" suggestions are offered.
pub const SUGGESTIONS: usize = 3;
/// The largest edit distance a suggestion may have.
pub const SUGGESTION_DISTANCE: usize = 2;

/// Positions of a list of IDs, by their case-insensitive key.
#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    /// The key (upper case) and the ID as written, by position.
    ids: Vec<(String, String)>,
    /// Positions by key, in list order.
    by_key: HashMap<String, Vec<usize>>,
}

/// What a query names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Exactly one item: the ID, or a unique prefix of one.
    One(usize),
    /// The exact ID of several items (a duplicate ID), in list order.
    Duplicate(Vec<usize>),
    /// A prefix of several IDs: their positions, ordered by ID.
    Ambiguous(Vec<usize>),
    /// Nothing.
    Unknown,
}

impl IdIndex {
    /// Indexes the IDs, position by position.
    pub fn new<I, S>(ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut index = Self::default();
        for id in ids {
            let id = id.as_ref();
            let key = crate::id::key(id);
            index
                .by_key
                .entry(key.clone())
                .or_default()
                .push(index.ids.len());
            index.ids.push((key, id.to_owned()));
        }
        index
    }

    /// Number of indexed positions.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ID at a position, as written.
    pub fn id(&self, position: usize) -> &str {
        &self.ids[position].1
    }

    /// The first position with exactly this ID (any case).
    pub fn get(&self, id: &str) -> Option<usize> {
        self.all(id).first().copied()
    }

    /// Every position with exactly this ID (any case), in list order.
    pub fn all(&self, id: &str) -> &[usize] {
        self.by_key
            .get(&crate::id::key(id.trim()))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether some position has this ID (any case).
    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// The IDs held by more than one position, each with its positions.
    pub fn duplicates(&self) -> impl Iterator<Item = &[usize]> {
        self.by_key
            .values()
            .filter(|v| v.len() > 1)
            .map(Vec::as_slice)
    }

    /// Positions whose ID starts with `query` (any case), ordered by ID; one position
    /// per distinct ID.
    pub fn prefixed(&self, query: &str) -> Vec<usize> {
        let q = crate::id::key(query.trim());
        if q.is_empty() {
            return Vec::new();
        }
        let mut keys: Vec<&str> = self
            .by_key
            .keys()
            .filter(|k| k.starts_with(&q))
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys.iter().map(|k| self.by_key[*k][0]).collect()
    }

    /// What `query` names: an exact ID first, else a unique prefix.
    pub fn resolve(&self, query: &str) -> Resolved {
        match self.all(query) {
            [one] => return Resolved::One(*one),
            [] => {}
            many => return Resolved::Duplicate(many.to_vec()),
        }
        let matching = self.prefixed(query);
        match matching.as_slice() {
            [] => Resolved::Unknown,
            [one] => Resolved::One(*one),
            _ => Resolved::Ambiguous(matching),
        }
    }

    /// Up to [`SUGGESTIONS`] IDs within [`SUGGESTION_DISTANCE`] edits of `query`,
    /// closest first.
    pub fn did_you_mean(&self, query: &str) -> Vec<String> {
        let q = crate::id::key(query.trim());
        let mut close: Vec<(usize, &str)> = self
            .ids
            .iter()
            .map(|(key, id)| (crate::text::edit_distance(key, &q), id.as_str()))
            .filter(|(d, _)| *d <= SUGGESTION_DISTANCE)
            .collect();
        close.sort_unstable();
        close.dedup();
        close
            .into_iter()
            .take(SUGGESTIONS)
            .map(|(_, id)| id.to_owned())
            .collect()
    }

    /// The error for an ambiguous prefix: the first [`AMBIGUOUS_SHOWN`] IDs it matches.
    pub fn ambiguous(&self, query: &str, positions: &[usize]) -> StoreError {
        StoreError::Ambiguous {
            query: query.to_owned(),
            matches: positions
                .iter()
                .take(AMBIGUOUS_SHOWN)
                .map(|&i| self.id(i).to_owned())
                .collect(),
            more: positions.len().saturating_sub(AMBIGUOUS_SHOWN),
        }
    }

    /// The error for an unknown ID, with suggestions when `suggest`.
    pub fn unknown(&self, query: &str, suggest: bool) -> StoreError {
        StoreError::UnknownItem {
            query: query.to_owned(),
            suggestions: if suggest {
                self.did_you_mean(query)
            } else {
                Vec::new()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn index() -> IdIndex {
        IdIndex::new(["B-7KX2", "B-7KQ1", "b-3m1q", "TASK-24", "B-3M1Q"])
    }

    #[test]
    fn test_exact_is_case_insensitive_and_finds_duplicates() {
        let ix = index();
        assert_eq!(ix.get("b-7kx2"), Some(0));
        assert_eq!(ix.all("B-3M1Q"), [2, 4]);
        assert_eq!(ix.resolve("B-3M1Q"), Resolved::Duplicate(vec![2, 4]));
        assert_eq!(ix.resolve(" task-24 "), Resolved::One(3));
        let dups: Vec<&[usize]> = ix.duplicates().collect();
        assert_eq!(dups, [&[2usize, 4][..]]);
        assert!(ix.contains("b-7kq1") && !ix.contains("B-7K"));
    }

    #[test]
    fn test_unique_prefix_and_ambiguity() {
        let ix = index();
        assert_eq!(ix.resolve("b-7kx"), Resolved::One(0));
        assert_eq!(ix.resolve("B-7K"), Resolved::Ambiguous(vec![1, 0]));
        // A duplicated ID counts once among prefix matches.
        assert_eq!(ix.resolve("B-3"), Resolved::One(2));
        assert_eq!(ix.resolve("X"), Resolved::Unknown);
        assert_eq!(ix.resolve(""), Resolved::Unknown);
        let StoreError::Ambiguous { matches, .. } = ix.ambiguous("B-7K", &[1, 0]) else {
            panic!("not ambiguous");
        };
        assert_eq!(matches, ["B-7KQ1", "B-7KX2"]);
    }

    #[test]
    fn test_did_you_mean() {
        let ix = index();
        assert_eq!(ix.did_you_mean("B-7KX3"), ["B-7KX2", "B-7KQ1"]);
        assert_eq!(ix.did_you_mean("ZZZZZZZZ"), Vec::<String>::new());
        let StoreError::UnknownItem { suggestions, .. } = ix.unknown("TASK-25", true) else {
            panic!("not unknown");
        };
        assert_eq!(suggestions, ["TASK-24"]);
    }

    proptest! {
        /// Against a linear scan: a query resolves to one item exactly when one ID equals
        /// it, or no ID equals it and exactly one distinct ID starts with it.
        #[test]
        fn prop_resolve_agrees_with_a_scan(
            ids in proptest::collection::vec("[a-cA-C0-2-]{1,4}", 0..12),
            query in "[a-cA-C0-2-]{1,3}",
        ) {
            let ix = IdIndex::new(&ids);
            let q = query.to_ascii_uppercase();
            let exact: Vec<usize> =
                (0..ids.len()).filter(|&i| ids[i].to_ascii_uppercase() == q).collect();
            let mut prefixed: Vec<String> = ids
                .iter()
                .map(|i| i.to_ascii_uppercase())
                .filter(|k| k.starts_with(&q))
                .collect();
            prefixed.sort();
            prefixed.dedup();
            let got = ix.resolve(&query);
            match exact.len() {
                1 => prop_assert_eq!(got, Resolved::One(exact[0])),
                0 => match prefixed.len() {
                    0 => prop_assert_eq!(got, Resolved::Unknown),
                    1 => {
                        let Resolved::One(i) = got else { panic!("{got:?}") };
                        prop_assert_eq!(ids[i].to_ascii_uppercase(), prefixed[0].clone());
                    }
                    n => {
                        let Resolved::Ambiguous(v) = got else { panic!("{got:?}") };
                        prop_assert_eq!(v.len(), n);
                    }
                },
                _ => prop_assert_eq!(got, Resolved::Duplicate(exact)),
            }
        }
    }
}
