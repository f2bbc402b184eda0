//! Mapping a [`Batch`] onto the backlog: IDs, statuses, rank keys, matching earlier
//! imports, and the one [`Change`] that writes it all.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::values::{self, yaml_list, yaml_str};
use super::{Batch, ImportError, Incoming, Skipped, StatusHint};
use crate::document::{Document, FieldValue};
use crate::model::item::Item;
use crate::store::{Entry, Loaded, Store};
use crate::workspace::Change;

/// The closed status Backlog.md's archived tasks get.
pub const ARCHIVED: &str = "archived";

/// How to map what the source says.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `--status-map`: source status name (case-insensitive) → configured status.
    pub status_map: Vec<(String, String)>,
    /// `created` for items whose source gives no date (`YYYY-MM-DD`).
    pub today: String,
}

/// An estimate that is not on the configured scale: kept as written, and reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffScale {
    /// The item.
    pub id: String,
    /// The estimate as written into the item.
    pub estimate: String,
}

/// What an import will do.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The source's name.
    pub source: String,
    /// Files to write and the commit description (empty when nothing changes).
    pub change: Change,
    /// New items, in rank order.
    pub created: Vec<Entry>,
    /// Items imported before whose source changed.
    pub updated: Vec<Entry>,
    /// Items imported before that are already up to date.
    pub unchanged: usize,
    /// Files or rows that were not imported, with the reason.
    pub skipped: Vec<Skipped>,
    /// Statuses added to `config.yml`.
    pub new_statuses: Vec<String>,
    /// Types added to `config.yml`.
    pub new_types: Vec<String>,
    /// Estimates off the scale, kept as written.
    pub off_scale: Vec<OffScale>,
}

/// Maps a batch onto the backlog. `loaded` is the current backlog.
pub fn plan(
    store: &Store,
    loaded: &Loaded,
    batch: Batch,
    opts: &ImportOptions,
) -> Result<ImportPlan, ImportError> {
    let config = &store.config;
    let status_map: HashMap<String, String> = opts
        .status_map
        .iter()
        .map(|(from, to)| (from.to_lowercase(), to.clone()))
        .collect();
    for (from, to) in &opts.status_map {
        if !config.is_known_status(to) {
            return Err(ImportError::Usage(format!(
                "--status-map {from}={to}: {to:?} is not a configured status (known: {})",
                config.statuses.join(", ")
            )));
        }
    }
    let mut new_statuses: Vec<String> = Vec::new();
    let mut new_done: Vec<String> = Vec::new();
    let mut new_types: Vec<String> = Vec::new();
    let mut skipped = batch.skipped;

    // Existing items by ID and by `source`.
    let mut by_id: HashMap<String, usize> = HashMap::with_capacity(loaded.entries.len());
    let mut by_source: HashMap<String, usize> = HashMap::new();
    let mut by_title: HashMap<String, usize> = HashMap::new();
    for (i, e) in loaded.entries.iter().enumerate() {
        by_id.insert(crate::model::id::key(&e.item.id), i);
        by_title.entry(e.item.title.clone()).or_insert(i);
        if e.doc.key("source").is_some()
            && let Some(s) = e.fields().get("source").and_then(values::scalar_text)
        {
            by_source.insert(s, i);
        }
    }

    // Which incoming items are kept, and which existing item each one updates.
    let mut taken = loaded.id_set();
    let mut seen_ids: HashSet<String> = HashSet::new();
    let mut seen_sources: HashSet<String> = HashSet::new();
    let mut kept: Vec<(Incoming, Option<usize>)> = Vec::with_capacity(batch.items.len());
    for inc in batch.items {
        if let Some(id) = &inc.id {
            if !crate::model::id::is_valid(id) {
                skipped.push(skip(
                    &inc,
                    format!(
                        "invalid ID {:?}: use letters, digits, `-`, `_` and `.`",
                        crate::text::sanitize(id)
                    ),
                ));
                continue;
            }
            if !seen_ids.insert(crate::model::id::key(id)) {
                skipped.push(skip(
                    &inc,
                    format!("a second item with ID {id} (the first one is imported)"),
                ));
                continue;
            }
        }
        if let Some(source) = &inc.source
            && !seen_sources.insert(source.clone())
        {
            skipped.push(skip(&inc, format!("a second item from {source}")));
            continue;
        }
        if inc.title.trim().is_empty() {
            skipped.push(skip(&inc, "no title".to_owned()));
            continue;
        }
        let existing = inc
            .source
            .as_ref()
            .and_then(|s| by_source.get(s))
            .or_else(|| {
                inc.id
                    .as_ref()
                    .and_then(|id| by_id.get(&crate::model::id::key(id)))
            })
            .or_else(|| {
                (inc.id.is_none() && inc.source.is_none())
                    .then(|| by_title.get(&inc.title))
                    .flatten()
            })
            .copied();
        if let (Some(id), None) = (&inc.id, existing) {
            taken.insert(crate::model::id::key(id));
        }
        kept.push((inc, existing));
    }

    // IDs: kept foreign IDs, the existing item's ID, or minted like `add` does.
    let ids: Vec<String> = kept
        .iter()
        .map(|(inc, existing)| match (existing, &inc.id) {
            (Some(i), _) => loaded.entries[*i].item.id.clone(),
            (None, Some(id)) => id.clone(),
            (None, None) => {
                let id = crate::model::id::mint(&config.id_prefix, &taken);
                taken.insert(crate::model::id::key(&id));
                id
            }
        })
        .collect();
    // References are written with the spelling of the item they name.
    let mut canonical: HashMap<String, String> = loaded
        .entries
        .iter()
        .map(|e| (crate::model::id::key(&e.item.id), e.item.id.clone()))
        .collect();
    for ((inc, _), id) in kept.iter().zip(&ids) {
        if let Some(foreign) = &inc.id {
            canonical.insert(crate::model::id::key(foreign), id.clone());
        }
        canonical.insert(crate::model::id::key(id), id.clone());
    }
    let reference = |r: &str| {
        canonical
            .get(&crate::model::id::key(r.trim()))
            .cloned()
            .unwrap_or_else(|| r.trim().to_owned())
    };

    // Rank keys for the new items: the source's own keys when every new item has a valid
    // one (an export of this tool), otherwise fresh keys below every ranked item, in the
    // source's order.
    let new_count = kept.iter().filter(|(_, e)| e.is_none()).count();
    let source_ranks = kept.iter().filter(|(_, e)| e.is_none()).all(|(inc, _)| {
        inc.rank
            .as_deref()
            .is_some_and(|r| crate::model::rank_key::validate(r).is_ok())
    });
    let mut fresh_ranks = if source_ranks {
        Vec::new()
    } else {
        let bottom = loaded
            .entries
            .iter()
            .filter_map(|e| e.item.rank.as_deref())
            .filter(|r| crate::model::rank_key::validate(r).is_ok())
            .max();
        crate::model::rank_key::n_keys_between(bottom, None, new_count)
            .map_err(|e| ImportError::Usage(format!("cannot rank the imported items: {e}")))?
    }
    .into_iter();
    let manages_rank = batch.managed.iter().any(|k| k == "rank");

    // Statuses, types and rank keys in the source's order (they grow shared lists), then
    // every item's text in parallel.
    let mut prepared = Vec::with_capacity(kept.len());
    for ((inc, existing), id) in kept.into_iter().zip(ids) {
        let status = match &inc.status {
            // An item without a status starts at the default, like `add`; an existing one
            // keeps its own.
            None if existing.is_none() => Some(config.default_status.clone()),
            None => None,
            Some(hint) => Some(map_status(
                hint,
                config,
                &status_map,
                &mut new_statuses,
                &mut new_done,
            )),
        };
        let kind = inc.kind.as_deref().map(|k| {
            let norm = values::normalize_name(k);
            let norm = match norm.as_str() {
                "sub-task" | "subtask" => "task".to_owned(),
                _ => norm,
            };
            if !config.types.contains(&norm) && !new_types.contains(&norm) {
                new_types.push(norm.clone());
            }
            norm
        });
        let rank = match existing {
            Some(i) if !manages_rank => loaded.entries[i].item.rank.clone(),
            Some(_) => inc.rank.clone(),
            None if source_ranks => inc.rank.clone(),
            None => fresh_ranks.next(),
        };
        prepared.push(Prepared {
            inc,
            existing,
            id,
            status,
            kind,
            rank,
        });
    }
    let built: Vec<Result<Built, ImportError>> = prepared
        .into_par_iter()
        .map(|p| {
            let Prepared {
                inc,
                existing,
                id,
                status,
                kind,
                rank,
            } = p;
            let mut off_scale = None;
            let mut fields: Vec<(String, String)> = Vec::with_capacity(16 + inc.fields.len());
            let mut put = |k: &str, v: String| fields.push((k.to_owned(), v));
            put("id", yaml_str(&id));
            put("title", yaml_str(&values::one_line(&inc.title)));
            if let Some(kind) = &kind {
                put("type", yaml_str(kind));
            }
            if let Some(status) = &status {
                put("status", yaml_str(status));
            }
            if let Some(rank) = &rank {
                put("rank", yaml_str(rank));
            }
            if let Some(text) = &inc.estimate
                && let Some((yaml, whole)) = values::estimate(text)
            {
                if !whole.is_some_and(|n| config.on_scale(n)) {
                    off_scale = Some(OffScale {
                        id: id.clone(),
                        estimate: text.trim().to_owned(),
                    });
                }
                put("estimate", yaml);
            }
            if !inc.labels.is_empty() {
                put("labels", yaml_list(&inc.labels));
            }
            if let Some(owner) = &inc.owner {
                put("owner", yaml_str(owner));
            }
            let mut depends_on: Vec<String> = Vec::new();
            for d in &inc.depends_on {
                let d = reference(d);
                if !d.is_empty() && d != id && !depends_on.contains(&d) {
                    depends_on.push(d);
                }
            }
            if !depends_on.is_empty() {
                put("depends_on", yaml_list(&depends_on));
            }
            if let Some(parent) = &inc.parent {
                put("parent", yaml_str(&reference(parent)));
            }
            let has_created = inc.fields.iter().any(|(k, _)| k == "created");
            for (k, v) in &inc.fields {
                put(k, v.clone());
            }
            if !has_created && existing.is_none() {
                put("created", yaml_str(&opts.today));
            }
            if let Some(source) = &inc.source {
                put("source", yaml_str(source));
            }

            match existing {
                None => {
                    let mut raw = String::from("---\n");
                    for (k, v) in &fields {
                        raw.push_str(&render_key(k));
                        raw.push_str(": ");
                        raw.push_str(v);
                        raw.push('\n');
                    }
                    raw.push_str("---\n");
                    raw.push_str(&inc.body);
                    let path = store.new_item_path(&id, &inc.title);
                    let entry = Entry::from_text(path, &raw).map_err(|e| ImportError::Invalid {
                        path: inc.origin.clone(),
                        line: e.line(),
                        message: format!("the imported item is invalid: {e}"),
                    })?;
                    Ok(Built {
                        outcome: Outcome::Created(entry),
                        off_scale,
                    })
                }
                Some(i) => {
                    let old = &loaded.entries[i];
                    let mut doc = old.doc.clone();
                    for (k, v) in &fields {
                        if k == "id" || (k == "created" && !has_created) {
                            continue;
                        }
                        doc.set_raw(k, v);
                    }
                    for key in &batch.managed {
                        let kept = ["id", "created", "status"].contains(&key.as_str());
                        if !kept && !fields.iter().any(|(k, _)| k == key) {
                            doc.remove(key);
                        }
                    }
                    doc.set_body(&inc.body);
                    if doc.as_str() == old.doc.as_str() {
                        Ok(Built {
                            outcome: Outcome::Unchanged,
                            off_scale,
                        })
                    } else {
                        let item = Item::from_document(&doc).map_err(|e| ImportError::Invalid {
                            path: old.path.clone(),
                            line: e.line(),
                            message: format!("the updated item is invalid: {e}"),
                        })?;
                        Ok(Built {
                            outcome: Outcome::Updated(Entry {
                                path: old.path.clone(),
                                doc,
                                item,
                            }),
                            off_scale,
                        })
                    }
                }
            }
        })
        .collect();
    let mut created = Vec::new();
    let mut updated = Vec::new();
    let mut unchanged = 0;
    let mut off_scale = Vec::new();
    for b in built {
        let b = b?;
        off_scale.extend(b.off_scale);
        match b.outcome {
            Outcome::Created(e) => created.push(e),
            Outcome::Updated(e) => updated.push(e),
            Outcome::Unchanged => unchanged += 1,
        }
    }

    let mut writes: Vec<(String, String)> = created
        .iter()
        .chain(&updated)
        .map(|e| (e.path.clone(), e.doc.as_str().to_owned()))
        .collect();
    if !new_statuses.is_empty() || !new_types.is_empty() {
        writes.push(config_write(store, &new_statuses, &new_done, &new_types)?);
    }
    let ids: Vec<String> = created
        .iter()
        .chain(&updated)
        .map(|e| e.item.id.clone())
        .collect();
    let change = if ids.is_empty() {
        Change::default()
    } else {
        let mut what = Vec::new();
        if !created.is_empty() {
            what.push(format!("{} new", created.len()));
        }
        if !updated.is_empty() {
            what.push(format!("{} updated", updated.len()));
        }
        let mut body = Vec::new();
        if !new_statuses.is_empty() {
            body.push(format!(
                "New statuses in config.yml: {}",
                new_statuses.join(", ")
            ));
        }
        if !new_types.is_empty() {
            body.push(format!("New types in config.yml: {}", new_types.join(", ")));
        }
        for o in &off_scale {
            body.push(format!(
                "{}: estimate {} is off the scale",
                o.id, o.estimate
            ));
        }
        Change {
            op: "import".to_owned(),
            summary: format!(
                "import {}: {} {} from {} ({})",
                id_list(&ids),
                ids.len(),
                if ids.len() == 1 { "item" } else { "items" },
                batch.source,
                what.join(", ")
            ),
            body,
            items: ids,
            writes,
            removes: Vec::new(),
        }
    };
    Ok(ImportPlan {
        source: batch.source,
        change,
        created,
        updated,
        unchanged,
        skipped,
        new_statuses,
        new_types,
        off_scale,
    })
}

/// An incoming item with everything decided that depends on the others.
struct Prepared {
    inc: Incoming,
    existing: Option<usize>,
    id: String,
    status: Option<String>,
    kind: Option<String>,
    rank: Option<String>,
}

enum Outcome {
    Created(Entry),
    Updated(Entry),
    Unchanged,
}

struct Built {
    outcome: Outcome,
    off_scale: Option<OffScale>,
}

fn skip(inc: &Incoming, reason: String) -> Skipped {
    Skipped {
        path: inc.origin.clone(),
        line: None,
        reason,
    }
}

/// `A, B, C and 4 more`.
fn id_list(ids: &[String]) -> String {
    const SHOWN: usize = 5;
    if ids.len() <= SHOWN {
        ids.join(", ")
    } else {
        format!("{} and {} more", ids[..SHOWN].join(", "), ids.len() - SHOWN)
    }
}

fn render_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_owned()
    } else {
        yaml_str(key)
    }
}

fn map_status(
    hint: &StatusHint,
    config: &crate::Config,
    status_map: &HashMap<String, String>,
    new_statuses: &mut Vec<String>,
    new_done: &mut Vec<String>,
) -> String {
    let (name, done) = match hint {
        StatusHint::Named(name) => (name.as_str(), false),
        StatusHint::Done => {
            let first_done = config.done_statuses.first().map_or("done", String::as_str);
            (first_done, false)
        }
        StatusHint::Archived => (ARCHIVED, true),
    };
    if let Some(to) = status_map.get(&name.to_lowercase()) {
        return to.clone();
    }
    let norm = values::normalize_name(name);
    if let Some(known) = config
        .statuses
        .iter()
        .chain(new_statuses.iter())
        .find(|s| values::normalize_name(s) == norm)
    {
        return known.clone();
    }
    if config.is_known_status(&norm) {
        return norm;
    }
    new_statuses.push(norm.clone());
    if done {
        new_done.push(norm.clone());
    }
    norm
}

/// `config.yml` with the new statuses and types added (written surgically: only the
/// `statuses`, `done_statuses` and `types` lines change).
fn config_write(
    store: &Store,
    new_statuses: &[String],
    new_done: &[String],
    new_types: &[String],
) -> Result<(String, String), ImportError> {
    let path = store.dir().join("config.yml");
    let rel = store.relative(&path);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::config::DEFAULT_CONFIG_YML.to_owned()
        }
        Err(source) => return Err(ImportError::Io { path: rel, source }),
    };
    let config = &store.config;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut wrapped = format!("---{newline}{text}");
    if !wrapped.ends_with('\n') {
        wrapped.push_str(newline);
    }
    wrapped.push_str("---");
    wrapped.push_str(newline);
    let invalid = |message: String| ImportError::Invalid {
        path: rel.clone(),
        line: 1,
        message,
    };
    // The wrapped text has one fence line above the config's first line.
    let mut doc = Document::from_string(wrapped).map_err(|e| ImportError::Invalid {
        path: rel.clone(),
        line: e.line().saturating_sub(1).max(1),
        message: e.to_string(),
    })?;
    let mut set = |key: &str, base: &[String], add: &[String]| {
        if !add.is_empty() {
            let mut list = base.to_vec();
            // New statuses go before the done statuses, keeping the workflow order.
            let at = if key == "statuses" {
                list.iter()
                    .position(|s| config.is_done_status(s))
                    .unwrap_or(list.len())
            } else {
                list.len()
            };
            let pending: Vec<String> = add
                .iter()
                .filter(|s| !new_done.contains(s) || key != "statuses")
                .cloned()
                .collect();
            list.splice(at..at, pending);
            if key == "statuses" {
                list.extend(new_done.iter().cloned());
            }
            doc.set(key, &FieldValue::List(list));
        }
    };
    set("statuses", &config.statuses, new_statuses);
    set("done_statuses", &config.done_statuses, new_done);
    set("types", &config.types, new_types);
    let front = doc.front_text().to_owned();
    crate::Config::parse(&front, &rel).map_err(|e| invalid(format!("{e}")))?;
    Ok((rel, front))
}
