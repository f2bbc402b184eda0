//! The analysis layer: read-only answers computed from loaded items (validation, the
//! dependency graph, duplicates, prioritization, planning, health, the board). Nothing
//! here writes a file or builds a [`crate::Change`]; turning an answer into a change is
//! [`crate::ops`]'s job.

pub mod board;
pub mod check;
pub mod done;
pub mod dupes;
pub mod filter;
pub mod graph;
pub mod health;
pub mod outline;
pub mod planning;
pub mod prioritize;
pub mod related;
pub mod wip;
