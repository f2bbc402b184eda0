//! Unit tests of planning; the builders at the top serve `ops::plan`'s tests too.

use super::*;
use crate::sprint::SprintConfig;

pub(crate) const STORY: &str =
    "As a user, I want it so that it helps.\n\n## Acceptance criteria\n- [ ] works\n";

pub(crate) fn entry(id: &str, rank: &str, extra: &str, body: &str) -> Entry {
    let text = format!("---\nid: {id}\ntitle: Item {id}\nrank: {rank}\n{extra}---\n{body}");
    Entry::from_text(format!("backlog/{id}.md"), &text).unwrap()
}

pub(crate) fn loaded(entries: Vec<Entry>) -> Loaded {
    let mut entries = entries;
    crate::store::sort_entries(&mut entries);
    Loaded {
        entries,
        errors: Vec::new(),
    }
}

pub(crate) fn sprints(n: usize) -> Vec<Sprint> {
    let cal = SprintConfig::default().calendar();
    cal.upcoming(crate::text::parse_date("2026-01-01").unwrap(), n)
}

#[test]
fn test_velocity_sums_done_items_by_sprint() {
    let l = loaded(vec![
        entry("B-1", "a1", "status: done\nsprint: S9\nestimate: 3\n", ""),
        entry("B-2", "a2", "status: done\nsprint: S10\nestimate: 5\n", ""),
        entry("B-3", "a3", "status: done\nsprint: S10\nestimate: 8\n", ""),
        entry("B-4", "a4", "status: done\nsprint: S11\n", ""),
        entry(
            "B-5",
            "a5",
            "status: ready\nsprint: S11\nestimate: 40\n",
            "",
        ),
        entry("B-6", "a6", "status: done\nestimate: 13\n", ""),
        entry("B-7", "a7", "status: done\nsprint: S8\nestimate: 2\n", ""),
    ]);
    let c = Config::default();
    let v = velocity(&l, &c, None);
    let names: Vec<&str> = v.sprints.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["S8", "S9", "S10", "S11"]);
    let points: Vec<u32> = v.sprints.iter().map(|s| s.points).collect();
    assert_eq!(points, [2, 3, 13, 0]);
    assert_eq!(v.sprints[3].unestimated, ["B-4"]);
    assert_eq!(v.average, Some(4.5));
    assert_eq!((v.min, v.max), (Some(0), Some(13)));
    // auto: (3 + 13 + 0) / 3 = 5.33 -> 5
    assert_eq!(v.auto_capacity, Some(5));
    assert_eq!(v.auto_sprints, ["S9", "S10", "S11"]);
    let v2 = velocity(&l, &c, Some(2));
    assert_eq!(v2.sprints.len(), 2);
    assert_eq!(v2.average, Some(6.5));
    assert_eq!(v2.auto_capacity, Some(5));
}

#[test]
fn test_resolve_capacity_order() {
    let l = loaded(vec![entry(
        "B-1",
        "a1",
        "status: done\nsprint: S1\nestimate: 8\n",
        "",
    )]);
    let mut c = Config::default();
    assert_eq!(resolve_capacity(Some(7), &l, &c).unwrap().points, 7);
    assert_eq!(resolve_capacity(None, &l, &c).unwrap().points, 8);
    c.sprints.capacity = Capacity::Points(20);
    let r = resolve_capacity(None, &l, &c).unwrap();
    assert_eq!((r.points, r.source), (20, CapacitySource::Config));
    c.sprints.capacity = Capacity::Auto;
    assert_eq!(
        resolve_capacity(None, &loaded(vec![]), &c),
        Err(PlanError::NoCapacity)
    );
    assert!(resolve_capacity(Some(0), &l, &c).is_err());
}

#[test]
fn test_plan_capacity_gap_filling_and_dependencies() {
    let ready = |id: &str, rank: &str, extra: &str| {
        entry(id, rank, &format!("status: ready\n{extra}"), STORY)
    };
    let l = loaded(vec![
        entry("B-0", "a0", "status: in-progress\nestimate: 2\n", ""),
        ready("B-1", "a1", "estimate: 5\n"),
        ready("B-2", "a2", "estimate: 8\n"),
        ready("B-3", "a3", "estimate: 3\ndepends_on: [B-1]\n"),
        entry("B-4", "a4", "status: draft\nestimate: 2\n", "no story"),
        ready("B-5", "a5", "estimate: 2\ndepends_on: [B-2]\n"),
        ready("B-6", "a6", "estimate: 1\n"),
    ]);
    let c = Config::default();
    let p = plan(&l, &c, &sprints(2), 10);
    let ids = |s: &PlannedSprint| s.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    // Sprint 1: 2 in progress + B-1 (5) + B-3 (3) = 10; B-2 (8) goes to sprint 2,
    // and B-5 (needs B-2) goes with it; then both are full and B-6 is not reached.
    assert_eq!(p.sprints[0].in_progress_points, 2);
    assert_eq!(ids(&p.sprints[0]), ["B-1", "B-3"]);
    assert_eq!(ids(&p.sprints[1]), ["B-2", "B-5"]);
    assert_eq!(p.sprints[0].points, 10);
    assert_eq!(p.sprints[1].points, 10);
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    assert_eq!(p.needs_refinement.len(), 1);
    assert_eq!(p.needs_refinement[0].id, "B-4");
    let what: Vec<&str> = p.needs_refinement[0]
        .missing
        .iter()
        .map(|m| m.what.as_str())
        .collect();
    assert_eq!(what, ["acceptance criteria", "story form"]);
}

#[test]
fn test_plan_skips_too_big_and_blocked() {
    let ready = |id: &str, rank: &str, extra: &str| {
        entry(id, rank, &format!("status: ready\n{extra}"), STORY)
    };
    let mut c = Config::default();
    c.rules.too_big.max_estimate = 100;
    let l = loaded(vec![
        ready("B-1", "a1", "estimate: 5\n"),
        ready("B-2", "a2", "estimate: 13\n"),
        ready("B-3", "a3", "estimate: 3\ndepends_on: [B-2]\n"),
        ready("B-4", "a4", "estimate: 3\n"),
        ready("B-5", "a5", "estimate: 2\n"),
    ]);
    let p = plan(&l, &c, &sprints(1), 8);
    let planned: Vec<&str> = p.sprints[0].items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(planned, ["B-1", "B-4"]);
    let skipped: Vec<(&str, &str)> = p
        .skipped
        .iter()
        .map(|s| (s.id.as_str(), s.reason.as_str()))
        .collect();
    // B-3 is below the horizon (5 + 13 points ranked above it): counted, not listed.
    assert_eq!(
        skipped,
        [(
            "B-2",
            "13 points is more than the capacity of 8 points: split it"
        )]
    );
    assert_eq!(p.passed_over, 1);
    // Full after B-4: B-5 is never reached.
    assert_eq!(p.sprints[0].points, 8);
}

#[test]
fn test_horizon_and_agenda_grouping() {
    let l = loaded(vec![
        entry("B-1", "a1", "status: in-progress\nestimate: 5\n", ""),
        entry("B-2", "a2", "estimate: 3\nowner: zoe\n", STORY),
        entry("B-3", "a3", "owner: amy\n", STORY),
        entry("B-4", "a4", "estimate: 13\n", STORY),
        entry("B-5", "a5", "estimate: 3\nowner: amy\n", ""),
        entry("B-6", "a6", "estimate: 1\n", ""),
    ]);
    let c = Config::default();
    // Estimates 5, 3, 13, 3, 1 -> lower median 3. Budget 2 × 10 = 20:
    // B-1 (0), B-2 (5), B-3 (8), B-4 (11), B-5 (24 >= 20: outside).
    let hz = horizon(&l, &c, 10, 2);
    assert_eq!(hz.assumed_size, 3);
    assert_eq!(hz.members, [0, 1, 2, 3]);
    let a = agenda(&l, &c, &sprints(2), 10);
    let groups: Vec<(Option<&str>, Vec<&str>)> = a
        .groups
        .iter()
        .map(|g| {
            (
                g.owner.as_deref(),
                g.items.iter().map(|i| i.id.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(groups, [(Some("amy"), vec!["B-3"]), (None, vec!["B-4"])]);
    assert_eq!(a.groups[0].items[0].missing[0].what, "estimate");
    assert_eq!(a.groups[1].items[0].missing[0].what, "too big: split");
    assert_eq!(a.budget.working_days, 10);
    assert!((a.budget.hours_per_person - 8.0).abs() < 1e-9);
    assert!((a.budget.points - 1.0).abs() < 1e-9);
}

#[test]
fn test_in_progress_follows_workflow_order() {
    let c = Config::default();
    let e = |s: &str| entry("B-1", "a1", &format!("status: {s}\n"), "");
    assert!(is_in_progress(&e("in-progress"), &c));
    assert!(!is_in_progress(&e("ready"), &c));
    assert!(!is_in_progress(&e("draft"), &c));
    assert!(!is_in_progress(&e("done"), &c));
    assert!(!is_in_progress(&e("split"), &c));
}

#[test]
fn test_missing_phrases() {
    let f = |rule: Rule, subject: Option<Subject>| Finding {
        rule,
        severity: Severity::Error,
        path: "p".to_owned(),
        line: 1,
        item: None,
        // The phrase comes from the rule and subject, never from the wording.
        message: "any wording".to_owned(),
        subject,
    };
    let dep = Some(Subject::Dependency("B-9".to_owned()));
    assert_eq!(
        missing(&f(Rule::DependencyNotReady, dep)).what,
        "unresolved dependency B-9"
    );
    assert_eq!(
        missing(&f(Rule::DependencyNotReady, None)).what,
        "unresolved dependency"
    );
    let owner = Some(Subject::Field("owner".to_owned()));
    assert_eq!(missing(&f(Rule::RequiredField, owner)).what, "field owner");
    assert_eq!(missing(&f(Rule::TooBig, None)).what, "too big: split");
    assert_eq!(
        missing(&f(Rule::EstimateMissing, None)).rule,
        Rule::EstimateMissing
    );
}
