//! The definition of ready and of done: the rules on items whose status claims
//! readiness or completion, and the dependencies they wait on.

use std::collections::HashSet;

use crate::config::Config;
use crate::item::Body;
use crate::model::OrderKey;
use crate::store::Entry;

use super::{
    Finding, Lookup, Rule, Severity, Subject, body_or_fence, finding, has_problem, is_blank,
    key_or_front,
};

/// The definition of ready. `report_missing`: whether a dependency on a missing item is
/// reported here (`check` reports it once, as `missing-reference`).
pub(super) fn dor(
    entry: &Entry,
    body: &Body,
    lookup: &Lookup<'_>,
    config: &Config,
    report_missing: bool,
    out: &mut Vec<Finding>,
) {
    let rules = &config.rules;
    let item = &entry.item;
    let id = item.id.as_str();
    if rules.estimate.enabled {
        let sev = rules.estimate.severity;
        match item.estimate {
            None if !has_problem(entry, "estimate") => out.push(finding(
                entry,
                Rule::EstimateMissing,
                sev,
                entry.doc.front_matter_line(),
                format!(
                    "{id} has no estimate: estimate it with `backlog estimate {id} POINTS` \
                     (scale: {})",
                    config.scale_text()
                ),
            )),
            Some(points) if !config.on_scale(points) => out.push(finding(
                entry,
                Rule::EstimateOffScale,
                sev,
                key_or_front(entry, "estimate"),
                format!(
                    "estimate {points} is not on the scale ({}): re-estimate with \
                     `backlog estimate {id} POINTS`",
                    config.scale_text()
                ),
            )),
            _ => {}
        }
    }
    if rules.too_big.enabled
        && let Some(points) = item.estimate.filter(|&p| p > rules.too_big.max_estimate)
    {
        out.push(finding(
            entry,
            Rule::TooBig,
            rules.too_big.severity,
            key_or_front(entry, "estimate"),
            format!(
                "estimate {points} is over the maximum of {} for a ready item: split it \
                     into smaller items with `backlog split {id} --into TITLE…`",
                rules.too_big.max_estimate
            ),
        ));
    }
    let ac = &rules.acceptance_criteria;
    if ac.enabled && body.criteria.len() < ac.min {
        let line = body
            .criteria_heading_line
            .unwrap_or_else(|| body_or_fence(entry));
        let message = match (body.criteria_heading_line, body.criteria.len()) {
            (None, _) => format!(
                "no acceptance criteria: add a `## Acceptance criteria` heading with at least \
                 {} `- [ ] …` item(s)",
                ac.min
            ),
            (Some(_), 0) => "the `Acceptance criteria` section has no task items: write each \
                             criterion as `- [ ] …`"
                .to_owned(),
            (Some(_), n) => format!(
                "{n} acceptance criteria, at least {} required: add `- [ ] …` items",
                ac.min
            ),
        };
        out.push(finding(
            entry,
            Rule::NoAcceptanceCriteria,
            ac.severity,
            line,
            message,
        ));
    }
    let sf = &rules.story_form;
    let kind = item.kind.as_deref().unwrap_or(&config.default_type);
    if sf.enabled && sf.types.iter().any(|t| t == kind) && !body.has_story_form() {
        let line = body.story_line.unwrap_or_else(|| body_or_fence(entry));
        let message = if body.story.is_some() {
            "the story does not follow the user-story form: open the body with \
             \"As a <role>, I want <goal> so that <benefit>.\""
        } else {
            "no user story: open the body with \"As a <role>, I want <goal> so that <benefit>.\""
        };
        out.push(finding(
            entry,
            Rule::StoryForm,
            sf.severity,
            line,
            message.to_owned(),
        ));
    }
    dependency_findings(entry, lookup, config, report_missing, None, out);
    let rf = &rules.required_fields;
    if rf.enabled && !rf.fields.is_empty() {
        let fields = entry.fields();
        for key in &rf.fields {
            match fields.get(key.as_str()) {
                Some(v) if !is_blank(v) => {}
                found => out.push(
                    finding(
                        entry,
                        Rule::RequiredField,
                        rf.severity,
                        if found.is_some() {
                            key_or_front(entry, key)
                        } else {
                            entry.doc.front_matter_line()
                        },
                        format!(
                            "`{key}` is required for a ready item: set it with \
                         `backlog set {id} {key}=VALUE`"
                        ),
                    )
                    .about(Subject::Field(key.clone())),
                ),
            }
        }
    }
}

/// The team's custom fields (`fields:` in config.yml): a value of the wrong type
/// (`invalid-field`, at the key's line) and a field missing on an item whose status is in
/// its `required_for` (`required-field`, at the `status:` line that makes it required).
pub(super) fn custom_field_findings(entry: &Entry, config: &Config, out: &mut Vec<Finding>) {
    if config.fields.is_empty() {
        return;
    }
    let fields = entry.fields();
    let status = config.status(&entry.item);
    let rf = &config.rules.required_fields;
    for def in config.fields.iter() {
        let value = fields.get(def.name.as_str());
        if let Some(v) = value
            && let Err(message) = def.check(v)
        {
            out.push(
                finding(
                    entry,
                    Rule::InvalidField,
                    Severity::Error,
                    key_or_front(entry, &def.name),
                    format!("`{}` {message}", def.name),
                )
                .about(Subject::Field(def.name.clone())),
            );
        } else if rf.enabled && def.required_in(status) && value.is_none_or(is_blank) {
            out.push(
                finding(
                    entry,
                    Rule::RequiredField,
                    rf.severity,
                    key_or_front(entry, "status"),
                    format!(
                        "`{}` is required for a {status} item: set it with `backlog set {} {}=VALUE`",
                        def.name, entry.item.id, def.name
                    ),
                )
                .about(Subject::Field(def.name.clone())),
            );
        }
    }
}

/// `done-incomplete`: a done item with an unchecked acceptance criterion or an unchecked
/// entry of its definition of done.
pub(super) fn done_gate(entry: &Entry, config: &Config, out: &mut Vec<Finding>) {
    let rule = &config.rules.done_incomplete;
    if !rule.enabled || !config.is_done_status(config.status(&entry.item)) {
        return;
    }
    let gaps = crate::analysis::done::entry_done_gaps(entry, &config.definition_of_done);
    if gaps.is_empty() {
        return;
    }
    out.push(finding(
        entry,
        Rule::DoneIncomplete,
        rule.severity,
        gaps.first_line()
            .unwrap_or_else(|| key_or_front(entry, "status")),
        gaps.describe(&entry.item.id),
    ));
}

/// `dependency-not-ready`: every dependency exists and is done or ranked above the item.
/// `focus`: only dependencies with these ID keys (items affected by a change).
pub(super) fn dependency_findings(
    entry: &Entry,
    lookup: &Lookup<'_>,
    config: &Config,
    report_missing: bool,
    focus: Option<&HashSet<String>>,
    out: &mut Vec<Finding>,
) {
    let rules = &config.rules;
    if !rules.dependencies.enabled {
        return;
    }
    let item = &entry.item;
    let id = item.id.as_str();
    let line = key_or_front(entry, "depends_on");
    let sev = rules.dependencies.severity;
    let mine = OrderKey::of_item_ref(item);
    for dep_id in &item.depends_on {
        if focus.is_some_and(|f| !f.contains(&crate::id::key(dep_id))) {
            continue;
        }
        let Some(dep) = lookup.get(dep_id) else {
            if report_missing {
                out.push(
                    finding(
                        entry,
                        Rule::DependencyNotReady,
                        sev,
                        line,
                        format!(
                            "depends on {dep_id}, which does not exist: fix the ID or remove it \
                         from `depends_on`"
                        ),
                    )
                    .about(Subject::Dependency(dep_id.clone())),
                );
            }
            continue;
        };
        if dep.item.id.eq_ignore_ascii_case(id) {
            continue; // a cycle of one, reported as `dependency-cycle`
        }
        let status = config.status(&dep.item);
        let dep_shown = dep.item.id.as_str();
        if config.is_done_status(status) {
            continue;
        }
        let message = if status == crate::config::SPLIT {
            format!(
                "depends on {dep_shown}, which was split: depend on the children of \
                 {dep_shown} that this item needs instead"
            )
        } else if status == crate::config::DUPLICATE {
            let target = dep
                .item
                .duplicate_of
                .as_deref()
                .unwrap_or("the item it duplicates");
            format!(
                "depends on {dep_shown}, which was merged into {target}: depend on {target} \
                 instead"
            )
        } else if OrderKey::of_item_ref(&dep.item) < mine {
            continue;
        } else {
            format!(
                "depends on {dep_shown} ({status}), which is ranked below it: rank \
                 {dep_shown} higher (`backlog rank {dep_shown} --before {id}`) or finish it \
                 first"
            )
        };
        out.push(
            finding(entry, Rule::DependencyNotReady, sev, line, message)
                .about(Subject::Dependency(dep_shown.to_owned())),
        );
    }
}
