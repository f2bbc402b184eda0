//! `backlog`: git-native backlog refinement.
//!
//! The library holds everything except the terminal: the lossless item [`document`], the
//! typed [`item`] view, the [`config`], the [`store`] (finding and loading item files),
//! [`rank`] keys and [`id`] minting, the refinement operations in [`ops`], and the commit
//! engine in [`git`] and [`workspace`]. The `backlog` binary (`src/cli`) is a thin layer
//! that parses arguments, calls these functions and renders their results.

pub mod board;
pub mod check;
pub mod config;
pub mod document;
pub mod dupes;
pub mod git;
pub mod graph;
pub mod health;
pub mod history;
pub mod id;
pub mod item;
pub mod merge;
pub mod ops;
pub mod planning;
pub mod prioritize;
pub mod rank;
pub mod sprint;
pub mod store;
pub mod text;
pub mod workspace;
pub mod yaml_budget;

pub use config::Config;
pub use document::{Document, DocumentError, FieldValue};
pub use item::{Body, Checklist, Criterion, Item};
pub use store::{Entry, Store, StoreError};
pub use workspace::{Change, Workspace};
