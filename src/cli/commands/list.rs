use clap::Args;

use backlog::Workspace;
use backlog::analysis::outline::{GroupKey, Query, Tree, group_by};
use backlog::graph::Graph;
use backlog::store::Entry;
use backlog::view::ListQuery;

use crate::cli::filter::FilterArgs;
use crate::cli::render::outline;
use crate::cli::{CliError, Context, Format, Ui, render};

/// List the open items in rank order (`--all` adds done and closed ones)
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog list
  backlog list --status ready --label auth
  backlog list --all --search sso
  backlog list --unblocked --format json")]
pub(crate) struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Also list done and closed items (split, duplicate); `--status` picks statuses
    /// itself
    #[arg(long)]
    all: bool,
    /// Only open items whose every dependency is done (`--ready` is an old name for
    /// this; "ready" is the definition of ready that `check` applies)
    #[arg(long, alias = "ready", conflicts_with = "blocked")]
    unblocked: bool,
    /// Only open items waiting for a dependency that is not done
    #[arg(long)]
    blocked: bool,
    /// Only items whose title or body (story, criteria, notes) contains every word of
    /// TEXT, case-insensitively
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
    /// Show parents with their children indented, and the children's points rolled up
    /// on each parent
    #[arg(long, conflicts_with = "group_by")]
    tree: bool,
    /// Show the items in groups, with counts and points: status, owner, label, sprint,
    /// parent, type, or a custom field declared under `fields:` in config.yml
    #[arg(long, value_name = "KEY")]
    group_by: Option<String>,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &ListArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("list", ui.format, &["text", "json"]));
    }
    let ws = ctx.workspace()?;
    args.filter.checked(&ws.store.config)?;
    let query = match &args.search {
        Some(text) => Some(
            Query::parse(text).ok_or_else(|| CliError::user("--search needs at least one word"))?,
        ),
        None => None,
    };
    if args.tree || args.group_by.is_some() {
        return run_outline(ui, &ws, args, query.as_ref());
    }
    if ui.is_json() {
        let items = select(ui, &ws, args, query.as_ref(), render::item_json_in_envelope);
        render::write_list_envelope(&items, |text| ui.data(text))?;
        if items.is_empty() {
            ui.status("0 items match");
        }
    } else {
        let rows = select(ui, &ws, args, query.as_ref(), render::Row::of);
        let width = crate::cli::ui::known_width();
        let header = !ui.is_quiet();
        let lines = render::format_rows(&rows, width, header, ui.palette, &ws.store.config);
        for row in lines {
            ui.line(&row)?;
        }
        if rows.is_empty() {
            ui.status("0 items match");
        }
    }
    Ok(0)
}

/// The selected items in backlog order, each rendered by `render_one` (see
/// [`backlog::view::select`]); files that did not load are warned about.
fn select<T: Send>(
    ui: &mut Ui,
    ws: &Workspace,
    args: &ListArgs,
    query: Option<&Query>,
    render_one: impl Fn(&Entry) -> T + Sync,
) -> Vec<T> {
    let query = ListQuery {
        filter: args.filter.filter(),
        unblocked: args.unblocked,
        blocked: args.blocked,
        search: query.cloned(),
        open_only: open_only(args),
    };
    let (items, errors) = backlog::view::select(&ws.store, &query, render_one);
    ui.warn_load_errors(&errors);
    items
}

/// Done and closed items are left out unless `--all`, or `--status` names statuses.
fn open_only(args: &ListArgs) -> bool {
    !args.all && args.filter.filter().status.is_empty()
}

/// `--tree` and `--group-by`: the whole backlog is loaded (rollups count every child);
/// the filters choose which items are shown.
fn run_outline(
    ui: &mut Ui,
    ws: &Workspace,
    args: &ListArgs,
    query: Option<&Query>,
) -> Result<u8, CliError> {
    let config = &ws.store.config;
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let entries = &loaded.entries;
    let filter = args.filter.filter();
    let open_only = open_only(args);
    let graph = (args.unblocked || args.blocked).then(|| Graph::new(entries, config));
    let shown: Vec<bool> = entries
        .iter()
        .map(|e| {
            filter.matches_entry(e, config)
                && (!open_only || config.is_open(&e.item))
                && query.is_none_or(|q| q.matches(e))
                && graph.as_ref().is_none_or(|g| {
                    (!args.unblocked || g.is_ready(&e.item.id))
                        && (!args.blocked || g.is_blocked(&e.item.id))
                })
        })
        .collect();
    if let Some(name) = &args.group_by {
        let key = GroupKey::resolve(name, config).map_err(CliError::user)?;
        let indices: Vec<usize> = (0..entries.len()).filter(|&i| shown[i]).collect();
        let tree = Tree::new(entries, config);
        let groups = group_by(entries, &indices, key.clone(), &tree, config);
        if ui.is_json() {
            ui.json(&outline::groups_json(entries, &groups, &key))?;
        } else {
            let lookup = backlog::check::Lookup::new(&loaded);
            let titles = |id: &str| lookup.get(id).map(|e| e.item.title.clone());
            for line in outline::groups_text(entries, &groups, &key, &titles) {
                ui.line(&line)?;
            }
        }
        return Ok(0);
    }
    let tree = Tree::new(entries, config);
    let forest = tree.forest(&shown);
    if ui.is_json() {
        ui.json(&outline::tree_json(entries, &forest))?;
    } else {
        for line in outline::tree_text(entries, &forest) {
            ui.line(&line)?;
        }
    }
    Ok(0)
}
