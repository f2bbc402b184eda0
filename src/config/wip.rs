//! `wip:` in `config.yml`: work-in-progress limits per status, and optionally per owner.
//!
//! ```yaml
//! wip:
//!   in-progress: 5                  # at most 5 items in progress
//!   review: {limit: 3, per_owner: 1, strict: true}
//! ```
//!
//! `limit` caps the items in the status; `per_owner` caps the items of any one owner in
//! it; `strict: true` makes `set` refuse a change that would exceed a limit (otherwise it
//! warns, and `set --strict-wip` refuses). Statuses must be configured ones; `check`
//! reports a breach under the rule `wip-limit`.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

/// The limits of one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WipLimit {
    /// The status.
    pub status: String,
    /// Most items in the status.
    pub limit: Option<u32>,
    /// Most items of one owner in the status.
    pub per_owner: Option<u32>,
    /// Whether `set` refuses to exceed the limits.
    pub strict: bool,
}

/// Every WIP limit, in the order of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WipLimits {
    limits: Vec<WipLimit>,
}

impl WipLimits {
    /// The limits of `status`, if it has any.
    pub fn of(&self, status: &str) -> Option<&WipLimit> {
        self.limits.iter().find(|l| l.status == status)
    }

    /// Every limit.
    pub fn iter(&self) -> impl Iterator<Item = &WipLimit> {
        self.limits.iter()
    }

    /// Whether no limit is configured.
    pub fn is_empty(&self) -> bool {
        self.limits.is_empty()
    }

    /// Checks the statuses against the configured ones; the error names the bad status.
    pub(crate) fn validate(&self, known: impl Fn(&str) -> bool) -> Result<(), (String, String)> {
        for l in &self.limits {
            if !known(&l.status) {
                return Err((
                    l.status.clone(),
                    format!(
                        "wip names the status {:?}, which is not one of the statuses",
                        l.status
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for WipLimits {
    fn deserialize<D: de::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Limits;
        impl<'de> Visitor<'de> for Limits {
            type Value = WipLimits;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping from status to a limit, e.g. {in-progress: 5}")
            }
            fn visit_unit<E: de::Error>(self) -> Result<WipLimits, E> {
                Ok(WipLimits::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WipLimits, A::Error> {
                let mut limits: Vec<WipLimit> = Vec::new();
                while let Some(status) = map.next_key::<String>()? {
                    if limits.iter().any(|l| l.status == status) {
                        return Err(de::Error::custom(format_args!(
                            "wip lists the status {status:?} twice"
                        )));
                    }
                    let entry: Entry = map.next_value()?;
                    limits.push(WipLimit {
                        status,
                        limit: entry.limit,
                        per_owner: entry.per_owner,
                        strict: entry.strict,
                    });
                }
                Ok(WipLimits { limits })
            }
        }
        de.deserialize_any(Limits)
    }
}

/// One status's value: a number (the limit) or a mapping.
struct Entry {
    limit: Option<u32>,
    per_owner: Option<u32>,
    strict: bool,
}

fn positive<E: de::Error>(n: u64, what: &str) -> Result<u32, E> {
    match u32::try_from(n) {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(E::custom(format_args!(
            "a WIP {what} must be a whole number of at least 1, found {n}"
        ))),
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: de::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct One;
        impl<'de> Visitor<'de> for One {
            type Value = Entry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a limit (a number) or {limit: N, per_owner: N, strict: true}")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Entry, E> {
                Ok(Entry {
                    limit: Some(positive(n, "limit")?),
                    per_owner: None,
                    strict: false,
                })
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Entry, E> {
                Err(E::custom(format_args!(
                    "a WIP limit must be a whole number of at least 1, found {n}"
                )))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
                let mut out = Entry {
                    limit: None,
                    per_owner: None,
                    strict: false,
                };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "limit" => out.limit = Some(positive(map.next_value()?, "limit")?),
                        "per_owner" => {
                            out.per_owner = Some(positive(map.next_value()?, "per_owner")?);
                        }
                        "strict" => out.strict = map.next_value()?,
                        _ => {
                            return Err(de::Error::unknown_field(
                                &key,
                                &["limit", "per_owner", "strict"],
                            ));
                        }
                    }
                }
                if out.limit.is_none() && out.per_owner.is_none() {
                    return Err(de::Error::custom(
                        "a WIP entry needs `limit`, `per_owner` or both",
                    ));
                }
                Ok(out)
            }
        }
        de.deserialize_any(One)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn test_wip_short_and_long_forms() {
        let c = Config::parse(
            "wip:\n  in-progress: 5\n  ready: {per_owner: 2, strict: true}\n",
            "c.yml",
        )
        .unwrap();
        let p = c.wip.of("in-progress").unwrap();
        assert_eq!((p.limit, p.per_owner, p.strict), (Some(5), None, false));
        let r = c.wip.of("ready").unwrap();
        assert_eq!((r.limit, r.per_owner, r.strict), (None, Some(2), true));
        assert!(c.wip.of("draft").is_none());
        assert!(Config::default().wip.is_empty());
    }

    #[test]
    fn test_wip_errors_name_the_line() {
        let err = |text: &str| Config::parse(text, "config.yml").unwrap_err().to_string();
        let e = err("id_prefix: B\nwip:\n  in-progres: 5\n");
        assert!(
            e.starts_with("config.yml:3:") && e.contains("\"in-progres\""),
            "{e}"
        );
        let e = err("wip:\n  in-progress: 0\n");
        assert!(
            e.starts_with("config.yml:2:") && e.contains("at least 1"),
            "{e}"
        );
        let e = err("wip:\n  in-progress: {limit: 2, owner: 1}\n");
        assert!(e.contains("owner"), "{e}");
        let e = err("wip:\n  in-progress: {strict: true}\n");
        assert!(e.contains("needs `limit`"), "{e}");
        let e = err("wip:\n  in-progress: -1\n");
        assert!(e.contains("at least 1"), "{e}");
        let e = err("wip: 5\n");
        assert!(e.contains("mapping from status"), "{e}");
    }
}
