use super::*;

fn entry(id: &str, title: &str, status: &str, deps: &[&str]) -> Entry {
    let mut text = format!(
        "---\nid: {id}\ntitle: {}\nstatus: {status}\n",
        yaml_quote(title)
    );
    if !deps.is_empty() {
        text.push_str(&format!("depends_on: [{}]\n", deps.join(", ")));
    }
    text.push_str("---\n");
    Entry::from_text(format!("backlog/{id}.md"), &text).unwrap()
}

fn yaml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn sample() -> Graph {
    let entries = vec![
        entry("B-1", "Base", "done", &[]),
        entry("B-2", "Api", "ready", &["B-1"]),
        entry("B-3", "Ui", "draft", &["B-2"]),
        entry("B-4", "Docs", "draft", &["B-3", "B-9"]),
        entry("B-5", "Other", "draft", &[]),
        entry("B-6", "Old", "split", &["B-3"]),
    ];
    Graph::new(&entries, &Config::default())
}

#[test]
fn test_graph_ready_and_blocked() {
    let g = sample();
    assert!(g.is_ready("B-2"));
    assert!(g.is_blocked("b-3"));
    assert!(g.is_blocked("B-4"));
    assert!(g.is_ready("B-5"));
    assert!(!g.is_ready("B-1") && !g.is_blocked("B-1"));
    assert!(
        !g.is_ready("B-6") && !g.is_blocked("B-6"),
        "closed items are neither"
    );
    assert_eq!(g.blockers("B-4"), ["B-3", "B-9"]);
    assert_eq!(g.state("B-9"), Some(State::Missing));
}

#[test]
fn test_graph_self_dependency_blocks() {
    let g = Graph::new(
        &[entry("B-1", "Loop", "ready", &["B-1"])],
        &Config::default(),
    );
    assert!(g.is_blocked("B-1") && !g.is_ready("B-1"));
    let i = g.index_of("B-1").unwrap();
    assert_eq!(g.neighbourhood(i, None), [i]);
    assert!(g.render_mermaid(&[i]).contains("-->"));
}

#[test]
fn test_graph_neighbourhood_depth() {
    let g = sample();
    let ids = |sel: Vec<usize>| -> Vec<String> {
        sel.into_iter().map(|n| g.nodes()[n].id.clone()).collect()
    };
    let i = g.index_of("B-2").unwrap();
    assert_eq!(ids(g.neighbourhood(i, Some(1))), ["B-1", "B-2", "B-3"]);
    assert_eq!(
        ids(g.neighbourhood(i, None)),
        ["B-1", "B-2", "B-3", "B-4", "B-6"]
    );
    // Siblings (B-9 is a dependency of a dependent) are not pulled in.
    assert!(!ids(g.neighbourhood(i, None)).contains(&"B-9".to_owned()));
}

#[test]
fn test_graph_cycles_terminate() {
    let entries = vec![
        entry("B-1", "A", "draft", &["B-2"]),
        entry("B-2", "B", "draft", &["B-1"]),
    ];
    let g = Graph::new(&entries, &Config::default());
    assert_eq!(g.neighbourhood(0, None), [0, 1]);
    assert!(g.is_blocked("B-1") && g.is_blocked("B-2"));
}

const NASTY: &str = "Say \"hi\" [now] | {x} (y) <b>&amp; #1; `c` \\ end";

#[test]
fn test_mermaid_escapes_labels_and_ids() {
    let entries = vec![
        entry("B-1", NASTY, "in-progress", &[]),
        entry("end", "Keyword id", "draft", &["B-1"]),
        entry("B_1", "Collides after sanitizing", "draft", &[]),
    ];
    let g = Graph::new(&entries, &Config::default());
    let m = g.render_mermaid(&g.all());
    assert!(m.starts_with("flowchart TD\n"), "{m}");
    for line in m.lines().skip(1) {
        let line = line.trim();
        if let Some((name, rest)) = line.split_once('[') {
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{line}"
            );
            // The label is one quoted string with no raw special characters inside.
            let label = rest
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix("\"]"))
                .unwrap();
            let inner = label.replace("<br/>", "");
            assert!(
                !inner.contains([
                    '"', '[', ']', '|', '{', '}', '(', ')', '<', '>', '`', '\\', '&'
                ]),
                "{line}"
            );
        }
    }
    assert!(m.contains("#quot;hi#quot;"), "{m}");
    assert!(m.contains("#91;now#93;"), "{m}");
    assert!(m.contains("#124;"), "{m}");
    assert!(m.contains("#35;1#59;"), "{m}");
    assert!(m.contains("n_end --> ") || m.contains("--> n_end"), "{m}");
    assert!(m.contains("n_B_1[") && m.contains("n_B_1_2["), "{m}");
    assert!(m.contains("n_B_1 --> n_end"), "{m}");
    assert!(m.contains("class n_end blocked"), "{m}");
}

#[test]
fn test_dot_escapes_quotes_and_backslashes() {
    let entries = vec![
        entry("B-1", NASTY, "done", &[]),
        entry("B-2", "Ends with backslash \\", "draft", &["B-1"]),
    ];
    let g = Graph::new(&entries, &Config::default());
    let d = g.render_dot(&g.all());
    assert!(
        d.starts_with("digraph backlog {\n") && d.ends_with("}\n"),
        "{d}"
    );
    assert!(
        d.contains(r#"Say \"hi\" [now] | {x} (y) <b>&amp; #1; `c` \\ end"#),
        "{d}"
    );
    assert!(d.contains(r#"Ends with backslash \\\ndraft""#), "{d}");
    assert!(d.contains("\"B-1\" -> \"B-2\";"), "{d}");
    // Every quoted string closes on its line: an even number of unescaped quotes.
    for line in d.lines() {
        let mut quotes = 0;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => quotes += 1,
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        assert_eq!(quotes % 2, 0, "{line}");
    }
}

#[test]
fn test_graph_view_json_edges() {
    let g = sample();
    let i = g.index_of("B-3").unwrap();
    let v = g.view(&g.neighbourhood(i, Some(1)));
    let ids: Vec<&str> = v.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["B-2", "B-3", "B-4", "B-6"]);
    assert_eq!(v.edges.len(), 3);
    assert_eq!(v.edges[0].item, "B-3");
    assert_eq!(v.edges[0].depends_on, "B-2");
    assert_eq!(v.nodes[1].state, State::Blocked);
}
