//! Commit messages: the subject (the default `backlog: <summary>` or the team's
//! `commit.template`), an optional body, and the trailer block that `diff`, `log` and
//! `git interpret-trailers` read.
//!
//! The trailers are the machine-readable part and never depend on the template:
//! `Backlog-Op`, `Backlog-Items`, `Backlog-Via` (when a front end such as the MCP server
//! made the change) and `Signed-off-by` (with `commit.sign_off: true`), in that order,
//! as the last paragraph of the message. History commands read the trailers (see
//! [`parse_trailers`]), never the subject, so any template keeps them working.
//!
//! Pure text: no git2, no IO.

pub use crate::config::commit::{Template, TemplateError};

/// The parts of a default summary that a template can rearrange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject<'a> {
    /// The operation.
    pub op: &'a str,
    /// The IDs the summary names.
    pub ids: String,
    /// What changed.
    pub what: String,
}

impl<'a> Subject<'a> {
    /// Splits a summary of the form `<op> <IDs>: <what>` (the project's convention). A
    /// summary of another shape (`split B-1 into B-2, B-3`) keeps its text after the
    /// operation as `what`, and `ids` lists the changed items (three at most, then a
    /// count).
    pub fn of(op: &'a str, summary: &str, items: &[String]) -> Self {
        let rest = summary
            .strip_prefix(op)
            .and_then(|r| r.strip_prefix(' '))
            .unwrap_or(summary);
        match rest.split_once(": ") {
            Some((ids, what)) if !ids.trim().is_empty() => Self {
                op,
                ids: ids.trim().to_owned(),
                what: what.trim().to_owned(),
            },
            _ => Self {
                op,
                ids: short_list(items),
                what: rest.trim().to_owned(),
            },
        }
    }
}

fn short_list(items: &[String]) -> String {
    if items.len() <= 3 {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..3].join(", "), items.len() - 3)
    }
}

/// Everything a commit message is built from.
#[derive(Debug, Clone, Default)]
pub struct Message<'a> {
    /// The operation (`Backlog-Op`).
    pub op: &'a str,
    /// The default summary, after `backlog: `.
    pub summary: &'a str,
    /// Body lines.
    pub body: &'a [String],
    /// The items created or changed (`Backlog-Items`).
    pub items: &'a [String],
    /// The team's subject template; `None` gives `backlog: <summary>`.
    pub template: Option<&'a Template>,
    /// The front end that made the change (`Backlog-Via`).
    pub via: Option<&'a str>,
    /// `Signed-off-by` identity: name and email.
    pub sign_off: Option<(&'a str, &'a str)>,
}

impl Message<'_> {
    /// The subject line.
    pub fn subject(&self) -> String {
        let line = match self.template {
            Some(t) => {
                let s = Subject::of(self.op, self.summary, self.items);
                t.render(s.op, &s.ids, &s.what)
            }
            None => format!("backlog: {}", self.summary),
        };
        // A subject is one line whatever the summary holds.
        line.split(['\n', '\r'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The whole message: subject, blank line, body, blank line, trailers.
    pub fn render(&self) -> String {
        let mut msg = self.subject();
        msg.push_str("\n\n");
        if !self.body.is_empty() {
            for line in self.body {
                msg.push_str(line);
                msg.push('\n');
            }
            msg.push('\n');
        }
        msg.push_str(&format!("Backlog-Op: {}\n", self.op));
        if !self.items.is_empty() {
            msg.push_str(&format!("Backlog-Items: {}\n", self.items.join(", ")));
        }
        if let Some(via) = self.via {
            msg.push_str(&format!("Backlog-Via: {via}\n"));
        }
        if let Some((name, email)) = self.sign_off {
            msg.push_str(&format!("Signed-off-by: {name} <{email}>\n"));
        }
        msg
    }
}

/// The `Backlog-Op` and `Backlog-Items` trailers of a commit message.
///
/// Only the trailer block (the last paragraph) is read, so neither the subject, whatever
/// template made it, nor a body line can pose as a trailer.
pub fn parse_trailers(message: &str) -> (Option<String>, Vec<String>) {
    let normalized = message.replace("\r\n", "\n");
    let last = normalized
        .trim_end()
        .rsplit("\n\n")
        .next()
        .unwrap_or_default();
    // A one-paragraph message is a subject only: it has no trailers.
    if last.len() == normalized.trim_end().len() {
        return (None, Vec::new());
    }
    let mut op = None;
    let mut items = Vec::new();
    for line in last.lines() {
        if let Some(v) = line.strip_prefix("Backlog-Op:") {
            op = Some(v.trim().to_owned()).filter(|s| !s.is_empty());
        } else if let Some(v) = line.strip_prefix("Backlog-Items:") {
            items = v
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
        }
    }
    (op, items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn test_default_message_is_unchanged() {
        let items = ids(&["B-1"]);
        let msg = Message {
            op: "estimate",
            summary: "estimate B-1: 3 -> 5",
            items: &items,
            ..Message::default()
        };
        assert_eq!(
            msg.render(),
            "backlog: estimate B-1: 3 -> 5\n\nBacklog-Op: estimate\nBacklog-Items: B-1\n"
        );
    }

    #[test]
    fn test_conventional_template_with_sign_off_and_via() {
        let t = Template::parse("chore(backlog): {op} {ids}: {summary}").unwrap();
        let items = ids(&["B-1"]);
        let body = vec!["votes: ann 3, bo 5".to_owned()];
        let msg = Message {
            op: "estimate",
            summary: "estimate B-1: 3 -> 5",
            body: &body,
            items: &items,
            template: Some(&t),
            via: Some("mcp"),
            sign_off: Some(("Dana Smith", "dana@example.com")),
        };
        assert_eq!(
            msg.render(),
            "chore(backlog): estimate B-1: 3 -> 5\n\nvotes: ann 3, bo 5\n\n\
             Backlog-Op: estimate\nBacklog-Items: B-1\nBacklog-Via: mcp\n\
             Signed-off-by: Dana Smith <dana@example.com>\n"
        );
        assert_eq!(
            parse_trailers(&msg.render()),
            (Some("estimate".into()), items)
        );
    }

    #[test]
    fn test_subject_of_other_shapes() {
        let items = ids(&["B-P", "B-1", "B-2"]);
        let s = Subject::of("split", "split B-P into B-1, B-2", &items);
        assert_eq!(
            (s.ids.as_str(), s.what.as_str()),
            ("B-P, B-1, B-2", "B-P into B-1, B-2")
        );
        let many = ids(&["B-1", "B-2", "B-3", "B-4", "B-5"]);
        let s = Subject::of("fmt", "fmt 5 items", &many);
        assert_eq!(s.ids, "B-1, B-2, B-3 and 2 more");
        let s = Subject::of("init", "init backlog", &[]);
        let t = Template::parse("{op} {ids}: {summary}").unwrap();
        assert_eq!(t.render(s.op, &s.ids, &s.what), "init: backlog");
        let s = Subject::of("rank", "rank --rebalance: respread 3 of 9 keys", &items);
        assert_eq!(s.ids, "--rebalance");
    }

    #[test]
    fn test_template_errors() {
        assert_eq!(Template::parse("  "), Err(TemplateError::Empty));
        assert_eq!(
            Template::parse("a\n{summary}"),
            Err(TemplateError::MultiLine)
        );
        assert_eq!(
            Template::parse("{op}: {what}"),
            Err(TemplateError::UnknownPlaceholder {
                name: "what".into()
            })
        );
        assert_eq!(
            Template::parse("{op"),
            Err(TemplateError::Unmatched { brace: '{' })
        );
        assert_eq!(
            Template::parse("op}"),
            Err(TemplateError::Unmatched { brace: '}' })
        );
        assert_eq!(Template::parse("{op} {ids}"), Err(TemplateError::NoSummary));
        let t = Template::parse("{{x}} {summary}").unwrap();
        let s = Subject::of("set", "set B-1: a=b", &[]);
        assert_eq!(t.render(s.op, &s.ids, &s.what), "{x} a=b");
        assert!(
            TemplateError::UnknownPlaceholder {
                name: "what".into()
            }
            .to_string()
            .contains("{what}")
        );
    }

    #[test]
    fn test_trailers_only_from_the_last_paragraph() {
        assert_eq!(parse_trailers("Backlog-Op: fake"), (None, Vec::new()));
        let msg = "Backlog-Op: fake\n\nBacklog-Op: body\n\nBacklog-Op: set\nBacklog-Items: B-1, B-2\nSigned-off-by: A <a@b>\n";
        assert_eq!(
            parse_trailers(msg),
            (Some("set".into()), ids(&["B-1", "B-2"]))
        );
        assert_eq!(
            parse_trailers("x\r\n\r\nBacklog-Op: add\r\n").0.as_deref(),
            Some("add")
        );
    }

    proptest! {
        /// Whatever the template and summary, the subject is one line and the trailers
        /// read back what was recorded.
        #[test]
        fn prop_trailers_survive_any_template(
            prefix in "[a-z()!:# -]{0,20}",
            summary in "[ -~\n]{0,60}",
            body in proptest::collection::vec("[ -~]{0,30}", 0..3),
            items in proptest::collection::vec("B-[0-9A-Z]{1,4}", 0..4),
            sign in any::<bool>(),
        ) {
            let t = Template::parse(&format!("{prefix}{{op}} {{ids}}: {{summary}}")).unwrap();
            let msg = Message {
                op: "set",
                summary: &summary,
                body: &body,
                items: &items,
                template: Some(&t),
                via: None,
                sign_off: sign.then_some(("A", "a@example.com")),
            };
            let text = msg.render();
            prop_assert!(!msg.subject().contains('\n'));
            prop_assert_eq!(parse_trailers(&text), (Some("set".to_owned()), items.clone()));
        }
    }
}
