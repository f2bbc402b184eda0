//! `rank --by MODEL`: the dependency-aware target order, applied with the fewest moves.

use super::*;

/// order (indices into `entries`).
fn outside_dependencies(
    entries: &[Entry],
    order: &[usize],
    subset: &[usize],
    config: &Config,
) -> Vec<(String, String)> {
    let mut position = vec![0; entries.len()];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    let mut selected = vec![false; entries.len()];
    for &i in subset {
        selected[i] = true;
    }
    let index: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (crate::id::key(&e.item.id), i))
        .collect();
    let mut found = Vec::new();
    for &s in subset {
        for dep in &entries[s].item.depends_on {
            let Some(&d) = index.get(&crate::id::key(dep)) else {
                continue;
            };
            let open = config.is_open(&entries[d].item);
            if open && !selected[d] && position[d] > position[s] {
                found.push((entries[s].item.id.clone(), entries[d].item.id.clone()));
            }
        }
    }
    found
}

/// Longest strictly increasing subsequence of `values`; returns the positions in
/// `values` that belong to it.
pub(super) fn longest_increasing(values: &[usize]) -> Vec<usize> {
    // tails[k]: position of the smallest tail of an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; values.len()];
    for (p, &v) in values.iter().enumerate() {
        let k = tails.partition_point(|&t| values[t] < v);
        previous[p] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(p);
        } else {
            tails[k] = p;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cursor = tails.last().copied();
    while let Some(p) = cursor {
        out.push(p);
        cursor = previous[p];
    }
    out.reverse();
    out
}

/// Reorders the open items that pass `filter` by `model`, dependency-aware (see
/// [`target_order`]), rewriting as few files as possible: the longest run of items already
/// in the right relative order keeps its keys, and only the others get new keys between
/// their new neighbours. Items outside the selection, and done or closed items, keep
/// their keys.
pub fn rank_by(
    loaded: &Loaded,
    config: &Config,
    model: Model,
    filter: &Filter,
) -> Result<Reorder, OpError> {
    let entries = &loaded.entries;
    let n = entries.len();
    let mut skipped_closed = 0;
    let subset: Vec<usize> = (0..n)
        .filter(|&i| {
            let item = &entries[i].item;
            if !filter.matches(item, config) {
                return false;
            }
            let closed = config.is_closed_status(config.status(item));
            skipped_closed += usize::from(closed);
            !closed
        })
        .collect();
    let items: Vec<&Item> = subset.iter().map(|&i| &entries[i].item).collect();
    let plan = target_order(&items, model);
    let target: Vec<usize> = plan.order.iter().map(|r| subset[r.index]).collect();

    // Unranked items at the end of the target order, in their current order, stay unranked.
    let mut suffix = target.len();
    while suffix > 0 {
        let g = target[suffix - 1];
        let in_order = target.get(suffix).is_none_or(|&next| g < next);
        if entries[g].item.rank.is_none() && in_order {
            suffix -= 1;
        } else {
            break;
        }
    }
    // Among the rest, keep the longest run already in the right relative order.
    let candidates: Vec<usize> = target[..suffix]
        .iter()
        .copied()
        .filter(|&g| valid_rank(&entries[g]).is_some())
        .collect();
    let mut kept = vec![false; n];
    for p in longest_increasing(&candidates) {
        kept[candidates[p]] = true;
    }
    for &g in &target[suffix..] {
        kept[g] = true;
    }
    let mut moved = vec![false; n];
    for &g in &subset {
        moved[g] = !kept[g];
    }

    // Where each moved item goes: right after the kept item above it in the target order,
    // or, above the first kept item, right before that one.
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut head = Vec::new();
    let mut previous_kept: Option<usize> = None;
    let mut first_kept: Option<usize> = None;
    for &g in &target[..suffix] {
        if kept[g] {
            previous_kept = Some(g);
            first_kept.get_or_insert(g);
        } else {
            match previous_kept {
                Some(p) => after[p].push(g),
                None => head.push(g),
            }
        }
    }
    let unmoved: Vec<usize> = (0..n).filter(|&i| !moved[i]).collect();
    let head_before = first_kept.or_else(|| {
        unmoved
            .iter()
            .copied()
            .find(|&i| entries[i].item.rank.is_none())
    });
    let mut order = Vec::with_capacity(n);
    for &u in &unmoved {
        if Some(u) == head_before {
            order.append(&mut head);
        }
        order.push(u);
        order.append(&mut after[u]);
    }
    order.append(&mut head);

    let keys = assign_keys(entries, &order, &moved)?;
    let (changed, moves) = apply_keys(entries, keys)?;
    let outside_dependencies = outside_dependencies(entries, &order, &subset, config);
    let id = |i: usize| entries[subset[i]].item.id.clone();
    let cycles: Vec<Vec<String>> = plan
        .cycles
        .iter()
        .map(|c| c.iter().map(|&i| id(i)).collect())
        .collect();
    let by_id: HashMap<&str, usize> = moves
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let order: Vec<Placed> = plan
        .order
        .iter()
        .map(|r| {
            let item = &entries[subset[r.index]].item;
            Placed {
                id: item.id.clone(),
                title: item.title.clone(),
                score: r.score,
                priority: r.priority,
                inherited_from: r.inherited_from.map(id),
                missing: r.missing.clone(),
                moved: by_id.get(item.id.as_str()).map(|&m| moves[m].clone()),
            }
        })
        .collect();
    let moved_ids: Vec<String> = order
        .iter()
        .filter_map(|p| p.moved.as_ref().map(|m| m.id.clone()))
        .collect();
    let summary = format!(
        "rank {}: order by {} ({} of {} items moved)",
        id_list(&moved_ids),
        model.name(),
        moves.len(),
        subset.len()
    );
    let extra = cycles
        .iter()
        .map(|c| {
            format!(
                "Dependency cycle kept in its current order: {}",
                c.join(" -> ")
            )
        })
        .collect();
    // Commit body and trailers list the moves in target order.
    let mut ordered_moves: Vec<Move> = Vec::with_capacity(moves.len());
    for p in &order {
        if let Some(m) = &p.moved {
            ordered_moves.push(m.clone());
        }
    }
    Ok(Reorder {
        model,
        order,
        cycles,
        skipped_closed,
        outside_dependencies,
        outcome: Outcome {
            change: change_for(summary, &changed, &ordered_moves, extra),
            items: changed,
        },
    })
}
