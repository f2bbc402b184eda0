//! Views over the whole backlog that `list` and `show` render: epics with their children
//! as a [`tree`] with rolled-up points, items in [`group`]s with counts and points, and
//! full-text [`search`].
//!
//! Everything here is pure: it takes loaded entries and the configuration and returns
//! indices into the entries plus figures; rendering is the CLI's job.

pub mod group;
pub mod search;
pub mod tree;

pub use group::{Group, GroupKey, group_by};
pub use search::Query;
pub use tree::{Node, Rollup, Tree, descendants};
