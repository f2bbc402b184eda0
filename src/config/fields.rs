//! `fields:` in `config.yml`: the team's own typed front-matter keys.
//!
//! ```yaml
//! fields:
//!   team: {type: enum, values: [web, mobile, platform], required_for: [ready]}
//!   severity: {type: number}
//!   customer: {type: string}
//!   due: {type: date}
//!   regulated: {type: bool, default: false}
//!   components: {type: list, values: [api, ui, db]}   # values: optional allow-list
//! ```
//!
//! A declared field is validated like a known key: `set` and `add --field` refuse a value
//! of the wrong type (with a did-you-mean among an enum's values), `check` reports a wrong
//! type at the key's line (`invalid-field`) and a missing field on an item whose status is
//! in `required_for` (`required-field`). `default` is written by `add` when the field is
//! not given. Keys that are not declared keep today's behaviour: kept as they are.

use serde::Deserialize;
use serde_yaml_ng::Value;

use crate::document::FieldValue;

/// The type of a custom field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// One line of text.
    String,
    /// A number (integer or decimal).
    Number,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// `true` or `false`.
    Bool,
    /// A list of values (with `values`, each one of them).
    List,
    /// One of `values`.
    Enum,
}

impl FieldType {
    /// The name used in `config.yml`.
    pub fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Date => "date",
            Self::Bool => "bool",
            Self::List => "list",
            Self::Enum => "enum",
        }
    }
}

/// One declared field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The key (filled from the mapping key).
    #[serde(skip)]
    pub name: String,
    /// The type.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// The allowed values (`enum`, and optionally `list`).
    #[serde(default)]
    pub values: Vec<String>,
    /// Statuses in which an item must have the field.
    #[serde(default)]
    pub required_for: Vec<String>,
    /// Written by `add` when the field is not given.
    #[serde(default)]
    pub default: Option<Value>,
}

/// Every declared field, in the order of the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    defs: Vec<FieldDef>,
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let map: Option<serde_yaml_ng::Mapping> = Option::deserialize(de)?;
        let mut defs = Vec::new();
        for (key, value) in map.unwrap_or_default() {
            let Value::String(name) = key else {
                return Err(serde::de::Error::custom("field names must be strings"));
            };
            let mut def: FieldDef = serde_yaml_ng::from_value(value)
                .map_err(|e| serde::de::Error::custom(format_args!("fields.{name}: {e}")))?;
            def.name = name;
            defs.push(def);
        }
        Ok(Self { defs })
    }
}

/// A config problem: the key path to point at, and the message.
pub(crate) type Problem = (Vec<String>, String);

impl Fields {
    /// The declared field `name`.
    pub fn get(&self, name: &str) -> Option<&FieldDef> {
        self.defs.iter().find(|d| d.name == name)
    }

    /// Every declared field.
    pub fn iter(&self) -> impl Iterator<Item = &FieldDef> {
        self.defs.iter()
    }

    /// Whether none is declared.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Checks the declarations: names, values, statuses and defaults.
    pub(crate) fn validate(&self, known_status: impl Fn(&str) -> bool) -> Result<(), Problem> {
        for d in &self.defs {
            let at = |key: &str| {
                let mut path = vec![d.name.clone()];
                if !key.is_empty() {
                    path.push(key.to_owned());
                }
                path
            };
            if crate::item::KNOWN_KEYS.contains(&d.name.as_str()) {
                return Err((
                    at(""),
                    format!(
                        "fields: `{}` is a known key; custom fields need other names",
                        d.name
                    ),
                ));
            }
            if d.name.is_empty()
                || !d
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err((
                    at(""),
                    format!(
                        "fields: invalid name {:?}: use letters, digits, `_` and `-`",
                        d.name
                    ),
                ));
            }
            match d.kind {
                FieldType::Enum if d.values.is_empty() => {
                    return Err((
                        at("type"),
                        format!("fields.{}: an enum needs `values`", d.name),
                    ));
                }
                FieldType::Enum | FieldType::List => {}
                _ if !d.values.is_empty() => {
                    return Err((
                        at("values"),
                        format!(
                            "fields.{}: `values` is for enum and list fields, not {}",
                            d.name,
                            d.kind.name()
                        ),
                    ));
                }
                _ => {}
            }
            if let Some(bad) = d.required_for.iter().find(|s| !known_status(s)) {
                return Err((
                    at("required_for"),
                    format!(
                        "fields.{}: required_for names {bad:?}, which is not one of the statuses",
                        d.name
                    ),
                ));
            }
            if let Some(v) = &d.default
                && let Err(e) = d.check(v)
            {
                return Err((at("default"), format!("fields.{}: default {e}", d.name)));
            }
        }
        Ok(())
    }
}

impl FieldDef {
    /// Whether an item in `status` must have this field.
    pub fn required_in(&self, status: &str) -> bool {
        self.required_for.iter().any(|s| s == status)
    }

    /// Checks a value read from an item file; the error says what is expected.
    pub fn check(&self, value: &Value) -> Result<(), String> {
        let expected = || format!("must be {}, found {}", self.expected(), describe(value));
        match (self.kind, value) {
            (_, Value::Null) => Ok(()),
            (FieldType::String, Value::String(s)) if !s.contains(['\n', '\r']) => Ok(()),
            (FieldType::String, Value::Number(_) | Value::Bool(_)) => Ok(()),
            (FieldType::Number, Value::Number(_)) => Ok(()),
            (FieldType::Bool, Value::Bool(_)) => Ok(()),
            (FieldType::Date, Value::String(s)) if crate::text::parse_date(s).is_some() => Ok(()),
            (FieldType::Enum, v) => match scalar(v) {
                Some(s) => self.one_of(&s),
                None => Err(expected()),
            },
            (FieldType::List, Value::Sequence(seq)) => {
                for v in seq {
                    let s = scalar(v).ok_or_else(expected)?;
                    if !self.values.is_empty() {
                        self.one_of(&s)?;
                    }
                }
                Ok(())
            }
            _ => Err(expected()),
        }
    }

    /// Parses a command-line value (`set KEY=VALUE`, `add --field KEY=VALUE`).
    pub fn parse(&self, raw: &str) -> Result<FieldValue, String> {
        let text = raw.trim();
        match self.kind {
            FieldType::String => {
                if raw.chars().any(char::is_control) {
                    return Err("must be one line without control characters".to_owned());
                }
                Ok(FieldValue::Str(raw.to_owned()))
            }
            FieldType::Number => match text.parse::<i64>() {
                Ok(n) => Ok(FieldValue::Int(n)),
                Err(_) if text.parse::<f64>().is_ok_and(f64::is_finite) => Err(format!(
                    "{text:?}: the command line takes whole numbers; write decimals in the file"
                )),
                Err(_) => Err(format!("{text:?} is not a number")),
            },
            FieldType::Date => match crate::text::parse_date(text) {
                Some(_) => Ok(FieldValue::Str(text.to_owned())),
                None => Err(format!("{text:?} is not a date (YYYY-MM-DD)")),
            },
            FieldType::Bool => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" => Ok(FieldValue::Bool(true)),
                "false" | "no" => Ok(FieldValue::Bool(false)),
                _ => Err(format!("{text:?} is not true or false")),
            },
            FieldType::Enum => {
                self.one_of(text)?;
                Ok(FieldValue::Str(text.to_owned()))
            }
            FieldType::List => {
                let list = crate::text::parse_list(raw)?;
                if !self.values.is_empty() {
                    for v in &list {
                        self.one_of(v)?;
                    }
                }
                Ok(FieldValue::List(list))
            }
        }
    }

    /// The value that `add` writes when the field is not given.
    pub fn default_value(&self) -> Option<FieldValue> {
        let v = self.default.as_ref()?;
        Some(match v {
            Value::Sequence(seq) => FieldValue::List(seq.iter().filter_map(scalar).collect()),
            Value::String(s) => FieldValue::Str(s.clone()),
            Value::Bool(b) => FieldValue::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => FieldValue::Int(i),
                None => FieldValue::Str(n.to_string()),
            },
            _ => return None,
        })
    }

    /// The value as text for filters and groups (`None` when absent; lists give each
    /// entry).
    pub fn texts(value: &Value) -> Vec<String> {
        match value {
            Value::Sequence(seq) => seq.iter().filter_map(scalar).collect(),
            v => scalar(v).into_iter().collect(),
        }
    }

    fn one_of(&self, value: &str) -> Result<(), String> {
        if self.values.iter().any(|v| v == value) {
            return Ok(());
        }
        let lower = value.to_lowercase();
        let near = self
            .values
            .iter()
            .map(|v| (crate::text::edit_distance(&lower, &v.to_lowercase()), v))
            .filter(|(d, v)| *d <= 2.min(v.chars().count().div_ceil(2)))
            .min()
            .map(|(_, v)| v)
            .or_else(|| {
                // A unique value the input is the start of (`plat` for `platform`).
                let mut starts = self
                    .values
                    .iter()
                    .filter(|v| lower.len() >= 2 && v.to_lowercase().starts_with(&lower));
                starts.next().filter(|_| starts.next().is_none())
            });
        Err(match near {
            Some(v) => format!(
                "{value:?} is not one of {}: did you mean {v:?}?",
                self.values.join(", ")
            ),
            None => format!("{value:?} is not one of {}", self.values.join(", ")),
        })
    }

    fn expected(&self) -> String {
        match self.kind {
            FieldType::String => "one line of text".to_owned(),
            FieldType::Number => "a number".to_owned(),
            FieldType::Date => "a date (YYYY-MM-DD)".to_owned(),
            FieldType::Bool => "true or false".to_owned(),
            FieldType::List => "a list".to_owned(),
            FieldType::Enum => format!("one of {}", self.values.join(", ")),
        }
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{:?}", crate::text::sanitize(s)),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(_) => "a tagged value".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const CONFIG: &str = "\
fields:
  team: {type: enum, values: [web, mobile, platform], required_for: [ready]}
  severity:
    type: number
  due: {type: date}
  regulated: {type: bool, default: false}
  components: {type: list, values: [api, ui]}
  customer: {type: string}
";

    fn fields() -> Fields {
        Config::parse(CONFIG, "c.yml").unwrap().fields
    }

    #[test]
    fn test_enum_refused_with_a_suggestion() {
        let f = fields();
        let team = f.get("team").unwrap();
        assert_eq!(team.parse("web"), Ok(FieldValue::Str("web".into())));
        assert_eq!(
            team.parse("mobil").unwrap_err(),
            "\"mobil\" is not one of web, mobile, platform: did you mean \"mobile\"?"
        );
        assert!(
            team.parse("plat")
                .unwrap_err()
                .contains("did you mean \"platform\"?")
        );
        assert_eq!(
            team.parse("sales").unwrap_err(),
            "\"sales\" is not one of web, mobile, platform"
        );
        assert!(team.required_in("ready") && !team.required_in("draft"));
    }

    #[test]
    fn test_parse_and_check_each_type() {
        let f = fields();
        let get = |n: &str| f.get(n).unwrap();
        assert_eq!(get("severity").parse("3"), Ok(FieldValue::Int(3)));
        assert!(
            get("severity")
                .parse("2.5")
                .unwrap_err()
                .contains("whole numbers")
        );
        assert!(get("severity").parse("high").is_err());
        assert!(get("due").parse("2026-13-01").is_err());
        assert_eq!(get("regulated").parse("yes"), Ok(FieldValue::Bool(true)));
        assert!(get("regulated").parse("maybe").is_err());
        assert!(
            get("components")
                .parse("[api, db]")
                .unwrap_err()
                .contains("\"db\"")
        );
        assert_eq!(
            get("regulated").default_value(),
            Some(FieldValue::Bool(false))
        );
        let yaml = |s: &str| serde_yaml_ng::from_str::<Value>(s).unwrap();
        assert!(get("severity").check(&yaml("3")).is_ok());
        assert_eq!(
            get("severity").check(&yaml("high")).unwrap_err(),
            "must be a number, found \"high\""
        );
        assert!(get("due").check(&yaml("2026-01-31")).is_ok());
        assert!(get("due").check(&yaml("soon")).is_err());
        assert!(get("regulated").check(&yaml("\"no\"")).is_err());
        assert!(get("components").check(&yaml("[api, ui]")).is_ok());
        assert!(get("components").check(&yaml("api")).is_err());
        assert!(
            get("team")
                .check(&yaml("mobil"))
                .unwrap_err()
                .contains("did you mean")
        );
        assert!(get("customer").check(&yaml("{a: 1}")).is_err());
        assert!(get("customer").check(&yaml("~")).is_ok());
    }

    #[test]
    fn test_field_declarations_are_validated_at_their_line() {
        let err = |text: &str| Config::parse(text, "c.yml").unwrap_err().to_string();
        let e = err("fields:\n  team:\n    type: enum\n");
        assert!(
            e.starts_with("c.yml:3:") && e.contains("needs `values`"),
            "{e}"
        );
        let e = err("fields:\n  owner: {type: string}\n");
        assert!(e.starts_with("c.yml:2:") && e.contains("known key"), "{e}");
        let e =
            err("fields:\n  team:\n    type: enum\n    values: [a]\n    required_for: [redy]\n");
        assert!(e.starts_with("c.yml:5:") && e.contains("redy"), "{e}");
        let e = err("fields:\n  n:\n    type: number\n    default: lots\n");
        assert!(e.starts_with("c.yml:4:") && e.contains("default"), "{e}");
        let e = err("fields:\n  n: {type: numbr}\n");
        assert!(e.contains("numbr"), "{e}");
        let e = err("fields:\n  n: {type: string, values: [a]}\n");
        assert!(e.contains("`values` is for enum"), "{e}");
    }
}
