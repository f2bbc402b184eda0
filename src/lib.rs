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
//! - [`model`]: pure item types and rules: [`model::id`] (minting, matching),
//!   [`model::item`] (the typed view of an item), [`model::rank_key`] (fractional keys),
//!   [`model::order`] (the one backlog order, [`model::OrderKey`]),
//!   [`model::checklist`] (numbered checklists and the definition of done).
//! - [`document`]: the lossless item file (front matter + body) that edits splice into;
//!   [`document::scan_keys`] is the one fast reader of a few front-matter keys (the same
//!   rules as the full read's fast path); [`document::budget`] bounds YAML alias expansion.
//! - [`config`]: `config.yml`, with the rules' settings and [`config::sprints`].
//! - [`store`]: finding, loading and atomically writing the item files of the folder.
//! - [`git`]: every libgit2 call: commits of exactly the touched paths, trailers, diffs,
//!   [`git::changed`] (`check --changed-since`), [`git::last_commits`] (`health`'s walk),
//!   and the reads of the history layers: [`git::objects`] (revisions, blobs, a tree's
//!   files), [`git::file_diff`], [`git::walk`] (commits, the folder walk of `log_all`),
//!   `git::trail` (one file's ids along its path); the layers above see crate types
//!   ([`git::ObjectId`], [`git::Failure`]), never `git2`.
//! - [`workspace`]: the transaction: lock, write, commit ([`Workspace::apply`]).
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
