//! Line-level scanning of front-matter text: lines with their offsets, fences, top-level
//! `key:` lines and the byte range of a value on its line.

use std::ops::Range;

/// Returns the 1-based line number of byte `offset` in `text`.
pub fn line_of(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    memchr_count(b'\n', &text[..end]) + 1
}

fn memchr_count(needle: u8, hay: &[u8]) -> usize {
    hay.iter().filter(|&&b| b == needle).count()
}

/// Splits text into lines with their start offsets; each line includes its terminator.
pub(super) fn lines_with_offsets(text: &str, start: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let rest = &text[pos..];
        let len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = &rest[..len];
        let at = pos;
        pos += len;
        Some((at, line))
    })
}

pub(super) fn strip_eol(line: &str) -> &str {
    line.strip_suffix('\n')
        .map_or(line, |l| l.strip_suffix('\r').unwrap_or(l))
}

pub(super) fn is_fence(line: &str, closing: bool) -> bool {
    let l = strip_eol(line).trim_end_matches([' ', '\t']);
    l == "---" || (closing && l == "...")
}

/// If `line` (without terminator) starts a top-level `key:` entry, returns the key and
/// the offset just after the colon.
pub(super) fn parse_key_line(line: &str) -> Option<(String, usize)> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '?' | '[' | '{' | '}' | ']') {
        return None;
    }
    // `: value` is a value with an empty (null) key, which no `key:` line names.
    if first == ':'
        && line[1..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '\t')
    {
        return None;
    }
    if first == '"' || first == '\'' {
        let close = line[1..].find(first)? + 1;
        let after = &line[close + 1..];
        let colon = after.find(':')?;
        if !after[..colon].trim().is_empty() {
            return None;
        }
        let end = close + 1 + colon + 1;
        let rest = &line[end..];
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None;
        }
        return Some((line[1..close].to_owned(), end));
    }
    let mut search = 0;
    loop {
        let colon = search + line[search..].find(':')?;
        let rest = &line[colon + 1..];
        if rest.is_empty() || rest.starts_with([' ', '\t']) {
            let key = line[..colon].trim_end();
            if key.contains(" #") {
                return None;
            }
            return Some((key.to_owned(), colon + 1));
        }
        search = colon + 1;
    }
}

/// Byte range of the value on a key line: from the first non-blank after the colon to the
/// end of the value, excluding a trailing `# comment` and whitespace.
pub(super) fn value_range(line: &str, after_colon: usize) -> Range<usize> {
    let bytes = line.as_bytes();
    let mut start = after_colon;
    while start < bytes.len() && matches!(bytes[start], b' ' | b'\t') {
        start += 1;
    }
    let mut end = bytes.len();
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' && q == b'"' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => {
                if (b == b'"' || b == b'\'')
                    && (i == start || matches!(bytes[i - 1], b'[' | b' ' | b','))
                {
                    quote = Some(b);
                } else if b == b'#' && i > start && matches!(bytes[i - 1], b' ' | b'\t') {
                    end = i;
                    break;
                }
            }
        }
        i += 1;
    }
    while end > start && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    start..end.max(start)
}

/// What a front-matter line leaves open for the lines after it: a quoted scalar or flow
/// collections that go on past the end of the line. Lines inside them are content, even
/// when they look like `key:` lines or comments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Open {
    quote: Option<u8>,
    depth: u32,
    /// The next non-blank character starts a node (where a quote or a bracket opens one).
    at_node: bool,
}

impl Open {
    /// The state after a key line whose value starts at `value` (the text after the colon).
    pub(super) fn after_value(value: &str) -> Self {
        Self {
            at_node: true,
            ..Self::default()
        }
        .scan(value)
    }

    /// Whether the next line still belongs to the value.
    pub(super) fn is_open(self) -> bool {
        self.quote.is_some() || self.depth > 0
    }

    /// The state after `text` (the rest of a line, without its terminator). Outside flow
    /// collections (`depth == 0`) only a value's first character can open a quote or a
    /// bracket, as YAML reads a block value; inside them, any node's first character.
    pub(super) fn scan(mut self, text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match self.quote {
                Some(b'"') => {
                    if b == b'\\' {
                        i += 1;
                    } else if b == b'"' {
                        self.quote = None;
                    }
                }
                Some(q) => {
                    if b == q {
                        if bytes.get(i + 1) == Some(&q) {
                            i += 1;
                        } else {
                            self.quote = None;
                        }
                    }
                }
                None => match b {
                    b' ' | b'\t' => {}
                    // A tag or an anchor before a node: the node starts after it.
                    b'!' | b'&' if self.at_node => {
                        while i + 1 < bytes.len()
                            && !matches!(bytes[i + 1], b' ' | b'\t')
                            && !(self.depth > 0
                                && matches!(bytes[i + 1], b',' | b'[' | b']' | b'{' | b'}'))
                        {
                            i += 1;
                        }
                    }
                    b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => break,
                    b'"' | b'\'' if self.at_node => {
                        self.quote = Some(b);
                        self.at_node = false;
                    }
                    b'[' | b'{' if self.at_node => {
                        self.depth += 1;
                    }
                    b']' | b'}' if self.depth > 0 => {
                        self.depth -= 1;
                        self.at_node = false;
                    }
                    b',' if self.depth > 0 => self.at_node = true,
                    b':' if self.depth > 0
                        && matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')) =>
                    {
                        self.at_node = true;
                    }
                    _ => self.at_node = false,
                },
            }
            i += 1;
        }
        if self.depth == 0 && self.quote.is_none() {
            self.at_node = false;
        }
        self
    }
}

/// The 1-based line of the first conflict marker in `text`: a line that starts with
/// `<<<<<<<` (then a space or the end of the line) followed later by a `>>>>>>>` line.
/// `None` when the text holds no conflict.
pub fn conflict_marker_line(text: &str) -> Option<usize> {
    let is_marker = |at: usize, marker: &str| {
        (at == 0 || text.as_bytes()[at - 1] == b'\n')
            && matches!(
                text.as_bytes().get(at + marker.len()),
                None | Some(b' ' | b'\n' | b'\r')
            )
    };
    let start = text
        .match_indices("<<<<<<<")
        .map(|(at, _)| at)
        .find(|&at| is_marker(at, "<<<<<<<"))?;
    text[start..]
        .match_indices(">>>>>>>")
        .any(|(at, _)| is_marker(start + at, ">>>>>>>"))
        .then(|| line_of(text.as_bytes(), start))
}
