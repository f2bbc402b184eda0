//! Shell completion of the backlog's own words: item IDs (with their titles), statuses,
//! types, labels, owners and `set`'s `KEY=VALUE`. The shell script that `backlog
//! completions SHELL` prints calls back into `backlog` (`BACKLOG_COMPLETE=SHELL backlog -- …`,
//! clap_complete's dynamic completion), which reads the backlog of the current folder
//! (`$BACKLOG_DIR` or `backlog`) through [`backlog::view::complete`].

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::Command;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use backlog::store::Store;
use backlog::view::complete::{Vocabulary, Word, assignment_words, words};
use backlog::workspace::{Workspace, WorkspaceOptions};

/// The environment variable the shell scripts set to ask for completions (not clap's
/// default `COMPLETE`, a name too common to take over the binary for).
pub(crate) const VAR: &str = "BACKLOG_COMPLETE";

/// Answers the shell when it asks ([`VAR`] set) and exits; returns otherwise.
pub(crate) fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(|| attach(super::command()))
        .var(VAR)
        .complete();
}

/// What an argument completes from, by its name: the same names mean the same thing in
/// every command (`id`, `--depends-on`, `--status`, `--label`, …).
fn what(arg: &clap::Arg) -> Option<Completer> {
    let id = arg.get_id().as_str();
    let value = arg
        .get_value_names()
        .and_then(|v| v.first())
        .map(|v| v.as_str());
    Some(match (id, value) {
        ("assignments" | "wheres", _) => Completer::Assignment,
        ("status" | "statuses", _) => Completer::Words(Vocabulary::Statuses),
        ("kind" | "type", _) => Completer::Words(Vocabulary::Types),
        ("label" | "labels", _) => Completer::Words(Vocabulary::Labels),
        ("owner", _) => Completer::Words(Vocabulary::Owners),
        (_, Some("ID" | "KEEP" | "DUP")) => Completer::Words(Vocabulary::Ids),
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy)]
enum Completer {
    Words(Vocabulary),
    Assignment,
}

/// `cmd` with a value completer on every argument that takes an item ID, a status, a
/// type, a label, an owner or a `KEY=VALUE`, in every subcommand.
pub(crate) fn attach(mut cmd: Command) -> Command {
    let args: Vec<(String, Completer)> = cmd
        .get_arguments()
        .filter(|a| a.get_action().takes_values())
        .filter_map(|a| Some((a.get_id().to_string(), what(a)?)))
        .collect();
    for (id, completer) in args {
        cmd = cmd.mut_arg(id, |a| {
            a.add(ArgValueCompleter::new(move |current: &OsStr| {
                candidates(completer, current)
            }))
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for sub in subs {
        cmd = cmd.mut_subcommand(sub, attach);
    }
    cmd
}

fn candidates(completer: Completer, current: &OsStr) -> Vec<CompletionCandidate> {
    let (Some(current), Some(store)) = (current.to_str(), store()) else {
        return Vec::new();
    };
    let found = match completer {
        Completer::Words(v) => words(&store, v, current),
        Completer::Assignment => assignment_words(&store, current),
    };
    found.into_iter().map(candidate).collect()
}

fn candidate(word: Word) -> CompletionCandidate {
    CompletionCandidate::new(word.value).help(word.help.map(Into::into))
}

/// The backlog the current folder's commands would use, if there is one.
fn store() -> Option<Store> {
    let dir = std::env::var_os("BACKLOG_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from("backlog"), PathBuf::from);
    let options = WorkspaceOptions {
        start: std::env::current_dir().ok()?,
        dir,
        commit: Some(false),
        allow_dirty: false,
    };
    Workspace::open(&options, false).ok().map(|ws| ws.store)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(command, argument)` pairs whose argument completes from the backlog.
    fn completed() -> Vec<(String, String)> {
        let cmd = super::super::command();
        let mut found = Vec::new();
        for sub in cmd.get_subcommands() {
            for a in sub.get_arguments().filter(|a| what(a).is_some()) {
                found.push((sub.get_name().to_owned(), a.get_id().to_string()));
            }
        }
        found
    }

    #[test]
    fn test_every_id_status_label_owner_and_type_argument_completes() {
        let found = completed();
        let has = |c: &str, a: &str| found.iter().any(|(x, y)| x == c && y == a);
        for (c, a) in [
            ("show", "id"),
            ("set", "id"),
            ("set", "assignments"),
            ("merge", "dup"),
            ("merge", "into"),
            ("rank", "before"),
            ("add", "depends_on"),
            ("add", "parent"),
            ("add", "labels"),
            ("list", "status"),
            ("list", "kind"),
            ("list", "owner"),
            ("list", "wheres"),
            ("forecast", "ids"),
            ("log", "id"),
        ] {
            assert!(has(c, a), "{c} {a} has no completer");
        }
        // Every command that names an item by ID completes it.
        let cmd = super::super::command();
        for sub in cmd.get_subcommands() {
            if let Some(a) = sub.get_arguments().find(|a| a.get_id() == "id") {
                assert!(what(a).is_some(), "{} id", sub.get_name());
            }
        }
        // The merge driver's conflict-marker labels are no backlog labels.
        assert!(!has("merge-file", "ours_label"));
    }
}
