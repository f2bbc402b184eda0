//! The dependency graph from `depends_on`: blocked and ready sets, an item's neighbourhood,
//! and rendering as text, Mermaid, Graphviz DOT or JSON.
//!
//! Edges point from a dependency to the item that waits for it (`B-1 --> B-2`: B-2 depends
//! on B-1), the order in which the work happens. An item is *ready to start* when it is
//! open (not done, split or duplicate) and every dependency is done; it is *blocked* when it
//! is open and at least one dependency is not done (or names no known item).

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write as _;

use serde::Serialize;

use crate::config::Config;
use crate::store::Entry;
use crate::text::sanitize;

/// Where an item stands with respect to its dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Finished (a done status).
    Done,
    /// Closed without being done (`split`, `duplicate`).
    Closed,
    /// Open, and some dependency is not done.
    Blocked,
    /// Open, and every dependency is done: work can start.
    Ready,
    /// Named in a `depends_on` but no such item exists.
    Missing,
}

impl State {
    /// The lowercase name used in output (`blocked`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Closed => "closed",
            Self::Blocked => "blocked",
            Self::Ready => "ready",
            Self::Missing => "missing",
        }
    }
}

/// One node: an item, or a dependency that names no item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The item ID (as written in the item, or in the `depends_on` for a missing one).
    pub id: String,
    /// The title (empty for a missing item).
    pub title: String,
    /// The status (`missing` for a missing item).
    pub status: String,
    /// Dependency state.
    pub state: State,
}

impl Node {
    /// The second line of a diagram label: the status, plus the dependency state when it
    /// adds something (`draft, blocked`), or `missing item`.
    fn status_label(&self) -> String {
        if self.state == State::Missing {
            "missing item".to_owned()
        } else if self.state.name() == self.status || self.state == State::Ready {
            self.status.clone()
        } else {
            format!("{}, {}", self.status, self.state.name())
        }
    }
}

/// The dependency graph of a set of items, in backlog order.
#[derive(Debug, Clone)]
pub struct Graph {
    nodes: Vec<Node>,
    index: HashMap<String, usize>,
    /// Per node: the nodes it depends on (deduplicated, in `depends_on` order).
    deps: Vec<Vec<usize>>,
    /// Per node: the nodes that depend on it.
    dependents: Vec<Vec<usize>>,
}

impl Graph {
    /// Builds the graph of `entries` (in backlog order). Dependencies that name no entry
    /// become [`State::Missing`] nodes after the items.
    pub fn new(entries: &[Entry], config: &Config) -> Self {
        let mut index: HashMap<String, usize> = HashMap::with_capacity(entries.len());
        let mut nodes: Vec<Node> = Vec::with_capacity(entries.len());
        for e in entries {
            let key = crate::id::key(&e.item.id);
            if index.contains_key(&key) {
                // A duplicate ID (reported by `check`): the first one in backlog order wins.
                continue;
            }
            index.insert(key, nodes.len());
            let status = config.status(&e.item).to_owned();
            let state = if config.is_done_status(&status) {
                State::Done
            } else if config.is_closed_status(&status) {
                State::Closed
            } else {
                State::Ready
            };
            nodes.push(Node {
                id: e.item.id.clone(),
                title: e.item.title.clone(),
                status,
                state,
            });
        }
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        let mut seen = HashSet::new();
        for e in entries {
            let Some(&from) = index.get(&crate::id::key(&e.item.id)) else {
                continue;
            };
            if !seen.insert(from) {
                continue;
            }
            for dep in &e.item.depends_on {
                let key = crate::id::key(dep.trim());
                if key.is_empty() {
                    continue;
                }
                let to = match index.get(&key) {
                    Some(&i) => i,
                    None => {
                        let i = nodes.len();
                        nodes.push(Node {
                            id: dep.trim().to_owned(),
                            title: String::new(),
                            status: "missing".to_owned(),
                            state: State::Missing,
                        });
                        deps.push(Vec::new());
                        index.insert(key, i);
                        i
                    }
                };
                if !deps[from].contains(&to) {
                    deps[from].push(to);
                }
            }
        }
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        for (from, ds) in deps.iter().enumerate() {
            for &to in ds {
                dependents[to].push(from);
            }
        }
        for i in 0..nodes.len() {
            if nodes[i].state == State::Ready
                && deps[i].iter().any(|&d| nodes[d].state != State::Done)
            {
                nodes[i].state = State::Blocked;
            }
        }
        Self {
            nodes,
            index,
            deps,
            dependents,
        }
    }

    /// All nodes: the items in backlog order, then missing dependencies.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The node index of an item ID (case-insensitive).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(&crate::id::key(id)).copied()
    }

    /// The state of the item with this ID.
    pub fn state(&self, id: &str) -> Option<State> {
        self.index_of(id).map(|i| self.nodes[i].state)
    }

    /// Whether the item is open and waits for an unfinished dependency.
    pub fn is_blocked(&self, id: &str) -> bool {
        self.state(id) == Some(State::Blocked)
    }

    /// Whether the item is open and all its dependencies are done.
    pub fn is_ready(&self, id: &str) -> bool {
        self.state(id) == Some(State::Ready)
    }

    /// The dependencies of node `i`.
    pub fn deps(&self, i: usize) -> &[usize] {
        &self.deps[i]
    }

    /// The nodes that depend on node `i`.
    pub fn dependents(&self, i: usize) -> &[usize] {
        &self.dependents[i]
    }

    /// The IDs of the dependencies that keep the item blocked (not done, or missing).
    pub fn blockers(&self, id: &str) -> Vec<&str> {
        let Some(i) = self.index_of(id) else {
            return Vec::new();
        };
        self.deps[i]
            .iter()
            .filter(|&&d| self.nodes[d].state != State::Done)
            .map(|&d| self.nodes[d].id.as_str())
            .collect()
    }

    /// Node `i` with its dependencies and its dependents, followed transitively up to
    /// `depth` levels in each direction (`None`: all the way). Dependencies of dependents
    /// (siblings) are not included. Returned in node order.
    pub fn neighbourhood(&self, i: usize, depth: Option<usize>) -> Vec<usize> {
        let mut keep = vec![false; self.nodes.len()];
        keep[i] = true;
        for edges in [&self.deps, &self.dependents] {
            let mut seen = vec![false; self.nodes.len()];
            seen[i] = true;
            let mut queue = VecDeque::from([(i, 0usize)]);
            while let Some((n, d)) = queue.pop_front() {
                if depth.is_some_and(|max| d >= max) {
                    continue;
                }
                for &m in &edges[n] {
                    if !seen[m] {
                        seen[m] = true;
                        keep[m] = true;
                        queue.push_back((m, d + 1));
                    }
                }
            }
        }
        (0..self.nodes.len()).filter(|&n| keep[n]).collect()
    }

    /// Every node, in order.
    pub fn all(&self) -> Vec<usize> {
        (0..self.nodes.len()).collect()
    }

    /// The edges among `selection` as (dependency, dependent) pairs.
    fn edges(&self, selection: &[usize]) -> Vec<(usize, usize)> {
        let chosen: HashSet<usize> = selection.iter().copied().collect();
        let mut out = Vec::new();
        for &n in selection {
            for &d in &self.deps[n] {
                if chosen.contains(&d) {
                    out.push((d, n));
                }
            }
        }
        out
    }

    /// Plain text: one line per node (ID, status, title, and what blocks it), then the
    /// node's dependencies with their statuses.
    pub fn render_text(&self, selection: &[usize]) -> String {
        let width = |f: &dyn Fn(&Node) -> String| {
            selection
                .iter()
                .map(|&n| f(&self.nodes[n]).chars().count())
                .max()
                .unwrap_or(0)
        };
        let id_w = width(&|n| sanitize(&n.id).into_owned());
        let status_w = width(&|n| sanitize(&n.status).into_owned());
        let mut out = String::new();
        for &n in selection {
            let node = &self.nodes[n];
            let mut line = format!(
                "{:id_w$}  {:status_w$}  {}",
                sanitize(&node.id),
                sanitize(&node.status),
                sanitize(&node.title)
            );
            if node.state == State::Blocked {
                let blockers: Vec<String> = self.deps[n]
                    .iter()
                    .filter(|&&d| self.nodes[d].state != State::Done)
                    .map(|&d| sanitize(&self.nodes[d].id).into_owned())
                    .collect();
                let _ = write!(line, "  [blocked by {}]", blockers.join(", "));
            }
            out.push_str(line.trim_end());
            out.push('\n');
            if !self.deps[n].is_empty() {
                let parts: Vec<String> = self.deps[n]
                    .iter()
                    .map(|&d| {
                        let dep = &self.nodes[d];
                        format!("{} ({})", sanitize(&dep.id), sanitize(&dep.status))
                    })
                    .collect();
                let _ = writeln!(out, "{:id_w$}  depends on {}", "", parts.join(", "));
            }
        }
        out
    }

    /// A Mermaid `flowchart TD` that renders on GitHub: node IDs reduced to
    /// `[A-Za-z0-9_]`, labels double-quoted with every special character written as a
    /// Mermaid entity code, one style class per state.
    pub fn render_mermaid(&self, selection: &[usize]) -> String {
        let names = mermaid_names(selection.iter().map(|&n| self.nodes[n].id.as_str()));
        let name_of: HashMap<usize, &str> = selection
            .iter()
            .zip(&names)
            .map(|(&n, s)| (n, s.as_str()))
            .collect();
        let mut out = String::from("flowchart TD\n");
        for (&n, name) in selection.iter().zip(&names) {
            let node = &self.nodes[n];
            let second = node.status_label();
            let label = if node.title.is_empty() {
                mermaid_text(&node.id)
            } else {
                format!("{}: {}", mermaid_text(&node.id), mermaid_text(&node.title))
            };
            let _ = writeln!(out, "    {name}[\"{label}<br/>{}\"]", mermaid_text(&second));
        }
        for (from, to) in self.edges(selection) {
            let _ = writeln!(out, "    {} --> {}", name_of[&from], name_of[&to]);
        }
        let styles = [
            (State::Done, "fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332"),
            (State::Closed, "fill:#e9ecef,stroke:#868e96,color:#495057"),
            (State::Blocked, "fill:#ffe3e3,stroke:#c92a2a,color:#5c0f0f"),
            (State::Ready, "fill:#e7f5ff,stroke:#1971c2,color:#0b2e4f"),
            (
                State::Missing,
                "fill:#fff9db,stroke:#e67700,stroke-dasharray:4 3",
            ),
        ];
        for (state, style) in styles {
            let members: Vec<&str> = selection
                .iter()
                .filter(|&&n| self.nodes[n].state == state)
                .map(|n| name_of[n])
                .collect();
            if members.is_empty() {
                continue;
            }
            let _ = writeln!(out, "    classDef {} {style}", state.name());
            let _ = writeln!(out, "    class {} {}", members.join(","), state.name());
        }
        out
    }

    /// A Graphviz `digraph` with quoted, escaped IDs and labels, coloured by state.
    pub fn render_dot(&self, selection: &[usize]) -> String {
        let mut out = String::from(
            "digraph backlog {\n    rankdir=TB;\n    node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n",
        );
        for &n in selection {
            let node = &self.nodes[n];
            let (fill, extra) = match node.state {
                State::Done => ("#d3f9d8", ""),
                State::Closed => ("#e9ecef", ", fontcolor=\"#495057\""),
                State::Blocked => ("#ffe3e3", ", color=\"#c92a2a\", penwidth=2"),
                State::Ready => ("#e7f5ff", ""),
                State::Missing => ("#fff9db", ", style=\"rounded,filled,dashed\""),
            };
            let second = node.status_label();
            let first = if node.title.is_empty() {
                sanitize(&node.id).into_owned()
            } else {
                format!("{}: {}", sanitize(&node.id), sanitize(&node.title))
            };
            let _ = writeln!(
                out,
                "    {} [label={}, fillcolor=\"{fill}\"{extra}];",
                dot_string(&node.id),
                dot_label(&[&first, &second]),
            );
        }
        for (from, to) in self.edges(selection) {
            let _ = writeln!(
                out,
                "    {} -> {};",
                dot_string(&self.nodes[from].id),
                dot_string(&self.nodes[to].id)
            );
        }
        out.push_str("}\n");
        out
    }

    /// The selection as a serializable view: nodes and dependency edges.
    pub fn view(&self, selection: &[usize]) -> GraphView {
        GraphView {
            schema: 1,
            nodes: selection
                .iter()
                .map(|&n| {
                    let node = &self.nodes[n];
                    NodeView {
                        id: node.id.clone(),
                        title: node.title.clone(),
                        status: node.status.clone(),
                        state: node.state,
                        depends_on: self.deps[n]
                            .iter()
                            .map(|&d| self.nodes[d].id.clone())
                            .collect(),
                    }
                })
                .collect(),
            edges: self
                .edges(selection)
                .into_iter()
                .map(|(dep, item)| EdgeView {
                    item: self.nodes[item].id.clone(),
                    depends_on: self.nodes[dep].id.clone(),
                })
                .collect(),
        }
    }
}

/// The JSON shape of `graph --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct GraphView {
    /// Output version.
    pub schema: u32,
    /// The nodes, in backlog order.
    pub nodes: Vec<NodeView>,
    /// One edge per dependency between two shown nodes.
    pub edges: Vec<EdgeView>,
}

/// A node in [`GraphView`].
#[derive(Debug, Clone, Serialize)]
pub struct NodeView {
    /// Item ID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Status (`missing` for a dependency that names no item).
    pub status: String,
    /// Dependency state.
    pub state: State,
    /// Every dependency of the item (also those outside the selection).
    pub depends_on: Vec<String>,
}

/// An edge in [`GraphView`]: `item` depends on `depends_on`.
#[derive(Debug, Clone, Serialize)]
pub struct EdgeView {
    /// The waiting item.
    pub item: String,
    /// What it waits for.
    pub depends_on: String,
}

/// Mermaid node names: `n_` plus the ID with everything outside `[A-Za-z0-9_]` replaced
/// by `_` (the prefix keeps clear of keywords such as `end`), made unique with a suffix.
fn mermaid_names<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    ids.map(|id| {
        let base: String = std::iter::once("n_".to_owned())
            .chain(id.chars().map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c.to_string()
                } else {
                    "_".to_owned()
                }
            }))
            .collect();
        let mut name = base.clone();
        let mut k = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}_{k}");
            k += 1;
        }
        name
    })
    .collect()
}

/// Text for inside a double-quoted Mermaid label: letters, digits, spaces and harmless
/// punctuation as they are; `"` as `#quot;`; every other character as `#NNN;`.
pub fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in sanitize(s).chars() {
        match c {
            '"' => out.push_str("#quot;"),
            c if c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | '-' | '_' | '.' | ',' | ':' | '/' | '\'' | '!' | '?' | '+' | '@'
                ) =>
            {
                out.push(c)
            }
            c => {
                let _ = write!(out, "#{};", u32::from(c));
            }
        }
    }
    out
}

/// A DOT double-quoted string: `"` and `\` escaped, control characters dropped.
pub fn dot_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in sanitize(s).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A DOT label of several centred lines.
fn dot_label(lines: &[&str]) -> String {
    let parts: Vec<String> = lines
        .iter()
        .map(|l| {
            let q = dot_string(l);
            q[1..q.len() - 1].to_owned()
        })
        .collect();
    format!("\"{}\"", parts.join("\\n"))
}

/// Tarjan's strongly connected components, iteratively (dependency chains can be long).
/// Returns each node's component and the components' members (ascending), with every
/// component listed after the components it has edges to.
pub fn strongly_connected(edges: &[Vec<usize>]) -> (Vec<usize>, Vec<Vec<usize>>) {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let mut components: Vec<Vec<usize>> = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // Call stack of (node, next edge to look at).
        let mut calls = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut edge)) = calls.last_mut() {
            if let Some(&w) = edges[v].get(*edge) {
                *edge += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = components.len();
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                members.sort_unstable();
                components.push(members);
            }
        }
    }
    (component, components)
}

#[cfg(test)]
mod tests;
