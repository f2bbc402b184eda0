//! The words a shell completes from the backlog itself: item IDs (with their titles as the
//! description), statuses, types, labels and owners. The CLI asks for them when the shell
//! does (`BACKLOG_COMPLETE=bash backlog …`, see `backlog completions`); nothing here knows about
//! shells.

use std::collections::BTreeMap;

use crate::store::Store;

/// Which vocabulary an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    /// Item IDs, in backlog order, open items first.
    Ids,
    /// The statuses of `config.yml`, in workflow order.
    Statuses,
    /// The item types of `config.yml`, then any other type items use.
    Types,
    /// Every label in use, most used first.
    Labels,
    /// Every owner in use, most used first.
    Owners,
}

/// One completion: the value and a short description (an item's title and status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// What the shell inserts.
    pub value: String,
    /// What the shell may show beside it.
    pub help: Option<String>,
}

impl Word {
    fn plain(value: &str) -> Self {
        Word {
            value: value.to_owned(),
            help: None,
        }
    }
}

/// The words of `vocabulary` that start with `prefix` (case-insensitively, as the
/// commands match IDs, statuses and labels). Files that do not load are skipped: a
/// completion never fails, it offers less.
pub fn words(store: &Store, vocabulary: Vocabulary, prefix: &str) -> Vec<Word> {
    let config = &store.config;
    let matches = |value: &str| {
        value
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    let mut words = match vocabulary {
        Vocabulary::Statuses => config.statuses.iter().map(|s| Word::plain(s)).collect(),
        Vocabulary::Ids => {
            let mut rows = store
                .load_mapped(|e| {
                    let status = e.item.status_or_default().to_owned();
                    let open = !config.is_closed_status(&status);
                    (open, e.item.id.clone(), e.item.title.clone(), status)
                })
                .items;
            // Open items first, each group in backlog order (a stable sort keeps it).
            rows.sort_by_key(|r| !r.0);
            rows.into_iter()
                .map(|(_, id, title, status)| Word {
                    value: id,
                    help: Some(format!("{title} [{status}]")),
                })
                .collect()
        }
        Vocabulary::Types | Vocabulary::Labels | Vocabulary::Owners => {
            let values = store
                .load_mapped(|e| match vocabulary {
                    Vocabulary::Types => e.item.kind.iter().cloned().collect(),
                    Vocabulary::Labels => e.item.labels.clone(),
                    _ => e.item.owner.iter().cloned().collect::<Vec<_>>(),
                })
                .items;
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for v in values.into_iter().flatten() {
                *counts.entry(v).or_default() += 1;
            }
            let mut words: Vec<Word> = Vec::new();
            if vocabulary == Vocabulary::Types {
                words.extend(config.types.iter().map(|t| Word::plain(t)));
            }
            let mut used: Vec<(String, usize)> = counts.into_iter().collect();
            used.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            for (value, n) in used {
                if !words.iter().any(|w| w.value == value) {
                    words.push(Word {
                        value,
                        help: Some(format!("{n} item{}", if n == 1 { "" } else { "s" })),
                    });
                }
            }
            words
        }
    };
    // What reaches the shell (and the terminal, in menus) is text from files: a value
    // with a control character is not offered (it could not be typed back anyway, and a
    // line break would split it in two), a description is made terminal-safe.
    words.retain(|w: &Word| matches(&w.value) && !w.value.chars().any(char::is_control));
    for w in &mut words {
        if let Some(help) = &mut w.help {
            *help = crate::text::sanitize(help).into_owned();
        }
    }
    words
}

/// Completions of one `KEY=VALUE` argument of `set`: the keys (known ones and the
/// custom `fields:` of `config.yml`, each with its `=`) until an `=` is typed, then the
/// values of that key's vocabulary (a status, a type, an owner, an item ID).
pub fn assignment_words(store: &Store, current: &str) -> Vec<Word> {
    use crate::model::item::{KNOWN, KeyKind};
    let Some((key, value)) = current.split_once('=') else {
        let custom = store.config.fields.iter().map(|d| d.name.as_str());
        let keys = KNOWN
            .iter()
            .filter(|(k, kind)| *kind != KeyKind::Id && *k != "priority")
            .map(|(k, _)| *k)
            .chain(custom);
        return keys
            .filter(|k| k.starts_with(current))
            .map(|k| Word::plain(&format!("{k}=")))
            .collect();
    };
    let vocabulary = match KNOWN.iter().find(|(k, _)| *k == key).map(|(_, kind)| kind) {
        Some(KeyKind::Status) => Vocabulary::Statuses,
        Some(KeyKind::Type) => Vocabulary::Types,
        Some(KeyKind::Reference) => Vocabulary::Ids,
        Some(KeyKind::Text) if key == "owner" => Vocabulary::Owners,
        Some(_) => return Vec::new(),
        None => {
            // A custom field with declared values (`fields: {team: {type: enum, …}}`).
            let Some(field) = store.config.fields.get(key) else {
                return Vec::new();
            };
            return field
                .values
                .iter()
                .filter(|v| v.starts_with(value))
                .map(|v| Word::plain(&format!("{key}={v}")))
                .collect();
        }
    };
    words(store, vocabulary, value)
        .into_iter()
        .map(|w| Word {
            value: format!("{key}={}", w.value),
            help: w.help,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(files: &[(&str, &str)]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("backlog");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("config.yml"), crate::config::DEFAULT_CONFIG_YML).unwrap();
        for (name, text) in files {
            std::fs::write(folder.join(name), text).unwrap();
        }
        let store = Store::open(dir.path(), std::path::Path::new("backlog"), false).unwrap();
        (dir, store)
    }

    fn values(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.value.as_str()).collect()
    }

    #[test]
    fn test_ids_open_first_with_title_and_status_filtered_by_prefix() {
        let (_dir, store) = store(&[
            (
                "B-1-a.md",
                "---\nid: B-1\ntitle: Done one\nstatus: done\nrank: a\n---\n",
            ),
            ("B-2-b.md", "---\nid: B-2\ntitle: Open two\nrank: b\n---\n"),
            ("X-3-c.md", "---\nid: X-3\ntitle: Other\nrank: c\n---\n"),
            ("broken.md", "---\nid: [\n---\n"),
        ]);
        let all = words(&store, Vocabulary::Ids, "");
        assert_eq!(values(&all), ["B-2", "X-3", "B-1"]);
        assert_eq!(all[0].help.as_deref(), Some("Open two [draft]"));
        assert_eq!(
            values(&words(&store, Vocabulary::Ids, "b-")),
            ["B-2", "B-1"]
        );
        assert!(words(&store, Vocabulary::Ids, "Z").is_empty());
    }

    #[test]
    fn test_labels_and_owners_most_used_first_types_from_config_first() {
        let (_dir, store) = store(&[
            (
                "B-1.md",
                "---\nid: B-1\ntitle: a\nlabels: [ux, api]\nowner: ana\ntype: research\n---\n",
            ),
            (
                "B-2.md",
                "---\nid: B-2\ntitle: b\nlabels: [api]\nowner: ana\n---\n",
            ),
            ("B-3.md", "---\nid: B-3\ntitle: c\nowner: bo\n---\n"),
        ]);
        let labels = words(&store, Vocabulary::Labels, "");
        assert_eq!(values(&labels), ["api", "ux"]);
        assert_eq!(labels[0].help.as_deref(), Some("2 items"));
        assert_eq!(
            values(&words(&store, Vocabulary::Owners, "")),
            ["ana", "bo"]
        );
        let types = words(&store, Vocabulary::Types, "");
        let configured = store.config.types.len();
        assert_eq!(values(&types)[..configured], store.config.types[..]);
        assert!(values(&types).contains(&"research"));
        let statuses = words(&store, Vocabulary::Statuses, "in");
        assert!(values(&statuses).iter().all(|s| s.starts_with("in")));
        assert!(!statuses.is_empty());
    }

    #[test]
    fn test_words_with_control_characters_are_not_offered_and_titles_are_sanitized() {
        let (_dir, store) = store(&[(
            "B-1.md",
            "---\nid: B-1\ntitle: \"Bad \\e[2J title\"\nlabels: [\"x\\e[2Jy\", \"a\\nb\", ok]\n---\n",
        )]);
        assert_eq!(values(&words(&store, Vocabulary::Labels, "")), ["ok"]);
        let ids = words(&store, Vocabulary::Ids, "");
        let help = ids[0].help.as_deref().unwrap();
        assert!(!help.contains('\u{1b}'), "{help:?}");
    }

    #[test]
    fn test_set_assignments_complete_keys_then_values() {
        let (_dir, store) = store(&[("B-1.md", "---\nid: B-1\ntitle: a\nowner: ana\n---\n")]);
        let keys = words_of(assignment_words(&store, "st"));
        assert_eq!(keys, ["status="]);
        assert!(!words_of(assignment_words(&store, "")).contains(&"id=".to_owned()));
        let statuses = words_of(assignment_words(&store, "status=re"));
        assert_eq!(statuses, ["status=ready"]);
        assert_eq!(words_of(assignment_words(&store, "owner=")), ["owner=ana"]);
        assert_eq!(
            words_of(assignment_words(&store, "parent=b")),
            ["parent=B-1"]
        );
        assert!(assignment_words(&store, "title=x").is_empty());
    }

    fn words_of(words: Vec<Word>) -> Vec<String> {
        words.into_iter().map(|w| w.value).collect()
    }
}
