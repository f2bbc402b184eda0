use clap::Args;

use backlog::board::{self, Card, Column};
use backlog::text::sanitize;

use crate::cli::commands::plan::{fit, terminal_width};
use crate::cli::render::md;
use crate::cli::{CliError, Context, Format, Ui};

/// Kanban board: a column per status (workflow order), cards in rank order
///
/// Each card shows ID, estimate, owner and title. The text board fits the terminal width
/// (`COLUMNS`, default 100); when the columns would be too narrow they are stacked. A
/// status with a WIP limit (`wip:` in config.yml) shows `IN-PROGRESS (6/5, …)`; a column
/// over its limit is marked with `!` and a double rule.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog board
  backlog board --done 10 --where owner=dana
  backlog board --format json")]
pub(crate) struct BoardArgs {
    /// Also show the closed states (split, duplicate)
    #[arg(long)]
    all: bool,
    /// Show only the N most recently done items in the done column (by sprint, then
    /// `updated`/`created`); `all` shows every one
    #[arg(long, value_name = "N", default_value = "5", value_parser = parse_done)]
    done: DoneCap,
    /// Only items whose KEY (custom fields included) is VALUE (repeatable: all must hold)
    #[arg(long = "where", value_name = "KEY=VALUE")]
    wheres: Vec<backlog::analysis::filter::Where>,
}

/// `--done N|all`.
#[derive(Debug, Clone, Copy)]
struct DoneCap(Option<usize>);

fn parse_done(s: &str) -> Result<DoneCap, String> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(DoneCap(None));
    }
    s.parse()
        .map(|n| DoneCap(Some(n)))
        .map_err(|_| format!("expected a number of items or `all`, not {s:?}"))
}

/// Narrowest column worth drawing side by side.
const MIN_COLUMN: usize = 16;

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &BoardArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Markdown | Format::Json) {
        return Err(CliError::format(
            "board",
            ui.format,
            &["text", "markdown", "json"],
        ));
    }
    let ws = ctx.workspace()?;
    let mut loaded = ws.store.load_all();
    loaded
        .entries
        .retain(|e| backlog::analysis::filter::Where::all(&args.wheres, e, &ws.store.config));
    ui.warn_load_errors(&loaded.errors);
    let mut cols = board::columns(&loaded, &ws.store.config, args.all);
    if let DoneCap(Some(keep)) = args.done {
        board::cap_done(&mut cols, &ws.store.config, keep);
    }
    match ui.format {
        Format::Json => ui.json(&serde_json::json!({"schema": 1, "columns": cols}))?,
        Format::Markdown => markdown(ui, &cols)?,
        _ => {
            let mut out = String::new();
            for line in text(&cols, terminal_width()) {
                out.push_str(line.trim_end());
                out.push('\n');
            }
            ui.data(&out)?;
        }
    }
    Ok(0)
}

/// `IN-PROGRESS (6, 13 pts)`; with a WIP limit `IN-PROGRESS (6/5, 13 pts)`, and a `!`
/// in front when the column is over it (where a narrow column cannot cut it off).
fn header(c: &Column) -> String {
    let cards = c.cards.len() + c.more;
    let count = match c.wip_limit {
        Some(limit) => format!("{cards}/{limit}"),
        None => cards.to_string(),
    };
    format!(
        "{}{} ({count}, {} pts)",
        if c.over_limit { "! " } else { "" },
        sanitize(&c.status).to_uppercase(),
        c.points
    )
}

/// The line under a capped column: `… 4 more (--done all)`.
fn more(c: &Column) -> Option<String> {
    (c.more > 0).then(|| format!("… {} more (--done all)", c.more))
}

fn card_head(k: &Card) -> String {
    let mut s = sanitize(&k.id).into_owned();
    if let Some(p) = k.estimate {
        s.push_str(&format!(" {p}p"));
    }
    if let Some(o) = &k.owner {
        s.push_str(&format!(" @{}", sanitize(o)));
    }
    s
}

fn pad(s: &str, width: usize) -> String {
    let s = fit(s, width);
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// The text board in `width` columns: side by side, or stacked when too narrow.
fn text(cols: &[Column], width: usize) -> Vec<String> {
    let gap = 2;
    let n = cols.len().max(1);
    let col_w = (width.saturating_sub(gap * (n - 1))) / n;
    let mut out = Vec::new();
    if col_w < MIN_COLUMN {
        for c in cols {
            out.push(fit(&header(c), width));
            for k in &c.cards {
                out.push(fit(&format!("  {}  {}", card_head(k), k.title), width));
            }
            if let Some(m) = more(c) {
                out.push(fit(&format!("  {m}"), width));
            }
            out.push(String::new());
        }
        out.pop();
        return out;
    }
    let sep = " ".repeat(gap);
    let row = |cells: Vec<String>| cells.join(&sep);
    out.push(row(cols.iter().map(|c| pad(&header(c), col_w)).collect()));
    // A column over its WIP limit is underlined twice.
    let rule = |c: &Column| if c.over_limit { "═" } else { "─" }.repeat(col_w);
    out.push(row(cols.iter().map(rule).collect()));
    let depth = cols.iter().map(|c| c.cards.len()).max().unwrap_or(0);
    for i in 0..depth {
        let cell = |c: &Column, line: usize| match c.cards.get(i) {
            Some(k) if line == 0 => pad(&card_head(k), col_w),
            Some(k) => pad(&format!(" {}", k.title), col_w),
            None => " ".repeat(col_w),
        };
        out.push(row(cols.iter().map(|c| cell(c, 0)).collect()));
        out.push(row(cols.iter().map(|c| cell(c, 1)).collect()));
    }
    if cols.iter().any(|c| c.more > 0) {
        out.push(row(cols
            .iter()
            .map(|c| pad(&more(c).unwrap_or_default(), col_w))
            .collect()));
    }
    out
}

fn markdown(ui: &mut Ui, cols: &[Column]) -> Result<(), CliError> {
    let heads: Vec<String> = cols.iter().map(|c| md(&header(c))).collect();
    ui.line(&format!("| {} |", heads.join(" | ")))?;
    ui.line(&format!("|{}", "---|".repeat(cols.len())))?;
    let depth = cols.iter().map(|c| c.cards.len()).max().unwrap_or(0);
    for i in 0..depth {
        let cells: Vec<String> = cols
            .iter()
            .map(|c| match c.cards.get(i) {
                Some(k) => format!("**{}** {}", md(&card_head(k)), md(&k.title)),
                None => String::new(),
            })
            .collect();
        ui.line(&format!("| {} |", cells.join(" | ")))?;
    }
    if cols.iter().any(|c| c.more > 0) {
        let cells: Vec<String> = cols
            .iter()
            .map(|c| more(c).map(|m| md(&m)).unwrap_or_default())
            .collect();
        ui.line(&format!("| {} |", cells.join(" | ")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(status: &str, titles: &[&str]) -> Column {
        Column {
            status: status.to_owned(),
            points: 3,
            cards: titles
                .iter()
                .enumerate()
                .map(|(i, t)| Card {
                    id: format!("B-{i}"),
                    title: (*t).to_owned(),
                    estimate: Some(3),
                    owner: Some("lee".to_owned()),
                    recency: Default::default(),
                })
                .collect(),
            more: 0,
            wip_limit: None,
            over_limit: false,
        }
    }

    #[test]
    fn test_board_text_fits_width() {
        let cols = [
            col(
                "draft",
                &["A very long title that cannot fit in a column", "b"],
            ),
            col("done", &["c"]),
        ];
        for width in [40, 60, 100] {
            for line in text(&cols, width) {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
        }
        let lines = text(&cols, 40);
        assert!(lines[0].starts_with("DRAFT (2, 3 pts)"), "{lines:?}");
        assert!(lines[3].contains('…'), "{lines:?}");
        // A WIP limit shows in the header, and a breach is marked.
        let mut over = col("in-progress", &["a", "b"]);
        over.wip_limit = Some(1);
        over.over_limit = true;
        assert_eq!(header(&over), "! IN-PROGRESS (2/1, 3 pts)");
        let lines = text(&[over, col("done", &[])], 60);
        assert!(
            lines[1].starts_with('═') && lines[1].ends_with('─'),
            "{lines:?}"
        );
        // Too narrow for side by side: stacked.
        let stacked = text(&cols, 20);
        assert_eq!(stacked[0], "DRAFT (2, 3 pts)");
        assert!(stacked.iter().all(|l| l.chars().count() <= 20));
    }
}
