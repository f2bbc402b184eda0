//! `backlog log ID` against `git log --follow`: over generated linear histories (items
//! modified, renamed with and without a change, added, deleted, code-only commits, several
//! items in one commit), the commits `log` lists for every item in HEAD are exactly the
//! ones git lists for its file, in the same order.

use proptest::prelude::*;

use crate::harness::TestEnv;

#[derive(Debug, Clone)]
enum Op {
    /// Change line `line` of item `item` (line 0 is the rank).
    Modify {
        item: usize,
        line: usize,
    },
    /// Change two items in one commit.
    ModifyTwo {
        a: usize,
        b: usize,
    },
    /// Move the item's file to a new name, with or without a one-line change.
    Rename {
        item: usize,
        change: bool,
    },
    Add,
    Delete {
        item: usize,
    },
    /// A commit outside the backlog folder.
    Code,
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..50usize, 0..10usize).prop_map(|(item, line)| Op::Modify { item, line }),
        1 => (0..50usize, 0..50usize).prop_map(|(a, b)| Op::ModifyTwo { a, b }),
        2 => (0..50usize, any::<bool>()).prop_map(|(item, change)| Op::Rename { item, change }),
        1 => Just(Op::Add),
        1 => (0..50usize).prop_map(|item| Op::Delete { item }),
        2 => Just(Op::Code),
    ]
}

struct Item {
    id: String,
    path: String,
    lines: Vec<String>,
}

impl Item {
    fn new(n: usize) -> Self {
        let id = format!("B-{n}Q");
        let lines = (0..10)
            .map(|l| {
                if l == 0 {
                    format!("rank: a{n}")
                } else {
                    format!("Line {l} of item {n}: {}", "words ".repeat(l + n % 5))
                }
            })
            .collect();
        Self {
            path: format!("backlog/{id}-item-{n}.md"),
            id,
            lines,
        }
    }

    fn text(&self) -> String {
        format!(
            "---\nid: {}\ntitle: Item {}\n{}\n---\n{}\n",
            self.id,
            self.id,
            self.lines[0],
            self.lines[1..].join("\n")
        )
    }
}

/// The fast-import stream of the history, and the items alive at the end.
fn build(ops: &[Op]) -> (Vec<u8>, Vec<Item>) {
    let mut out = Vec::new();
    let mut items: Vec<Item> = (0..3).map(Item::new).collect();
    let mut made = 3;
    let mut edits = 0;
    let commit = |out: &mut Vec<u8>, n: usize, files: &[(Option<String>, String)]| {
        let msg = format!("commit {n}");
        out.extend(
            format!(
                "commit refs/heads/main\ncommitter T <t@example.com> {} +0000\ndata {}\n{msg}\n",
                1_700_000_000 + n * 60,
                msg.len()
            )
            .as_bytes(),
        );
        for (text, path) in files {
            match text {
                Some(text) => out.extend(
                    format!("M 100644 inline {path}\ndata {}\n{text}\n", text.len()).as_bytes(),
                ),
                None => out.extend(format!("D {path}\n").as_bytes()),
            }
        }
        out.push(b'\n');
    };
    let mut root: Vec<(Option<String>, String)> = items
        .iter()
        .map(|i| (Some(i.text()), i.path.clone()))
        .collect();
    root.push((Some("fn main() {}\n".into()), "src/main.rs".into()));
    commit(&mut out, 0, &root);
    for (n, op) in ops.iter().enumerate() {
        let n = n + 1;
        edits += 1;
        let mut files = Vec::new();
        let modify = |item: &mut Item, line: usize, files: &mut Vec<_>| {
            item.lines[line] = if line == 0 {
                format!("rank: b{edits:02}")
            } else {
                format!("Line {line} edited in commit {n}")
            };
            files.push((Some(item.text()), item.path.clone()));
        };
        match *op {
            Op::Modify { item, line } if !items.is_empty() => {
                let k = item % items.len();
                modify(&mut items[k], line % 10, &mut files);
            }
            Op::ModifyTwo { a, b } if items.len() > 1 => {
                let (a, b) = (a % items.len(), b % items.len());
                let b = if a == b { (b + 1) % items.len() } else { b };
                modify(&mut items[a], 3, &mut files);
                modify(&mut items[b], 4, &mut files);
            }
            Op::Rename { item, change } if !items.is_empty() => {
                let k = item % items.len();
                let it = &mut items[k];
                files.push((None, it.path.clone()));
                it.path = format!("backlog/{}-renamed-in-{n}.md", it.id);
                if change {
                    it.lines[5] = format!("Line 5 edited while renaming in {n}");
                }
                files.push((Some(it.text()), it.path.clone()));
            }
            Op::Delete { item } if items.len() > 1 => {
                let it = items.remove(item % items.len());
                files.push((None, it.path));
            }
            Op::Code => files.push((Some(format!("// {n}\n")), "src/main.rs".into())),
            _ => {
                let it = Item::new(made);
                made += 1;
                files.push((Some(it.text()), it.path.clone()));
                items.push(it);
            }
        }
        commit(&mut out, n, &files);
    }
    (out, items)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn prop_log_lists_the_commits_git_log_follow_lists(ops in proptest::collection::vec(arb_op(), 1..30)) {
        let env = TestEnv::new();
        let (stream, items) = build(&ops);
        env.git_with_input(&["fast-import", "--quiet"], &stream).ok();
        env.git(&["reset", "-q", "--hard", "main"]).ok();
        for item in &items {
            let ours = env.run(&["log", &item.id, "--format", "json"]).ok().json();
            let ours: Vec<String> = ours["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["commit"].as_str().unwrap().to_owned())
                .collect();
            let git = env
                .git(&["log", "--follow", "--format=%H", "--", &item.path])
                .ok()
                .stdout;
            let git: Vec<String> = git.lines().map(str::to_owned).collect();
            prop_assert_eq!(&ours, &git, "item {} at {}", item.id, item.path);
        }
    }
}
