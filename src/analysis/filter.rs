//! `--where KEY=VALUE`: select items by any front-matter key, known or custom.
//!
//! An item matches when its value of the key equals VALUE, compared case-insensitively
//! (a list matches when one of its entries does). `KEY=` matches items without the key.
//! Several conditions must all hold. The typed keys (`status`, `owner`, `labels`…) are
//! read from the item's typed view; other keys from its front matter, parsed only when
//! such a condition is given.

use crate::config::Config;
use crate::store::Entry;

/// One `KEY=VALUE` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Where {
    /// The key.
    pub key: String,
    /// The value, or empty for "has no such key".
    pub value: String,
}

impl std::str::FromStr for Where {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (key, value) = text
            .split_once('=')
            .ok_or_else(|| format!("expected KEY=VALUE, got {text:?}"))?;
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "invalid key {key:?}: use letters, digits, `_` and `-`"
            ));
        }
        Ok(Self {
            key: key.to_owned(),
            value: value.trim().to_owned(),
        })
    }
}

impl Where {
    /// Whether the item matches.
    pub fn matches(&self, entry: &Entry, config: &Config) -> bool {
        let values = self.values_of(entry, config);
        if self.value.is_empty() {
            return values.is_empty();
        }
        let want = self.value.to_lowercase();
        values.iter().any(|v| v.to_lowercase() == want)
    }

    /// Whether the item matches every condition.
    pub fn all(conditions: &[Where], entry: &Entry, config: &Config) -> bool {
        conditions.iter().all(|w| w.matches(entry, config))
    }

    fn values_of(&self, entry: &Entry, config: &Config) -> Vec<String> {
        let item = &entry.item;
        let one = |v: &Option<String>| v.iter().cloned().collect::<Vec<_>>();
        let num = |v: Option<u32>| v.iter().map(u32::to_string).collect::<Vec<_>>();
        match self.key.as_str() {
            "id" => vec![item.id.clone()],
            "title" => vec![item.title.clone()],
            "status" => vec![config.status(item).to_owned()],
            "type" => vec![
                item.kind
                    .clone()
                    .unwrap_or_else(|| config.default_type.clone()),
            ],
            "owner" => one(&item.owner),
            "sprint" => one(&item.sprint),
            "parent" => one(&item.parent),
            "rank" => one(&item.rank),
            "duplicate_of" => one(&item.duplicate_of),
            "labels" | "label" => item.labels.clone(),
            "depends_on" => item.depends_on.clone(),
            "estimate" => num(item.estimate),
            "value" => num(item.value),
            key => entry
                .fields()
                .get(key)
                .map(crate::config::fields::FieldDef::texts)
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(extra: &str) -> Entry {
        Entry::from_text(
            "backlog/B-1.md",
            &format!("---\nid: B-1\ntitle: T\nowner: Dana\nlabels: [web, api]\n{extra}---\n"),
        )
        .unwrap()
    }

    fn w(text: &str) -> Where {
        text.parse().unwrap()
    }

    fn c() -> Config {
        Config::default()
    }

    #[test]
    fn test_where_known_and_custom_keys() {
        let e = entry("team: mobile\ncomponents: [ui, db]\nseverity: 2\n");
        assert!(w("owner=dana").matches(&e, &c()));
        assert!(w("status=draft").matches(&e, &c()), "the default status");
        assert!(w("type=story").matches(&e, &c()), "the default type");
        assert!(w("labels=api").matches(&e, &c()));
        assert!(!w("labels=ios").matches(&e, &c()));
        assert!(w("team=Mobile").matches(&e, &c()));
        assert!(!w("team=web").matches(&e, &c()));
        assert!(w("components=db").matches(&e, &c()));
        assert!(w("severity=2").matches(&e, &c()));
        assert!(w("customer=").matches(&e, &c()), "absent key");
        assert!(!w("team=").matches(&e, &c()));
        assert!(Where::all(&[w("team=mobile"), w("owner=dana")], &e, &c()));
        assert!(!Where::all(&[w("team=mobile"), w("owner=lee")], &e, &c()));
        assert!("team".parse::<Where>().is_err());
        assert!("a b=c".parse::<Where>().is_err());
    }
}
