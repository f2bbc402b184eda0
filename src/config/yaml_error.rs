//! A `config.yml` parse error in the user's words: serde names Rust types (`expected
//! struct Rules`, `expected f64`, `expected u32`) and repeats the position the error
//! already has (`… at line 27 column 6`), a duplicate key is reported at the start of its
//! mapping rather than at the second occurrence, and a value checked after it was read at
//! the start of the document.

/// The 1-based line and the message of a parse error of `text`.
pub(crate) fn describe(text: &str, e: &serde_yaml_ng::Error) -> (usize, String) {
    let line = e.location().map_or(1, |l| l.line());
    let raw = e.to_string();
    let message = strip_position(&raw);
    if let Some(key) = duplicate_key(message)
        && let Some((first, second)) = occurrences(text, line, key)
    {
        return (
            second,
            format!("{key} is given twice (first on line {first}): keep one"),
        );
    }
    // A value checked after it was read (`fields`) is reported at the start of the
    // document; the key the message names is never below the error.
    let line = match message.split_once(": ") {
        Some((path, _)) if !path.contains(' ') => {
            let keys: Vec<&str> = path.split('.').collect();
            line.max(super::locate::key_line(text, &keys))
        }
        _ => line,
    };
    let message = plain_types(message)
        .replacen("unknown field `", "unknown key `", 1)
        .replacen("unknown variant `", "unknown value `", 1);
    (line, message)
}

/// `message` without serde_yaml's trailing ` at line N column M`.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i)
            if message[i + " at line ".len()..]
                .split(" column ")
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            &message[..i]
        }
        _ => message,
    }
}

/// The key of a ``[path: ]duplicate field `KEY` `` message.
fn duplicate_key(message: &str) -> Option<&str> {
    let rest = &message[message.find("duplicate field `")? + "duplicate field `".len()..];
    rest.split('`').next().filter(|k| !k.is_empty())
}

/// The lines of the first two occurrences of `key` as a key of the mapping that starts at
/// line `from` (1-based) or below it: the first line at or after `from` holding the key
/// gives the indentation, and the second must share it.
fn occurrences(text: &str, from: usize, key: &str) -> Option<(usize, usize)> {
    let mut first: Option<(usize, usize)> = None;
    for (i, line) in text.lines().enumerate().skip(from.saturating_sub(1)) {
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        let content = content.strip_prefix("- ").unwrap_or(content);
        let is_key = content
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        if let Some((first_line, level)) = first {
            if indent < level && !content.is_empty() && !content.starts_with('#') {
                return None;
            }
            if is_key && indent == level {
                return Some((first_line, i + 1));
            }
        } else if is_key {
            first = Some((i + 1, indent));
        }
    }
    None
}

/// `message` with serde's Rust type names replaced by what a YAML writer calls them.
fn plain_types(message: &str) -> String {
    const WHOLE: [&str; 12] = [
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    ];
    let Some(at) = message.rfind("expected ") else {
        return message.to_owned();
    };
    let (head, expected) = message.split_at(at + "expected ".len());
    let plain = if WHOLE.contains(&expected) {
        if expected.starts_with('u') {
            "a whole number (0 or more)".to_owned()
        } else {
            "a whole number".to_owned()
        }
    } else if expected == "f32" || expected == "f64" {
        "a number".to_owned()
    } else if expected.starts_with("struct ") || expected == "a YAML mapping" || expected == "a map"
    {
        "a mapping of `key: value` lines".to_owned()
    } else if expected == "a sequence" {
        "a list such as [a, b]".to_owned()
    } else if expected.starts_with("enum ") {
        "one of the values this key accepts".to_owned()
    } else if expected == "a borrowed string" || expected == "a char" || expected == "char" {
        "a string".to_owned()
    } else {
        expected.to_owned()
    };
    format!("{head}{plain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (usize, String) {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Inner {
            max: Option<u32>,
            ratio: Option<f64>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Doc {
            a: Option<String>,
            rules: Option<Inner>,
            list: Option<Vec<String>>,
        }
        let e = serde_yaml_ng::from_str::<Doc>(text).unwrap_err();
        describe(text, &e)
    }

    #[test]
    fn test_no_rust_type_names_and_no_repeated_position() {
        let (line, m) = parse("a: x\nrules: 5\n");
        assert_eq!(line, 2);
        assert_eq!(
            m,
            "rules: invalid type: integer `5`, expected a mapping of `key: value` lines"
        );
        let (_, m) = parse("rules:\n  max: -1\n");
        assert_eq!(
            m,
            "rules.max: invalid type: integer `-1`, expected a whole number (0 or more)"
        );
        let (_, m) = parse("rules:\n  ratio: [1]\n");
        assert_eq!(m, "rules.ratio: invalid type: sequence, expected a number");
        let (_, m) = parse("list: 3\n");
        assert_eq!(
            m,
            "list: invalid type: integer `3`, expected a list such as [a, b]"
        );
        let (_, m) = parse("bogus: 1\n");
        assert_eq!(
            m,
            "unknown key `bogus`, expected one of `a`, `rules`, `list`"
        );
    }

    #[test]
    fn test_a_duplicate_key_is_reported_at_its_second_line() {
        let (line, m) = parse("a: x\n# note\nlist: [b]\n\na: y\n");
        assert_eq!(
            (line, m.as_str()),
            (5, "a is given twice (first on line 1): keep one")
        );
        let (line, m) = parse("rules:\n  max: 1\n  ratio: 2\n  max: 3\n");
        assert_eq!(line, 4, "{m}");
        assert!(m.contains("max is given twice (first on line 2)"), "{m}");
    }
}
