//! Dates: every date the tool reads names a real day (`2026-02-31` is refused with the
//! reason, naming where it came from), and `BACKLOG_TODAY` is the today of every command,
//! including the `created` date that `add` and `split` write.

use crate::harness::TestEnv;

fn env_with_item(extra: &str) -> TestEnv {
    let env = TestEnv::new();
    env.item("B-1", "First", extra, "Body.\n");
    env.commit_all("items");
    env
}

#[test]
fn test_backlog_today_that_is_not_a_day_is_a_usage_error_for_every_command() {
    let env = env_with_item("");
    for args in [&["list"][..], &["check"], &["show", "B-1"]] {
        let r = env
            .run_with(args, &[("BACKLOG_TODAY", "2026-02-31")])
            .code(2);
        assert!(
            r.stderr.contains(
                "BACKLOG_TODAY=\"2026-02-31\" is not a date like 2026-01-05 (2026-02 has 28 days)"
            ),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
    let r = env
        .run_with(&["list"], &[("BACKLOG_TODAY", "2026-1-5")])
        .code(2);
    assert!(r.stderr.contains("(expected YYYY-MM-DD)"), "{}", r.stderr);
    env.run_with(&["list"], &[("BACKLOG_TODAY", "2028-02-29")])
        .ok();
}

#[test]
fn test_an_impossible_created_date_is_a_check_finding_with_file_and_line() {
    let env = env_with_item("type: story\ncreated: 2026-02-31\nupdated: 2026-03-01T10:00\n");
    let r = env.run(&["check", "--format", "json"]).code(1);
    let json = r.json();
    let findings: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "invalid-field")
        .collect();
    assert_eq!(findings.len(), 1, "{json:#}");
    let f = findings[0];
    assert_eq!(f["path"], "backlog/B-1-item.md");
    assert_eq!(f["line"], 5);
    assert_eq!(f["item"], "B-1");
    assert_eq!(
        f["message"],
        "`created` must be a date like 2026-01-05, found \"2026-02-31\" (2026-02 has 28 days)"
    );
    let text = env.run(&["check"]).code(1).stdout;
    assert!(text.contains("backlog/B-1-item.md:5"), "{text}");
}

#[test]
fn test_add_and_split_write_backlog_today_as_created() {
    let env = env_with_item("");
    let today = [("BACKLOG_TODAY", "2027-03-04")];
    let add = env
        .run_with(&["add", "Export CSV", "--format", "json"], &today)
        .ok()
        .json();
    let path = add["items"][0]["path"].as_str().unwrap().to_owned();
    let id = add["items"][0]["id"].as_str().unwrap().to_owned();
    assert!(
        env.read(&path).contains("\ncreated: 2027-03-04\n"),
        "{}",
        env.read(&path)
    );

    let split = env
        .run_with(
            &[
                "split", &id, "--into", "One", "--into", "Two", "--format", "json",
            ],
            &[("BACKLOG_TODAY", "2027-03-05")],
        )
        .ok()
        .json();
    let children: Vec<String> = split["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"] != id.as_str())
        .map(|i| i["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(children.len(), 2, "{split:#}");
    for child in children {
        // The parent is ranked (as `add` ranks): the children are new items of today.
        assert!(
            env.read(&child).contains("\ncreated: 2027-03-05\n"),
            "{}",
            env.read(&child)
        );
    }

    // An unranked parent without `created`: its children are stamped with BACKLOG_TODAY.
    let split = env
        .run_with(
            &["split", "B-1", "--into", "Alpha", "--format", "json"],
            &[("BACKLOG_TODAY", "2027-03-06")],
        )
        .ok()
        .json();
    let child = split["items"][1]["path"].as_str().unwrap().to_owned();
    assert!(
        env.read(&child).contains("\ncreated: 2027-03-06\n"),
        "{}",
        env.read(&child)
    );
    env.run_with(&["add", "X"], &[("BACKLOG_TODAY", "2027-02-29")])
        .code(2);
}
