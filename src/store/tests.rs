use super::*;
use proptest::prelude::*;

fn item(id: &str, rank: Option<&str>, created: Option<&str>) -> String {
    let mut text = format!("---\nid: {id}\ntitle: Item {id}\n");
    if let Some(r) = rank {
        text.push_str(&format!("rank: {r}\n"));
    }
    if let Some(c) = created {
        text.push_str(&format!("created: {c}\n"));
    }
    text.push_str("---\nAs a user, I want x so that y.\n");
    text
}

fn entry(id: &str, rank: Option<&str>, created: Option<&str>) -> Entry {
    let doc = Document::parse(item(id, rank, created).as_bytes()).unwrap();
    let item = Item::from_document(&doc).unwrap();
    Entry {
        path: format!("backlog/{id}.md"),
        doc,
        item,
    }
}

fn store_with(files: &[(&str, String)]) -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = tmp.path().join("backlog").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::create_dir_all(tmp.path().join("backlog")).unwrap();
    let store = Store::open(tmp.path(), Path::new("backlog"), false).unwrap();
    (tmp, store)
}

proptest! {
    /// Sorting through an index permutation gives what a plain stable sort gives.
    #[test]
    fn prop_sort_entries_matches_stable_sort(
        specs in proptest::collection::vec((0u8..4, proptest::option::of(0u8..5), proptest::option::of(0u8..3)), 0..40),
    ) {
        let entries: Vec<Entry> = specs
            .iter()
            .enumerate()
            .map(|(i, (id, rank, created))| {
                let mut e = entry(
                    &format!("B-{id}"),
                    rank.map(|r| format!("a{r}")).as_deref(),
                    created.map(|c| format!("2026-01-0{}", c + 1)).as_deref(),
                );
                e.path = format!("backlog/{i}.md");
                e
            })
            .collect();
        let mut expected = entries.clone();
        expected.sort_by(|a, b| OrderKey::of_item_ref(&a.item).cmp(&OrderKey::of_item_ref(&b.item)));
        let mut got = entries;
        sort_entries(&mut got);
        let paths = |v: &[Entry]| v.iter().map(|e| e.path.clone()).collect::<Vec<_>>();
        prop_assert_eq!(paths(&got), paths(&expected));
    }
}

#[test]
fn test_find_root_outside_git_climbs_only_into_a_real_backlog() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = Path::new("backlog");
    std::fs::create_dir_all(root.join("a/backlog")).unwrap();
    std::fs::create_dir_all(root.join("a/b/c")).unwrap();
    // A folder merely named `backlog` above: not climbed into.
    assert_eq!(find_root(&root.join("a/b/c"), dir), root.join("a/b/c"));
    // One with a config.yml is a backlog.
    std::fs::write(root.join("a/backlog/config.yml"), "").unwrap();
    assert_eq!(find_root(&root.join("a/b/c"), dir), root.join("a"));
    // The start's own folder wins, config or not.
    std::fs::create_dir_all(root.join("a/b/backlog")).unwrap();
    assert_eq!(find_root(&root.join("a/b"), dir), root.join("a/b"));
}

#[test]
fn test_relative_to() {
    let rel = |to: &str, from: &str| {
        relative_to(Path::new(to), Path::new(from))
            .display()
            .to_string()
    };
    assert_eq!(rel("/r/backlog", "/r/src"), "../backlog");
    assert_eq!(rel("/r/backlog", "/r/a/b"), "../../backlog");
    assert_eq!(rel("/r/x/backlog", "/r"), "x/backlog");
    assert_eq!(rel("/r", "/r"), ".");
}

#[test]
fn test_result_of_entry_is_no_larger_than_entry() {
    // load_all relies on this to turn its results into entries in place.
    assert_eq!(
        std::mem::size_of::<Result<Entry, LoadError>>(),
        std::mem::size_of::<Entry>()
    );
}

#[test]
fn test_relative_fast_and_slow_paths_agree() {
    let store = Store {
        root: PathBuf::from("/work/repo"),
        dir: PathBuf::from("/work/repo/backlog"),
        config: Config::default(),
    };
    for (path, rel) in [
        ("/work/repo/backlog/B-1-x.md", "backlog/B-1-x.md"),
        ("/work/repo/backlog/sub/B-2.md", "backlog/sub/B-2.md"),
        ("/work/repo/backlog//B-3.md", "backlog/B-3.md"),
        ("/work/repo/./backlog/B-4.md", "backlog/B-4.md"),
        ("backlog/B-5.md", "backlog/B-5.md"),
        ("/work/repository/B-6.md", "work/repository/B-6.md"),
    ] {
        assert_eq!(store.relative(Path::new(path)), rel, "{path}");
    }
}

#[test]
fn test_item_files_skips_hidden_and_readme_and_sorts() {
    let (_tmp, store) = store_with(&[
        ("B-2-b.md", item("B-2", None, None)),
        ("B-1-a.md", item("B-1", None, None)),
        ("README.md", "# readme\n".to_owned()),
        (".B-9-hidden.md", item("B-9", None, None)),
        (".hidden/B-8.md", item("B-8", None, None)),
        ("sub/B-3-c.md", item("B-3", None, None)),
        ("notes.txt", "x".to_owned()),
    ]);
    let (files, errors) = store.item_files();
    let rel: Vec<String> = files.iter().map(|p| store.relative(p)).collect();
    assert_eq!(
        rel,
        [
            "backlog/B-1-a.md",
            "backlog/B-2-b.md",
            "backlog/sub/B-3-c.md"
        ]
    );
    assert!(errors.is_empty());
}

#[cfg(unix)]
#[test]
fn test_symlink_outside_is_reported_not_followed() {
    let (tmp, store) = store_with(&[("B-1-a.md", item("B-1", None, None))]);
    let outside = tmp.path().join("secret.md");
    std::fs::write(&outside, item("B-7", None, None)).unwrap();
    std::os::unix::fs::symlink(&outside, tmp.path().join("backlog/B-7-link.md")).unwrap();
    std::os::unix::fs::symlink(
        tmp.path().join("backlog/B-1-a.md"),
        tmp.path().join("backlog/B-6-inside.md"),
    )
    .unwrap();
    let (files, errors) = store.item_files();
    // The inside link points at a file the walk loads anyway: not loaded twice.
    assert_eq!(files.len(), 1);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "backlog/B-7-link.md");
    assert!(matches!(
        store.find("B-7"),
        Err(StoreError::UnknownItem { .. })
    ));
}

#[test]
fn test_find_by_id_prefix_case_and_depth() {
    let (_tmp, store) = store_with(&[
        ("B-7KX2-sign-in.md", item("B-7KX2", Some("a0"), None)),
        ("B-7KQ1-other.md", item("B-7KQ1", Some("a1"), None)),
        ("deep/er/B-Z9-nested.md", item("B-Z9", None, None)),
        ("renamed.md", item("B-R1", None, None)),
    ]);
    assert_eq!(store.find("b-7kx2").unwrap().item.id, "B-7KX2");
    assert_eq!(store.find("B-7KQ").unwrap().item.id, "B-7KQ1");
    assert_eq!(
        store.find("b-z9").unwrap().path,
        "backlog/deep/er/B-Z9-nested.md"
    );
    // A file not named after its ID is still found, by loading everything.
    assert_eq!(store.find("B-R1").unwrap().path, "backlog/renamed.md");
    match store.find("B-7K") {
        Err(StoreError::Ambiguous { matches, .. }) => {
            assert_eq!(matches, ["B-7KQ1", "B-7KX2"]);
        }
        other => panic!("expected ambiguity, got {other:?}"),
    }
    match store.find("B-7KX3") {
        Err(StoreError::UnknownItem { suggestions, .. }) => {
            assert!(suggestions.contains(&"B-7KX2".to_owned()));
        }
        other => panic!("expected unknown, got {other:?}"),
    }
}

#[test]
fn test_find_prefers_an_exact_id_in_a_misnamed_file_over_named_prefix_matches() {
    // Found by the crash test: `fmt` interrupted before it renamed `copy-of-CR-1.md`
    // back, and `set CR-1` said CR-1 was ambiguous (CR-10, CR-11).
    let (_tmp, store) = store_with(&[
        ("CR-10-a.md", item("CR-10", None, None)),
        ("CR-11-b.md", item("CR-11", None, None)),
        ("copy-of-CR-1.md", item("CR-1", None, None)),
        ("B-7-c.md", item("B-7", None, None)),
        ("B-77-d.md", item("B-77", None, None)),
    ]);
    assert_eq!(store.find("CR-1").unwrap().path, "backlog/copy-of-CR-1.md");
    assert_eq!(store.find("cr-10").unwrap().item.id, "CR-10");
    assert_eq!(store.find("B-7").unwrap().item.id, "B-7");
    // A unique prefix still names its item, when no ID is exactly the query.
    assert_eq!(store.find("B-77").unwrap().item.id, "B-77");
    assert_eq!(store.find("CR-11").unwrap().item.id, "CR-11");
    match store.find("CR-") {
        Err(StoreError::Ambiguous { matches, .. }) => assert_eq!(matches.len(), 3),
        other => panic!("expected ambiguity, got {other:?}"),
    }
    match store.find("CR-2") {
        Err(StoreError::UnknownItem { suggestions, .. }) => {
            assert!(suggestions.contains(&"CR-1".to_owned()), "{suggestions:?}");
        }
        other => panic!("expected unknown, got {other:?}"),
    }
}

#[test]
fn test_find_reports_broken_file_named_after_query() {
    let (_tmp, store) = store_with(&[("B-1-broken.md", "---\nid: [\n---\n".to_owned())]);
    match store.find("B-1") {
        Err(StoreError::Load(e)) => assert_eq!(e.path, "backlog/B-1-broken.md"),
        other => panic!("expected a load error, got {other:?}"),
    }
}

#[test]
fn test_load_all_orders_and_collects_errors() {
    let (_tmp, store) = store_with(&[
        ("B-1.md", item("B-1", Some("a2"), None)),
        ("B-2.md", item("B-2", Some("a1"), None)),
        ("B-3.md", item("B-3", None, Some("2026-01-01"))),
        ("B-4.md", "no front matter\n".to_owned()),
    ]);
    let loaded = store.load_all();
    let ids: Vec<&str> = loaded.entries.iter().map(|e| e.item.id.as_str()).collect();
    assert_eq!(ids, ["B-2", "B-1", "B-3"]);
    assert_eq!(loaded.errors.len(), 1);
    assert_eq!(loaded.errors[0].path, "backlog/B-4.md");
    let mapped = store.load_mapped(|e| (e.item.id.clone(), e.path.clone()));
    assert_eq!(
        mapped.items,
        [
            ("B-2".to_owned(), "backlog/B-2.md".to_owned()),
            ("B-1".to_owned(), "backlog/B-1.md".to_owned()),
            ("B-3".to_owned(), "backlog/B-3.md".to_owned()),
        ]
    );
    assert_eq!(mapped.errors.len(), 1);
    assert_eq!(mapped.errors[0].path, "backlog/B-4.md");
}
