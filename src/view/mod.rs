//! What every front end shows: the stable JSON shapes (`--format json`, and the MCP
//! server's structured results), the item selection of `list`, and the error messages with
//! their hints. The CLI (`src/cli`) and the MCP server ([`crate::mcp`]) both call these, so
//! a script reading `backlog list --format json` and an agent calling `list_items` see the
//! same objects, and a user and an agent get the same error text.
//!
//! Nothing here prints; the callers decide where the values go.

pub mod complete;
mod error;
mod item;
pub mod json_text;
mod list;
mod reports;

pub use error::{Error, history_error};
pub use item::{ShowJson, item_json, show_json, yaml_to_json};
pub use list::{ListQuery, select};
pub use reports::{
    Dupes, agenda_json, capacity, change_json, check_json, diff_json, plan_json, sprint_count,
};
