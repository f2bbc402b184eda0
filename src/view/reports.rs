//! The JSON reports of the reading commands (`check`, `plan`, `agenda`, `dupes`, `diff`)
//! and of every mutation, plus the request checks they share between front ends.

use std::collections::HashMap;

use serde_json::{Value as Json, json};

use super::{Error, item_json};
use crate::analysis::check::Report;
use crate::analysis::dupes::{DupeInput, DupeOptions};
use crate::analysis::planning::{self, Agenda, Plan, ResolvedCapacity};
use crate::config::Config;
use crate::history::BacklogDiff;
use crate::ops::Outcome;
use crate::store::{LoadError, Loaded, Store};
use crate::workspace::Recorded;

/// `check --format json`; `merge_base` is the commit `changed_since` was compared from.
pub fn check_json(
    report: &Report,
    changed_since: Option<&str>,
    merge_base: Option<&str>,
    strict: bool,
) -> Json {
    json!({
        "schema": 1,
        "findings": report.findings,
        "summary": {
            "items_checked": report.items_checked,
            "ready_checked": report.ready_checked,
            "dependents_checked": report.dependents_checked,
            "errors": report.errors(),
            "warnings": report.warnings(),
            "files_with_findings": report.files_with_findings(),
            "changed_since": changed_since,
            "merge_base": merge_base,
            "strict": strict,
            "passed": !report.fails(strict),
        },
    })
}

/// `plan --format json` (without `--apply`).
pub fn plan_json(capacity: &ResolvedCapacity, plan: &Plan) -> Json {
    json!({"schema": 1, "capacity": capacity, "plan": plan})
}

/// `agenda --format json`.
pub fn agenda_json(capacity: &ResolvedCapacity, agenda: &Agenda) -> Json {
    json!({"schema": 1, "capacity": capacity, "agenda": agenda})
}

/// The sprint count for `plan` and `agenda`: the request, else `sprints.horizon`; 1 to 100.
pub fn sprint_count(requested: Option<u32>, config: &Config) -> Result<u32, Error> {
    let n = requested.unwrap_or(config.sprints.horizon);
    if n == 0 || n > 100 {
        return Err(Error::new(format!(
            "--sprints must be between 1 and 100, found {n}"
        )));
    }
    Ok(n)
}

/// The capacity for `plan` and `agenda`, with a hint when none is known.
pub fn capacity(
    requested: Option<u32>,
    loaded: &Loaded,
    config: &Config,
) -> Result<ResolvedCapacity, Error> {
    planning::resolve_capacity(requested, loaded, config).map_err(|e| {
        Error::new(e.to_string())
            .hint("set `capacity: POINTS` under `sprints:` in config.yml, or pass --capacity")
    })
}

/// Likely duplicates among the open items, with their titles.
#[derive(Debug)]
pub struct Dupes {
    /// The threshold asked for.
    pub threshold: f64,
    /// The scored pairs.
    pub report: crate::analysis::dupes::Report,
    /// Titles of the compared items, by ID.
    pub titles: HashMap<String, String>,
    /// Files that did not load.
    pub errors: Vec<LoadError>,
}

impl Dupes {
    /// Compares the open items of the store; `threshold` must be between 0 and 1.
    pub fn find(store: &Store, threshold: f64) -> Result<Self, Error> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(Error::new(format!(
                "--threshold {threshold} must be between 0 and 1"
            )));
        }
        // Only the comparable text of each open item is kept, not the loaded item.
        let config = &store.config;
        let loaded =
            store.load_mapped(|e| (config.is_open(&e.item)).then(|| DupeInput::from_entry(e)));
        let docs: Vec<DupeInput> = loaded.items.into_iter().flatten().collect();
        let opts = DupeOptions {
            threshold,
            ..DupeOptions::default()
        };
        let report = crate::analysis::dupes::find(&docs, &opts);
        let titles = docs.into_iter().map(|d| (d.id, d.title)).collect();
        Ok(Self {
            threshold,
            report,
            titles,
            errors: loaded.errors,
        })
    }

    /// The title of a compared item ("" if unknown).
    pub fn title(&self, id: &str) -> &str {
        self.titles.get(id).map_or("", String::as_str)
    }

    /// `dupes --format json`.
    pub fn json(&self) -> Json {
        let pairs: Vec<Json> = self
            .report
            .pairs
            .iter()
            .map(|p| {
                json!({
                    "a": p.a, "b": p.b, "score": p.score,
                    "a_title": self.title(&p.a), "b_title": self.title(&p.b),
                })
            })
            .collect();
        json!({
            "schema": 1,
            "threshold": self.threshold,
            "items": self.report.items,
            "candidates": self.report.candidates,
            "pairs": pairs,
        })
    }
}

/// `diff --format json`.
pub fn diff_json(d: &BacklogDiff) -> Json {
    let v = serde_json::to_value(d).unwrap_or(Json::Null);
    json!({
        "schema": 1,
        "from": v["from"],
        "to": v["to"],
        "items": v["items"],
        "splits": v["splits"],
        "merges": v["merges"],
        "totals": v["totals"],
        "warnings": v["warnings"],
    })
}

/// What a mutating command prints with `--format json`: the items it created or changed,
/// and the commit.
pub fn change_json(command: &str, outcome: &Outcome, recorded: &Recorded) -> Json {
    let items: Vec<Json> = outcome.items.iter().map(|e| item_json(e, false)).collect();
    let commit = match recorded {
        Recorded::Committed(oid) => Json::String(oid.clone()),
        _ => Json::Null,
    };
    json!({
        "schema": 1,
        "command": command,
        "changed": !matches!(recorded, Recorded::NothingChanged),
        "items": items,
        "commit": commit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_sprint_count_bounds() {
        let c = Config::default();
        assert!(sprint_count(Some(0), &c).is_err());
        assert!(sprint_count(Some(101), &c).is_err());
        assert_eq!(sprint_count(Some(3), &c).unwrap(), 3);
        assert_eq!(sprint_count(None, &c).unwrap(), c.sprints.horizon);
    }
}
