use clap::Args;

use backlog::history::{self, BacklogDiff, ChangeKind, FieldChange, HistoryError, ItemDiff};
use backlog::text::sanitize;

use crate::cli::render::md;
use crate::cli::{CliError, Context, Format, Ui};

/// Summarize backlog changes between two states (for reviews and pull requests)
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog diff
  backlog diff main..HEAD
  backlog diff HEAD~3 --format json")]
pub(crate) struct DiffArgs {
    /// `A..B` (two commits), `A...B` (merge base of A and B, to B), or `A` (to the working
    /// tree). Default: the merge base of HEAD with main/master/origin/HEAD, to the working
    /// tree
    #[arg(value_name = "REV..REV")]
    range: Option<String>,
}

pub(crate) fn history_error(e: HistoryError) -> CliError {
    backlog::view::history_error(e).into()
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &DiffArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json | Format::Markdown) {
        return Err(CliError::format(
            "diff",
            ui.format,
            &["text", "json", "markdown"],
        ));
    }
    let ws = ctx.workspace()?;
    let Some(repo) = ws.repo.as_ref() else {
        return Err(CliError::user(
            "`diff` reads git history, but this is not a git repository",
        ));
    };
    let prefix = history::folder_prefix(repo, ws.store.dir());
    let (from, to) = history::resolve_range(repo, args.range.as_deref()).map_err(history_error)?;
    let d = history::diff(repo, &prefix, &from, &to, &ws.store.config).map_err(history_error)?;
    for w in &d.warnings {
        ui.warn(&sanitize(w));
    }
    match ui.format {
        Format::Json => {
            ui.json(&backlog::view::diff_json(&d))?;
        }
        Format::Markdown => ui.data(&markdown(&d))?,
        _ => ui.data(&text(&d))?,
    }
    Ok(0)
}

/// How values are shown: plain terminal text or escaped markdown.
#[derive(Clone, Copy)]
pub(crate) enum Style {
    Text,
    Markdown,
}

impl Style {
    fn value(self, s: &str) -> String {
        match self {
            Self::Text => sanitize(s).into_owned(),
            Self::Markdown => md(s),
        }
    }

    fn arrow(self) -> &'static str {
        match self {
            Self::Text => "->",
            Self::Markdown => "→",
        }
    }
}

fn opt(style: Style, v: Option<&str>) -> String {
    v.map_or_else(|| "(none)".to_owned(), |s| style.value(s))
}

/// One change as a line of text.
pub(crate) fn describe(style: Style, c: &FieldChange) -> String {
    history::describe(c, &|s| style.value(s), style.arrow())
}

fn points(n: u64) -> String {
    if n == 1 {
        "1 point".to_owned()
    } else {
        format!("{n} points")
    }
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

fn facts(style: Style, d: &ItemDiff) -> String {
    let mut parts = Vec::new();
    if let Some(e) = d.estimate {
        parts.push(points(u64::from(e)));
    }
    if let Some(s) = &d.status {
        parts.push(style.value(s));
    }
    parts.join(", ")
}

fn title_of<'a>(d: &'a BacklogDiff, id: &str) -> Option<&'a str> {
    d.items
        .iter()
        .find(|i| i.id == id)
        .map(|i| i.title.as_str())
}

fn text(d: &BacklogDiff) -> String {
    let s = Style::Text;
    let mut out = format!(
        "Backlog changes {} .. {}\n",
        s.value(&d.from.label()),
        s.value(&d.to.label())
    );
    if d.is_empty() {
        out.push_str("No backlog changes.\n");
        return out;
    }
    let t = &d.totals;
    let pts = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    out.push_str(&format!(
        "Items: {} added, {} removed, {} closed, {} modified ({} re-estimated)\n",
        t.added, t.removed, t.closed, t.modified, t.reestimated
    ));
    out.push_str(&format!(
        "Points: {} added, {} removed, {} closed, {} re-estimated; net {}\n",
        signed(pts(t.points_added)),
        signed(-pts(t.points_removed)),
        signed(-pts(t.points_closed)),
        signed(t.points_reestimated),
        signed(t.net_points)
    ));
    if !d.splits.is_empty() || !d.merges.is_empty() {
        out.push('\n');
    }
    for sp in &d.splits {
        out.push_str(&format!(
            "split:  {} {} -> {}\n",
            s.value(&sp.parent),
            s.value(title_of(d, &sp.parent).unwrap_or_default()),
            if sp.children.is_empty() {
                "(no new items)".to_owned()
            } else {
                s.value(&sp.children.join(", "))
            }
        ));
    }
    for m in &d.merges {
        out.push_str(&format!(
            "merged: {} {} -> {}\n",
            s.value(&m.duplicate),
            s.value(title_of(d, &m.duplicate).unwrap_or_default()),
            opt(s, m.into.as_deref())
        ));
    }
    out.push('\n');
    for item in &d.items {
        let mark = match item.change {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Modified => '~',
        };
        let facts = facts(s, item);
        out.push_str(&format!(
            "{mark} {}  {}",
            s.value(&item.id),
            s.value(&item.title)
        ));
        if item.change != ChangeKind::Modified && !facts.is_empty() {
            out.push_str(&format!("  ({facts})"));
        }
        out.push('\n');
        for c in &item.changes {
            out.push_str(&format!("    {}\n", describe(s, c)));
        }
    }
    out
}

fn markdown(d: &BacklogDiff) -> String {
    let s = Style::Markdown;
    let mut out = String::from("<!-- backlog-diff -->\n### Backlog changes\n\n");
    out.push_str(&format!(
        "{} → {}\n\n",
        md(&d.from.label()),
        md(&d.to.label())
    ));
    if d.is_empty() {
        out.push_str("No backlog changes.\n");
        return out;
    }
    let t = &d.totals;
    out.push_str("| | Items | Points |\n|:--|--:|--:|\n");
    out.push_str(&format!(
        "| Added | {} | {} |\n",
        t.added,
        signed(i64::try_from(t.points_added).unwrap_or(0))
    ));
    out.push_str(&format!(
        "| Removed | {} | {} |\n",
        t.removed,
        signed(-i64::try_from(t.points_removed).unwrap_or(0))
    ));
    out.push_str(&format!(
        "| Closed (split, duplicate) | {} | {} |\n",
        t.closed,
        signed(-i64::try_from(t.points_closed).unwrap_or(0))
    ));
    out.push_str(&format!("| Modified | {} | |\n", t.modified));
    out.push_str(&format!(
        "| Re-estimated | {} | {} |\n",
        t.reestimated,
        signed(t.points_reestimated)
    ));
    out.push_str(&format!("| **Net** | | **{}** |\n", signed(t.net_points)));
    let item_ref = |id: &str| match title_of(d, id) {
        Some(title) => format!("**{}** {}", md(id), md(title)),
        None => format!("**{}**", md(id)),
    };
    if !d.splits.is_empty() {
        out.push_str("\n#### Splits\n\n");
        for sp in &d.splits {
            let children: Vec<String> = sp.children.iter().map(|c| item_ref(c)).collect();
            out.push_str(&format!(
                "- {} split into {}\n",
                item_ref(&sp.parent),
                if children.is_empty() {
                    "(no new items)".to_owned()
                } else {
                    children.join(", ")
                }
            ));
        }
    }
    if !d.merges.is_empty() {
        out.push_str("\n#### Merges\n\n");
        for m in &d.merges {
            let into = m
                .into
                .as_deref()
                .map_or_else(|| "(unknown)".to_owned(), |k| format!("**{}**", md(k)));
            out.push_str(&format!(
                "- {} merged into {into}\n",
                item_ref(&m.duplicate)
            ));
        }
    }
    for (kind, heading) in [
        (ChangeKind::Added, "Added"),
        (ChangeKind::Removed, "Removed"),
        (ChangeKind::Modified, "Changed"),
    ] {
        let list: Vec<&ItemDiff> = d.items.iter().filter(|i| i.change == kind).collect();
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("\n#### {heading}\n\n"));
        for item in list {
            out.push_str(&format!("- **{}** {}", md(&item.id), md(&item.title)));
            let facts = facts(s, item);
            if kind != ChangeKind::Modified && !facts.is_empty() {
                out.push_str(&format!(" ({facts})"));
            }
            out.push('\n');
            for c in &item.changes {
                out.push_str(&format!("  - {}\n", describe(s, c)));
            }
        }
    }
    if !d.warnings.is_empty() {
        out.push_str("\n#### Unreadable files\n\n");
        for w in &d.warnings {
            out.push_str(&format!("- {}\n", md(w)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_md_escapes_markup_and_mentions() {
        assert_eq!(
            md("a *b* [c](d) @team <x>"),
            "a \\*b\\* \\[c\\](d) &#64;team \\<x\\>"
        );
        assert_eq!(md("two\nlines | pipe"), "two lines \\| pipe");
    }
}
