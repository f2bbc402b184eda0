use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use backlog::history;
use backlog::site::{self, Input, SiteOptions};
use backlog::text::sanitize;

use crate::cli::{CliError, Context, Format, Ui};

/// Build the backlog as a static website, for the people who never open a terminal
///
/// Pages: the ranked backlog with filters and search, the board, a page per item with its
/// history, the next sprints, health, the priority matrix and the dependency graph.
/// The site is self-contained (no request leaves the page), uses relative links (it works
/// opened from disk and served from any path), and is the same bytes for the same input:
/// figures are as of HEAD's commit date (or `BACKLOG_TODAY`). OUT must not exist, be
/// empty, or hold a site written before by this command (it is updated in place).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  backlog site public
  backlog site public --base-url https://example.com/backlog/ --title 'Our backlog'")]
pub(crate) struct SiteArgs {
    /// Output folder
    out: PathBuf,
    /// Where the site will be published (`https://…/`): adds canonical links and
    /// sitemap.xml; links between pages stay relative
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Name shown in the header and in page titles
    #[arg(long, value_name = "TEXT", default_value = "Backlog")]
    title: String,
}

/// The day the figures describe: `BACKLOG_TODAY`, else HEAD's commit date, else the latest
/// `updated`/`created` date of an item, else the system date.
fn as_of(head: Option<&site::Head>, loaded: &backlog::store::Loaded) -> Result<i64, CliError> {
    if std::env::var("BACKLOG_TODAY").is_ok_and(|v| !v.is_empty()) {
        return super::plan::today();
    }
    if let Some(h) = head {
        return Ok(h.time.div_euclid(86_400));
    }
    let latest = loaded
        .entries
        .iter()
        .filter_map(|e| e.item.updated.as_deref().or(e.item.created.as_deref()))
        .filter_map(backlog::health::item_date)
        .max();
    match latest {
        Some(day) => Ok(day),
        None => super::plan::today(),
    }
}

pub(crate) fn run(ui: &mut Ui, ctx: &Context, args: &SiteArgs) -> Result<u8, CliError> {
    if !matches!(ui.format, Format::Text | Format::Json) {
        return Err(CliError::format("site", ui.format, &["text", "json"]));
    }
    if let Some(url) = &args.base_url {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://"))
            || url.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(CliError::user(format!(
                "--base-url {:?} is not an http(s) URL",
                sanitize(url)
            ))
            .hint("for example --base-url https://team.github.io/product/"));
        }
    }
    let title = args.title.trim();
    if title.is_empty() {
        return Err(CliError::user("--title must not be empty"));
    }
    let ws = ctx.workspace()?;
    let head = ws.repo.as_ref().and_then(site::head);
    // The history walk is sequential: it runs on its own thread, with its own handle on
    // the repository (libgit2's is not shared between threads), while the items load and
    // the pages that show no history are drawn.
    let walk = ws.repo.as_ref().map(|repo| {
        (
            repo.workdir().to_path_buf(),
            history::folder_prefix(repo, ws.store.dir()),
        )
    });
    let bar = ui.progress(Some(0), "pages");
    let (built, logs, loaded) = std::thread::scope(|scope| {
        let walking = walk.map(|(workdir, prefix)| {
            let bar = bar.clone();
            scope.spawn(move || {
                let repo = backlog::git::Repo::open(&workdir).map_err(|e| e.to_string())?;
                history::log_all(&repo, &prefix, &mut |n| {
                    if n % 256 == 0 {
                        bar.set_message(format!("history {n}"));
                    }
                })
                .map_err(|e| e.to_string())
            })
        });
        let loaded = ws.store.load_all();
        let today = as_of(head.as_ref(), &loaded);
        let opts = SiteOptions {
            title: title.to_owned(),
            base_url: args.base_url.clone(),
            today: *today.as_ref().unwrap_or(&0),
            ..SiteOptions::default()
        };
        let input = Input {
            loaded: &loaded,
            config: &ws.store.config,
            history: None,
            head: head.as_ref(),
        };
        let mut history_error = None;
        let (built, logs) = site::build_while(
            &input,
            &opts,
            || {
                // A panic in the walk is a bug: it ends the command as one (exit 101).
                let result = walking?
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                bar.set_message("pages");
                result.map_err(|e| history_error = Some(e)).ok()
            },
            &|done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            },
        );
        (today.map(|_| built), (logs, history_error), loaded)
    });
    bar.finish_and_clear();
    let built = built?;
    let (logs, history_error) = logs;
    ui.warn_load_errors(&loaded.errors);
    if let Some(e) = history_error {
        ui.warn(&format!(
            "cannot read the git history ({}); item pages will have none",
            sanitize(&e)
        ));
    }
    if let Some(l) = &logs {
        for w in &l.warnings {
            ui.warn(&sanitize(w));
        }
    }
    let out = if args.out.is_absolute() {
        args.out.clone()
    } else {
        ctx.start.join(&args.out)
    };
    let files = site::write(&built, &out).map_err(|e| CliError::user(e.to_string()))?;
    let pages = built
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .count();
    if ui.is_json() {
        ui.json(&json!({
            "schema": 1,
            "out": out.display().to_string(),
            "files": files,
            "pages": pages,
            "items": loaded.entries.len(),
            "commits": logs.as_ref().map_or(0, |l| l.commits),
            "commit": head.as_ref().map(|h| h.commit.clone()),
        }))?;
    } else {
        ui.status(&format!(
            "Wrote {pages} pages ({} items) to {}; open {} in a browser.",
            loaded.entries.len(),
            sanitize(&out.display().to_string()),
            sanitize(&out.join("index.html").display().to_string())
        ));
    }
    Ok(0)
}
