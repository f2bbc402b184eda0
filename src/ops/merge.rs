//! `merge DUP --into KEEP`: fold a duplicate into the item that stays.
//!
//! KEEP gains DUP's labels and dependencies it lacks and the acceptance criteria it lacks
//! (appended after its last criterion, compared ignoring case and spacing). Every
//! `depends_on`, `parent` and `duplicate_of` that named DUP names KEEP instead (no
//! duplicates in lists, no item depending on itself). DUP is closed with status
//! `duplicate` and `duplicate_of: KEEP`. Only the lines that change are rewritten, and
//! everything is one change.
//!
//! A done DUP is refused (merging it would take finished work out of velocity and make
//! its dependents wait again), and so is a `split` DUP (its children carry its work).
//! Merging into a done KEEP is allowed (a new item that duplicates finished work), and
//! the commit body says that KEEP gains unchecked criteria.

use crate::config::{DUPLICATE, SPLIT};
use crate::document::FieldValue;
use crate::ops::{OpError, Outcome, criteria, refresh};
use crate::store::{Entry, Loaded};
use crate::workspace::Change;

fn same(a: &str, b: &str) -> bool {
    crate::id::key(a.trim()) == crate::id::key(b.trim())
}

/// `list` with every `from` replaced by `to`, duplicates and `drop` removed.
fn repoint(list: &[String], from: &str, to: &str, drop: &str) -> Vec<String> {
    crate::ops::repoint_references(list, from, &[to.to_owned()], Some(drop))
}

/// Whether `start` depends, directly or transitively, on any of `targets`.
fn waits_for(loaded: &Loaded, start: &str, targets: &[&str]) -> bool {
    let mut seen: Vec<String> = vec![crate::id::key(start)];
    let mut stack: Vec<&str> = vec![start];
    while let Some(id) = stack.pop() {
        let Some(entry) = loaded.get(id.trim()) else {
            continue;
        };
        for d in &entry.item.depends_on {
            if targets.iter().any(|t| same(t, d)) {
                return true;
            }
            let key = crate::id::key(d);
            if !seen.contains(&key) {
                seen.push(key);
                stack.push(d);
            }
        }
    }
    false
}

/// Merges `dup_id` into `keep_id` (exact IDs present in `loaded`); `config` says which
/// statuses are done.
pub fn merge(
    loaded: &Loaded,
    config: &crate::config::Config,
    dup_id: &str,
    keep_id: &str,
) -> Result<Outcome, OpError> {
    let find = |id: &str| {
        loaded
            .get(id)
            .ok_or_else(|| OpError::UnknownItem(id.to_owned()))
    };
    let dup = find(dup_id)?;
    let keep = find(keep_id)?;
    let (did, kid) = (dup.item.id.clone(), keep.item.id.clone());
    if same(&did, &kid) {
        return Err(OpError::Refused(format!("cannot merge {did} into itself")));
    }
    if dup.item.status.as_deref() == Some(DUPLICATE) {
        return Err(OpError::Refused(format!(
            "{did} is already a duplicate{}",
            dup.item
                .duplicate_of
                .as_ref()
                .map_or_else(String::new, |o| format!(" of {o}"))
        )));
    }
    let dup_status = config.status(&dup.item);
    if config.is_done_status(dup_status) {
        return Err(OpError::RefusedWithHints {
            message: format!(
                "{did} is {dup_status}: merging finished work as a duplicate would rewrite \
                 history (its points leave velocity, its dependents wait for {kid} again)"
            ),
            hints: vec![
                format!(
                    "if {kid} repeats {did}, merge the other way: `backlog merge {kid} --into {did}`"
                ),
                format!(
                    "or close {kid} by hand: `backlog set {kid} status=duplicate duplicate_of={did}`"
                ),
            ],
        });
    }
    if dup_status == SPLIT {
        return Err(OpError::RefusedWithHints {
            message: format!("{did} is closed (split): its children carry its work"),
            hints: vec![format!(
                "merge the children that duplicate {kid} instead (`backlog show {did}` lists them)"
            )],
        });
    }
    let keep_status = config.status(&keep.item);
    if crate::config::CLOSED_STATUSES.contains(&keep_status) {
        let hint = match (&keep.item.duplicate_of, keep_status) {
            (Some(o), DUPLICATE) => format!("; merge into {o} instead"),
            _ => String::new(),
        };
        return Err(OpError::Refused(format!(
            "{kid} is closed ({keep_status}){hint}"
        )));
    }
    let mut notes: Vec<String> = Vec::new();
    // KEEP: labels, dependencies, criteria.
    let mut keep_entry = keep.clone();
    let mut labels = keep.item.labels.clone();
    let new_labels: Vec<String> = dup
        .item
        .labels
        .iter()
        .filter(|l| !keep.item.labels.contains(l))
        .cloned()
        .collect();
    if !new_labels.is_empty() {
        for l in &new_labels {
            if !labels.contains(l) {
                labels.push(l.clone());
            }
        }
        keep_entry.doc.set("labels", &FieldValue::List(labels));
        notes.push(format!("Labels added to {kid}: {}.", new_labels.join(", ")));
    }
    let mut deps = repoint(&keep.item.depends_on, &did, &kid, &kid);
    let before = deps.len();
    let mut cyclic: Vec<String> = Vec::new();
    for d in repoint(&dup.item.depends_on, &did, &kid, &kid) {
        if deps.iter().any(|x| same(x, &d)) {
            continue;
        }
        if waits_for(loaded, &d, &[&kid, &did]) {
            cyclic.push(d);
        } else {
            deps.push(d);
        }
    }
    if !cyclic.is_empty() {
        notes.push(format!(
            "Not added to {kid} (they wait for it, a cycle): {}.",
            cyclic.join(", ")
        ));
    }
    if deps != keep.item.depends_on {
        if before < deps.len() {
            notes.push(format!(
                "Dependencies added to {kid}: {}.",
                deps[before..].join(", ")
            ));
        }
        if deps.is_empty() {
            keep_entry.doc.remove("depends_on");
        } else {
            keep_entry.doc.set("depends_on", &FieldValue::List(deps));
        }
    }
    if keep.item.parent.as_deref().is_some_and(|p| same(p, &did)) {
        keep_entry.doc.remove("parent");
    }
    let keep_criteria = criteria::sources(keep.doc.body());
    let mut known: Vec<String> = keep_criteria
        .iter()
        .map(|c| criteria::comparable(&c.text))
        .collect();
    let dup_criteria = criteria::sources(dup.doc.body());
    let mut added: Vec<&str> = Vec::new();
    for c in &dup_criteria {
        let key = criteria::comparable(&c.text);
        if !known.contains(&key) {
            known.push(key);
            added.push(c.raw.as_str());
        }
    }
    if !added.is_empty() {
        let body = criteria::append(keep_entry.doc.body(), &added, keep_entry.doc.newline());
        keep_entry.doc.set_body(&body);
        notes.push(format!(
            "{} acceptance criteri{} added to {kid}.",
            added.len(),
            if added.len() == 1 { "on" } else { "a" }
        ));
        if config.is_done_status(keep_status) {
            notes.push(format!(
                "{kid} is {keep_status}: check the criteria it gained, or reopen it."
            ));
        }
    }
    let keep_entry = refresh(keep_entry)?;

    // DUP: closed as a duplicate of KEEP.
    let dup_entry = crate::ops::edited(dup, |doc| {
        doc.set("status", &FieldValue::Str(DUPLICATE.to_owned()));
        doc.set("duplicate_of", &FieldValue::Str(kid.clone()));
    })?;

    // Every other reference to DUP.
    let mut others: Vec<Entry> = Vec::new();
    let mut repointed: Vec<String> = Vec::new();
    for e in &loaded.entries {
        if same(&e.item.id, &did) || same(&e.item.id, &kid) {
            continue;
        }
        let mut entry = e.clone();
        let mut keys: Vec<&str> = Vec::new();
        if e.item.depends_on.iter().any(|d| same(d, &did)) {
            let deps = repoint(&e.item.depends_on, &did, &kid, &e.item.id);
            entry.doc.set("depends_on", &FieldValue::List(deps));
            keys.push("depends_on");
        }
        for key in ["parent", "duplicate_of"] {
            let value = if key == "parent" {
                &e.item.parent
            } else {
                &e.item.duplicate_of
            };
            if value.as_deref().is_some_and(|v| same(v, &did)) {
                entry.doc.set(key, &FieldValue::Str(kid.clone()));
                keys.push(key);
            }
        }
        if !keys.is_empty() {
            repointed.push(format!("{} ({})", e.item.id, keys.join(", ")));
            others.push(refresh(entry)?);
        }
    }
    if !repointed.is_empty() {
        notes.push(format!(
            "References to {did} now name {kid}: {}.",
            repointed.join(", ")
        ));
    }

    let mut items = Vec::with_capacity(others.len() + 2);
    if keep_entry.doc.as_str() != keep.doc.as_str() {
        items.push(keep_entry);
    }
    items.push(dup_entry);
    items.extend(others);
    let writes: Vec<(String, String)> = items
        .iter()
        .map(|e| (e.path.clone(), e.doc.as_str().to_owned()))
        .collect();
    Ok(Outcome {
        change: Change {
            op: "merge".to_owned(),
            summary: format!("merge {did} into {kid}"),
            body: notes,
            items: items.iter().map(|e| e.item.id.clone()).collect(),
            writes,
            ..Change::default()
        },
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn loaded(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("backlog")).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join("backlog").join(name), text).unwrap();
        }
        let store = Store::open(dir.path(), std::path::Path::new("backlog"), false).unwrap();
        let loaded = store.load_all();
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        (dir, loaded)
    }

    #[test]
    fn test_repoint_dedupes_and_drops_self() {
        let l = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            repoint(&l(&["B-D", "B-K", "B-X"]), "B-D", "B-K", "B-Z"),
            ["B-K", "B-X"]
        );
        assert_eq!(repoint(&l(&["b-d", "B-X"]), "B-D", "B-K", "B-K"), ["B-X"]);
    }

    #[test]
    fn test_merge_folds_everything_into_keep() {
        let (_dir, loaded) = loaded(&[
            (
                "k.md",
                "---\nid: B-K\ntitle: Keep\nlabels: [a]\ndepends_on: [B-D]\n---\nStory.\n\n## Acceptance criteria\n- [ ] Shared one\n\n## Notes\nKeep me.\n",
            ),
            (
                "d.md",
                "---\nid: B-D\ntitle: Dup\nlabels: [a, b]\ndepends_on: [B-X]\n---\n## Acceptance criteria\n- [ ] shared   ONE\n- [x] Only in dup `code`\n",
            ),
            ("x.md", "---\nid: B-X\ntitle: Base\n---\n"),
            (
                "y.md",
                "---\nid: B-Y\ntitle: Waits\ndepends_on: [B-D, B-K]\n---\n",
            ),
            (
                "z.md",
                "---\nid: B-Z\ntitle: Child\nparent: B-D # was dup\n---\n",
            ),
            (
                "w.md",
                "---\nid: B-W\ntitle: Older dup\nstatus: duplicate\nduplicate_of: B-D\n---\n",
            ),
        ]);
        let out = merge(&loaded, &crate::config::Config::default(), "B-D", "B-K").unwrap();
        let get = |id: &str| out.items.iter().find(|e| e.item.id == id).unwrap();
        let keep = get("B-K");
        assert_eq!(keep.item.labels, ["a", "b"]);
        assert_eq!(keep.item.depends_on, ["B-X"], "no self-dependency");
        assert_eq!(
            keep.doc.body(),
            "Story.\n\n## Acceptance criteria\n- [ ] Shared one\n- [x] Only in dup `code`\n\n## Notes\nKeep me.\n"
        );
        let dup = get("B-D");
        assert_eq!(dup.item.status.as_deref(), Some("duplicate"));
        assert_eq!(dup.item.duplicate_of.as_deref(), Some("B-K"));
        assert_eq!(get("B-Y").item.depends_on, ["B-K"]);
        assert!(get("B-Z").doc.as_str().contains("parent: B-K # was dup\n"));
        assert_eq!(get("B-W").item.duplicate_of.as_deref(), Some("B-K"));
        assert_eq!(out.change.writes.len(), 5, "B-X is untouched");
        assert_eq!(out.change.summary, "merge B-D into B-K");
    }

    #[test]
    fn test_merge_does_not_create_dependency_cycles() {
        let (_dir, loaded) = loaded(&[
            ("k.md", "---\nid: B-K\ntitle: Keep\n---\n"),
            (
                "d.md",
                "---\nid: B-D\ntitle: Dup\ndepends_on: [B-X, B-Q]\n---\n",
            ),
            (
                "x.md",
                "---\nid: B-X\ntitle: Waits for keep\ndepends_on: [B-K]\n---\n",
            ),
            ("q.md", "---\nid: B-Q\ntitle: Free\n---\n"),
        ]);
        let out = merge(&loaded, &crate::config::Config::default(), "B-D", "B-K").unwrap();
        let keep = out.items.iter().find(|e| e.item.id == "B-K").unwrap();
        assert_eq!(keep.item.depends_on, ["B-Q"]);
        assert!(
            out.change.body.iter().any(|l| l.contains("a cycle): B-X")),
            "{:?}",
            out.change.body
        );
    }

    #[test]
    fn test_merge_refusals() {
        let (_dir, loaded) = loaded(&[
            ("k.md", "---\nid: B-K\ntitle: Keep\n---\n"),
            (
                "d.md",
                "---\nid: B-D\ntitle: Dup\nstatus: duplicate\nduplicate_of: B-K\n---\n",
            ),
            ("s.md", "---\nid: B-S\ntitle: Split\nstatus: split\n---\n"),
        ]);
        assert!(merge(&loaded, &crate::config::Config::default(), "B-K", "B-K").is_err());
        assert!(
            merge(&loaded, &crate::config::Config::default(), "B-D", "B-K")
                .unwrap_err()
                .to_string()
                .contains("already")
        );
        let err = merge(&loaded, &crate::config::Config::default(), "B-K", "B-D")
            .unwrap_err()
            .to_string();
        assert!(err.contains("merge into B-K instead"), "{err}");
        assert!(merge(&loaded, &crate::config::Config::default(), "B-K", "B-S").is_err());
    }

    #[test]
    fn test_merge_refuses_a_done_or_split_duplicate() {
        let config = crate::config::Config::default();
        let (_dir, loaded) = loaded(&[
            ("k.md", "---\nid: B-K\ntitle: Keep\n---\n"),
            ("d.md", "---\nid: B-D\ntitle: Done\nstatus: done\n---\n"),
            ("s.md", "---\nid: B-S\ntitle: Split\nstatus: split\n---\n"),
        ]);
        match merge(&loaded, &config, "B-D", "B-K") {
            Err(OpError::RefusedWithHints { message, hints }) => {
                assert!(message.contains("B-D is done"), "{message}");
                assert!(
                    hints[0].contains("backlog merge B-K --into B-D"),
                    "{hints:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            merge(&loaded, &config, "B-S", "B-K"),
            Err(OpError::RefusedWithHints { .. })
        ));
        // Into a done KEEP is allowed, and said when it gains criteria.
        assert!(merge(&loaded, &config, "B-K", "B-D").is_ok());
    }
}
