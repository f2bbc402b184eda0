//! Finds the line of a key in `config.yml`, so that errors found after parsing (an unknown
//! status in `wip`, a bad `commit.template`, a field type that does not exist) point at
//! the line to fix, as parse errors do.
//!
//! The search understands block mappings (keys by indentation) and plain or quoted keys;
//! a key inside a flow mapping (`wip: {in-progress: 5}`) is reported at the line of the
//! nearest enclosing key that has its own line. It never fails: at worst it answers
//! line 1.

/// The 1-based line of the key at `path` (`["commit", "template"]`), or of the deepest
/// part of the path that has its own line, or 1.
pub fn key_line(text: &str, path: &[&str]) -> usize {
    let mut found = 1;
    // (indentation of the parent key, line index to search from)
    let mut parent_indent: Option<usize> = None;
    let mut from = 0;
    let lines: Vec<&str> = text.lines().collect();
    'segments: for key in path {
        let mut child_indent: Option<usize> = None;
        for (i, line) in lines.iter().enumerate().skip(from) {
            let content = line.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let indent = line.len() - content.len();
            if parent_indent.is_some_and(|p| indent <= p) {
                break;
            }
            // Keys of this mapping share the first indentation seen below the parent.
            let level = *child_indent.get_or_insert(indent);
            if indent != level {
                continue;
            }
            let content = content.strip_prefix("- ").unwrap_or(content);
            if key_of(content) == Some(key) {
                found = i + 1;
                parent_indent = Some(indent);
                from = i + 1;
                continue 'segments;
            }
        }
        break;
    }
    found
}

/// The key a `key: value` line starts with, unquoted.
fn key_of(content: &str) -> Option<&str> {
    let (key, rest) = if let Some(q) = content.strip_prefix('"') {
        let end = q.find('"')?;
        (&q[..end], &q[end + 1..])
    } else if let Some(q) = content.strip_prefix('\'') {
        let end = q.find('\'')?;
        (&q[..end], &q[end + 1..])
    } else {
        let end = content.find(':')?;
        (content[..end].trim_end(), &content[end..])
    };
    let after = rest.trim_start().strip_prefix(':')?;
    (after.is_empty() || after.starts_with([' ', '\t'])).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
id_prefix: B
# a comment
commit:
  enabled: true

  template: \"x {summary}\"
wip:
  in-progress: {limit: 5, per_owner: 2}
  'review': 3
fields:
  team:
    type: enum
    values: [a, b]
  severity:
    type: number
";

    #[test]
    fn test_key_line_finds_nested_keys() {
        assert_eq!(key_line(TEXT, &["id_prefix"]), 1);
        assert_eq!(key_line(TEXT, &["commit"]), 3);
        assert_eq!(key_line(TEXT, &["commit", "template"]), 6);
        assert_eq!(key_line(TEXT, &["wip", "in-progress"]), 8);
        assert_eq!(key_line(TEXT, &["wip", "in-progress", "per_owner"]), 8);
        assert_eq!(key_line(TEXT, &["wip", "review"]), 9);
        assert_eq!(key_line(TEXT, &["fields", "severity", "type"]), 15);
        assert_eq!(key_line(TEXT, &["fields", "team", "values"]), 13);
        // A key of another mapping is not taken for the one asked about.
        assert_eq!(key_line(TEXT, &["commit", "type"]), 3);
        assert_eq!(key_line(TEXT, &["nothing"]), 1);
        assert_eq!(key_line("", &["a"]), 1);
    }

    #[test]
    fn test_key_of() {
        assert_eq!(key_of("a: 1"), Some("a"));
        assert_eq!(key_of("a:"), Some("a"));
        assert_eq!(key_of("\"a b\": 1"), Some("a b"));
        assert_eq!(key_of("http://x"), None);
        assert_eq!(key_of("plain"), None);
    }
}
