//! Which items `list` (and the MCP server's `list_items`) shows, in backlog order.

use crate::analysis::graph::Graph;
use crate::analysis::outline::Query;
use crate::ops::Filter;
use crate::store::{Entry, LoadError, Store};

/// A list request: the field filter plus the conditions that need more than one item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Status, label, owner and type.
    pub filter: Filter,
    /// Only open items whose dependencies are all done.
    pub unblocked: bool,
    /// Only open items waiting for a dependency that is not done.
    pub blocked: bool,
    /// Words that must all occur (case-insensitive) in the title or the body.
    pub search: Option<Query>,
    /// Leave out closed items (done, split, duplicate).
    pub open_only: bool,
}

/// The selected items in backlog order, each rendered by `render_one`, and the files that
/// did not load.
///
/// Each item is rendered on the worker thread that loaded it, and only the rendered form
/// is kept: a 100k-item list never holds 100k parsed items. `unblocked` and `blocked`
/// depend on other items' statuses, so they load the whole backlog first.
pub fn select<T: Send>(
    store: &Store,
    query: &ListQuery,
    render_one: impl Fn(&Entry) -> T + Sync,
) -> (Vec<T>, Vec<LoadError>) {
    let config = &store.config;
    let keep = |e: &Entry| {
        query.filter.matches_entry(e, config)
            && (!query.open_only || config.is_open(&e.item))
            && query.search.as_ref().is_none_or(|q| q.matches(e))
    };
    if query.unblocked || query.blocked {
        let loaded = store.load_all();
        let graph = Graph::new(&loaded.entries, config);
        let items = loaded
            .entries
            .iter()
            .filter(|e| {
                keep(e)
                    && (!query.unblocked || graph.is_ready(&e.item.id))
                    && (!query.blocked || graph.is_blocked(&e.item.id))
            })
            .map(render_one)
            .collect();
        (items, loaded.errors)
    } else {
        let loaded = store.load_mapped(|e| keep(e).then(|| render_one(e)));
        (loaded.items.into_iter().flatten().collect(), loaded.errors)
    }
}
