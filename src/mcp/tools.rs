//! The tools' logic, without the protocol: each tool is a plain function from its typed
//! arguments to the JSON the CLI prints with `--format json`, or a [`view::Error`] with the
//! CLI's text and hints. Every call opens the workspace afresh (files may change between
//! calls); every mutation takes the same lock and makes the same one commit as the CLI,
//! plus a `Backlog-Via: mcp` trailer.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use serde_json::{Value as Json, json};

use super::args::{
    AddArgs, CheckArgs, ClaimArgs, CriteriaArgs, DiffArgs, DupesArgs, EstimateArgs, IdArgs,
    ListArgs, MergeArgs, NextArgs, PlanArgs, Points, RankArgs, SplitArgs, UpdateArgs,
};
use crate::analysis::check::{self, CheckOptions, Severity};
use crate::analysis::graph::Graph;
use crate::analysis::outline::Query;
use crate::analysis::planning;
use crate::analysis::related::LinkCache;
use crate::model::item::Body;
use crate::ops::{
    self, AddOptions, Assignment, Filter, Outcome, Position, SplitOptions, parse_assignment,
    parse_give, resolve_references,
};
use crate::store::{LoadError, StoreError};
use crate::view::{self, Error, ListQuery};
use crate::workspace::{Transaction, Workspace, WorkspaceOptions};
use crate::{Checklist, FieldValue};

/// Where the tools find the backlog, and the date they plan from.
#[derive(Debug, Clone)]
pub struct Backlog {
    /// How to open the workspace (start folder, backlog folder, commit switches).
    pub workspace: WorkspaceOptions,
    /// A fixed "today" for `plan` and `agenda` (`YYYY-MM-DD`, from `BACKLOG_TODAY`); `None`
    /// takes the date of each call.
    pub today: Option<String>,
    /// What items link to, kept between calls and revalidated by file metadata on each
    /// (see [`LinkCache`]), so `show_item` does not read the whole backlog every time.
    links: Arc<Mutex<LinkCache>>,
}

/// Load errors as warning strings (`path:line: message`).
fn warnings(errors: &[LoadError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

/// Adds `"warnings"` to a JSON object when there are any.
fn with_warnings(mut value: Json, warnings: Vec<String>) -> Json {
    if !warnings.is_empty()
        && let Some(map) = value.as_object_mut()
    {
        map.insert("warnings".to_owned(), json!(warnings));
    }
    value
}

impl Backlog {
    /// Tools for the backlog found from `workspace`, planning from `today` (or the date of
    /// each call).
    pub fn new(workspace: WorkspaceOptions, today: Option<String>) -> Self {
        Self {
            workspace,
            today,
            links: Arc::default(),
        }
    }

    /// Opens the workspace for one call; its commits say they came through MCP.
    pub fn workspace(&self) -> Result<Workspace, Error> {
        let mut ws = Workspace::open(&self.workspace, false)?;
        ws.set_via("mcp");
        Ok(ws)
    }

    /// Applies an outcome and describes it as the CLI's `--format json` does.
    fn apply(&self, tx: &Transaction<'_>, command: &str, outcome: &Outcome) -> Result<Json, Error> {
        let recorded = tx.apply(&outcome.change)?;
        let json = view::change_json(command, outcome, &recorded);
        Ok(with_warnings(
            json,
            tx.recovered().map(|r| r.to_string()).into_iter().collect(),
        ))
    }

    /// The day plans start from and new items are stamped with: `BACKLOG_TODAY` when the
    /// server was started with it, else the system date (UTC).
    fn date(&self) -> Result<jiff::civil::Date, Error> {
        crate::text::date::today(self.today.as_deref()).map_err(|e| {
            Error::new(format!(
                "BACKLOG_TODAY={:?} is not a date like 2026-01-05 ({})",
                crate::text::sanitize(&e.text),
                e.reason
            ))
        })
    }

    /// [`Backlog::date`] as days since 1970-01-01.
    fn today(&self) -> Result<i64, Error> {
        self.date().map(crate::text::date::to_days)
    }

    /// `list_items`: `{"schema", "items": [...]}` in backlog order.
    pub fn list_items(&self, args: &ListArgs) -> Result<Json, Error> {
        let ws = self.workspace()?;
        let wheres = args
            .wheres
            .iter()
            .map(|(k, v)| format!("{k}={v}").parse())
            .collect::<Result<Vec<_>, String>>()
            .map_err(|e| Error::new(format!("where: {e}")))?;
        let filter = Filter {
            status: args.status.clone(),
            label: args.label.clone(),
            owner: args.owner.clone(),
            kind: args.kind.clone(),
            wheres,
        };
        filter.validate(&ws.store.config)?;
        let query = ListQuery {
            filter,
            unblocked: args.unblocked,
            blocked: args.blocked,
            search: args.search.as_deref().and_then(Query::parse),
            open_only: !args.all,
        };
        let (items, errors) = view::select(&ws.store, &query, |e| view::item_json(e, false));
        Ok(with_warnings(
            json!({"schema": 1, "items": items}),
            warnings(&errors),
        ))
    }

    /// `show_item`: the item with its story, numbered acceptance criteria, body,
    /// dependencies (with their status) and dependents.
    pub fn show_item(&self, args: &IdArgs) -> Result<Json, Error> {
        let ws = self.workspace()?;
        let entry = ws.store.find(&args.id)?;
        let deps = crate::analysis::related::dependencies(&ws.store, &entry);
        // A poisoned lock only means an earlier call panicked mid-refresh; the cache is
        // revalidated on every use, so its content is still safe to start from.
        let mentions = self
            .links
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .mentions(&ws.store, &entry);
        Ok(with_warnings(
            view::show_json(&entry, &deps, &mentions.dependents),
            mentions.warnings(&entry),
        ))
    }

    /// `check`: findings and summary, optionally only for some items.
    pub fn check(&self, args: &CheckArgs) -> Result<Json, Error> {
        let ws = self.workspace()?;
        let loaded = ws.store.load_all();
        let only = if args.ids.is_empty() {
            None
        } else {
            let mut only = HashSet::new();
            for id in &args.ids {
                let e = match loaded.resolve(id) {
                    Ok(e) => e,
                    // The store's lookup says the same, with close IDs as suggestions.
                    Err(StoreError::UnknownItem { .. }) => {
                        return Err(ws.store.find(id).err().map_or_else(
                            || Error::new(format!("unknown item {id}")),
                            Error::from,
                        ));
                    }
                    Err(e) => return Err(e.into()),
                };
                only.insert(crate::model::id::key(&e.item.id));
                only.insert(e.path.clone());
            }
            Some(only)
        };
        let report = check::check(&loaded, &ws.store.config, &CheckOptions { only });
        Ok(view::check_json(&report, None, None, args.strict))
    }

    fn planning_input(
        &self,
        args: &PlanArgs,
    ) -> Result<
        (
            crate::store::Loaded,
            crate::config::Config,
            Vec<crate::config::sprints::Sprint>,
            planning::ResolvedCapacity,
        ),
        Error,
    > {
        let ws = self.workspace()?;
        let loaded = ws.store.load_all();
        let config = ws.store.config.clone();
        let n = view::sprint_count(args.sprints, &config)?;
        let cap = view::capacity(args.capacity, &loaded, &config)?;
        let sprints = config
            .sprints
            .calendar()
            .upcoming(self.today()?, n as usize);
        Ok((loaded, config, sprints, cap))
    }

    /// `plan`: the next sprints filled up to capacity (nothing is written).
    pub fn plan(&self, args: &PlanArgs) -> Result<Json, Error> {
        let (loaded, config, sprints, cap) = self.planning_input(args)?;
        let plan = planning::plan(&loaded, &config, &sprints, cap.points);
        Ok(with_warnings(
            view::plan_json(&cap, &plan),
            warnings(&loaded.errors),
        ))
    }

    /// `agenda`: what the next refinement must fix.
    pub fn agenda(&self, args: &PlanArgs) -> Result<Json, Error> {
        let (loaded, config, sprints, cap) = self.planning_input(args)?;
        let agenda = planning::agenda(&loaded, &config, &sprints, cap.points);
        Ok(with_warnings(
            view::agenda_json(&cap, &agenda),
            warnings(&loaded.errors),
        ))
    }

    /// `diff`: the backlog changes between two revisions.
    pub fn diff(&self, args: &DiffArgs) -> Result<Json, Error> {
        let ws = self.workspace()?;
        let Some(repo) = ws.repo.as_ref() else {
            return Err(Error::new(
                "`diff` reads git history, but this is not a git repository",
            ));
        };
        let range = match &args.to {
            Some(to) => format!("{}..{to}", args.from),
            None => args.from.clone(),
        };
        let prefix = crate::history::folder_prefix(repo, ws.store.dir());
        let (from, to) =
            crate::history::resolve_range(repo, Some(&range)).map_err(view::history_error)?;
        let d = crate::history::diff(repo, &prefix, &from, &to, &ws.store.config)
            .map_err(view::history_error)?;
        Ok(view::diff_json(&d))
    }

    /// `dupes`: likely duplicate pairs among the open items.
    pub fn dupes(&self, args: &DupesArgs) -> Result<Json, Error> {
        let ws = self.workspace()?;
        let dupes = view::Dupes::find(&ws.store, args.threshold.unwrap_or(0.5))?;
        Ok(with_warnings(dupes.json(), warnings(&dupes.errors)))
    }

    /// `next_item`: the highest-ranked open item that claims readiness, passes the
    /// definition of ready and waits for no dependency; `item` is null when there is none.
    pub fn next_item(&self, args: &NextArgs) -> Result<Json, Error> {
        let ws = self.workspace()?;
        let config = &ws.store.config;
        let loaded = ws.store.load_all();
        let graph = Graph::new(&loaded.entries, config);
        let lookup = check::Lookup::new(&loaded);
        let mut considered = 0;
        let next = loaded.entries.iter().find(|e| {
            let item = &e.item;
            if !config.is_ready_status(config.status(item))
                || !graph.is_ready(&item.id)
                || args
                    .label
                    .as_ref()
                    .is_some_and(|l| !item.labels.contains(l))
                || args
                    .owner
                    .as_ref()
                    .is_some_and(|o| item.owner.as_ref().is_some_and(|owner| owner != o))
            {
                return false;
            }
            considered += 1;
            let body = Body::parse(e.doc.body(), e.doc.body_line());
            check::ready_findings_with(e, &body, &lookup, config)
                .iter()
                .all(|f| f.severity != Severity::Error)
        });
        Ok(with_warnings(
            json!({
                "schema": 1,
                "item": next.map(|e| view::item_json(e, true)),
                "considered": considered,
            }),
            warnings(&loaded.errors),
        ))
    }

    /// `claim_item`: sets `owner` and the first in-progress status in one commit; refuses an
    /// item another owner holds unless `force`.
    pub fn claim_item(&self, args: &ClaimArgs) -> Result<Json, Error> {
        let owner = args.owner.trim();
        if owner.is_empty() {
            return Err(Error::new("the owner must not be empty"));
        }
        let ws = self.workspace()?;
        let config = &ws.store.config;
        let Some(status) = first_in_progress_status(config) else {
            return Err(Error::new(
                "config.yml has no in-progress status (a status after the ready ones)",
            )
            .hint("add one to `statuses`, e.g. [draft, ready, in-progress, done]"));
        };
        // Read the item under the lock: a second claimant sees the first one's owner.
        let tx = ws.begin()?;
        let entry = ws.store.find(&args.id)?;
        let id = entry.item.id.clone();
        let current = config.status(&entry.item).to_owned();
        if config.is_closed_status(&current) {
            return Err(
                Error::new(format!("{id} is {current}: there is nothing to claim"))
                    .hint("`next_item` picks open work"),
            );
        }
        if let Some(holder) = entry.item.owner.as_deref()
            && holder != owner
            && !args.force
        {
            return Err(Error::new(format!("{id} is claimed by {holder}"))
                .hint("pick another item (`next_item`), or pass force: true to take it over"));
        }
        let assignments = [
            Assignment {
                key: "owner".to_owned(),
                value: Some(FieldValue::Str(owner.to_owned())),
            },
            Assignment {
                key: "status".to_owned(),
                value: Some(FieldValue::Str(status)),
            },
        ];
        let outcome = relabel(ops::set(entry, &assignments)?, "claim");
        self.apply(&tx, "claim", &outcome)
    }

    /// `finish_item`: sets the first done status; the result lists what the done gate
    /// finds: acceptance criteria (`unchecked_criteria`) and definition-of-done entries
    /// (`unchecked_done`) still unchecked, numbered as `criteria` lists them.
    pub fn finish_item(&self, args: &IdArgs) -> Result<Json, Error> {
        let ws = self.workspace()?;
        let config = &ws.store.config;
        let Some(done) = config.done_statuses.first().cloned() else {
            return Err(Error::new("config.yml has no done status")
                .hint("set `done_statuses`, e.g. [done]"));
        };
        let tx = ws.begin()?;
        let entry = ws.store.find(&args.id)?;
        let assignments = [Assignment {
            key: "status".to_owned(),
            value: Some(FieldValue::Str(done)),
        }];
        let outcome = relabel(ops::set(entry, &assignments)?, "finish");
        let result = self.apply(&tx, "finish", &outcome)?;
        // The done gate, as `set status=done` and `check` apply it: allowed, but said.
        let finished = &outcome.items[0];
        let gaps = crate::analysis::done::entry_done_gaps(finished, &config.definition_of_done);
        let mut result = with_warnings(
            result,
            if gaps.is_empty() {
                Vec::new()
            } else {
                vec![gaps.describe(&finished.item.id)]
            },
        );
        if let Some(map) = result.as_object_mut() {
            map.insert("unchecked_criteria".to_owned(), json!(gaps.criteria));
            map.insert("unchecked_done".to_owned(), json!(gaps.done));
        }
        Ok(result)
    }

    /// `add_item`: a new item at the bottom of the ranking.
    pub fn add_item(&self, args: &AddArgs) -> Result<Json, Error> {
        let ws = self.workspace()?;
        let tx = ws.begin()?;
        let loaded = ws.store.load_all();
        // The type's template (`templates/<type>.md`), as `backlog add` uses it.
        let mut opts = AddOptions {
            title: args.title.clone(),
            kind: args.kind.clone(),
            status: args.status.clone(),
            estimate: args.estimate,
            value: args.value,
            labels: args.labels.clone(),
            owner: args.owner.clone(),
            depends_on: args.depends_on.clone(),
            parent: args.parent.clone(),
            story: args.story.clone(),
            criteria: args.criteria.clone(),
            created: self.date()?.to_string(),
            template: None,
            fields: Vec::new(),
        };
        let outcome = ops::add_with_template(&ws.store, &loaded, &mut opts)?;
        self.apply(&tx, "add", &outcome)
    }

    /// `update_item`: `KEY=VALUE` assignments, as `backlog set`.
    pub fn update_item(&self, args: &UpdateArgs) -> Result<Json, Error> {
        if args.set.is_empty() {
            return Err(Error::new(
                "give at least one KEY=VALUE assignment in `set`",
            ));
        }
        let ws = self.workspace()?;
        let mut assignments = args
            .set
            .iter()
            .map(|a| parse_assignment(a, &ws.store.config))
            .collect::<Result<Vec<_>, _>>()?;
        let tx = ws.begin()?;
        let entry = ws.store.find(&args.id)?;
        resolve_references(&mut assignments, &entry.item.id, |q| {
            ws.store.find(q).map(|e| e.item.id)
        })?;
        let config = &ws.store.config;
        let loaded = ops::needs_backlog(&assignments, config).then(|| ws.store.load_all());
        if let Some(loaded) = &loaded {
            ops::check_references(&entry, &assignments, loaded)?;
        }
        let was_done = config.is_done_status(config.status(&entry.item));
        let before = entry.clone();
        let outcome = ops::set(entry, &assignments)?;
        let result = self.apply(&tx, "set", &outcome)?;
        // The done gate, as `backlog set` applies it.
        let changed = &outcome.items[0];
        let mut warnings =
            ops::set_warnings(&before, changed, &assignments, loaded.as_ref(), config);
        if !was_done && config.is_done_status(config.status(&changed.item)) {
            let gaps = crate::analysis::done::entry_done_gaps(changed, &config.definition_of_done);
            if !gaps.is_empty() {
                warnings.push(gaps.describe(&changed.item.id));
            }
        }
        Ok(with_warnings(result, warnings))
    }

    /// `criteria`: the acceptance criteria numbered (`{schema, id, path,
    /// acceptance_criteria: [{number, text, done}]}`), or one change in one commit.
    pub fn criteria(&self, args: &CriteriaArgs) -> Result<Json, Error> {
        self.checklist(args, Checklist::Criteria)
    }

    /// `dod`: the definition of done (the team's list plus the item's own), as `criteria`.
    pub fn dod(&self, args: &CriteriaArgs) -> Result<Json, Error> {
        self.checklist(args, Checklist::Done)
    }

    /// `criteria` and `dod`, as `backlog criteria` and `backlog dod` do them.
    fn checklist(&self, args: &CriteriaArgs, list: Checklist) -> Result<Json, Error> {
        let (command, key) = match list {
            Checklist::Criteria => ("criteria", "acceptance_criteria"),
            Checklist::Done => ("dod", "definition_of_done"),
        };
        let edit = args.edit()?;
        let ws = self.workspace()?;
        let team: &[String] = match list {
            Checklist::Criteria => &[],
            Checklist::Done => &ws.store.config.definition_of_done,
        };
        let Some(edit) = edit else {
            let entry = ws.store.find(&args.id)?;
            let entries = ops::checklist(entry.doc.body(), list, team);
            return Ok(json!({
                "schema": 1,
                "id": entry.item.id,
                "path": entry.path,
                key: entries,
            }));
        };
        let tx = ws.begin()?;
        let entry = ws.store.find(&args.id)?;
        let outcome = ops::edit_checklist(entry, list, team, &edit)?;
        self.apply(&tx, command, &outcome)
    }

    /// `estimate`: story points on the scale.
    pub fn estimate(&self, args: &EstimateArgs) -> Result<Json, Error> {
        let points = match &args.points {
            Points::Number(n) => n.to_string(),
            Points::Text(t) => t.clone(),
        };
        let ws = self.workspace()?;
        let tx = ws.begin()?;
        let entry = ws.store.find(&args.id)?;
        let warning = ops::estimate_warning(&entry, &ws.store.config);
        let outcome = ops::estimate(entry, &points, &ws.store.config)?;
        let result = self.apply(&tx, "estimate", &outcome)?;
        Ok(with_warnings(
            result,
            warning
                .filter(|_| !outcome.change.is_empty())
                .into_iter()
                .collect(),
        ))
    }

    /// `split_item`: children take the item's place in the ranking; it is closed as split.
    pub fn split_item(&self, args: &SplitArgs) -> Result<Json, Error> {
        if args.into.is_empty() {
            return Err(Error::new("give at least one child title in `into`"));
        }
        let give = args
            .give
            .iter()
            .map(|g| parse_give(g))
            .collect::<Result<Vec<_>, _>>()?;
        let ws = self.workspace()?;
        let tx = ws.begin()?;
        let id = ws.store.find(&args.id)?.item.id;
        let loaded = ws.store.load_all();
        let opts = SplitOptions {
            titles: args.into.clone(),
            give,
            created: self.date()?.to_string(),
        };
        let outcome = ops::split(&ws.store, &loaded, &id, &opts)?;
        Ok(with_warnings(
            self.apply(&tx, "split", &outcome)?,
            warnings(&loaded.errors),
        ))
    }

    /// `merge_items`: folds a duplicate into the item that stays.
    pub fn merge_items(&self, args: &MergeArgs) -> Result<Json, Error> {
        let ws = self.workspace()?;
        let tx = ws.begin()?;
        let dup = ws.store.find(&args.duplicate)?.item.id;
        let keep = ws.store.find(&args.into)?.item.id;
        let loaded = ws.store.load_all();
        let outcome = ops::merge(&loaded, &ws.store.config, &dup, &keep)?;
        Ok(with_warnings(
            self.apply(&tx, "merge", &outcome)?,
            warnings(&loaded.errors),
        ))
    }

    /// `rank_item`: moves one item.
    pub fn rank_item(&self, args: &RankArgs) -> Result<Json, Error> {
        let chosen = [
            args.before.is_some(),
            args.after.is_some(),
            args.top,
            args.bottom,
        ];
        if chosen.iter().filter(|c| **c).count() != 1 {
            return Err(Error::new(
                "give exactly one of `before`, `after`, `top` or `bottom`",
            ));
        }
        let position = match (&args.before, &args.after) {
            (Some(b), _) => Position::Before(b.clone()),
            (_, Some(a)) => Position::After(a.clone()),
            _ if args.top => Position::Top,
            _ => Position::Bottom,
        };
        let ws = self.workspace()?;
        let tx = ws.begin()?;
        let index = ops::rank_index(&ws.store);
        let outcome = ops::rank_move_indexed(&ws.store, &index, &args.id, &position)?.outcome;
        Ok(with_warnings(
            self.apply(&tx, "rank", &outcome)?,
            warnings(&index.errors),
        ))
    }
}

/// The first configured status that counts as in progress (after every ready status).
pub fn first_in_progress_status(config: &crate::config::Config) -> Option<String> {
    let last_ready = config
        .statuses
        .iter()
        .rposition(|s| config.is_ready_status(s))?;
    config.statuses[last_ready + 1..]
        .iter()
        .find(|s| !config.is_closed_status(s))
        .cloned()
}

/// Renames a `set` outcome's operation (`set B-1: …` becomes `claim B-1: …`).
fn relabel(mut outcome: Outcome, op: &str) -> Outcome {
    if !outcome.change.is_empty() {
        if let Some(rest) = outcome.change.summary.strip_prefix("set ") {
            outcome.change.summary = format!("{op} {rest}");
        }
        outcome.change.op = op.to_owned();
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::store::Entry;

    #[test]
    fn test_first_in_progress_status_follows_the_ready_ones() {
        let mut c = Config::default();
        assert_eq!(first_in_progress_status(&c).as_deref(), Some("in-progress"));
        c.statuses = ["todo", "ready", "doing", "review", "done"]
            .map(String::from)
            .to_vec();
        assert_eq!(first_in_progress_status(&c).as_deref(), Some("doing"));
        c.statuses = ["draft", "ready", "done"].map(String::from).to_vec();
        assert_eq!(first_in_progress_status(&c), None);
    }

    #[test]
    fn test_relabel_renames_the_operation() {
        let e = Entry::from_text("backlog/B-1-a.md", "---\nid: B-1\ntitle: A\n---\n").unwrap();
        let outcome = ops::set(
            e,
            &[Assignment {
                key: "owner".to_owned(),
                value: Some(FieldValue::Str("dana".to_owned())),
            }],
        )
        .unwrap();
        let outcome = relabel(outcome, "claim");
        assert_eq!(outcome.change.op, "claim");
        assert_eq!(outcome.change.summary, "claim B-1: owner=dana");
    }
}
