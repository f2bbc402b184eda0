//! HTML text helpers: escaping, safe link targets, and item bodies rendered from markdown
//! with raw HTML shown as text.

use std::collections::HashMap;
use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Escapes text for HTML element content and double-quoted attribute values: `&`, `<`,
/// `>`, `"` and `'`. Control characters other than tab and newline become U+FFFD, so
/// nothing from an item file can change the page's structure.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    push_esc(&mut out, s);
    out
}

/// [`esc`] appending to `out`.
pub fn push_esc(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// Whether a link target from an item file may become an `href`: `http:`, `https:` and
/// `mailto:` URLs, fragments, and relative paths. Anything else (`javascript:`, `data:`,
/// `file:`, `vbscript:`…) is refused. Browsers ignore tabs, newlines and leading spaces
/// in a scheme, so the check does too.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match scheme(&cleaned) {
        Some(s) => matches!(s, "http" | "https" | "mailto"),
        None => true,
    }
}

/// The URL's scheme (`https`), if it has one.
fn scheme(url: &str) -> Option<&str> {
    let end = url.find([':', '/', '?', '#'])?;
    if url.as_bytes()[end] != b':' || end == 0 {
        return None;
    }
    let s = &url[..end];
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        .then_some(s)
        .filter(|s| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
}

/// Whether a URL leaves the site (has a scheme or starts with `//`).
pub fn is_external(url: &str) -> bool {
    url.starts_with("//") || scheme(&url.to_ascii_lowercase()).is_some()
}

/// How [`markdown`] treats relative links: a link to an item's file (by file name) goes to
/// that item's page; other relative paths point into the repository, which the site does
/// not contain, so they are shown as text.
pub struct LinkContext<'a> {
    /// Item file name (`B-7KX2-sign-in.md`, any case) → the item's page, relative to the
    /// page being rendered.
    pub item_files: &'a HashMap<String, String>,
}

/// What a link from an item body becomes.
enum Target {
    /// Keep as a link to this URL.
    Link(String),
    /// Show the text only.
    Text,
}

fn target(url: &str, ctx: &LinkContext<'_>) -> Target {
    if !is_safe_url(url) {
        return Target::Text;
    }
    if is_external(url) || url.starts_with('#') {
        return Target::Link(url.to_owned());
    }
    let path = url.split(['#', '?']).next().unwrap_or_default();
    let name = path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ctx.item_files.get(&name) {
        Some(page) => Target::Link(page.clone()),
        None => Target::Text,
    }
}

fn shift(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Renders an item body as HTML with pulldown-cmark, leaving out what the item page shows
/// on its own (the story paragraph and the acceptance-criteria section when `skip_known`).
/// Raw HTML is shown as text, unsafe link targets become plain text, images become links
/// to the image (no request leaves the page), and headings move one level down (the page
/// has its own `h1`).
pub fn markdown(body: &str, skip_known: bool, ctx: &LinkContext<'_>) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events: Vec<Event<'_>> = Parser::new_ext(body, opts).collect();
    let mut kept: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut depth = 0usize;
    let mut seen_heading = false;
    let mut story_skipped = !skip_known;
    // Inside a skipped part: until the End at this depth, or until a heading at this
    // level or above (for the criteria section).
    let mut skip_until_end: Option<usize> = None;
    let mut skip_section: Option<HeadingLevel> = None;
    // Per open link: whether it was kept as a link.
    let mut links: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let ev = &events[i];
        i += 1;
        if let Some(d) = skip_until_end {
            match ev {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == d {
                        skip_until_end = None;
                    }
                }
                _ => {}
            }
            continue;
        }
        if let Event::Start(Tag::Heading { level, .. }) = ev
            && depth == 0
        {
            seen_heading = true;
            if skip_section.is_some_and(|l| *level <= l) {
                skip_section = None;
            }
            if skip_known && skip_section.is_none() {
                let mut text = String::new();
                let mut j = i;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j] {
                        text.push_str(t);
                    }
                    j += 1;
                }
                let norm = text.trim().trim_end_matches(':').trim().to_lowercase();
                if norm == "acceptance criteria" {
                    skip_section = Some(*level);
                }
            }
        }
        if skip_section.is_some() {
            match ev {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                _ => {}
            }
            continue;
        }
        if !story_skipped
            && !seen_heading
            && depth == 0
            && matches!(ev, Event::Start(Tag::Paragraph))
        {
            story_skipped = true;
            skip_until_end = Some(depth);
            depth += 1;
            continue;
        }
        let ev = match ev {
            Event::Start(t) => {
                depth += 1;
                match t {
                    Tag::Heading {
                        level,
                        id,
                        classes,
                        attrs,
                    } => Event::Start(Tag::Heading {
                        level: shift(*level),
                        id: id.clone(),
                        classes: classes.clone(),
                        attrs: attrs.clone(),
                    }),
                    Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }
                    | Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    } => match target(dest_url, ctx) {
                        Target::Link(url) => {
                            links.push(true);
                            Event::Start(Tag::Link {
                                link_type: *link_type,
                                dest_url: CowStr::from(url),
                                title: title.clone(),
                                id: id.clone(),
                            })
                        }
                        Target::Text => {
                            links.push(false);
                            continue;
                        }
                    },
                    Tag::HtmlBlock => Event::Start(Tag::Paragraph),
                    other => Event::Start(other.clone()),
                }
            }
            Event::End(t) => {
                depth -= 1;
                match t {
                    TagEnd::Heading(level) => Event::End(TagEnd::Heading(shift(*level))),
                    TagEnd::Link | TagEnd::Image => {
                        if links.pop().unwrap_or(false) {
                            Event::End(TagEnd::Link)
                        } else {
                            continue;
                        }
                    }
                    TagEnd::HtmlBlock => Event::End(TagEnd::Paragraph),
                    other => Event::End(*other),
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h.clone()),
            Event::InlineMath(m) | Event::DisplayMath(m) => Event::Code(m.clone()),
            other => other.clone(),
        };
        kept.push(ev);
    }
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, kept.into_iter());
    out
}

/// A number with at most two decimals, without trailing zeros.
pub fn number(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `n thing` / `n things`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    let mut s = String::new();
    let _ = write!(s, "{n} {}", if n == 1 { one } else { many });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str) -> String {
        let files = HashMap::from([("b-2-other.md".to_owned(), "B-2.html".to_owned())]);
        markdown(body, true, &LinkContext { item_files: &files })
    }

    #[test]
    fn test_esc_escapes_markup_and_controls() {
        assert_eq!(
            esc("<img src=x onerror=alert(1)> & \"q\" 'a'"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39;"
        );
        assert_eq!(esc("a\u{1b}[31mb\u{0}"), "a\u{fffd}[31mb\u{fffd}");
    }

    #[test]
    fn test_safe_urls() {
        for ok in [
            "https://example.com/x",
            "HTTP://a",
            "mailto:a@b.c",
            "#top",
            "docs/a.md",
            "./x:y",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
        assert!(is_external("https://a"));
        assert!(is_external("//cdn.example"));
        assert!(!is_external("items/B-1.html"));
        assert!(!is_external("../index.html#x"));
    }

    #[test]
    fn test_markdown_shows_raw_html_as_text() {
        let html =
            md("Story.\n\n## Notes\n<script>alert(1)</script>\n\nText <b onclick=x>bold</b>\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("<h3>Notes</h3>"), "{html}");
    }

    #[test]
    fn test_markdown_skips_story_and_criteria() {
        let html = md(
            "As a user, I want x so that y.\n\n## Acceptance criteria\n- [ ] one\n\n### Sub\nsub text\n\n## Notes\nkept\n",
        );
        assert!(!html.contains("As a user"), "{html}");
        assert!(!html.contains("one"), "{html}");
        assert!(!html.contains("sub text"), "{html}");
        assert!(html.contains("kept"), "{html}");
        let all = markdown(
            "Story.\n",
            false,
            &LinkContext {
                item_files: &HashMap::new(),
            },
        );
        assert!(all.contains("Story."), "{all}");
    }

    #[test]
    fn test_markdown_links() {
        let html = md(
            "S.\n\n## Links\n[ok](https://example.com) [bad](javascript:alert(1)) \
             [item](../backlog/B-2-other.md) [repo](docs/x.md) ![pic](https://img.example/p.png)\n",
        );
        assert!(
            html.contains("<a href=\"https://example.com\">ok</a>"),
            "{html}"
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(html.contains(">bad<") || html.contains(" bad "), "{html}");
        assert!(html.contains("<a href=\"B-2.html\">item</a>"), "{html}");
        assert!(!html.contains("docs/x.md"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://img.example/p.png\">pic</a>"),
            "{html}"
        );
    }
}
