use super::*;
use crate::store::sort_entries;

fn entry(path: &str, text: &str) -> Entry {
    Entry::from_text(path.to_owned(), text).unwrap()
}

fn loaded(items: &[(&str, &str)]) -> Loaded {
    let mut entries: Vec<Entry> = items.iter().map(|(p, t)| entry(p, t)).collect();
    sort_entries(&mut entries);
    Loaded {
        entries,
        errors: Vec::new(),
    }
}

fn summary(findings: &[Finding]) -> Vec<(String, usize, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.line,
                f.item.clone().unwrap_or_default(),
            )
        })
        .collect()
}

const READY: &str = "---\nid: B-1\ntitle: Good\ntype: story\nstatus: ready\nrank: a1\nestimate: 3\n---\n\
As a user, I want good things so that life is good.\n\n## Acceptance criteria\n- [ ] it works\n";

#[test]
fn test_ready_findings_ignore_status() {
    let draft = "---\nid: B-2\ntitle: Draft\nstatus: draft\nrank: a2\n---\nSome notes.\n";
    let l = loaded(&[("b/1.md", READY), ("b/2.md", draft)]);
    let config = Config::default();
    let e = l.get("B-2").unwrap();
    let body = Body::parse(e.doc.body(), e.doc.body_line());
    let got = summary(&ready_findings(e, &body, &l, &config));
    assert_eq!(
        got,
        [
            ("estimate-missing".to_owned(), 1, "B-2".to_owned()),
            ("no-acceptance-criteria".to_owned(), 7, "B-2".to_owned()),
            ("story-form".to_owned(), 7, "B-2".to_owned()),
        ]
    );
    let e = l.get("b-1").unwrap();
    let body = Body::parse(e.doc.body(), e.doc.body_line());
    assert!(ready_findings(e, &body, &l, &config).is_empty());
}

#[test]
fn test_ready_findings_report_missing_and_unready_dependencies() {
    let dep = "---\nid: B-1\ntitle: Dep\nstatus: ready\nrank: a1\ndepends_on: [B-2, B-404]\nestimate: 1\n---\n\
As a user, I want x so that y.\n\n## Acceptance criteria\n- [ ] ok\n";
    let later = "---\nid: B-2\ntitle: Later\nstatus: draft\nrank: a2\n---\n";
    let l = loaded(&[("b/1.md", dep), ("b/2.md", later)]);
    let e = l.get("B-1").unwrap();
    let body = Body::parse(e.doc.body(), e.doc.body_line());
    let f = ready_findings(e, &body, &l, &Config::default());
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(
        f.iter()
            .all(|f| f.rule == "dependency-not-ready" && f.line == 6)
    );
    assert!(
        f[0].message
            .contains("B-2 (draft), which is ranked below it")
    );
    assert!(f[1].message.contains("B-404, which does not exist"));
    let subjects: Vec<_> = f.iter().map(|f| f.subject.clone()).collect();
    assert_eq!(
        subjects,
        [
            Some(Subject::Dependency("B-2".to_owned())),
            Some(Subject::Dependency("B-404".to_owned())),
        ]
    );
    // In `check`, the missing one is reported once, as an integrity finding.
    let report = check(&l, &Config::default(), &CheckOptions::default());
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["dependency-not-ready", "missing-reference"]);
}

#[test]
fn test_cycle_reported_once_with_whole_cycle() {
    let item = |id: &str, rank: &str, dep: &str| {
        format!("---\nid: {id}\ntitle: t\nrank: {rank}\ndepends_on: [{dep}]\n---\n")
    };
    let a = item("B-A", "a1", "B-B");
    let b = item("B-B", "a2", "B-C");
    let c = item("B-C", "a3", "B-A");
    let s = item("B-S", "a4", "B-S");
    let l = loaded(&[
        ("b/a.md", &a),
        ("b/b.md", &b),
        ("b/c.md", &c),
        ("b/s.md", &s),
    ]);
    let report = check(&l, &Config::default(), &CheckOptions::default());
    let cycles: Vec<(&str, &str)> = report
        .findings
        .iter()
        .filter(|f| f.rule == "dependency-cycle")
        .map(|f| (f.path.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(cycles.len(), 2, "{cycles:#?}");
    assert_eq!(cycles[0].0, "b/a.md");
    assert!(
        cycles[0].1.contains("B-A -> B-B -> B-C -> B-A"),
        "{}",
        cycles[0].1
    );
    assert!(cycles[1].1.contains("B-S -> B-S"));
    // Scoped to B-C, the same cycle is reported on B-C, starting there.
    let only = CheckOptions {
        only: Some(HashSet::from(["b-c".to_owned()])),
    };
    let report = check(&l, &Config::default(), &only);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].path, "b/c.md");
    assert!(
        report.findings[0]
            .message
            .contains("B-C -> B-A -> B-B -> B-C")
    );
    assert_eq!(report.items_checked, 1);
}

#[test]
fn test_duplicate_ids_name_every_file() {
    let one = "---\nid: B-1\ntitle: one\n---\n";
    let l = loaded(&[("b/x.md", one), ("b/y.md", one), ("b/z.md", one)]);
    let report = check(&l, &Config::default(), &CheckOptions::default());
    let dups: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.rule == "duplicate-id")
        .collect();
    assert_eq!(dups.len(), 3);
    assert_eq!(dups[0].line, 2);
    assert!(
        dups[0].message.contains("also used by b/y.md, b/z.md"),
        "{}",
        dups[0].message
    );
    assert!(dups[2].message.contains("also used by b/x.md, b/y.md"));
}

#[test]
fn test_rules_are_configurable() {
    let big = "---\nid: B-1\ntitle: Big\ntype: task\nstatus: ready\nestimate: 13\n---\nDo it.\n\n\
## Acceptance criteria\n- [ ] done\n";
    let l = loaded(&[("b/1.md", big)]);
    let mut config = Config::default();
    let rules = |c: &Config| -> Vec<(String, Severity)> {
        check(&l, c, &CheckOptions::default())
            .findings
            .into_iter()
            .map(|f| (f.rule.to_string(), f.severity))
            .collect()
    };
    assert_eq!(rules(&config), [("too-big".to_owned(), Severity::Error)]);
    config.rules.too_big.max_estimate = 13;
    config.rules.required_fields.fields = vec!["owner".to_owned()];
    assert_eq!(
        rules(&config),
        [("required-field".to_owned(), Severity::Error)]
    );
    config.rules.required_fields.severity = Severity::Warning;
    let report = check(&l, &config, &CheckOptions::default());
    assert!(!report.fails(false) && report.fails(true));
    config.rules.required_fields.enabled = false;
    config.rules.acceptance_criteria.min = 2;
    assert_eq!(
        rules(&config),
        [("no-acceptance-criteria".to_owned(), Severity::Error)]
    );
    config.rules.acceptance_criteria.min = 1;
    config.rules.story_form.types = vec!["task".to_owned()];
    assert_eq!(rules(&config), [("story-form".to_owned(), Severity::Error)]);
}

#[test]
fn test_rules_config_parses() {
    let text = "rules:\n  too_big: {max_estimate: 5}\n  story_form: {enabled: false}\n  \
required_fields: {fields: [owner], severity: warning}\n";
    let c = Config::parse(text, "c").unwrap();
    assert_eq!(c.rules.too_big.max_estimate, 5);
    assert_eq!(c.rules.too_big.severity, Severity::Error);
    assert!(!c.rules.story_form.enabled);
    assert_eq!(c.rules.required_fields.severity, Severity::Warning);
    let err = Config::parse("rules:\n  too_big: {max: 5}\n", "c").unwrap_err();
    assert!(err.to_string().contains("unknown key `max`"), "{err}");
}

#[test]
fn test_done_incomplete_is_a_configurable_warning() {
    let done = "---\nid: B-1\ntitle: Done\nstatus: done\nrank: a1\n---\nS.\n\n## Acceptance criteria\n- [x] a\n- [ ] b\n";
    let complete = "---\nid: B-2\ntitle: Complete\nstatus: done\nrank: a2\n---\n## Acceptance criteria\n- [x] a\n";
    let open = "---\nid: B-3\ntitle: Open\nstatus: draft\nrank: a3\n---\n## Acceptance criteria\n- [ ] a\n";
    let l = loaded(&[("b/1.md", done), ("b/2.md", complete), ("b/3.md", open)]);
    let mut config = Config::default();
    let report = check(&l, &config, &CheckOptions::default());
    assert_eq!(
        summary(&report.findings),
        [("done-incomplete".to_owned(), 11, "B-1".to_owned())]
    );
    assert_eq!(report.findings[0].severity, Severity::Warning);
    assert!(!report.fails(false) && report.fails(true));

    // The team's definition of done applies to every done item; missing entries point at
    // the status line.
    config.definition_of_done = vec!["Docs updated".to_owned()];
    config.rules.done_incomplete.severity = Severity::Error;
    let report = check(&l, &config, &CheckOptions::default());
    assert_eq!(
        summary(&report.findings),
        [
            ("done-incomplete".to_owned(), 11, "B-1".to_owned()),
            ("done-incomplete".to_owned(), 4, "B-2".to_owned()),
        ]
    );
    assert!(report.findings[1].message.contains("1. \"Docs updated\""));
    assert!(report.fails(false));
    config.rules.done_incomplete.enabled = false;
    assert!(
        check(&l, &config, &CheckOptions::default())
            .findings
            .is_empty()
    );
}

#[test]
fn test_required_field_and_reference_findings_name_their_field() {
    let text = "---\nid: B-1\ntitle: T\nstatus: ready\nparent: B-9\nestimate: 1\n---\n\
As a user, I want x so that y.\n\n## Acceptance criteria\n- [ ] ok\n";
    let l = loaded(&[("b/1.md", text)]);
    let mut config = Config::default();
    config.rules.required_fields.enabled = true;
    config.rules.required_fields.fields = vec!["owner".to_owned()];
    let report = check(&l, &config, &CheckOptions::default());
    let got: Vec<(Rule, Option<Subject>)> = report
        .findings
        .iter()
        .map(|f| (f.rule, f.subject.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Rule::RequiredField,
                Some(Subject::Field("owner".to_owned()))
            ),
            (
                Rule::MissingReference,
                Some(Subject::Field("parent".to_owned()))
            ),
        ]
    );
    // The subject stays out of the JSON; the rule is its kebab-case ID.
    let json = serde_json::to_value(&report.findings[0]).unwrap();
    assert_eq!(json["rule"], "required-field");
    assert!(json.get("subject").is_none());
}

#[test]
fn test_title_comment_warns_when_a_plain_title_is_cut() {
    let cut = "---\nid: B-1\ntitle: Fix bug #456 in export\nrank: a1\n---\n";
    let quoted = "---\nid: B-2\ntitle: \"Fix bug #457 in export\"\nrank: a2\n---\n";
    let hash = "---\nid: B-3\ntitle: Support C# and F#\nrank: a3\n---\n";
    let single =
        "---\nid: B-4\ntitle: 'Keep # this'  # a real comment after quotes\nrank: a4\n---\n";
    let l = loaded(&[
        ("b/1.md", cut),
        ("b/2.md", quoted),
        ("b/3.md", hash),
        ("b/4.md", single),
    ]);
    let mut config = Config::default();
    let findings = |config: &Config| {
        let mut out = Vec::new();
        for e in &l.entries {
            item_integrity(e, &Lookup::new(&l), config, &mut out);
        }
        out.retain(|f| f.rule == Rule::TitleComment);
        out
    };
    let got = findings(&config);
    assert_eq!(
        summary(&got),
        [("title-comment".to_owned(), 3, "B-1".to_owned())]
    );
    assert_eq!(got[0].severity, Severity::Warning);
    assert_eq!(l.get("B-1").unwrap().item.title, "Fix bug");
    assert!(
        got[0].message.contains("\"Fix bug\"")
            && got[0].message.contains("title: \"Fix bug #456 in export\""),
        "{}",
        got[0].message
    );
    config.rules.title_comment.enabled = false;
    assert!(findings(&config).is_empty());
}
