//! Dependency cycles: strongly connected components of the `depends_on` graph
//! ([`crate::graph::strongly_connected`], iterative, so a long chain cannot overflow the
//! stack), and one concrete shortest
//! cycle for each item of a component that no reported cycle has covered yet.

use std::collections::VecDeque;

use super::Lookup;
use crate::store::Loaded;

/// Most cycles reported for one strongly connected component.
const MAX_CYCLES_PER_COMPONENT: usize = 20;

/// Cycles as lists of entry indices in dependency order (`a` depends on `b` depends on …
/// depends on `a`), the first element the earliest in backlog order. Sorted by it.
pub(super) fn find(loaded: &Loaded, lookup: &Lookup<'_>) -> Vec<Vec<usize>> {
    let n = loaded.entries.len();
    let index_of = |id: &str| lookup.index.get(id);
    let edges: Vec<Vec<usize>> = loaded
        .entries
        .iter()
        .map(|e| {
            let mut out: Vec<usize> = e
                .item
                .depends_on
                .iter()
                .filter_map(|d| index_of(d))
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();
    let mut cycles = Vec::new();
    for comp in crate::graph::strongly_connected(&edges).1 {
        let is_cycle = comp.len() > 1 || edges[comp[0]].contains(&comp[0]);
        if !is_cycle {
            continue;
        }
        let mut in_comp = vec![false; n];
        for &v in &comp {
            in_comp[v] = true;
        }
        let mut covered = vec![false; n];
        let mut sorted = comp.clone();
        sorted.sort_unstable();
        let mut found = 0;
        for &start in &sorted {
            if covered[start] || found == MAX_CYCLES_PER_COMPONENT {
                continue;
            }
            if let Some(cycle) = shortest_cycle(start, &edges, &in_comp) {
                for &v in &cycle {
                    covered[v] = true;
                }
                cycles.push(cycle);
                found += 1;
            }
        }
    }
    cycles.sort();
    cycles
}

/// Breadth-first search from `start` back to itself, inside one component.
fn shortest_cycle(start: usize, edges: &[Vec<usize>], in_comp: &[bool]) -> Option<Vec<usize>> {
    let mut prev: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &edges[v] {
            if !in_comp[w] {
                continue;
            }
            if w == start {
                let mut path = vec![v];
                let mut cur = v;
                while cur != start {
                    cur = prev[&cur];
                    path.push(cur);
                }
                path.reverse();
                // `path` runs start … v; v depends on start, closing the cycle.
                return Some(path);
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = prev.entry(w) {
                slot.insert(v);
                queue.push_back(w);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_components_find_cycles_and_singletons() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 -> 0
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        let mut comps: Vec<Vec<usize>> = crate::graph::strongly_connected(&edges)
            .1
            .into_iter()
            .map(|mut c| {
                c.sort();
                c
            })
            .collect();
        comps.sort();
        assert_eq!(comps, vec![vec![0, 1, 2], vec![3], vec![4]]);
    }

    #[test]
    fn test_long_chain_does_not_overflow() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![0] })
            .collect();
        let comps = crate::graph::strongly_connected(&edges).1;
        assert_eq!(comps.len(), 1);
        let in_comp = vec![true; n];
        let cycle = shortest_cycle(0, &edges, &in_comp).unwrap();
        assert_eq!(cycle.len(), n);
        assert_eq!(cycle[0], 0);
        assert_eq!(cycle[1], 1);
    }
}
