use super::*;

const STORY: &str =
    "As a user, I want it so that it helps.\n\n## Acceptance criteria\n- [ ] works\n";

fn entry(id: &str, title: &str, extra: &str, body: &str) -> Entry {
    let text = format!("---\nid: {id}\ntitle: {title}\n{extra}---\n{body}");
    Entry::from_text(format!("backlog/{id}.md"), &text).unwrap()
}

#[test]
fn test_health_figures_by_hand() {
    let mut entries = vec![
        entry(
            "B-1",
            "Log in",
            "rank: a1\nestimate: 3\ncreated: 2026-01-01\n",
            STORY,
        ),
        entry(
            "B-2",
            "Log out",
            "rank: a2\ndepends_on: [B-3]\ncreated: 2025-01-01\n",
            "Plain text.\n",
        ),
        entry(
            "B-3",
            "log-in!",
            "rank: a2\nestimate: 5\nstatus: ready\n",
            STORY,
        ),
        entry("B-4", "Old", "status: done\nestimate: 5\n", ""),
        entry(
            "B-5",
            "Unranked",
            "estimate: 2\nupdated: 2026-01-10\n",
            STORY,
        ),
    ];
    crate::store::sort_entries(&mut entries);
    let loaded = Loaded {
        entries,
        errors: Vec::new(),
    };
    let opts = HealthOptions {
        capacity: None,
        today: crate::text::parse_date("2026-01-20").unwrap(),
        committed: HashMap::from([("backlog/B-3.md".to_owned(), 0)]),
        ..HealthOptions::default()
    };
    let h = health(&loaded, &Config::default(), &opts);
    assert_eq!(h.open_items, 4);
    // Detailed: B-1, B-3, B-5 have story + criteria; B-2 does not.
    assert_eq!((h.detailed.count, h.detailed.total), (3, 4));
    assert_eq!(h.detailed.missing, ["B-2"]);
    assert_eq!(h.estimated_overall.missing, ["B-2"]);
    // Emergent: B-2 (2025-01-01) and B-3 (commit at 1970) are stale; B-3 is oldest.
    let stale: Vec<&str> = h.emergent.stale.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(stale, ["B-3", "B-2"]);
    assert_eq!(h.emergent.undated, Vec::<String>::new());
    // Prioritized: B-5 unranked; B-2 and B-3 collide (a2), and B-2 sorts before B-3
    // (ties by ID), so B-2 is ranked above its dependency.
    assert_eq!(h.prioritized.ranked.missing, ["B-5"]);
    assert_eq!(h.prioritized.collisions, [vec!["B-2", "B-3"]]);
    assert_eq!(h.prioritized.above_dependencies.len(), 1);
    // Clutter: B-2 is an old draft; B-1 "Log in" and B-3 "log-in!" are duplicates.
    assert_eq!(h.clutter.old_drafts, ["B-2"]);
    assert_eq!(h.clutter.duplicates, [vec!["B-1", "B-3"]]);
    // D = 0.75, E = 0.75, M = 0.5, P = 0.75 - 2/4 = 0.25, C = (1 + 1) / 4 = 0.5
    // score = 100 × 2.25 / 4 − 12.5 = 43.75 → 44
    assert_eq!(h.score.total, 44);
}

/// A repository whose history touches items on chosen days: `(day, item)` per
/// commit (`None`: a code-only commit), items 0..n created by the first commit on day
/// 0. Returns the repository and the item entries of HEAD.
fn dated_history(
    n: usize,
    touches: &[(i64, Option<usize>)],
    created: &[Option<i64>],
) -> (tempfile::TempDir, crate::git::Repo, Vec<Entry>) {
    let dir = tempfile::tempdir().unwrap();
    let repo = crate::git::testing::init(dir.path());
    let text = |i: usize, rev: usize| {
        let created = created[i]
            .map(|d| format!("created: {}\n", crate::sprint::format_days(d)))
            .unwrap_or_default();
        format!("---\nid: B-{i}\ntitle: Item {i}\n{created}---\nrevision {rev}\n")
    };
    let mut revs = vec![0; n];
    let commit = |files: Vec<(String, String)>, day: i64| {
        crate::git::testing::commit_files(&repo, &files, day * 86_400);
    };
    let mut files: Vec<(String, String)> = (0..n)
        .map(|i| (format!("backlog/B-{i}.md"), text(i, 0)))
        .collect();
    files.push(("src/x.rs".into(), "0".into()));
    commit(files, 0);
    for (k, (day, item)) in touches.iter().enumerate() {
        let file = match item {
            Some(i) => {
                revs[*i] += 1;
                (format!("backlog/B-{i}.md"), text(*i, revs[*i]))
            }
            None => ("src/x.rs".into(), k.to_string()),
        };
        commit(vec![file], *day);
    }
    let entries = (0..n)
        .map(|i| {
            let path = format!("backlog/B-{i}.md");
            let text = std::fs::read_to_string(dir.path().join(&path)).unwrap();
            Entry::from_text(path, &text).unwrap()
        })
        .collect();
    (dir, repo, entries)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// Stopping the walk at the stale line gives the same fresh/stale verdicts as the
    /// full walk, the same dates wherever it says they are exact, and never a date
    /// earlier than the true one otherwise.
    #[test]
    fn prop_health_cut_off_walk_equals_the_full_walk(
        n in 1usize..6,
        steps in proptest::collection::vec((0i64..4, proptest::option::of(0usize..6)), 0..25),
        budget in 0usize..4,
        created in proptest::collection::vec(proptest::option::of(0i64..60), 6),
        stale_days in 0u32..20,
        today in 30i64..70,
    ) {
        // Days never go backwards, as in a real history.
        let mut day = 0;
        let touches: Vec<(i64, Option<usize>)> = steps
            .iter()
            .map(|(gap, item)| {
                day += gap;
                (day, item.map(|i| i % n))
            })
            .collect();
        let (_dir, repo, entries) = dated_history(n, &touches, &created);
        let paths: Vec<String> = entries.iter().map(|e| e.path.clone()).collect();
        let full = last_commit_times(&repo, "backlog", &paths).unwrap();
        let since = (today - i64::from(stale_days)) * 86_400;
        let cut = last_commits_since(&repo, "backlog", &paths, Some((since, budget))).unwrap();
        for (path, time) in &cut.times {
            proptest::prop_assert_eq!(full.get(path), Some(time));
        }
        for (path, time) in &full {
            if *time >= since {
                proptest::prop_assert_eq!(cut.times.get(path), Some(time));
            } else {
                proptest::prop_assert!(cut.times.contains_key(path) || cut.before.contains(path));
            }
        }
        let mut config = Config::default();
        config.sprints.stale_days = stale_days;
        let loaded = Loaded { entries, errors: Vec::new() };
        let whole = health(&loaded, &config, &HealthOptions {
            today,
            committed: full,
            ..HealthOptions::default()
        });
        let fast = health(&loaded, &config, &HealthOptions {
            today,
            committed: cut.times,
            committed_before: Some((since, cut.before)),
            ..HealthOptions::default()
        });
        proptest::prop_assert_eq!(&whole.emergent.fresh, &fast.emergent.fresh);
        proptest::prop_assert_eq!(&whole.emergent.undated, &fast.emergent.undated);
        proptest::prop_assert_eq!(whole.score.total, fast.score.total);
        let ids = |h: &Health| h.emergent.stale.iter().map(|s| s.id.clone()).collect::<HashSet<_>>();
        proptest::prop_assert_eq!(ids(&whole), ids(&fast));
        for s in &fast.emergent.stale {
            let truth = whole.emergent.stale.iter().find(|w| w.id == s.id).unwrap();
            proptest::prop_assert!(truth.exact);
            if s.exact {
                proptest::prop_assert_eq!(&truth.last_touched, &s.last_touched);
            } else {
                proptest::prop_assert!(truth.last_touched <= s.last_touched);
            }
        }
    }
}

#[test]
fn test_item_date() {
    assert_eq!(item_date("1970-01-02"), Some(1));
    assert_eq!(item_date("1970-01-02T10:00:00Z"), Some(1));
    assert_eq!(item_date("9223372036854775807-01-01"), None);
    assert_eq!(item_date("1970-01-021"), None);
    assert_eq!(item_date("soon"), None);
}
