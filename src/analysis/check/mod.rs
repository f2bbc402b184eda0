//! `backlog check`: the definition of ready and the integrity of the backlog, as findings.
//!
//! Two groups of rules run:
//!
//! - **Integrity**, on every item: files that do not load (YAML errors with line and
//!   column, non-UTF-8, binary, too large, symlinks that leave the folder), wrong value
//!   types, unknown status or type, duplicate IDs, references to missing items,
//!   dependency cycles, invalid rank keys, and (as warnings) equal or very long rank keys.
//! - **Definition of ready** ([`ready_findings`]), on items whose status claims readiness:
//!   an estimate on the scale and not too big, acceptance criteria, the user-story form,
//!   dependencies that are done or ranked above, and the fields the team requires. Each
//!   rule is configured in the `rules:` section of `config.yml` (see [`Rules`]).
//! - **Definition of done**, on items whose status is a done status: every acceptance
//!   criterion and every entry of the definition of done checked (`done-incomplete`, a
//!   warning by default).
//!
//! Every [`Finding`] names its rule, severity, file, line (the front-matter key's line
//! where there is one) and item, and its message says how to fix it. Findings carry text
//! from item files unchanged; renderers must sanitize or escape it (see [`github`]).

mod cycles;
pub mod github;
mod integrity;
mod ready;
mod rule;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::item::Body;
use crate::store::{Entry, IdIndex, Loaded};

pub use crate::config::rules::{
    AcceptanceCriteria, LongRank, RequiredFields, Rules, Severity, StoryForm, Toggle, TooBig,
};
pub use crate::git::changed::{ChangedError, Changes, changes_since};
use integrity::{item_integrity, load_error_finding, reference_findings};
use ready::{dependency_findings, done_gate, dor};
pub use rule::{Rule, Subject};

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule, serialized as its kebab-case ID (`estimate-missing`, `dependency-cycle`, …).
    pub rule: Rule,
    /// Whether it fails the check.
    pub severity: Severity,
    /// The file, relative to the workspace root, `/`-separated.
    pub path: String,
    /// 1-based line: the front-matter key's line where there is one, else the closest.
    pub line: usize,
    /// The item's ID, when the file loaded far enough to have one.
    pub item: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
    /// What the finding is about (the dependency, the field), where the rule has one.
    /// Not part of the JSON: the message says it for people.
    #[serde(skip)]
    pub subject: Option<Subject>,
}

impl Finding {
    /// The finding with a [`Subject`].
    #[must_use]
    pub fn about(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
        self
    }
}

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Report only on these files (root-relative paths) or items (IDs, any case);
    /// `None` reports on everything. References are still resolved against the whole
    /// backlog (`--changed-since`).
    pub only: Option<HashSet<String>>,
}

/// The result of [`check`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Findings sorted by path, line and rule.
    pub findings: Vec<Finding>,
    /// Files reported on (items and files that did not load).
    pub items_checked: usize,
    /// Items the definition of ready was applied to.
    pub ready_checked: usize,
    /// Unchanged items checked only for their references to changed items
    /// ([`check_changed`]).
    pub dependents_checked: usize,
}

impl Report {
    /// Number of error findings.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warning findings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Number of distinct files with findings.
    pub fn files_with_findings(&self) -> usize {
        let paths: HashSet<&str> = self.findings.iter().map(|f| f.path.as_str()).collect();
        paths.len()
    }

    /// Whether the check fails: any error, or any warning when `strict`.
    pub fn fails(&self, strict: bool) -> bool {
        self.errors() > 0 || (strict && self.warnings() > 0)
    }
}

/// Looks items up by ID (case-insensitive) in a loaded backlog, in O(1), through the
/// store's [`IdIndex`].
#[derive(Debug)]
pub struct Lookup<'a> {
    loaded: &'a Loaded,
    index: IdIndex,
}

impl<'a> Lookup<'a> {
    /// Indexes the loaded items by ID.
    pub fn new(loaded: &'a Loaded) -> Self {
        Self {
            loaded,
            index: loaded.id_index(),
        }
    }

    /// The item with this ID (the first in backlog order if the ID is duplicated).
    pub fn get(&self, id: &str) -> Option<&'a Entry> {
        Some(&self.loaded.entries[self.index.get(id)?])
    }
}

/// The definition-of-ready findings for one item, whatever its status: what keeps it
/// from being ready. Dependencies are resolved in `loaded`. Builds an ID index each call;
/// callers asking about many items should use [`ready_findings_with`].
pub fn ready_findings(
    entry: &Entry,
    body: &Body,
    loaded: &Loaded,
    config: &Config,
) -> Vec<Finding> {
    ready_findings_with(entry, body, &Lookup::new(loaded), config)
}

/// [`ready_findings`] with a prebuilt [`Lookup`].
pub fn ready_findings_with(
    entry: &Entry,
    body: &Body,
    lookup: &Lookup<'_>,
    config: &Config,
) -> Vec<Finding> {
    let mut out = Vec::new();
    dor(entry, body, lookup, config, true, &mut out);
    out
}

fn finding(entry: &Entry, rule: Rule, severity: Severity, line: usize, message: String) -> Finding {
    Finding {
        rule,
        severity,
        path: entry.path.clone(),
        line,
        item: Some(entry.item.id.clone()),
        message,
        subject: None,
    }
}

/// The line of `key`, or the opening fence when the key is absent.
fn key_or_front(entry: &Entry, key: &str) -> usize {
    entry
        .doc
        .key_line(key)
        .unwrap_or_else(|| entry.doc.front_matter_line())
}

/// The first line of the body, or the closing fence when the body is empty.
fn body_or_fence(entry: &Entry) -> usize {
    let line = entry.doc.body_line();
    if entry.doc.body().trim().is_empty() {
        line.saturating_sub(1).max(1)
    } else {
        line
    }
}

fn has_problem(entry: &Entry, key: &str) -> bool {
    entry.item.problems.iter().any(|p| p.key == key)
}

fn is_blank(v: &serde_yaml_ng::Value) -> bool {
    match v {
        serde_yaml_ng::Value::Null => true,
        serde_yaml_ng::Value::String(s) => s.trim().is_empty(),
        serde_yaml_ng::Value::Sequence(s) => s.is_empty(),
        serde_yaml_ng::Value::Mapping(m) => m.is_empty(),
        _ => false,
    }
}

/// Which files and items to report on.
struct Scope {
    only: Option<HashSet<String>>,
}

impl Scope {
    fn new(opts: &CheckOptions) -> Self {
        Self {
            only: opts.only.as_ref().map(|set| {
                set.iter()
                    .flat_map(|s| [s.clone(), crate::id::key(s)])
                    .collect()
            }),
        }
    }

    fn path(&self, path: &str) -> bool {
        self.only.as_ref().is_none_or(|s| s.contains(path))
    }

    fn entry(&self, e: &Entry) -> bool {
        self.only
            .as_ref()
            .is_none_or(|s| s.contains(&e.path) || s.contains(&crate::id::key(&e.item.id)))
    }
}

/// Checks the whole backlog: integrity on every item, the definition of ready on items
/// whose status claims readiness. With [`CheckOptions::only`], findings are limited to the
/// chosen files and items, but references are resolved against everything loaded.
pub fn check(loaded: &Loaded, config: &Config, opts: &CheckOptions) -> Report {
    let scope = Scope::new(opts);
    let lookup = Lookup::new(loaded);
    let mut findings: Vec<Finding> = loaded
        .errors
        .iter()
        .filter(|e| scope.path(&e.path))
        .map(load_error_finding)
        .collect();
    let mut items_checked = findings.len();

    let in_scope: Vec<usize> = (0..loaded.entries.len())
        .filter(|&i| scope.entry(&loaded.entries[i]))
        .collect();
    items_checked += in_scope.len();
    let per_item: Vec<(bool, Vec<Finding>)> = in_scope
        .par_iter()
        .map(|&i| {
            let entry = &loaded.entries[i];
            let mut out = Vec::new();
            item_integrity(entry, &lookup, config, &mut out);
            let ready = config.is_ready_status(config.status(&entry.item));
            if ready {
                let body = Body::parse(entry.doc.body(), entry.doc.body_line());
                dor(entry, &body, &lookup, config, false, &mut out);
            }
            done_gate(entry, config, &mut out);
            (ready, out)
        })
        .collect();
    let mut ready_checked = 0;
    for (ready, out) in per_item {
        ready_checked += usize::from(ready);
        findings.extend(out);
    }

    // Duplicate IDs: every file holding the ID gets a finding naming the others.
    for indices in lookup.index.duplicates() {
        let mut paths: Vec<&str> = indices
            .iter()
            .map(|&i| loaded.entries[i].path.as_str())
            .collect();
        paths.sort_unstable();
        for &i in indices {
            let entry = &loaded.entries[i];
            if !scope.entry(entry) {
                continue;
            }
            let others: Vec<&str> = paths.iter().copied().filter(|p| *p != entry.path).collect();
            findings.push(finding(
                entry,
                Rule::DuplicateId,
                Severity::Error,
                key_or_front(entry, "id"),
                format!(
                    "ID {} is also used by {}: IDs must be unique; give one of them a new ID \
                     (and update references to it)",
                    entry.item.id,
                    others.join(", ")
                ),
            ));
        }
    }

    // Equal rank keys.
    let rc = &config.rules.rank_collision;
    if rc.enabled {
        let mut by_rank: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, e) in loaded.entries.iter().enumerate() {
            if let Some(rank) = e.item.rank.as_deref() {
                by_rank.entry(rank).or_default().push(i);
            }
        }
        for (rank, indices) in by_rank.iter().filter(|(_, v)| v.len() > 1) {
            let ids: Vec<&str> = indices
                .iter()
                .map(|&i| loaded.entries[i].item.id.as_str())
                .collect();
            for &i in indices {
                let entry = &loaded.entries[i];
                if !scope.entry(entry) {
                    continue;
                }
                let others: Vec<&str> = ids
                    .iter()
                    .copied()
                    .filter(|id| *id != entry.item.id)
                    .collect();
                findings.push(finding(
                    entry,
                    Rule::RankCollision,
                    rc.severity,
                    key_or_front(entry, "rank"),
                    format!(
                        "rank key {rank:?} is also used by {}: their order falls back to the \
                         ID; move one with `backlog rank {} --after {}`, or respread with \
                         `backlog rank --rebalance`",
                        others.join(", "),
                        entry.item.id,
                        others.first().copied().unwrap_or_default()
                    ),
                ));
            }
        }
    }

    wip_findings(loaded, &lookup, config, &scope, &mut findings);

    // Dependency cycles: each reported once, on the first of its items that is in scope.
    for cycle in cycles::find(loaded, &lookup) {
        let Some(start) = cycle.iter().position(|&i| scope.entry(&loaded.entries[i])) else {
            continue;
        };
        let mut ids: Vec<&str> = cycle[start..]
            .iter()
            .chain(&cycle[..start])
            .map(|&i| loaded.entries[i].item.id.as_str())
            .collect();
        ids.push(ids[0]);
        let entry = &loaded.entries[cycle[start]];
        findings.push(finding(
            entry,
            Rule::DependencyCycle,
            Severity::Error,
            key_or_front(entry, "depends_on"),
            format!(
                "dependency cycle {}: none of these can start first; remove one of the \
                 `depends_on` links",
                ids.join(" -> ")
            ),
        ));
    }

    sort_findings(&mut findings);
    Report {
        findings,
        items_checked,
        ready_checked,
        dependents_checked: 0,
    }
}

/// `wip-limit`: each breach of a `wip:` limit once, on the lowest-ranked of its items
/// that is in scope (the one most likely pulled in last).
fn wip_findings(
    loaded: &Loaded,
    lookup: &Lookup<'_>,
    config: &Config,
    scope: &Scope,
    findings: &mut Vec<Finding>,
) {
    let rule = &config.rules.wip_limit;
    if !rule.enabled {
        return;
    }
    let items = loaded.entries.iter().map(|e| &e.item);
    for breach in crate::analysis::wip::breaches(items, config) {
        let Some(entry) = breach
            .items
            .iter()
            .rev()
            .filter_map(|id| lookup.get(id))
            .find(|e| scope.entry(e))
        else {
            continue;
        };
        findings.push(finding(
            entry,
            Rule::WipLimit,
            rule.severity,
            key_or_front(entry, "status"),
            format!(
                "{} ({}): finish or move one before starting more, or raise the limit in \
                 `wip:` of config.yml",
                breach.describe(),
                breach.items.join(", ")
            ),
        ));
    }
}

fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.rule.as_str(), &a.message).cmp(&(
            &b.path,
            b.line,
            b.rule.as_str(),
            &b.message,
        ))
    });
}

/// Checks what a change did (`--changed-since`): everything [`check`] reports on the
/// changed files, plus, on unchanged items that reference a changed or deleted item,
/// the findings about those references only (`missing-reference` for an item the change
/// deleted or renamed, `dependency-not-ready` for a dependency the change moved below
/// the item or reopened). Pre-existing problems of unchanged items are not reported.
pub fn check_changed(loaded: &Loaded, config: &Config, changes: &Changes) -> Report {
    let mut report = check(
        loaded,
        config,
        &CheckOptions {
            only: Some(changes.paths.clone()),
        },
    );
    let mut changed_ids = changes.old_ids.clone();
    for e in &loaded.entries {
        if changes.paths.contains(&e.path) {
            changed_ids.insert(crate::id::key(&e.item.id));
        }
    }
    if changed_ids.is_empty() {
        return report;
    }
    let lookup = Lookup::new(loaded);
    let mut extra = Vec::new();
    for e in &loaded.entries {
        if changes.paths.contains(&e.path) {
            continue;
        }
        let item = &e.item;
        let refers = item
            .depends_on
            .iter()
            .chain(&item.parent)
            .chain(&item.duplicate_of)
            .any(|r| changed_ids.contains(&crate::id::key(r)));
        if !refers {
            continue;
        }
        report.dependents_checked += 1;
        reference_findings(e, &lookup, Some(&changed_ids), &mut extra);
        if config.is_ready_status(config.status(item)) {
            dependency_findings(e, &lookup, config, false, Some(&changed_ids), &mut extra);
        }
    }
    report.findings.extend(extra);
    sort_findings(&mut report.findings);
    report
}

#[cfg(test)]
mod tests;
