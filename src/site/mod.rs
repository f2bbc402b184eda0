//! `backlog site`: the backlog as a self-contained static website.
//!
//! [`build`] turns the loaded items, the config and the history from [`log_all`] into
//! pages held in memory; [`write()`] puts them in a folder. The pages:
//!
//! - `index.html` (and `backlog-N.html` for further pages): the ranked open items with
//!   readiness from the definition of ready, a filter and search-as-you-type over a
//!   lazily loaded index (`data/index.js`); fully readable without JavaScript;
//! - `board.html`: a column per status, cards as in `backlog board`;
//! - `items/<ID>.html`: every field, the story, the numbered criteria, the other body
//!   sections (markdown, raw HTML shown as text), relations and the refinement history;
//! - `sprints.html`: the `plan` and `agenda` views;
//! - `health.html`: the DEEP figures and velocity as a bar chart;
//! - `matrix.html`: the value-versus-effort scatter plot;
//! - `graph.html`: the dependency graph, layered left to right.
//!
//! The site makes no request outside itself (no CDN, fonts or external scripts), uses
//! relative links only (it works from `file://` and under any path), and is the same bytes
//! for the same input: the only dates in it come from the data (the "as of" day is given
//! by the caller, normally HEAD's commit date). Every text from an item file is
//! HTML-escaped. The analyses are the library's own: [`crate::check`] for readiness,
//! [`crate::planning`] for plan, agenda and velocity, [`crate::health`],
//! [`crate::prioritize::matrix`], [`crate::graph`] and [`crate::history`].
//!
//! [`log_all`]: crate::history::log_all

pub mod html;
mod pages;
pub mod svg;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::check::{Lookup, Severity, ready_findings_with};
use crate::config::Config;
use crate::graph::Graph;
use crate::history::AllLogs;
use crate::item::Body;
use crate::planning::{Missing, is_open, missing};
use crate::store::Loaded;

/// The stylesheet.
pub const CSS: &str = include_str!("assets/site.css");
/// The script: filters and search on the backlog page.
pub const JS: &str = include_str!("assets/site.js");

/// Name of the file that marks a folder as written by `backlog site` and lists its files.
pub const MARKER: &str = ".backlog-site";

/// How the site is built.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// The site's name, in every page title and the header.
    pub title: String,
    /// Where the site will be published (`https://team.example/backlog/`): gives each
    /// page a canonical link and adds `sitemap.xml`. Links stay relative.
    pub base_url: Option<String>,
    /// The day the site describes (days since 1970-01-01): sprints to plan, stale items.
    pub today: i64,
    /// Items per backlog page.
    pub page_size: usize,
}

impl Default for SiteOptions {
    fn default() -> Self {
        Self {
            title: "Backlog".to_owned(),
            base_url: None,
            today: 0,
            page_size: 100,
        }
    }
}

/// The commit the site was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Full commit id.
    pub commit: String,
    /// Commit time, Unix seconds.
    pub time: i64,
}

/// Reads HEAD's commit, if there is one.
pub fn head(repo: &crate::git::Repo) -> Option<Head> {
    let (commit, time) = repo.head_time()?;
    Some(Head {
        commit: commit.to_string(),
        time,
    })
}

/// What the site is built from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The items, in backlog order.
    pub loaded: &'a Loaded,
    /// The team's settings.
    pub config: &'a Config,
    /// Every item's history (`None` outside git: item pages then say so).
    pub history: Option<&'a AllLogs>,
    /// HEAD, named in the footer.
    pub head: Option<&'a Head>,
}

/// The built site: files (relative `/` paths) and their bytes, sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// Path and content of each file.
    pub files: Vec<(String, Vec<u8>)>,
}

impl Site {
    /// The content of one file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
            .map(|i| self.files[i].1.as_slice())
    }
}

/// Why the site could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// The output folder holds files that `backlog site` did not write.
    #[error(
        "{path} is not empty and was not written by `backlog site` (no {MARKER} file); \
         refusing to write into it"
    )]
    NotASiteFolder {
        /// The folder.
        path: String,
    },
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Shared, precomputed facts the pages are drawn from.
pub(crate) struct Ctx<'a> {
    pub loaded: &'a Loaded,
    pub config: &'a Config,
    pub opts: &'a SiteOptions,
    pub history: Option<&'a AllLogs>,
    pub head: Option<&'a Head>,
    pub graph: Graph,
    /// Entry index by ID key.
    pub by_id: HashMap<String, usize>,
    /// Per entry: `None` when closed or done, else what keeps it from being ready (empty:
    /// ready).
    pub readiness: Vec<Option<Vec<Missing>>>,
    /// Per entry: its page's file name inside `items/`.
    pub page: Vec<String>,
    /// Children per entry (items whose `parent` names it), in backlog order.
    pub children: Vec<Vec<usize>>,
    /// Items merged into each entry (`duplicate_of` naming it).
    pub duplicates: Vec<Vec<usize>>,
    /// Item file name (lowercase) → page file name, for links in bodies.
    pub item_files: HashMap<String, String>,
}

impl<'a> Ctx<'a> {
    fn new(input: &Input<'a>, opts: &'a SiteOptions) -> Self {
        let loaded = input.loaded;
        let config = input.config;
        let mut by_id = HashMap::with_capacity(loaded.entries.len());
        for (i, e) in loaded.entries.iter().enumerate() {
            by_id.entry(crate::id::key(&e.item.id)).or_insert(i);
        }
        let lookup = Lookup::new(loaded);
        let readiness: Vec<Option<Vec<Missing>>> = loaded
            .entries
            .par_iter()
            .map(|e| {
                if !is_open(e, config) {
                    return None;
                }
                let body = Body::parse(e.doc.body(), e.doc.body_line());
                let findings = ready_findings_with(e, &body, &lookup, config);
                Some(
                    findings
                        .iter()
                        .filter(|f| f.severity == Severity::Error)
                        .map(missing)
                        .collect(),
                )
            })
            .collect();
        let page: Vec<String> = loaded
            .entries
            .iter()
            .map(|e| page_name(&e.item.id))
            .collect();
        let mut children = vec![Vec::new(); loaded.entries.len()];
        let mut duplicates = vec![Vec::new(); loaded.entries.len()];
        for (i, e) in loaded.entries.iter().enumerate() {
            if let Some(&p) = e
                .item
                .parent
                .as_deref()
                .and_then(|p| by_id.get(&crate::id::key(p)))
            {
                children[p].push(i);
            }
            if let Some(&d) = e
                .item
                .duplicate_of
                .as_deref()
                .and_then(|d| by_id.get(&crate::id::key(d)))
            {
                duplicates[d].push(i);
            }
        }
        let mut item_files = HashMap::new();
        for (i, e) in loaded.entries.iter().enumerate() {
            let name = e.path.rsplit('/').next().unwrap_or(&e.path).to_lowercase();
            item_files.entry(name).or_insert_with(|| page[i].clone());
        }
        Self {
            loaded,
            config,
            opts,
            history: input.history,
            head: input.head,
            graph: Graph::new(&loaded.entries, config),
            by_id,
            readiness,
            page,
            children,
            duplicates,
            item_files,
        }
    }

    /// The entry index of an ID (any case).
    pub fn index(&self, id: &str) -> Option<usize> {
        self.by_id.get(&crate::id::key(id.trim())).copied()
    }
}

/// The file name of an item's page: the ID (IDs are letters, digits, `-`, `_` and `.`,
/// starting with a letter or digit, so they are safe file names) plus `.html`.
pub fn page_name(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.html")
}

/// Builds every page. `progress(done, total)` is called as pages are finished (from
/// several threads).
pub fn build(
    input: &Input<'_>,
    opts: &SiteOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Site {
    let ctx = Ctx::new(input, opts);
    let progress = Progress::new(&ctx, progress);
    let files = shared_pages(&ctx, &progress);
    history_pages(&ctx, files, &progress)
}

/// As [`build`], for a history that is still being read: `history` is called (and may
/// block, waiting for a walk on another thread) only once the pages that do not show
/// history are drawn, so the walk, which is sequential, runs beside them. `input.history`
/// is ignored. Returns the site and the history.
pub fn build_while(
    input: &Input<'_>,
    opts: &SiteOptions,
    history: impl FnOnce() -> Option<AllLogs>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Site, Option<AllLogs>) {
    let ctx = Ctx::new(
        &Input {
            history: None,
            ..*input
        },
        opts,
    );
    let tick = Progress::new(&ctx, progress);
    let files = shared_pages(&ctx, &tick);
    let logs = history();
    let site = {
        let ctx = Ctx {
            history: logs.as_ref(),
            ..ctx
        };
        history_pages(&ctx, files, &tick)
    };
    (site, logs)
}

/// Counts finished pages for the caller's `progress`.
struct Progress<'p> {
    total: usize,
    done: AtomicUsize,
    report: &'p (dyn Fn(usize, usize) + Sync),
}

impl<'p> Progress<'p> {
    fn new(ctx: &Ctx<'_>, report: &'p (dyn Fn(usize, usize) + Sync)) -> Self {
        let total = ctx.loaded.entries.len() + pages::backlog_page_count(ctx) + 6;
        Progress {
            total,
            done: AtomicUsize::new(0),
            report,
        }
    }

    fn tick(&self, k: usize) {
        (self.report)(self.done.fetch_add(k, Ordering::Relaxed) + k, self.total);
    }
}

/// The pages that show no history: the backlog list and its index, the board, the
/// sprints, the matrix and the dependency graph.
fn shared_pages(ctx: &Ctx<'_>, progress: &Progress<'_>) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = pages::backlog(ctx)
        .into_iter()
        .map(|(p, s)| (p, s.into_bytes()))
        .collect();
    progress.tick(files.len());
    files.push((
        "data/index.js".to_owned(),
        pages::index_js(ctx).into_bytes(),
    ));
    for (path, page) in [
        ("board.html", pages::board(ctx)),
        ("sprints.html", pages::sprints(ctx)),
        ("matrix.html", pages::matrix(ctx)),
        ("graph.html", pages::dependencies(ctx)),
    ] {
        files.push((path.to_owned(), page.into_bytes()));
        progress.tick(1);
    }
    files
}

/// Adds the pages that show history (every item's page, health) to `files`, then the
/// assets, the sitemap and the list of files.
fn history_pages(
    ctx: &Ctx<'_>,
    mut files: Vec<(String, Vec<u8>)>,
    progress: &Progress<'_>,
) -> Site {
    let n = ctx.loaded.entries.len();
    files.par_extend((0..n).into_par_iter().map(|i| {
        let page = pages::item(ctx, i);
        progress.tick(1);
        (format!("items/{}", ctx.page[i]), page.into_bytes())
    }));
    files.push(("health.html".to_owned(), pages::health(ctx).into_bytes()));
    progress.tick(1);
    files.push(("assets/site.css".to_owned(), CSS.as_bytes().to_vec()));
    files.push(("assets/site.js".to_owned(), JS.as_bytes().to_vec()));
    if let Some(base) = &ctx.opts.base_url {
        files.push(("sitemap.xml".to_owned(), sitemap(base, &files).into_bytes()));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let list: String = files.iter().map(|(p, _)| format!("{p}\n")).collect();
    files.insert(0, (MARKER.to_owned(), list.into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    progress.tick(0);
    Site { files }
}

/// `base` with exactly one trailing slash.
pub(crate) fn base_dir(base: &str) -> String {
    format!("{}/", base.trim_end_matches('/'))
}

fn sitemap(base: &str, files: &[(String, Vec<u8>)]) -> String {
    let base = base_dir(base);
    let mut paths: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.ends_with(".html"))
        .collect();
    paths.sort_unstable();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths {
        out.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            html::esc(&format!("{base}{p}"))
        ));
    }
    out.push_str("</urlset>\n");
    out
}

/// Writes the site into `out`, which must not exist, be empty, or hold a site written
/// before (its [`MARKER`] file lists the files to replace; files of the old site that the
/// new one does not have, such as pages of removed items, are deleted). Returns the
/// number of files written.
pub fn write(site: &Site, out: &Path) -> Result<usize, SiteError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| SiteError::Io { path, source }
    };
    if out.exists() {
        let marker = out.join(MARKER);
        let empty = std::fs::read_dir(out).map_err(io(out))?.next().is_none();
        if !empty {
            let Ok(list) = std::fs::read_to_string(&marker) else {
                return Err(SiteError::NotASiteFolder {
                    path: out.display().to_string(),
                });
            };
            let keep: std::collections::HashSet<&str> =
                site.files.iter().map(|(p, _)| p.as_str()).collect();
            for old in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
                // Only plain relative paths the site itself would write.
                let safe = !old.starts_with('/')
                    && old
                        .split('/')
                        .all(|c| !c.is_empty() && c != "." && c != "..");
                if safe && !keep.contains(old) {
                    let path = out.join(old);
                    if path.is_file() {
                        std::fs::remove_file(&path).map_err(io(&path))?;
                    }
                }
            }
        }
    }
    std::fs::create_dir_all(out).map_err(io(out))?;
    let mut dirs: Vec<PathBuf> = site
        .files
        .iter()
        .filter_map(|(p, _)| Path::new(p).parent().map(|d| out.join(d)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        std::fs::create_dir_all(&d).map_err(io(&d))?;
    }
    site.files.par_iter().try_for_each(|(p, bytes)| {
        let path = out.join(p);
        std::fs::write(&path, bytes).map_err(io(&path))
    })?;
    Ok(site.files.len())
}
