//! `backlog mcp`: a Model Context Protocol server, so coding agents read, pick up and refine
//! the backlog through typed tools instead of scraping CLI text.
//!
//! - `args` are the tools' typed arguments, with the JSON schema each tool publishes.
//! - `tools` holds the logic: one function per tool, from typed arguments (with a JSON
//!   schema) to the same JSON the CLI prints with `--format json`, calling the same library
//!   functions the CLI commands call. Every call opens the workspace afresh; every mutation
//!   takes the same lock and makes the same one commit, plus a `Backlog-Via: mcp` trailer.
//! - `server` is the protocol glue on the official SDK (`rmcp`): the tool list, and the
//!   mapping of errors to MCP tool errors (the CLI's text and hints) so the server keeps
//!   serving after any of them.
//! - [`instructions`] is the text an agent is given: how to pick work, the definition of
//!   ready from `config.yml`, and when to split.
//!
//! The server speaks JSON-RPC on stdout: nothing else may write there while it runs.

mod args;
mod instructions;
mod server;
mod tools;

pub use args::{
    AddArgs, CheckArgs, ClaimArgs, CriteriaArgs, CriterionMove, CriterionText, DiffArgs, DupesArgs,
    EstimateArgs, IdArgs, ListArgs, MergeArgs, NextArgs, PlanArgs, Points, RankArgs, SplitArgs,
    UpdateArgs,
};
pub use instructions::instructions;
pub use server::{BacklogServer, serve_stdio};
pub use tools::{Backlog, first_in_progress_status};
