//! Parents and children (`parent:`) as a forest, with the children's points rolled up on
//! every parent: `13 of 21 pts done`.
//!
//! A leaf counts with its own estimate; a parent counts with the sum of its children (its
//! own estimate is the rough size it had before it was broken down, so it is not added).
//! Merged duplicates (`duplicate` status) are left out of the sums. Parent links that
//! form a cycle are cut where the walk meets them, so every item appears once.

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::store::{Entry, Store, sort_entries};

/// Points and items under a parent, done and in total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rollup {
    /// Points of the done items.
    pub points_done: u32,
    /// Points of all the items.
    pub points_total: u32,
    /// Leaf items done.
    pub items_done: usize,
    /// Leaf items in all.
    pub items_total: usize,
    /// Leaf items without an estimate (counted as 0 points).
    pub unestimated: usize,
}

impl Rollup {
    /// Done points as a whole percentage of all points (by items when nothing is
    /// estimated); `None` when there is nothing to count.
    pub fn percent(&self) -> Option<u32> {
        let (done, total) = if self.points_total > 0 {
            (u64::from(self.points_done), u64::from(self.points_total))
        } else {
            (self.items_done as u64, self.items_total as u64)
        };
        (total > 0).then(|| u32::try_from(done * 100 / total).unwrap_or(100))
    }

    fn add(&mut self, other: &Rollup) {
        self.points_done = self.points_done.saturating_add(other.points_done);
        self.points_total = self.points_total.saturating_add(other.points_total);
        self.items_done += other.items_done;
        self.items_total += other.items_total;
        self.unestimated += other.unestimated;
    }
}

/// One shown item and the shown items under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Index into the entries.
    pub index: usize,
    /// The rolled-up figures, for an item with children (shown or not).
    pub rollup: Option<Rollup>,
    /// Its shown children, in backlog order.
    pub children: Vec<Node>,
}

/// The parent/child structure of a set of entries.
#[derive(Debug, Clone)]
pub struct Tree {
    /// Children of each entry, by index, in backlog order.
    children: Vec<Vec<usize>>,
    /// Entries that are nobody's child within the set (or whose parent link is cut).
    roots: Vec<usize>,
    /// The rollup of every entry with children.
    rollups: Vec<Option<Rollup>>,
}

impl Tree {
    /// Builds the structure of `entries` (in backlog order).
    pub fn new(entries: &[Entry], config: &Config) -> Self {
        let mut by_id: HashMap<String, usize> = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            by_id.entry(crate::id::key(&e.item.id)).or_insert(i);
        }
        let parent: Vec<Option<usize>> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let p = *by_id.get(&crate::id::key(e.item.parent.as_deref()?))?;
                (p != i).then_some(p)
            })
            .collect();
        let mut children = vec![Vec::new(); entries.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p].push(i);
            }
        }
        // Depth-first from the items without a parent; whatever is left sits on a parent
        // cycle, which is cut at its first item in backlog order.
        let mut seen = vec![false; entries.len()];
        let mut roots = Vec::new();
        let mut kept_children = vec![Vec::new(); entries.len()];
        let starts: Vec<usize> = (0..entries.len())
            .filter(|&i| parent[i].is_none())
            .chain(0..entries.len())
            .collect();
        for start in starts {
            if seen[start] {
                continue;
            }
            roots.push(start);
            seen[start] = true;
            let mut stack = vec![start];
            while let Some(n) = stack.pop() {
                for &c in &children[n] {
                    if !seen[c] {
                        seen[c] = true;
                        kept_children[n].push(c);
                        stack.push(c);
                    }
                }
            }
        }
        roots.sort_unstable();
        let mut tree = Self {
            children: kept_children,
            roots,
            rollups: vec![None; entries.len()],
        };
        for &r in &tree.roots.clone() {
            tree.roll_up(r, entries, config);
        }
        tree
    }

    /// Post-order sums, iteratively (parent chains can be long).
    fn roll_up(&mut self, root: usize, entries: &[Entry], config: &Config) {
        let mut own: Vec<(usize, bool)> = vec![(root, false)];
        while let Some((n, expanded)) = own.pop() {
            if !expanded {
                own.push((n, true));
                for &c in &self.children[n] {
                    own.push((c, false));
                }
                continue;
            }
            if self.children[n].is_empty() {
                continue;
            }
            let mut sum = Rollup::default();
            for &c in &self.children[n] {
                match &self.rollups[c] {
                    Some(r) => sum.add(r),
                    None => sum.add(&leaf(&entries[c], config)),
                }
            }
            self.rollups[n] = Some(sum);
        }
    }

    /// The rollup of entry `index`, if it has children.
    pub fn rollup(&self, index: usize) -> Option<Rollup> {
        self.rollups[index]
    }

    /// The children of entry `index`, in backlog order.
    pub fn children(&self, index: usize) -> &[usize] {
        &self.children[index]
    }

    /// The forest of the entries `shown` keeps, in backlog order: an item whose parent is
    /// not shown is a root. Rollups count every child, shown or not.
    pub fn forest(&self, shown: &[bool]) -> Vec<Node> {
        let mut out = Vec::new();
        for &r in &self.roots {
            self.collect(r, shown, &mut out);
        }
        out
    }

    /// Appends the nodes for `index` (or, when it is not shown, for its shown
    /// descendants) to `out`.
    fn collect(&self, index: usize, shown: &[bool], out: &mut Vec<Node>) {
        // Iterative: an explicit stack of (index, output list) frames.
        enum Frame {
            Enter(usize),
            Leave(usize),
        }
        let mut stack = vec![Frame::Enter(index)];
        let mut lists: Vec<Vec<Node>> = vec![Vec::new()];
        while let Some(frame) = stack.pop() {
            match frame {
                Frame::Enter(i) => {
                    if shown[i] {
                        lists.push(Vec::new());
                        stack.push(Frame::Leave(i));
                    }
                    for &c in self.children[i].iter().rev() {
                        stack.push(Frame::Enter(c));
                    }
                }
                Frame::Leave(i) => {
                    let children = lists.pop().unwrap_or_default();
                    let node = Node {
                        index: i,
                        rollup: self.rollups[i],
                        children,
                    };
                    if let Some(parent) = lists.last_mut() {
                        parent.push(node);
                    }
                }
            }
        }
        out.extend(lists.pop().unwrap_or_default());
    }
}

/// A leaf's own figures.
fn leaf(entry: &Entry, config: &Config) -> Rollup {
    let status = config.status(&entry.item);
    if status == crate::config::DUPLICATE {
        return Rollup::default();
    }
    let points = entry.item.estimate.unwrap_or(0);
    let done = config.is_done_status(status);
    Rollup {
        points_done: if done { points } else { 0 },
        points_total: points,
        items_done: usize::from(done),
        items_total: 1,
        unestimated: usize::from(entry.item.estimate.is_none()),
    }
}

/// The descendants of item `id` (children, their children…), in backlog order.
///
/// Only files that mention an ID being looked for are parsed: each level is one pass over
/// the raw files, so `show` stays quick on a large backlog.
pub fn descendants(store: &Store, id: &str) -> Vec<Entry> {
    let (files, _) = store.item_files();
    let mut found: Vec<Entry> = Vec::new();
    let mut seen: HashSet<String> = HashSet::from([crate::id::key(id)]);
    let mut wanted: HashSet<String> = HashSet::from([crate::id::key(id)]);
    while !wanted.is_empty() {
        let needles: Vec<String> = wanted.iter().cloned().collect();
        let level = crate::analysis::related::mentioning(store, &files, &needles, |e| {
            e.item
                .parent
                .as_deref()
                .is_some_and(|p| wanted.contains(&crate::id::key(p)))
        });
        wanted = HashSet::new();
        for e in level {
            if seen.insert(crate::id::key(&e.item.id)) {
                wanted.insert(crate::id::key(&e.item.id));
                found.push(e);
            }
        }
    }
    sort_entries(&mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, extra: &str) -> Entry {
        Entry::from_text(
            format!("b/{id}.md"),
            &format!("---\nid: {id}\ntitle: {id}\n{extra}---\n"),
        )
        .unwrap()
    }

    fn ids(entries: &[Entry], nodes: &[Node]) -> Vec<String> {
        nodes
            .iter()
            .map(|n| {
                let inner = ids(entries, &n.children);
                if inner.is_empty() {
                    entries[n.index].item.id.clone()
                } else {
                    format!("{}({})", entries[n.index].item.id, inner.join(" "))
                }
            })
            .collect()
    }

    #[test]
    fn test_tree_rolls_up_children_points() {
        let entries = vec![
            item("E", "status: split\nestimate: 40\nrank: a0\n"),
            item("A", "parent: E\nstatus: done\nestimate: 5\nrank: a1\n"),
            item("B", "parent: E\nstatus: split\nestimate: 13\nrank: a2\n"),
            item("B1", "parent: B\nstatus: done\nestimate: 8\nrank: a3\n"),
            item("B2", "parent: B\nstatus: ready\nestimate: 5\nrank: a4\n"),
            item("B3", "parent: B\nstatus: draft\nrank: a5\n"),
            item("D", "parent: E\nstatus: duplicate\nestimate: 3\nrank: a6\n"),
            item("X", "rank: a7\nestimate: 2\n"),
        ];
        let config = Config::default();
        let tree = Tree::new(&entries, &config);
        let forest = tree.forest(&[true; 8]);
        assert_eq!(ids(&entries, &forest), ["E(A B(B1 B2 B3) D)", "X"]);
        let e = tree.rollup(0).unwrap();
        assert_eq!(
            e,
            Rollup {
                points_done: 13,
                points_total: 18,
                items_done: 2,
                items_total: 4,
                unestimated: 1
            }
        );
        assert_eq!(e.percent(), Some(72));
        assert_eq!(tree.rollup(2).unwrap().points_total, 13);
        assert_eq!(tree.rollup(7), None);
        // Hiding the split parent B lifts its shown children to E; rollups stay whole.
        let mut shown = [true; 8];
        shown[2] = false;
        let forest = tree.forest(&shown);
        assert_eq!(ids(&entries, &forest), ["E(A B1 B2 B3 D)", "X"]);
        assert_eq!(forest[0].rollup, tree.rollup(0));
    }

    #[test]
    fn test_tree_cuts_parent_cycles_and_self_parents() {
        let entries = vec![
            item("A", "parent: B\nrank: a0\n"),
            item("B", "parent: A\nrank: a1\n"),
            item("C", "parent: C\nrank: a2\n"),
            item("D", "parent: NOPE\nrank: a3\n"),
        ];
        let tree = Tree::new(&entries, &Config::default());
        let forest = tree.forest(&[true; 4]);
        assert_eq!(ids(&entries, &forest), ["A(B)", "C", "D"]);
    }

    #[test]
    fn test_rollup_percent_falls_back_to_items() {
        let r = Rollup {
            items_done: 1,
            items_total: 4,
            ..Rollup::default()
        };
        assert_eq!(r.percent(), Some(25));
        assert_eq!(Rollup::default().percent(), None);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn flatten(nodes: &[Node], out: &mut Vec<usize>) {
            for n in nodes {
                out.push(n.index);
                flatten(&n.children, out);
            }
        }

        proptest! {
            #[test]
            fn every_shown_item_appears_once(
                parents in proptest::collection::vec(proptest::option::of(0usize..12), 1..12),
                shown in proptest::collection::vec(proptest::bool::ANY, 12),
                points in proptest::collection::vec(proptest::option::of(0u32..20), 12),
            ) {
                let entries: Vec<Entry> = parents
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let mut extra = format!("rank: a{i:02}\n");
                        if let Some(p) = p {
                            extra.push_str(&format!("parent: I{p}\n"));
                        }
                        if let Some(e) = points[i] {
                            extra.push_str(&format!("estimate: {e}\nstatus: done\n"));
                        }
                        item(&format!("I{i}"), &extra)
                    })
                    .collect();
                let tree = Tree::new(&entries, &Config::default());
                let mask: Vec<bool> = shown[..entries.len()].to_vec();
                let mut seen = Vec::new();
                flatten(&tree.forest(&mask), &mut seen);
                let mut expected: Vec<usize> = (0..entries.len()).filter(|&i| mask[i]).collect();
                seen.sort_unstable();
                expected.sort_unstable();
                prop_assert_eq!(seen, expected);
                // Rollups never count more points than the leaves hold.
                let leaves: u32 = (0..entries.len())
                    .filter(|&i| tree.children(i).is_empty())
                    .map(|i| points[i].unwrap_or(0))
                    .sum();
                for i in 0..entries.len() {
                    if let Some(r) = tree.rollup(i) {
                        prop_assert!(r.points_done <= r.points_total);
                        prop_assert!(r.points_total <= leaves);
                    }
                }
            }
        }
    }
}
