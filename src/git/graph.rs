//! git's commit-graph file (`objects/info/commit-graph`), read directly, for the merge
//! base.
//!
//! libgit2 1.9 reads commit-graph files, but refuses the ones git writes since 2.31
//! (they carry a generation-data chunk, `GDA2`, that libgit2 does not know), and then
//! parses every commit it walks out of the pack. For `diff main...feature` on a branch
//! 5,000 commits behind, that walk was a quarter of the command. Here the file's commit
//! data (parents, commit time, topological level) answers for every commit it holds;
//! commits newer than the file (made since the last `git gc`) are read from the object
//! database. Anything unexpected (no file, a split graph, another version, a malformed
//! chunk, more than one best base) leaves the answer to libgit2.

use std::collections::{BinaryHeap, HashMap};
use std::path::Path;

use git2::{Oid, Repository};

/// Length of a SHA-1 id.
const HASH: usize = 20;
/// Bytes per commit in the commit data chunk: root tree, two parent positions, level and
/// time.
const CDAT_ROW: usize = HASH + 16;
/// No parent in that slot.
const NO_PARENT: u32 = 0x7000_0000;
/// The second parent slot points into the extra edge list (an octopus merge).
const EXTRA_EDGES: u32 = 0x8000_0000;

/// A parsed commit-graph file.
pub(crate) struct CommitGraph {
    data: Vec<u8>,
    count: usize,
    fanout: usize,
    lookup: usize,
    commits: usize,
    edges: Option<(usize, usize)>,
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn be64(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

impl CommitGraph {
    /// The graph of the object folder `objects`, if it has a single commit-graph file of
    /// version 1 with SHA-1 ids whose chunks are in bounds.
    pub(crate) fn open(objects: &Path) -> Option<Self> {
        if objects.join("info/commit-graphs").exists() {
            return None;
        }
        let data = std::fs::read(objects.join("info/commit-graph")).ok()?;
        Self::parse(data)
    }

    fn parse(data: Vec<u8>) -> Option<Self> {
        let header = data.get(..8)?;
        if &header[..4] != b"CGPH" || header[4] != 1 || header[5] != 1 || header[7] != 0 {
            return None;
        }
        let chunks = usize::from(header[6]);
        let end = data.len().checked_sub(HASH)?;
        let (mut fanout, mut lookup, mut commits, mut edges) = (None, None, None, None);
        for k in 0..chunks {
            let row = 8 + 12 * k;
            let id = data.get(row..row + 4)?;
            let from = usize::try_from(be64(&data, row + 4)?).ok()?;
            let to = usize::try_from(be64(&data, row + 16)?).ok()?;
            if from > to || to > end {
                return None;
            }
            match id {
                b"OIDF" => fanout = Some((from, to)),
                b"OIDL" => lookup = Some((from, to)),
                b"CDAT" => commits = Some((from, to)),
                b"EDGE" => edges = Some((from, to)),
                _ => {}
            }
        }
        let (fanout, lookup, commits) = (fanout?, lookup?, commits?);
        if fanout.1 - fanout.0 != 256 * 4 {
            return None;
        }
        let count = usize::try_from(be32(&data, fanout.0 + 255 * 4)?).ok()?;
        if lookup.1 - lookup.0 != count * HASH || commits.1 - commits.0 != count * CDAT_ROW {
            return None;
        }
        Some(Self {
            data,
            count,
            fanout: fanout.0,
            lookup: lookup.0,
            commits: commits.0,
            edges,
        })
    }

    /// The position of commit `oid` in the graph.
    fn find(&self, oid: &Oid) -> Option<u32> {
        let raw = oid.as_bytes();
        let first = usize::from(raw[0]);
        let lo = if first == 0 {
            0
        } else {
            be32(&self.data, self.fanout + (first - 1) * 4)? as usize
        };
        let hi = (be32(&self.data, self.fanout + first * 4)? as usize).min(self.count);
        let ids = |i: usize| &self.data[self.lookup + i * HASH..self.lookup + (i + 1) * HASH];
        let (mut lo, mut hi) = (lo, hi);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match ids(mid).cmp(raw) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return u32::try_from(mid).ok(),
            }
        }
        None
    }

    /// The root tree, parents and commit time of the commit `oid`, if the graph has it.
    pub(crate) fn meta(&self, oid: &Oid) -> Option<(Oid, Vec<Oid>, i64)> {
        let pos = self.find(oid)?;
        let row = self.commits + pos as usize * CDAT_ROW;
        let tree = Oid::from_bytes(self.data.get(row..row + HASH)?).ok()?;
        let (parents, _, time) = self.commit(pos)?;
        let parents = parents
            .into_iter()
            .map(|p| self.oid(p))
            .collect::<Option<Vec<Oid>>>()?;
        Some((tree, parents, time))
    }

    fn oid(&self, pos: u32) -> Option<Oid> {
        if pos as usize >= self.count {
            return None;
        }
        let at = self.lookup + pos as usize * HASH;
        Oid::from_bytes(self.data.get(at..at + HASH)?).ok()
    }

    /// Parents (positions), topological level and commit time of the commit at `pos`.
    fn commit(&self, pos: u32) -> Option<(Vec<u32>, u32, i64)> {
        if pos as usize >= self.count {
            return None;
        }
        let row = self.commits + pos as usize * CDAT_ROW;
        let (p1, p2) = (
            be32(&self.data, row + HASH)?,
            be32(&self.data, row + HASH + 4)?,
        );
        let gen_time = be64(&self.data, row + HASH + 8)?;
        let level = u32::try_from(gen_time >> 34).ok()?;
        let time = i64::try_from(gen_time & ((1 << 34) - 1)).ok()?;
        let mut parents = Vec::with_capacity(2);
        if p1 != NO_PARENT {
            parents.push(p1);
        }
        if p2 & EXTRA_EDGES != 0 {
            let (from, to) = self.edges?;
            let mut at = from + (p2 & !EXTRA_EDGES) as usize * 4;
            loop {
                if at + 4 > to {
                    return None;
                }
                let p = be32(&self.data, at)?;
                parents.push(p & !EXTRA_EDGES);
                if p & EXTRA_EDGES != 0 {
                    break;
                }
                at += 4;
            }
        } else if p2 != NO_PARENT {
            parents.push(p2);
        }
        Some((parents, level, time))
    }
}

/// A commit of the walk: in the graph (its position) or not (read from the objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Node {
    Graph(u32),
    Object(Oid),
}

const PARENT1: u8 = 1;
const PARENT2: u8 = 2;
const STALE: u8 = 4;
const RESULT: u8 = 8;

/// The merge base of `a` and `b` by git's "paint down to common" walk over the graph
/// (commits newest by topological level first, then by time), or `None` when the graph
/// cannot answer alone: then libgit2 does. Several best bases (a criss-cross merge) are
/// also left to libgit2, which picks among them as it always has.
pub(crate) fn merge_base(repo: &Repository, graph: &CommitGraph, a: Oid, b: Oid) -> Option<Oid> {
    if a == b {
        return Some(a);
    }
    let node = |oid: Oid| graph.find(&oid).map_or(Node::Object(oid), Node::Graph);
    // Parents, level (u32::MAX outside the graph, as git does) and time of a node.
    let read = |n: Node| -> Option<(Vec<Node>, u32, i64)> {
        match n {
            Node::Graph(pos) => {
                let (parents, level, time) = graph.commit(pos)?;
                Some((parents.into_iter().map(Node::Graph).collect(), level, time))
            }
            Node::Object(oid) => {
                let c = repo.find_commit(oid).ok()?;
                let parents = c.parent_ids().map(node).collect();
                Some((parents, u32::MAX, c.time().seconds()))
            }
        }
    };
    let mut flags: HashMap<Node, u8> = HashMap::new();
    let mut info: HashMap<Node, (Vec<Node>, u32, i64)> = HashMap::new();
    let mut queue: BinaryHeap<(u32, i64, Node)> = BinaryHeap::new();
    let push = |n: Node,
                queue: &mut BinaryHeap<(u32, i64, Node)>,
                info: &mut HashMap<Node, (Vec<Node>, u32, i64)>|
     -> Option<()> {
        if let std::collections::hash_map::Entry::Vacant(e) = info.entry(n) {
            e.insert(read(n)?);
        }
        let (_, level, time) = info[&n];
        queue.push((level, time, n));
        Some(())
    };
    let (na, nb) = (node(a), node(b));
    flags.insert(na, PARENT1);
    flags.insert(nb, PARENT2);
    push(na, &mut queue, &mut info)?;
    push(nb, &mut queue, &mut info)?;
    let mut results = Vec::new();
    let non_stale = |queue: &BinaryHeap<(u32, i64, Node)>, flags: &HashMap<Node, u8>| {
        queue.iter().any(|(_, _, n)| flags[n] & STALE == 0)
    };
    // Counting the non-stale entries instead of scanning the queue would be faster; the
    // queue stays small (the width of the history), so the scan is cheap.
    while non_stale(&queue, &flags) {
        let (_, _, n) = queue.pop()?;
        let mut f = flags[&n] & (PARENT1 | PARENT2 | STALE);
        if f == PARENT1 | PARENT2 {
            if flags[&n] & RESULT == 0 {
                flags.insert(n, flags[&n] | RESULT);
                results.push(n);
            }
            f |= STALE;
        }
        let parents = info[&n].0.clone();
        for p in parents {
            let have = flags.get(&p).copied().unwrap_or(0);
            if have & f == f {
                continue;
            }
            flags.insert(p, have | f);
            push(p, &mut queue, &mut info)?;
        }
    }
    let mut best = results.into_iter().filter(|n| flags[n] & STALE == 0);
    let first = best.next()?;
    if best.next().is_some() {
        return None;
    }
    match first {
        Node::Graph(pos) => graph.oid(pos),
        Node::Object(oid) => Some(oid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Builds a random history: commit `k` has as parents up to three earlier commits
    /// (`picks`, taken modulo `k`); times are random, so some children are older than
    /// their parents (clock skew). Returns the commits in creation order.
    fn history(repo: &Repository, steps: &[(Vec<usize>, i64)]) -> Vec<Oid> {
        let tree = repo
            .find_tree(repo.treebuilder(None).unwrap().write().unwrap())
            .unwrap();
        let mut out: Vec<Oid> = Vec::new();
        for (k, (picks, time)) in steps.iter().enumerate() {
            let mut parents: Vec<Oid> =
                picks.iter().filter(|_| k > 0).map(|p| out[p % k]).collect();
            parents.dedup();
            parents.sort();
            parents.dedup();
            let parents: Vec<git2::Commit<'_>> = parents
                .iter()
                .map(|p| repo.find_commit(*p).unwrap())
                .collect();
            let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
            let sig = git2::Signature::new("t", "t@e.com", &git2::Time::new(*time, 0)).unwrap();
            let msg = format!("c{k}");
            out.push(
                repo.commit(None, &sig, &sig, &msg, &tree, &parents)
                    .unwrap(),
            );
        }
        // Every commit reachable from a branch, so `git commit-graph write --reachable`
        // covers them all.
        for (k, oid) in out.iter().enumerate() {
            repo.reference(&format!("refs/heads/b{k}"), *oid, true, "t")
                .unwrap();
        }
        out
    }

    fn write_graph(dir: &Path) {
        let status = std::process::Command::new("git")
            .args(["commit-graph", "write", "--reachable"])
            .current_dir(dir)
            .status()
            .unwrap();
        assert!(status.success());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn prop_merge_base_from_the_graph_equals_libgit2(
            steps in proptest::collection::vec(
                (proptest::collection::vec(0usize..64, 1..4), 1_000i64..1_100),
                2..40,
            ),
            pairs in proptest::collection::vec((0usize..64, 0usize..64), 1..12),
            late in 0usize..6,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let repo = Repository::init(dir.path()).unwrap();
            // The last `late` commits are made after the graph was written: they are read
            // from the objects, as a repository does between two `git gc`.
            let cut = steps.len().saturating_sub(late).max(1);
            let mut commits = history(&repo, &steps[..cut]);
            write_graph(dir.path());
            let rest: Vec<(Vec<usize>, i64)> = steps[cut..]
                .iter()
                .map(|(p, t)| (p.iter().map(|x| x % commits.len()).collect(), *t))
                .collect();
            for (picks, time) in rest {
                let parents: Vec<git2::Commit<'_>> = picks
                    .iter()
                    .map(|p| repo.find_commit(commits[*p]).unwrap())
                    .collect();
                let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
                let sig = git2::Signature::new("t", "t@e.com", &git2::Time::new(time, 0)).unwrap();
                let tree = repo.find_commit(commits[0]).unwrap().tree().unwrap();
                commits.push(repo.commit(None, &sig, &sig, "late", &tree, &parents).unwrap());
            }
            let graph = CommitGraph::open(&dir.path().join(".git/objects")).unwrap();
            // Every commit the graph holds reads as its object does; the late ones are not
            // in it.
            for (k, oid) in commits.iter().enumerate() {
                let c = repo.find_commit(*oid).unwrap();
                let expected = (c.tree_id(), c.parent_ids().collect::<Vec<_>>(), c.time().seconds());
                match graph.meta(oid) {
                    Some(meta) => prop_assert_eq!(meta, expected),
                    None => prop_assert!(k >= cut, "commit {} is missing from the graph", k),
                }
            }
            for (x, y) in pairs {
                let (a, b) = (commits[x % commits.len()], commits[y % commits.len()]);
                let ours = merge_base(&repo, &graph, a, b);
                let theirs = repo.merge_base(a, b).ok();
                match ours {
                    // One best base: libgit2 finds the same.
                    Some(base) => prop_assert_eq!(Some(base), theirs),
                    // Left to libgit2: none in common, or several best bases.
                    None => {
                        if let Some(t) = theirs {
                            let all = repo.merge_bases(a, b).unwrap();
                            prop_assert!(all.len() > 1, "{t} was the only base");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn test_broken_or_foreign_graph_files_are_not_read() {
        assert!(CommitGraph::parse(Vec::new()).is_none());
        assert!(CommitGraph::parse(b"CGPH\x02\x01\x00\x00".to_vec()).is_none());
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        history(&repo, &[(vec![0], 1), (vec![0], 2), (vec![1], 3)]);
        write_graph(dir.path());
        let file = dir.path().join(".git/objects/info/commit-graph");
        let good = std::fs::read(&file).unwrap();
        assert!(CommitGraph::parse(good.clone()).is_some());
        // Cut anywhere: never a panic, and no graph unless the chunks still fit.
        for n in 0..good.len() {
            let _ = CommitGraph::parse(good[..n].to_vec());
        }
        for n in 0..good.len().min(4096) {
            let mut bad = good.clone();
            bad[n] ^= 0xff;
            if let Some(g) = CommitGraph::parse(bad) {
                for pos in 0..4 {
                    let _ = g.commit(pos);
                    let _ = g.oid(pos);
                }
            }
        }
    }
}
