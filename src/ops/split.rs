//! `split ID --into TITLE…`: break an item into children that take its place.
//!
//! Children get `parent: ID` and inherit the parent's type, labels, owner and
//! dependencies; they are ranked, in the given order, just above the parent (between it
//! and the item before it), so they take its place while the closed parent follows them.
//! Criteria handed to a child move there; the others stay on the parent for reference.
//! The parent's status becomes `split`. Open items that depended on the parent now depend
//! on every child, so nothing silently becomes unblocked. Everything is one change.

use std::collections::HashSet;

use crate::config::SPLIT;
use crate::document::FieldValue;
use crate::ops::new_item::{NewItem, TitleProblem};
use crate::ops::{OpError, Outcome, criteria, edited, refresh, repoint_references};
use crate::store::{Entry, Loaded, Store};
use crate::workspace::Change;

/// What `split` does.
#[derive(Debug, Clone, Default)]
pub struct SplitOptions {
    /// Child titles, in ranking order.
    pub titles: Vec<String>,
    /// Criteria handed to children: (1-based child, 1-based criterion numbers).
    pub give: Vec<(usize, Vec<usize>)>,
    /// Creation date for the children (`YYYY-MM-DD`).
    pub created: String,
}

/// Parses a `--give CHILD=CRITERION[,CRITERION…]` value, e.g. `2=1,3` (numbers from 1,
/// criteria numbered as `show` lists them).
pub fn parse_give(text: &str) -> Result<(usize, Vec<usize>), OpError> {
    let bad = || {
        OpError::BadArgument(format!(
            "--give {text:?} must look like CHILD=CRITERION[,CRITERION…], e.g. 2=1,3 \
             (child and criterion numbers start at 1)"
        ))
    };
    let (child, list) = text.split_once('=').ok_or_else(bad)?;
    let child: usize = child
        .trim()
        .parse()
        .ok()
        .filter(|&c| c > 0)
        .ok_or_else(bad)?;
    let criteria = list
        .split(',')
        .map(|c| {
            c.trim()
                .parse::<usize>()
                .ok()
                .filter(|&c| c > 0)
                .ok_or_else(bad)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((child, criteria))
}

fn check_title(title: &str) -> Result<&str, OpError> {
    crate::ops::new_item::check_title(title).map_err(|problem| {
        OpError::BadText(match problem {
            TitleProblem::Empty => "a child title must not be empty".to_owned(),
            TitleProblem::ControlCharacters => format!(
                "child title {:?} must be one line without control characters",
                title.trim()
            ),
        })
    })
}

/// Splits the item `parent_id` (an exact ID present in `loaded`).
pub fn split(
    store: &Store,
    loaded: &Loaded,
    parent_id: &str,
    opts: &SplitOptions,
) -> Result<Outcome, OpError> {
    let config = &store.config;
    let pos = loaded
        .entries
        .iter()
        .position(|e| e.item.id.eq_ignore_ascii_case(parent_id))
        .ok_or_else(|| OpError::UnknownItem(parent_id.to_owned()))?;
    let parent = &loaded.entries[pos];
    let pid = parent.item.id.clone();
    let status = config.status(&parent.item);
    if config.is_closed_status(status) {
        return Err(OpError::Refused(format!(
            "{pid} is {status}: only open items can be split"
        )));
    }
    if opts.titles.is_empty() {
        return Err(OpError::BadArgument(
            "name at least one child with --into TITLE".to_owned(),
        ));
    }
    let titles = opts
        .titles
        .iter()
        .map(|t| check_title(t))
        .collect::<Result<Vec<_>, _>>()?;
    let sources = criteria::sources(parent.doc.body());
    let mut given: Vec<Vec<usize>> = vec![Vec::new(); titles.len()];
    for (child, list) in &opts.give {
        if *child == 0 || *child > titles.len() {
            return Err(OpError::BadArgument(format!(
                "--give names child {child}, but there {} {} {} (numbered from 1)",
                if titles.len() == 1 { "is" } else { "are" },
                titles.len(),
                if titles.len() == 1 {
                    "child"
                } else {
                    "children"
                }
            )));
        }
        for &c in list {
            if c == 0 || c > sources.len() {
                return Err(OpError::BadArgument(format!(
                    "--give names criterion {c}, but {pid} has {} acceptance criteri{} \
                     (`backlog show {pid}` numbers them from 1)",
                    sources.len(),
                    if sources.len() == 1 { "on" } else { "a" }
                )));
            }
            if !given[child - 1].contains(&(c - 1)) {
                given[child - 1].push(c - 1);
            }
        }
    }

    // Ranks: between the previous ranked item and the parent.
    let parent_rank = parent
        .item
        .rank
        .as_deref()
        .filter(|r| crate::rank::validate(r).is_ok());
    let ranks: Vec<Option<String>> = match parent_rank {
        Some(rank) => {
            let before = loaded.entries[..pos]
                .iter()
                .rev()
                .filter_map(|e| e.item.rank.as_deref())
                .find(|r| crate::rank::validate(r).is_ok() && *r < rank);
            crate::rank::n_keys_between(before, Some(rank), titles.len())
                .map_err(|e| OpError::Rank(format!("cannot rank the children: {e}")))?
                .into_iter()
                .map(Some)
                .collect()
        }
        None => vec![None; titles.len()],
    };
    // Unranked parents: the children share its creation date, so they sort next to it.
    let created = match parent_rank {
        Some(_) => opts.created.clone(),
        None => parent
            .item
            .created
            .clone()
            .unwrap_or_else(|| opts.created.clone()),
    };

    let mut taken = loaded.id_set();
    let kind = parent
        .item
        .kind
        .clone()
        .unwrap_or_else(|| config.default_type.clone());
    let mut children: Vec<Entry> = Vec::with_capacity(titles.len());
    for (k, title) in titles.iter().enumerate() {
        let id = crate::id::mint(&config.id_prefix, &taken);
        taken.insert(crate::id::key(&id));
        let raws: Vec<&str> = given[k].iter().map(|&c| sources[c].raw.as_str()).collect();
        children.push(
            NewItem::new(&id, title, &kind, &config.default_status)
                .text("rank", ranks[k].clone())
                .list("labels", parent.item.labels.clone())
                .text("owner", parent.item.owner.clone())
                .list("depends_on", parent.item.depends_on.clone())
                .field("parent", FieldValue::Str(pid.clone()))
                .field("created", FieldValue::Str(created.clone()))
                .body(criteria::append("", &raws, "\n"))
                .build(store)?,
        );
    }
    let child_ids: Vec<String> = children.iter().map(|c| c.item.id.clone()).collect();

    // The parent: closed as split, handed-out criteria removed.
    let mut parent_entry = parent.clone();
    parent_entry
        .doc
        .set("status", &FieldValue::Str(SPLIT.to_owned()));
    let moved: HashSet<usize> = given.iter().flatten().copied().collect();
    if !moved.is_empty() {
        let ranges: Vec<_> = moved.iter().map(|&c| sources[c].range.clone()).collect();
        let body = criteria::remove_ranges(parent_entry.doc.body(), &ranges);
        parent_entry.doc.set_body(&body);
    }
    let parent_entry = refresh(parent_entry)?;

    // Open dependents now wait for every child.
    let pkey = crate::id::key(&pid);
    let mut dependents: Vec<Entry> = Vec::new();
    for e in &loaded.entries {
        if e.item.id == pid
            || config.is_closed_status(config.status(&e.item))
            || !e.item.depends_on.iter().any(|d| crate::id::key(d) == pkey)
        {
            continue;
        }
        let deps = repoint_references(&e.item.depends_on, &pid, &child_ids, None);
        dependents.push(edited(e, |doc| {
            doc.set("depends_on", &FieldValue::List(deps));
        })?);
    }

    let mut body = vec![format!("Children of {pid}:")];
    for c in &children {
        body.push(format!("- {} {}", c.item.id, c.item.title));
    }
    for (k, list) in given.iter().enumerate() {
        if !list.is_empty() {
            let nums: Vec<String> = list.iter().map(|c| (c + 1).to_string()).collect();
            body.push(format!(
                "{} {} of {pid} moved to {}.",
                if nums.len() == 1 {
                    "Criterion"
                } else {
                    "Criteria"
                },
                nums.join(", "),
                child_ids[k]
            ));
        }
    }
    if !dependents.is_empty() {
        let ids: Vec<&str> = dependents.iter().map(|d| d.item.id.as_str()).collect();
        body.push(format!(
            "Now waiting for the children instead of {pid}: {}.",
            ids.join(", ")
        ));
    }
    let mut items = vec![parent_entry];
    items.extend(children);
    items.extend(dependents);
    Ok(Outcome {
        change: Change {
            op: "split".to_owned(),
            summary: format!("split {pid} into {}", child_ids.join(", ")),
            body,
            items: items.iter().map(|e| e.item.id.clone()).collect(),
            writes: items
                .iter()
                .map(|e| (e.path.clone(), e.doc.as_str().to_owned()))
                .collect(),
            ..Change::default()
        },
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_parse_give() {
        assert_eq!(parse_give("2=1,3").unwrap(), (2, vec![1, 3]));
        assert_eq!(parse_give(" 1 = 2 ").unwrap(), (1, vec![2]));
        for bad in ["1", "=1", "0=1", "1=0", "1=", "a=1", "1=1,,2"] {
            assert!(parse_give(bad).is_err(), "{bad}");
        }
    }

    fn store_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("backlog")).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join("backlog").join(name), text).unwrap();
        }
        let store = Store::open(dir.path(), std::path::Path::new("backlog"), false).unwrap();
        (dir, store)
    }

    #[test]
    fn test_split_places_children_and_repoints_dependents() {
        let (_dir, store) = store_with(&[
            ("a.md", "---\nid: B-A\ntitle: Before\nrank: a0\n---\n"),
            (
                "p.md",
                "---\nid: B-P\ntitle: Big\ntype: epic\nstatus: ready\nrank: a1\nlabels: [x]\nowner: dana\ndepends_on: [B-A]\n---\nStory.\n\n## Acceptance criteria\n- [ ] One\n- [ ] Two\n- [ ] Three\n",
            ),
            (
                "c.md",
                "---\nid: B-C\ntitle: After\nrank: a2\ndepends_on: [B-P, B-A]\n---\n",
            ),
            (
                "d.md",
                "---\nid: B-D\ntitle: Done\nstatus: done\nrank: a3\ndepends_on: [B-P]\n---\n",
            ),
        ]);
        let loaded = store.load_all();
        let opts = SplitOptions {
            titles: vec!["First".to_owned(), "Second".to_owned()],
            give: vec![(1, vec![1]), (2, vec![3, 1])],
            created: "2026-11-25".to_owned(),
        };
        let out = split(&store, &loaded, "B-P", &opts).unwrap();
        let ids: Vec<&str> = out.items.iter().map(|e| e.item.id.as_str()).collect();
        assert_eq!(
            ids.len(),
            4,
            "parent, two children, one open dependent: {ids:?}"
        );
        let (parent, c1, c2, dep) = (&out.items[0], &out.items[1], &out.items[2], &out.items[3]);
        assert_eq!(parent.item.status.as_deref(), Some("split"));
        assert_eq!(
            parent.doc.body(),
            "Story.\n\n## Acceptance criteria\n- [ ] Two\n",
            "handed-out criteria leave the parent"
        );
        for c in [c1, c2] {
            assert_eq!(c.item.parent.as_deref(), Some("B-P"));
            assert_eq!(c.item.kind.as_deref(), Some("epic"));
            assert_eq!(c.item.labels, ["x"]);
            assert_eq!(c.item.owner.as_deref(), Some("dana"));
            assert_eq!(c.item.depends_on, ["B-A"]);
            assert_eq!(c.item.status.as_deref(), Some("draft"));
        }
        let r1 = c1.item.rank.as_deref().unwrap();
        let r2 = c2.item.rank.as_deref().unwrap();
        assert!("a0" < r1 && r1 < r2 && r2 < "a1", "{r1} {r2}");
        assert_eq!(c1.doc.body(), "## Acceptance criteria\n- [ ] One\n");
        assert_eq!(
            c2.doc.body(),
            "## Acceptance criteria\n- [ ] Three\n- [ ] One\n"
        );
        assert_eq!(dep.item.id, "B-C");
        assert_eq!(
            dep.item.depends_on,
            [c1.item.id.as_str(), c2.item.id.as_str(), "B-A"]
        );
        assert_eq!(out.change.writes.len(), 4);
        assert!(out.change.summary.starts_with("split B-P into "));
    }

    #[test]
    fn test_split_refusals() {
        let (_dir, store) = store_with(&[
            ("p.md", "---\nid: B-P\ntitle: Big\n---\n- [ ] no heading\n"),
            ("s.md", "---\nid: B-S\ntitle: Gone\nstatus: split\n---\n"),
        ]);
        let loaded = store.load_all();
        let opts = |titles: &[&str], give: Vec<(usize, Vec<usize>)>| SplitOptions {
            titles: titles.iter().map(|t| (*t).to_owned()).collect(),
            give,
            created: "2026-11-25".to_owned(),
        };
        assert!(split(&store, &loaded, "B-S", &opts(&["a"], vec![])).is_err());
        assert!(split(&store, &loaded, "B-P", &opts(&[], vec![])).is_err());
        assert!(split(&store, &loaded, "B-P", &opts(&[" "], vec![])).is_err());
        assert!(split(&store, &loaded, "B-P", &opts(&["a"], vec![(2, vec![1])])).is_err());
        let err = split(&store, &loaded, "B-P", &opts(&["a"], vec![(1, vec![1])]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("has 0 acceptance criteria"), "{err}");
        // Unranked parent: children unranked, sharing its (missing → today's) date.
        let out = split(&store, &loaded, "B-P", &opts(&["a", "b"], vec![])).unwrap();
        assert!(out.items[1].item.rank.is_none());
        assert_eq!(out.items[1].item.created.as_deref(), Some("2026-11-25"));
    }
}
