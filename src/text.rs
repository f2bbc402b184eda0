//! Small text helpers: terminal-safe rendering, slugs, dates and similarity of names.

pub mod date;

/// Replaces control characters (escape sequences, carriage returns, newlines…) with
/// visible `\u{..}`-style escapes so text taken from item files cannot drive a terminal.
pub fn sanitize(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Like [`sanitize`], but keeps line breaks (for multi-line messages).
pub fn sanitize_lines(s: &str) -> String {
    s.split('\n')
        .map(|l| sanitize(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Turns a title into a file-name slug: lowercase ASCII letters and digits joined by
/// single dashes, at most 48 characters; never contains a path separator or `..`.
/// Accented Latin letters are transliterated (`ü` → `u`, `é` → `e`, `ß` → `ss`) rather
/// than dropped: the title is decomposed (Unicode NFD) and the combining marks removed.
pub fn slugify(title: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut slug = String::new();
    for c in title.nfd().filter(|c| !is_combining_mark(*c)) {
        let c = c.to_ascii_lowercase();
        let spelled = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ø' | 'Ø' => "o",
            'ł' | 'Ł' => "l",
            'đ' | 'Đ' | 'ð' | 'Ð' => "d",
            'þ' | 'Þ' => "th",
            'ı' => "i",
            _ => "",
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !spelled.is_empty() {
            slug.push_str(spelled);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 48 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "item".to_owned()
    } else {
        slug
    }
}

/// Formats a Unix timestamp (seconds) as a `YYYY-MM-DD` civil date in UTC.
pub fn date_from_unix(secs: i64) -> String {
    date::from_unix(secs).to_string()
}

/// Parses `YYYY-MM-DD` into days since the epoch; `None` for anything that is not a
/// real day (see [`date::parse`] for the reason).
pub fn parse_date(s: &str) -> Option<i64> {
    date::parse_days(s).ok()
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Splits a list argument: `[a, b]`, `a,b` or a single value; `[]` is the empty list.
/// Unbalanced or nested brackets are refused.
pub fn parse_list(text: &str) -> Result<Vec<String>, String> {
    let trimmed = text.trim();
    let inner = match (trimmed.strip_prefix('['), trimmed.ends_with(']')) {
        (Some(rest), true) => &rest[..rest.len() - 1],
        (None, false) => trimmed,
        _ => return Err(format!("{text:?} is not a list: write [a, b]")),
    };
    if inner.contains(['[', ']', '{', '}']) {
        return Err(format!("{text:?} is not a flat list: write [a, b]"));
    }
    Ok(inner
        .split(',')
        .map(|s| s.trim().trim_matches(['"', '\'']).to_owned())
        .filter(|s| !s.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_sanitize_neutralizes_escapes() {
        assert_eq!(sanitize("plain"), "plain");
        assert_eq!(sanitize("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\u{a}c");
    }

    #[test]
    fn test_slugify_is_path_safe() {
        assert_eq!(slugify("Sign in with SSO!"), "sign-in-with-sso");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("日本"), "item");
        assert_eq!(slugify("Ünïcödé café"), "unicode-cafe");
        assert_eq!(slugify("Straße Æsir Øresund"), "strasse-aesir-oresund");
    }

    #[test]
    fn test_dates_round_trip() {
        assert_eq!(date_from_unix(0), "1970-01-01");
        let d = parse_date("2026-11-24").unwrap();
        assert_eq!(date_from_unix(d * 86_400), "2026-11-24");
        assert_eq!(parse_date("2026-13-01"), None);
    }

    #[test]
    fn test_edit_distance() {
        assert_eq!(edit_distance("B-7KX2", "B-7KX3"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
