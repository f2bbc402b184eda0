use clap::Args;

use backlog::graph::Graph;

use crate::cli::render::style;
use crate::cli::{CliError, Context, Format, Ui};

/// Draw the dependency graph of the backlog or of one item's neighbourhood
///
/// Arrows point from a dependency to the item that waits for it. Nodes show ID, title and
/// status; blocked items (open, waiting for something not done) are marked. Formats: text,
/// mermaid (a `flowchart TD`), markdown (the Mermaid diagram in a ```mermaid fence, for a
/// pull-request comment), dot (Graphviz) and json.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog graph
  backlog graph B-7KX2 --depth 2
  backlog graph --format mermaid > deps.mmd")]
pub(crate) struct GraphArgs {
    /// Only this item, its dependencies and its dependents
    id: Option<String>,
    /// With ID: follow dependencies and dependents this many levels (default: all)
    #[arg(long, value_name = "N", requires = "id")]
    depth: Option<usize>,
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &GraphArgs) -> Result<u8, CliError> {
    if matches!(ui.format, Format::Github) {
        return Err(CliError::format(
            "graph",
            ui.format,
            &["text", "mermaid", "markdown", "dot", "json"],
        ));
    }
    let ws = ctx.workspace()?;
    let id = match &args.id {
        Some(q) => Some(ws.store.find(q)?.item.id),
        None => None,
    };
    let loaded = ws.store.load_all();
    ui.warn_load_errors(&loaded.errors);
    let graph = Graph::new(&loaded.entries, &ws.store.config);
    let selection = match &id {
        Some(id) => {
            let i = graph.index_of(id).ok_or_else(|| {
                CliError::user(format!(
                    "{id} is not in the loaded backlog (see the warnings)"
                ))
            })?;
            graph.neighbourhood(i, args.depth)
        }
        None => graph.all(),
    };
    let text = match ui.format {
        Format::Json => {
            let view =
                serde_json::to_value(graph.view(&selection)).map_err(std::io::Error::other)?;
            ui.json(&view)?;
            return Ok(0);
        }
        Format::Mermaid => graph.render_mermaid(&selection),
        Format::Markdown => format!("```mermaid\n{}```\n", graph.render_mermaid(&selection)),
        Format::Dot => graph.render_dot(&selection),
        _ => graph.render_text(&selection),
    };
    let text_format = !matches!(ui.format, Format::Mermaid | Format::Markdown | Format::Dot);
    for line in text.lines() {
        // The blocked marker in red on a terminal.
        match line.rfind("  [blocked by ") {
            Some(at) if text_format => {
                let marker = ui.palette.paint(style::BLOCKED, &line[at + 2..]);
                ui.line(&format!("{}  {marker}", &line[..at]))?;
            }
            _ => ui.line(line)?,
        }
    }
    Ok(0)
}
