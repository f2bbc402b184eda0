use proptest::prelude::*;

use super::*;
use crate::store::Entry;
use crate::text::parse_date;

fn sim(samples: &[u32], sizes: &[u32], trials: u32, seed: u64) -> Simulation {
    simulate(&SimInput {
        samples,
        sizes,
        trials,
        seed,
        first_sprint_used: 0,
        min_sprints: 0,
        max_sprints: MAX_SPRINTS,
    })
}

/// `[p50, p85, p95]` of queued item `i`.
fn levels(s: &Simulation, i: usize) -> [Option<u32>; 3] {
    [0, 1, 2].map(|l| s.done_sprint(l, i))
}

/// Exact P(sum of `sprints` draws ≥ `points`), by enumerating every sequence of draws.
fn exact_done_by(samples: &[u32], sprints: u32, points: u64) -> f64 {
    let n = samples.len();
    let total = n.pow(sprints);
    let mut hits = 0usize;
    for mut code in 0..total {
        let mut sum = 0u64;
        for _ in 0..sprints {
            sum += u64::from(samples[code % n]);
            code /= n;
        }
        hits += usize::from(sum >= points);
    }
    hits as f64 / total as f64
}

#[test]
fn test_constant_velocity_finishes_exactly_at_sprint_k() {
    // V = 10, items adding up to exactly 3 × 10 = 30 points.
    let s = sim(&[10], &[3, 5, 2, 8, 4, 6, 2], 1_000, 9);
    let last = 6;
    assert_eq!(s.prefix[last], 30);
    assert_eq!(levels(&s, last), [Some(3); 3]);
    // 3 + 5 + 2 = 10 is done in sprint 1; 18 in sprint 2.
    assert_eq!(levels(&s, 2), [Some(1); 3]);
    assert_eq!(levels(&s, 3), [Some(2); 3]);
    assert!(s.complete);
}

#[test]
fn test_alternating_velocity_matches_exact_computation() {
    // A history alternating 4, 10, 4, 10 points: samples {4, 10}.
    let samples = [4, 10];
    let sizes = [12, 6, 10];
    let s = sim(&samples, &sizes, DEFAULT_TRIALS, DEFAULT_SEED);
    let mut expected = Vec::new();
    for (i, &need) in s.prefix.iter().enumerate() {
        let mut row = [None; 3];
        for (l, &p) in LEVELS.iter().enumerate() {
            let p = f64::from(p) / 100.0;
            for k in 1..=8 {
                let exact = exact_done_by(&samples, k, need);
                // The case is chosen so that sampling error cannot flip a level.
                assert!(
                    (exact - p).abs() > 0.01,
                    "item {i} sprint {k}: exact {exact} too close to {p}"
                );
                if exact >= p {
                    row[l] = Some(k);
                    break;
                }
            }
        }
        expected.push(row);
        assert_eq!(levels(&s, i), row, "item {i} (needs {need} points)");
    }
    // The exact answers, worked by hand: 12 points by sprint 2 in 75% of the sequences, by 3
    // always; 18 by 3 in 87.5%, by 4 in 93.75%, by 5 always; 28 by 4 in 68.75%, by 5 in
    // 81.25%, by 6 in 98.4%.
    assert_eq!(
        expected,
        [
            [Some(2), Some(3), Some(3)],
            [Some(3), Some(3), Some(5)],
            [Some(4), Some(6), Some(6)],
        ]
    );
}

#[test]
fn test_done_by_counts_items_in_reach() {
    let s = sim(&[10], &[4; 8], 100, 1);
    // Prefixes 4, 8, …, 32: 20 points by sprint 2 cover five items.
    assert_eq!(s.done_by(LEVEL_85, 2), 5);
    assert_eq!(s.done_by(LEVEL_85, 0), 0);
    assert_eq!(s.done_by(LEVEL_85, 1), 2);
    // Past the simulated sprints (all done): everything.
    assert_eq!(s.done_by(LEVEL_85, 50), 8);
}

#[test]
fn test_same_seed_same_simulation() {
    let samples = [3, 8, 13, 5, 0, 21];
    let sizes: Vec<u32> = (0..200).map(|i| [1, 2, 3, 5, 8][i % 5]).collect();
    let a = sim(&samples, &sizes, 2_000, 42);
    let b = sim(&samples, &sizes, 2_000, 42);
    let c = sim(&samples, &sizes, 2_000, 43);
    assert_eq!(a, b);
    assert_ne!(a.reach, c.reach);
}

#[test]
fn test_first_sprint_used_and_min_sprints() {
    let s = simulate(&SimInput {
        samples: &[10],
        sizes: &[10, 10],
        trials: 10,
        seed: 1,
        first_sprint_used: 6,
        min_sprints: 5,
        max_sprints: MAX_SPRINTS,
    });
    // 4 points left in sprint 1, then 10 a sprint: 14, 24.
    assert_eq!(s.reach[0][..3], [4, 14, 24]);
    assert_eq!(levels(&s, 0), [Some(2); 3]);
    assert_eq!(levels(&s, 1), [Some(3); 3]);
    assert_eq!(s.sprints(), 5);
}

#[test]
fn test_zero_samples_never_finish_within_cap() {
    let s = simulate(&SimInput {
        samples: &[0, 1],
        sizes: &[0, 50],
        trials: 20,
        seed: 1,
        first_sprint_used: 0,
        min_sprints: 0,
        max_sprints: 30,
    });
    assert_eq!(s.sprints(), 30);
    assert!(!s.complete);
    // A zero-size item at the front is done at once.
    assert_eq!(s.done_sprint(2, 0), Some(1));
    assert_eq!(s.done_sprint(2, 1), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prop_levels_ordered_and_monotone_in_rank(
        samples in prop::collection::vec(0u32..25, 1..6),
        sizes in prop::collection::vec(0u32..14, 0..40),
        trials in 1u32..300,
        seed in any::<u64>(),
    ) {
        prop_assume!(samples.iter().any(|&s| s > 0));
        let s = sim(&samples, &sizes, trials, seed);
        let key = |x: Option<u32>| x.unwrap_or(u32::MAX);
        for i in 0..sizes.len() {
            let [p50, p85, p95] = levels(&s, i);
            prop_assert!(key(p50) <= key(p85) && key(p85) <= key(p95), "item {}", i);
            if i > 0 {
                for l in 0..3 {
                    prop_assert!(key(s.done_sprint(l, i - 1)) <= key(s.done_sprint(l, i)));
                }
            }
        }
        // done_by agrees with the per-item sprints.
        for k in 0..=s.sprints() {
            let by = (0..sizes.len())
                .filter(|&i| key(s.done_sprint(LEVEL_85, i)) <= k)
                .count();
            prop_assert_eq!(s.done_by(LEVEL_85, k), by);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Forecasts of constructed backlogs (2-week sprints from Monday 2026-01-05: 2026-S1 is
// 01-05..01-18, S4 02-16..03-01, S5 03-02..03-15, S6 03-16..03-29, S7 03-30..04-12).

fn entry(id: &str, rank: &str, extra: &str) -> Entry {
    let text = format!("---\nid: {id}\ntitle: Item {id}\nrank: {rank}\n{extra}---\n");
    Entry::from_text(format!("backlog/{id}.md"), &text).unwrap()
}

fn loaded(entries: Vec<Entry>) -> Loaded {
    let mut entries = entries;
    crate::store::sort_entries(&mut entries);
    Loaded {
        entries,
        errors: Vec::new(),
    }
}

fn config() -> Config {
    Config {
        sprints: serde_yaml_ng::from_str("start: 2026-01-05").unwrap(),
        ..Config::default()
    }
}

fn day(s: &str) -> i64 {
    parse_date(s).unwrap()
}

fn done(id: &str, sprint: &str, points: u32) -> Entry {
    entry(
        id,
        "a0",
        &format!("status: done\nsprint: {sprint}\nestimate: {points}\n"),
    )
}

fn opts(today: &str) -> Options {
    Options {
        ids: Vec::new(),
        by: None,
        trials: 2_000,
        seed: DEFAULT_SEED,
        throughput: Throughput::History { last: DEFAULT_LAST },
        today: day(today),
        horizon: 2,
    }
}

/// Four finished sprints of 10 points each, and open items of 4 points each.
fn constant_backlog(open: usize) -> Loaded {
    let mut e = vec![
        done("B-D1", "2026-S1", 10),
        done("B-D2", "2026-S2", 10),
        done("B-D3", "2026-S3", 5),
        done("B-D4", "2026-S3", 5),
        done("B-D5", "2026-S4", 10),
    ];
    for i in 0..open {
        e.push(entry(
            &format!("B-{i:02}"),
            &format!("b{i:02}"),
            "status: ready\nestimate: 4\n",
        ));
    }
    loaded(e)
}

#[test]
fn test_history_excludes_running_sprint_and_fills_gaps() {
    let l = loaded(vec![
        done("B-1", "2026-S1", 8),
        done("B-2", "2026-S3", 5),
        done("B-3", "2026-S3", 3),
        done("B-4", "2026-S5", 13),
        done("B-5", "Old sprint", 2),
    ]);
    let h = history(&l, &config(), day("2026-03-04"), 8);
    let rows: Vec<(&str, u32, usize)> = h
        .iter()
        .map(|s| (s.name.as_str(), s.points, s.items))
        .collect();
    // S5 is running (it contains today); S2 and S4 finished without a done item.
    assert_eq!(
        rows,
        [
            ("Old sprint", 2, 1),
            ("2026-S1", 8, 1),
            ("2026-S2", 0, 0),
            ("2026-S3", 8, 2),
        ]
    );
    let h = history(&l, &config(), day("2026-03-16"), 2);
    let names: Vec<&str> = h.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["2026-S4", "2026-S5"]);
}

#[test]
fn test_forecast_constant_velocity_dates() {
    // 30 points of open work at 10 points a sprint; today is the first day of 2026-S5.
    let l = constant_backlog(0);
    let mut e = l.entries;
    for (i, p) in [5, 5, 8, 2, 10].iter().enumerate() {
        e.push(entry(
            &format!("B-O{i}"),
            &format!("b{i:02}"),
            &format!("status: ready\nestimate: {p}\n"),
        ));
    }
    let l = loaded(e);
    let mut o = opts("2026-03-02");
    o.ids = vec!["B-O4".to_owned(), "b-o1".to_owned()];
    let f = forecast(&l, &config(), &o).unwrap();
    assert_eq!(f.throughput.source, "history");
    assert_eq!(f.throughput.sprints.len(), 4);
    assert!((f.throughput.mean - 10.0).abs() < 1e-9);
    assert_eq!(f.current_sprint.name, "2026-S5");
    assert_eq!(f.open_points, 30);
    let last = &f.items[0];
    assert_eq!(last.id, "B-O4");
    assert_eq!(last.kind, Kind::Item);
    assert_eq!(last.position, Some(5));
    assert_eq!(last.points_through, 30);
    for p in [&last.p50, &last.p85, &last.p95] {
        let p = p.as_ref().unwrap();
        assert_eq!((p.number, p.name.as_str()), (3, "2026-S7"));
        assert_eq!(p.end, "2026-04-12");
    }
    // B-O1: 10 points through it: the current sprint.
    assert_eq!(f.items[1].id, "B-O1");
    assert_eq!(f.items[1].p95.as_ref().unwrap().name, "2026-S5");
}

#[test]
fn test_forecast_by_date_counts_items() {
    let l = constant_backlog(8);
    let mut o = opts("2026-03-04");
    // 2026-03-31 is in S7: S5 and S6 end before it; 20 points cover five 4-point items.
    o.by = Some(day("2026-03-31"));
    let f = forecast(&l, &config(), &o).unwrap();
    let by = f.by.unwrap();
    assert_eq!(by.count, 5);
    assert_eq!(by.points, 20);
    assert_eq!(by.of, 8);
    assert_eq!(by.sprint.unwrap().name, "2026-S6");
    let ids: Vec<&str> = by.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["B-00", "B-01", "B-02", "B-03", "B-04"]);
    assert!(f.items.is_empty());
    // Before the current sprint ends: nothing.
    o.by = Some(day("2026-03-10"));
    let by = forecast(&l, &config(), &o).unwrap().by.unwrap();
    assert_eq!((by.count, by.sprint), (0, None));
    // On the last day of S5: one sprint, two items.
    o.by = Some(day("2026-03-15"));
    assert_eq!(forecast(&l, &config(), &o).unwrap().by.unwrap().count, 2);
}

#[test]
fn test_forecast_same_seed_same_output() {
    let mut e = vec![
        done("B-D1", "2026-S1", 3),
        done("B-D2", "2026-S2", 13),
        done("B-D3", "2026-S3", 8),
        done("B-D4", "2026-S4", 5),
    ];
    for i in 0..30 {
        e.push(entry(
            &format!("B-{i:02}"),
            &format!("b{i:02}"),
            &format!("estimate: {}\n", [1, 2, 3, 5, 8][i % 5]),
        ));
    }
    let l = loaded(e);
    let mut o = opts("2026-03-02");
    o.horizon = 100;
    let a = forecast(&l, &config(), &o).unwrap();
    let b = forecast(&l, &config(), &o).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.items.len(), 30);
    o.seed = 2;
    let c = forecast(&l, &config(), &o).unwrap();
    assert_eq!(c.seed, 2);
}

#[test]
fn test_forecast_too_little_history_and_stand_ins() {
    let l = loaded(vec![
        done("B-D1", "2026-S1", 3),
        done("B-D2", "2026-S2", 5),
        entry("B-1", "a1", "estimate: 8\n"),
    ]);
    let o = opts("2026-03-02");
    let err = forecast(&l, &config(), &o).unwrap_err();
    assert!(matches!(
        err,
        ForecastError::TooLittleHistory { found: 2, .. }
    ));
    assert!(err.to_string().contains("2 finished sprints"), "{err}");
    let mut o = opts("2026-03-02");
    o.throughput = Throughput::Fixed(4);
    let f = forecast(&l, &config(), &o).unwrap();
    assert_eq!(f.throughput.source, "velocity");
    assert_eq!(f.throughput.history_sprints, 2);
    assert_eq!(f.items[0].p50.as_ref().unwrap().number, 2);
    o.throughput = Throughput::Range(2, 6);
    let f = forecast(&l, &config(), &o).unwrap();
    assert_eq!((f.throughput.min, f.throughput.max), (2, 6));
    assert!((f.throughput.mean - 4.0).abs() < 1e-9);
    o.throughput = Throughput::Range(6, 2);
    assert!(matches!(
        forecast(&l, &config(), &o),
        Err(ForecastError::Invalid(_))
    ));
    o.throughput = Throughput::Fixed(0);
    assert!(matches!(
        forecast(&l, &config(), &o),
        Err(ForecastError::ZeroVelocity)
    ));
}

#[test]
fn test_queue_order_sizes_and_parents() {
    let l = loaded(vec![
        entry("B-1", "a1", "estimate: 3\n"),
        entry("B-2", "a2", "status: in-progress\nestimate: 5\n"),
        entry("B-E", "a3", "type: epic\nestimate: 40\n"),
        entry("B-4", "a4", "parent: B-E\n"),
        entry("B-5", "a5", "parent: B-E\nestimate: 8\n"),
        entry("B-6", "a6", "parent: B-4\nestimate: 1\n"),
        entry("B-7", "a7", "status: done\nestimate: 2\nparent: B-E\n"),
    ]);
    let q = queue(&l, &config());
    let ids: Vec<&str> = q
        .entries
        .iter()
        .map(|&i| l.entries[i].item.id.as_str())
        .collect();
    // In progress first; the epic and B-4 have open children and are not queued.
    assert_eq!(ids, ["B-2", "B-1", "B-5", "B-6"]);
    // Estimates 3, 5, 40, 8, 1, 2: lower median 3 (B-4 has none but is a parent).
    assert_eq!(q.assumed_size, 3);
    assert_eq!(q.sizes, [5, 3, 8, 1]);
    let mut o = opts("2026-03-02");
    o.throughput = Throughput::Fixed(5);
    o.ids = vec!["B-E".to_owned(), "B-7".to_owned()];
    let f = forecast(&l, &config(), &o).unwrap();
    let epic = &f.items[0];
    assert_eq!(epic.kind, Kind::Parent);
    assert_eq!(epic.children, ["B-5", "B-6"]);
    assert_eq!(epic.points, 9);
    assert_eq!(epic.position, Some(4));
    assert_eq!(epic.points_through, 17);
    // 17 points at 5 a sprint: the fourth sprint.
    assert_eq!(epic.p50.as_ref().unwrap().number, 4);
    assert_eq!(f.items[1].kind, Kind::Done);
    assert!(f.items[1].p50.is_none());
}

#[test]
fn test_forecast_horizon_and_unestimated_uncertainty() {
    let l = loaded(vec![
        done("B-D1", "2026-S2", 6),
        done("B-D2", "2026-S3", 6),
        done("B-D3", "2026-S4", 6),
        done("B-D4", "2026-S5", 4),
        entry("B-1", "a1", "estimate: 5\n"),
        entry("B-2", "a2", ""),
        entry("B-3", "a3", "estimate: 5\n"),
        entry("B-4", "a4", "estimate: 3\n"),
        entry("B-5", "a5", "estimate: 1\n"),
    ]);
    let mut o = opts("2026-03-04");
    o.horizon = 2;
    let f = forecast(&l, &config(), &o).unwrap();
    // 4 points are already done in the running S5 (of 6 a sprint).
    assert_eq!(f.done_this_sprint, 4);
    assert_eq!(f.horizon, Some(2));
    // Horizon 2 × 6 = 12 points: B-1 (0 before), B-2 (5), B-3 (10); B-4 has 15 before it.
    let ids: Vec<&str> = f.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["B-1", "B-2", "B-3"]);
    assert_eq!(f.unestimated, 1);
    assert_eq!(f.items[0].unestimated_through, 0);
    assert_eq!(f.items[1].unestimated_through, 1);
    // Sizes 5, (5), 5: 2 points left in S5, then 6 a sprint: 2, 8, 14, 20.
    let p = |i: usize| f.items[i].p95.as_ref().unwrap().number;
    assert_eq!((p(0), p(1), p(2)), (2, 3, 4));
}

#[test]
fn test_sprints_ending_by() {
    let cal = config().sprints.calendar();
    let current = cal.containing(day("2026-03-04"));
    assert_eq!(sprints_ending_by(&cal, &current, day("2026-03-14")), 0);
    assert_eq!(sprints_ending_by(&cal, &current, day("2026-03-15")), 1);
    assert_eq!(sprints_ending_by(&cal, &current, day("2026-03-28")), 1);
    assert_eq!(sprints_ending_by(&cal, &current, day("2026-03-29")), 2);
}
