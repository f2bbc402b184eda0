//! The text an agent is given before it works on the backlog: how to pick work, what
//! "ready" means in this backlog (from its `config.yml`), and when to split.

use crate::config::Config;

/// The instructions for agents, written from the backlog's configuration.
pub fn instructions(config: &Config) -> String {
    let rules = &config.rules;
    let mut ready = Vec::new();
    if rules.estimate.enabled {
        ready.push(format!(
            "it has an estimate on the scale ({})",
            config.scale_text()
        ));
    }
    if rules.too_big.enabled {
        ready.push(format!(
            "its estimate is at most {} points",
            rules.too_big.max_estimate
        ));
    }
    if rules.acceptance_criteria.enabled {
        let min = rules.acceptance_criteria.min.max(1);
        ready.push(format!(
            "it has at least {min} acceptance criteri{} (task-list items under a heading \
             \"Acceptance criteria\")",
            if min == 1 { "on" } else { "a" }
        ));
    }
    if rules.story_form.enabled && !rules.story_form.types.is_empty() {
        ready.push(format!(
            "items of type {} open with a user story: \"As a …, I want … so that …\"",
            rules.story_form.types.join(", ")
        ));
    }
    if rules.dependencies.enabled {
        ready.push(
            "every dependency exists and is done or ranked above it, with no cycle".to_owned(),
        );
    }
    if rules.required_fields.enabled && !rules.required_fields.fields.is_empty() {
        ready.push(format!(
            "it has the fields {}",
            rules.required_fields.fields.join(", ")
        ));
    }
    let ready_text = if ready.is_empty() {
        "no rules are switched on in config.yml".to_owned()
    } else {
        ready
            .iter()
            .map(|r| format!("- {r}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let statuses = |list: &[String]| list.join(", ");
    let split = if rules.too_big.enabled {
        format!(
            "An item estimated above {max} points is too big to be ready: split it with \
             `split_item` into children of at most {max} points each (hand each child the \
             acceptance criteria it delivers with `give`), then estimate the children.",
            max = rules.too_big.max_estimate
        )
    } else {
        "Split items that do not fit in one sprint with `split_item`.".to_owned()
    };
    let done_list = if config.definition_of_done.is_empty() {
        String::new()
    } else {
        format!(
            "\n\nThe team's definition of done (check off what you did with `dod`; `finish_item` \
             reports what is left):\n{}",
            config
                .definition_of_done
                .iter()
                .map(|d| format!("- {d}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    };
    format!(
        "This server works on a git-native backlog: one markdown file per item, and every \
change you make is one git commit (with a `Backlog-Via: mcp` trailer) that people review \
like code.

Picking work:
1. Call `next_item` (pass your `owner` name, optionally a `label`). It returns the \
highest-ranked open item that claims readiness (status {ready_statuses}), passes the \
definition of ready and waits for no unfinished dependency; `item` is null when nothing is \
ready.
2. Call `claim_item` with its ID and your `owner` name before you start: it sets the owner \
and the in-progress status in one commit. If it says another owner holds the item, pick \
another one; do not pass `force` unless a person told you to.
3. When the work is done, call `finish_item`: it sets the status to {done} and lists the \
acceptance criteria still unchecked. Check the ones you delivered (`criteria`) first.{done_list}

The definition of ready of this backlog (an item is ready when):
{ready_text}

{split}

Refining: use `show_item` to read an item, `update_item` with KEY=VALUE assignments to change \
fields, `estimate` for story points, `criteria` for acceptance criteria, `add_item` for new \
work, `merge_items` for duplicates (`dupes` finds them), `rank_item` to reorder. Call \
`check` (with `ids`) after refining to see what still keeps an item from being ready, and \
`agenda` to see what the next refinement must fix. Errors come back with hints that say \
what to do; IDs are case-insensitive and a unique prefix is enough.",
        ready_statuses = statuses(&config.ready_statuses),
        done = config.done_statuses.first().map_or("done", String::as_str),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_instructions_follow_the_config() {
        let mut c = Config::default();
        let text = instructions(&c);
        assert!(text.contains("at most 8 points"), "{text}");
        assert!(text.contains("estimated above 8 points"), "{text}");
        assert!(text.contains("0, 1, 2, 3, 5, 8, 13, 20, 40, 100"), "{text}");
        c.rules.too_big.max_estimate = 13;
        c.rules.acceptance_criteria.enabled = false;
        let text = instructions(&c);
        assert!(text.contains("at most 13 points"), "{text}");
        assert!(!text.contains("acceptance criterion"), "{text}");
        assert!(!text.contains("definition of done"), "{text}");
        c.definition_of_done = vec!["Docs updated".to_owned()];
        assert!(instructions(&c).contains("definition of done"));
        assert!(instructions(&c).contains("- Docs updated"));
    }
}
