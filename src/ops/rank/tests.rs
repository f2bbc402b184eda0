use super::by::longest_increasing;
use super::index::read_front;
use super::*;
use crate::model::order::OrderFields;
use proptest::prelude::*;

fn entry(id: &str, extra: &str) -> Entry {
    let text = format!("---\nid: {id}\ntitle: {id}\n{extra}---\nBody.\n");
    Entry::from_text(format!("backlog/{id}.md"), &text).unwrap()
}

fn loaded(mut entries: Vec<Entry>) -> Loaded {
    crate::store::sort_entries(&mut entries);
    Loaded {
        entries,
        errors: Vec::new(),
    }
}

/// The backlog after applying an outcome, as IDs in order.
fn after(l: &Loaded, outcome: &Outcome) -> Vec<String> {
    let mut entries: Vec<Entry> = l
        .entries
        .iter()
        .map(|e| {
            outcome
                .items
                .iter()
                .find(|c| c.item.id == e.item.id)
                .unwrap_or(e)
                .clone()
        })
        .collect();
    crate::store::sort_entries(&mut entries);
    entries.into_iter().map(|e| e.item.id).collect()
}

fn backlog(n: usize) -> Loaded {
    let keys = crate::rank::n_keys_between(None, None, n).unwrap();
    loaded(
        keys.iter()
            .enumerate()
            .map(|(i, k)| entry(&format!("I{i}"), &format!("rank: {k}\n")))
            .collect(),
    )
}

#[test]
fn test_move_positions() {
    let l = backlog(4);
    let o = rank_move(&l, "I3", &Position::Before("I1".into())).unwrap();
    assert_eq!(after(&l, &o), ["I0", "I3", "I1", "I2"]);
    assert_eq!(o.change.writes.len(), 1);
    let o = rank_move(&l, "I0", &Position::After("I2".into())).unwrap();
    assert_eq!(after(&l, &o), ["I1", "I2", "I0", "I3"]);
    let o = rank_move(&l, "i2", &Position::Top).unwrap();
    assert_eq!(after(&l, &o), ["I2", "I0", "I1", "I3"]);
    let o = rank_move(&l, "I1", &Position::Bottom).unwrap();
    assert_eq!(after(&l, &o), ["I0", "I2", "I3", "I1"]);
    let o = rank_move(&l, "I1", &Position::After("I0".into())).unwrap();
    assert!(o.change.is_empty());
    assert!(rank_move(&l, "I1", &Position::After("I1".into())).is_err());
    assert!(rank_move(&l, "I9", &Position::Top).is_err());
    assert!(matches!(
        rank_move(&l, "I", &Position::Top),
        Err(OpError::Store(StoreError::Ambiguous { .. }))
    ));
}

#[test]
fn test_move_unranked() {
    let l = loaded(vec![
        entry("R", "rank: a0\n"),
        entry("U1", "created: 2026-01-01\n"),
        entry("U2", "created: 2026-01-02\n"),
    ]);
    let o = rank_move(&l, "U2", &Position::Bottom).unwrap();
    assert_eq!(after(&l, &o), ["R", "U2", "U1"]);
    let o = rank_move(&l, "U1", &Position::Bottom).unwrap();
    assert_eq!(o.change.writes.len(), 1, "an unranked item gets a key");
    let o = rank_move(&l, "R", &Position::After("U2".into())).unwrap();
    assert_eq!(after(&l, &o), ["U2", "R", "U1"]);
    assert_eq!(o.change.items, ["U2", "R"]);
    let o = rank_move(&l, "U2", &Position::Before("R".into())).unwrap();
    assert_eq!(after(&l, &o), ["U2", "R", "U1"]);
}

#[test]
fn test_collision_and_invalid_keys_are_explained() {
    let l = loaded(vec![
        entry("A", "rank: a0\n"),
        entry("B", "rank: a0\n"),
        entry("C", "rank: a1\n"),
    ]);
    let err = rank_move(&l, "C", &Position::Before("B".into())).unwrap_err();
    assert!(err.to_string().contains("--rebalance"), "{err}");
    let o = rebalance(&l).unwrap();
    assert_eq!(o.change.items, ["B", "C"]);
    let l = loaded(vec![entry("A", "rank: \"a!\"\n"), entry("B", "rank: b\n")]);
    let err = rank_move(&l, "B", &Position::Top).unwrap_err();
    assert!(err.to_string().contains("backlog/A.md:4:"), "{err}");
}

#[test]
fn test_rebalance_touches_only_changed_keys() {
    let l = loaded(vec![
        entry("A", "rank: a0\n"),
        entry("B", "rank: a0V\n"),
        entry("C", "rank: a2\n"),
        entry("D", "created: 2026-01-01\n"),
    ]);
    let o = rebalance(&l).unwrap();
    assert_eq!(o.change.items, ["B"]);
    assert_eq!(after(&l, &o), ["A", "B", "C", "D"]);
    assert!(o.items[0].doc.as_str().contains("rank: a1\n"));
}

#[test]
fn test_longest_increasing() {
    assert_eq!(longest_increasing(&[3, 1, 2, 5, 4, 6]), [1, 2, 4, 5]);
    assert!(longest_increasing(&[]).is_empty());
}

#[test]
fn test_rank_by_example_and_idempotence() {
    let l = loaded(vec![
        entry("A", "rank: a0\nvalue: 8\nestimate: 2\n"),
        entry("B", "rank: a1\nvalue: 3\nestimate: 3\n"),
        entry("C", "rank: a2\nvalue: 13\nestimate: 1\ndepends_on: [B]\n"),
        entry("D", "rank: a3\nvalue: 6\nestimate: 3\n"),
        entry("X", "rank: a4\nstatus: done\nvalue: 100\nestimate: 1\n"),
    ]);
    let config = Config::default();
    let r = rank_by(&l, &config, Model::Wsjf, &Filter::default()).unwrap();
    let ids: Vec<&str> = r.order.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["B", "C", "A", "D"]);
    assert_eq!(after(&l, &r.outcome), ["B", "C", "A", "D", "X"]);
    assert_eq!(r.outcome.change.items, ["A"]);
    assert_eq!(r.skipped_closed, 1);
    let l2 = loaded(
        l.entries
            .iter()
            .map(|e| {
                r.outcome
                    .items
                    .iter()
                    .find(|c| c.item.id == e.item.id)
                    .unwrap_or(e)
                    .clone()
            })
            .collect(),
    );
    let again = rank_by(&l2, &config, Model::Wsjf, &Filter::default()).unwrap();
    assert!(again.outcome.change.is_empty());
}

#[test]
fn test_rank_by_filter_leaves_others_alone() {
    let l = loaded(vec![
        entry("A", "rank: a0\nstatus: ready\nvalue: 1\nestimate: 1\n"),
        entry("O", "rank: a1\nvalue: 50\nestimate: 1\n"),
        entry("B", "rank: a2\nstatus: ready\nvalue: 5\nestimate: 1\n"),
        entry(
            "U",
            "status: ready\nvalue: 9\nestimate: 1\ncreated: 2026-01-01\n",
        ),
    ]);
    let filter = Filter {
        status: vec!["ready".into()],
        ..Filter::default()
    };
    let r = rank_by(&l, &Config::default(), Model::ValueEffort, &filter).unwrap();
    assert_eq!(after(&l, &r.outcome), ["U", "B", "A", "O"]);
    assert_eq!(r.outcome.change.writes.len(), 2);
    assert!(!r.outcome.change.items.contains(&"O".to_owned()));
    assert!(r.outside_dependencies.is_empty());
    let l = loaded(vec![
        entry("O", "rank: a0\nvalue: 1\nestimate: 1\n"),
        entry("P", "rank: a1\nstatus: draft\n"),
        entry(
            "A",
            "rank: a2\nstatus: ready\nvalue: 9\nestimate: 1\ndepends_on: [P]\n",
        ),
    ]);
    let r = rank_by(&l, &Config::default(), Model::Wsjf, &filter).unwrap();
    assert!(r.outcome.change.is_empty());
    assert!(r.outside_dependencies.is_empty());
    let l = loaded(vec![
        entry(
            "A",
            "rank: a0\nstatus: ready\nvalue: 9\nestimate: 1\ndepends_on: [P]\n",
        ),
        entry("P", "rank: a1\nstatus: draft\n"),
    ]);
    let r = rank_by(&l, &Config::default(), Model::Wsjf, &filter).unwrap();
    assert_eq!(r.outside_dependencies, [("A".to_owned(), "P".to_owned())]);
}

#[test]
fn test_rank_index_matches_full_load() {
    let dir = tempfile::tempdir().unwrap();
    let backlog = dir.path().join("backlog");
    std::fs::create_dir_all(&backlog).unwrap();
    let files = [
        "---\nid: P-1\ntitle: Plain\nrank: a1\ncreated: 2026-01-02\n---\n",
        "---\r\nid: P-2\r\nrank: \"a0V\"  # quoted, commented\r\n---\r\n",
        "\u{feff}---\nid: 'P-3'\ntitle: BOM\nlabels:\n- a\n- b\nrank: a2 # c\n---\n",
        "---\nid: P-4\nrank:\n  a3\n---\n",
        "---\nid: P-5\ntitle: unranked\ncreated: 2026-01-01\n---\n",
        "---\nid: P-6\nrank: ~\ncreated: 2025-12-31\n---\n",
        "---\nid: P-7\nrank: [a, b]\n---\n",
        "---\nid: P-8\nrank: a0\nrank: a9\n---\n",
        "---\ntitle: no id\n---\n",
        "---\nid: P-9\n\"rank\": a00V\n---\n",
        "---\nid: P-10\nrank: true\n---\n",
    ];
    for (i, text) in files.iter().enumerate() {
        std::fs::write(backlog.join(format!("f{i}.md")), text).unwrap();
    }
    let store = Store::open(dir.path(), std::path::Path::new("backlog"), false).unwrap();
    let full = store.load_all();
    let index = rank_index(&store);
    let full_view: Vec<(String, Option<String>, String)> = full
        .entries
        .iter()
        .map(|e| (e.item.id.clone(), e.item.rank.clone(), e.path.clone()))
        .collect();
    let index_view: Vec<(String, Option<String>, String)> = index
        .slots
        .iter()
        .map(|s| (s.id.clone(), s.rank.clone(), s.path.clone()))
        .collect();
    assert_eq!(index_view, full_view);
    let error_paths =
        |errors: &[LoadError]| -> Vec<String> { errors.iter().map(|e| e.path.clone()).collect() };
    assert_eq!(error_paths(&index.errors), error_paths(&full.errors));
    assert_eq!(
        read_front(&backlog.join("f0.md")).as_deref(),
        Some("id: P-1\ntitle: Plain\nrank: a1\ncreated: 2026-01-02\n")
    );
    assert!(read_front(&backlog.join("f1.md")).is_some());
    assert!(
        read_front(&backlog.join("f2.md")).is_some(),
        "BOM: as the document reads it"
    );
    let p2 = index.slots.iter().find(|s| s.id == "P-2").unwrap();
    assert_eq!(p2.rank_line, 3);

    let r = rank_move_indexed(&store, &index, "P-5", &Position::Top).unwrap();
    assert_eq!(r.outcome.change.writes.len(), 1);
    assert_eq!(r.outcome.change.items, ["P-5"]);
    assert_eq!(r.outcome.change.summary, format!("rank P-5: {}", r.place));
    let top = index.slots[0].id.clone();
    let r = rank_move_indexed(&store, &index, &top, &Position::Top).unwrap();
    assert!(r.outcome.change.is_empty());
    assert!(!r.place.is_empty());
    let o = rebalance_indexed(&store, &index).unwrap();
    let full_o = rebalance(&full).unwrap();
    assert_eq!(o.change, full_o.change);
    assert!(!o.change.is_empty());

    let plain = "id: P-1\ntitle: x\nlabels:\n- a\nrank: a0 # c\ncreated: 2026-01-01\n";
    assert_eq!(
        OrderFields::scan(plain),
        Some(OrderFields {
            id: "P-1".into(),
            rank: Some("a0".into()),
            created: Some("2026-01-01".into()),
            rank_line: Some(4),
        })
    );
    assert_eq!(OrderFields::scan("id: P-1\nrank:\n  a0\n"), None);
    assert_eq!(OrderFields::scan("id: P-1\nrank: 0x1F\n"), None);
    assert_eq!(OrderFields::scan("title: t\n"), None);
    // A quoted key with an escape is read as the YAML parser reads it.
    assert_eq!(
        OrderFields::scan("id: P-1\nrank: \"a\\\"\"\n").map(|f| f.rank),
        Some(Some("a\"".into()))
    );
}

proptest! {
    #[test]
    fn prop_rank_by_reaches_target_and_keeps_others(
        specs in proptest::collection::vec((0u32..6, 0u32..4, proptest::bool::ANY, 0u8..4), 1..25)
    ) {
        let keys = crate::rank::n_keys_between(None, None, specs.len()).unwrap();
        let entries: Vec<Entry> = specs.iter().enumerate().map(|(i, (v, e, ready, r))| {
            let rank = if *r == 0 { String::new() } else { format!("rank: {}\n", keys[i]) };
            let value = if *v == 0 { String::new() } else { format!("value: {v}\n") };
            let status = if *ready { "status: ready\n" } else { "" };
            entry(&format!("I{i:02}"), &format!("{rank}{value}estimate: {e}\n{status}created: 2026-01-{:02}\n", i + 1))
        }).collect();
        let l = loaded(entries);
        let filter = Filter { status: vec!["ready".into()], ..Filter::default() };
        let r = rank_by(&l, &Config::default(), Model::ValueEffort, &filter).unwrap();
        let result = after(&l, &r.outcome);
        let selected: Vec<&String> = result.iter().filter(|id| r.order.iter().any(|p| &p.id == *id)).collect();
        let wanted: Vec<&String> = r.order.iter().map(|p| &p.id).collect();
        prop_assert_eq!(selected, wanted);
        let others: Vec<&String> = result.iter().filter(|id| !r.order.iter().any(|p| &p.id == *id)).collect();
        let before: Vec<&String> = l.entries.iter().map(|e| &e.item.id).filter(|id| !r.order.iter().any(|p| &p.id == *id)).collect();
        prop_assert_eq!(others, before);
        for c in &r.outcome.items {
            prop_assert!(r.order.iter().any(|p| p.id == c.item.id));
        }
    }
}

#[test]
fn test_filter_matches_case_insensitively_and_validates() {
    let e = entry(
        "B-1",
        "status: ready\ntype: story\nlabels: [Auth, Über]\nowner: dana\n",
    );
    let f = |status: &[&str], label: &[&str], owner: Option<&str>, kind: Option<&str>| Filter {
        status: status.iter().map(|s| (*s).to_owned()).collect(),
        label: label.iter().map(|s| (*s).to_owned()).collect(),
        owner: owner.map(str::to_owned),
        kind: kind.map(str::to_owned),
        wheres: Vec::new(),
    };
    assert!(
        f(&["READY"], &["auth"], Some("Dana"), Some("Story")).matches(&e.item, &Config::default())
    );
    assert!(f(&[], &["über"], None, None).matches(&e.item, &Config::default()));
    assert!(!f(&["draft"], &[], None, None).matches(&e.item, &Config::default()));
    assert!(!f(&[], &[], Some("marco"), None).matches(&e.item, &Config::default()));
    let config = Config::default();
    assert!(
        f(&["Ready", "split"], &["x"], Some("x"), Some("BUG"))
            .validate(&config)
            .is_ok()
    );
    let err = f(&["nonsense"], &[], None, None)
        .validate(&config)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("known: draft, ready, in-progress, done"),
        "{err}"
    );
    let err = f(&[], &[], None, Some("storey"))
        .validate(&config)
        .unwrap_err();
    assert!(err.to_string().contains("unknown type \"storey\""), "{err}");
}
