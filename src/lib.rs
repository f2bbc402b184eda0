//! `backlog`: git-native backlog refinement.
//!
//! The library holds everything except the terminal; the `backlog` binary (`src/cli`) is
//! a thin layer that parses arguments, calls these functions and renders their results.
//!
//! Module map, lowest layer first. A module imports only from modules above it in this
//! list (never from a later one), and only `git` names `git2` (`clippy.toml` disallows
//! its types and calls everywhere else):
//!
//! - [`text`]: terminal-safe text, slugs, calendar dates, name similarity.
//! - [`document`]: the lossless item file (front matter + body) that edits splice into;
//!   [`document::scan_keys`] is the one fast reader of a few front-matter keys (the same
//!   rules as the full read's fast path); [`document::budget`] bounds YAML alias expansion.
//! - [`model`]: pure item types and rules: [`model::id`] (minting, matching),
//!   [`model::item`] (the typed view of an item), [`model::rank_key`] (fractional keys),
//!   [`model::order`] (the one backlog order, [`model::OrderKey`]),
//!   [`model::checklist`] (numbered checklists and the definition of done),
//!   [`model::keys`] (known front-matter keys and near misses).
//! - [`config`]: `config.yml`, with the rules' settings and [`config::sprints`].
//! - [`store`]: finding, loading and atomically writing the item files of the folder.
//! - [`git`]: every libgit2 call: commits of exactly the touched paths, trailers, diffs,
//!   [`git::changed`] (`check --changed-since`), [`git::last_commits`] (`health`'s walk),
//!   and the reads of the history layers: [`git::objects`] (revisions, blobs, a tree's
//!   files), [`git::file_diff`], [`git::walk`] (commits, the folder walk of `log_all`),
//!   `git::trail` (one file's ids along its path); the layers above see crate types
//!   ([`git::ObjectId`], [`git::Failure`]), never `git2`.
//! - [`workspace`]: the transaction: lock, write, commit ([`workspace::Transaction::apply`]).
//! - [`analysis`]: read-only answers: [`analysis::check`], [`analysis::graph`],
//!   [`analysis::dupes`], [`analysis::prioritize`], [`analysis::planning`],
//!   [`analysis::health`], [`analysis::board`], [`analysis::done`] (the done gate),
//!   [`analysis::outline`] (parent trees with rollups, groups, search).
//! - [`history`]: the backlog at past commits: `diff` and `log`.
//! - [`forecast`]: Monte Carlo forecasts over the team's velocity, and the burn-up of past
//!   sprints read from history.
//! - [`merge`]: the item-file merge driver (`merge-file`, `git-setup`).
//! - [`site`]: the static website (`site OUT`).
//! - [`ops`]: every mutation; each returns a [`Change`] that the workspace applies.
//! - [`import`]: Backlog.md, GitHub issues and CSV brought in as one [`Change`];
//!   [`export`]: every item out as JSON or CSV (which `import csv` reads back).
//! - [`view`]: what every front end shows: the `--format json` shapes, the `list`
//!   selection, errors with their hints (shared by the CLI and the MCP server).
//! - [`mcp`]: the Model Context Protocol server (`backlog mcp`): tools over the same
//!   library functions the CLI calls.
//!
//! The flat names of earlier versions (`backlog::item`, `backlog::check`, …) are kept as
//! re-exports so existing code keeps compiling; new code uses the layered paths.

// Printing is the CLI's job (`src/cli`); the library returns values and errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod config;
pub mod document;
pub mod export;
pub mod forecast;
pub mod git;
pub mod history;
pub mod import;
pub mod mcp;
pub mod merge;
pub mod model;
pub mod ops;
pub mod site;
pub mod store;
pub mod text;
pub mod view;
pub mod workspace;

pub use analysis::{board, check, dupes, graph, health, planning, prioritize};
pub use config::sprints as sprint;
pub use document::budget as yaml_budget;
pub use model::rank_key as rank;
pub use model::{id, item};

pub use config::Config;
pub use document::{Document, DocumentError, FieldValue};
pub use item::{Body, Checklist, Criterion, Item};
pub use store::{Entry, Store, StoreError};
pub use workspace::{Change, Workspace};

/// The module map above, enforced: a module names no module below it in the list
/// (through its path or through one of the flat re-exports at the top of this file).
#[cfg(test)]
mod layers {
    /// The layers, lowest first; modules on one line are one layer.
    const LAYERS: &[&[&str]] = &[
        &["text"],
        &["document"],
        &["model"],
        &["config"],
        &["store"],
        &["git"],
        &["workspace"],
        &["analysis"],
        &["history"],
        &["forecast"],
        &["merge"],
        &["site"],
        &["ops"],
        &["import", "export"],
        &["view"],
        &["mcp"],
    ];

    /// The flat re-exports of `lib.rs` and the layer they come from.
    const ALIASES: &[(&str, &str)] = &[
        ("board", "analysis"),
        ("check", "analysis"),
        ("dupes", "analysis"),
        ("graph", "analysis"),
        ("health", "analysis"),
        ("planning", "analysis"),
        ("prioritize", "analysis"),
        ("sprint", "config"),
        ("yaml_budget", "document"),
        ("rank", "model"),
        ("id", "model"),
        ("item", "model"),
        ("Config", "config"),
        ("Document", "document"),
        ("DocumentError", "document"),
        ("FieldValue", "document"),
        ("Body", "model"),
        ("Checklist", "model"),
        ("Criterion", "model"),
        ("Item", "model"),
        ("Entry", "store"),
        ("Store", "store"),
        ("StoreError", "store"),
        ("Change", "workspace"),
        ("Workspace", "workspace"),
    ];

    fn layer(module: &str) -> Option<usize> {
        let module = ALIASES
            .iter()
            .find(|(alias, _)| *alias == module)
            .map_or(module, |(_, real)| real);
        LAYERS.iter().position(|l| l.contains(&module))
    }

    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn test_no_module_imports_a_later_layer() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut bad = Vec::new();
        for (at, names) in LAYERS.iter().enumerate() {
            for name in *names {
                let mut found = Vec::new();
                let dir = src.join(name);
                if dir.is_dir() {
                    files(&dir, &mut found);
                }
                let file = src.join(format!("{name}.rs"));
                if file.is_file() {
                    found.push(file);
                }
                for path in found {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        let code = line.split("//").next().unwrap_or("");
                        for (i, _) in code.match_indices("crate::") {
                            let rest = &code[i + "crate::".len()..];
                            // `crate::x::…`, and each name of `crate::{x, y::z}`.
                            let names: Vec<&str> = match rest.strip_prefix('{') {
                                Some(group) => group
                                    .split(['}', ','])
                                    .map(|n| n.trim().split("::").next().unwrap_or(""))
                                    .collect(),
                                None => vec![rest],
                            };
                            for name_at in names {
                                let module: String = name_at
                                    .chars()
                                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                                    .collect();
                                if let Some(l) = layer(&module)
                                    && l > at
                                {
                                    bad.push(format!(
                                        "{}:{}: {name} names crate::{module}",
                                        path.strip_prefix(&src).unwrap().display(),
                                        n + 1
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(
            bad.is_empty(),
            "imports against the module map:\n{}",
            bad.join("\n")
        );
    }

    #[test]
    fn test_every_module_is_in_the_map() {
        let lib = include_str!("lib.rs");
        for line in lib.lines() {
            if let Some(name) = line
                .strip_prefix("pub mod ")
                .and_then(|l| l.strip_suffix(';'))
            {
                assert!(layer(name).is_some(), "{name} is not in LAYERS");
            }
        }
    }
}
