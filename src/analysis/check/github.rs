//! GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`) for
//! findings, escaped so that nothing taken from an item file can end the command early or
//! start another one.
//!
//! GitHub's runner unescapes `%25`, `%0D` and `%0A` in the message, and additionally `%3A`
//! and `%2C` in property values. Escaping `%` first, then CR and LF (and in properties `:`
//! and `,`) leaves no raw line break, so a title like `x\n::error file=y::boom` stays one
//! line of data. Other control characters are made visible with [`crate::text::sanitize`].

use super::Finding;

/// Escapes message data: `%` → `%25`, CR → `%0D`, LF → `%0A`.
pub fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// Escapes a property value: like [`escape_data`], plus `:` → `%3A` and `,` → `%2C`.
pub fn escape_property(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => push_visible(&mut out, c),
        }
    }
    out
}

fn push_visible(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    out.push_str(&crate::text::sanitize(c.encode_utf8(&mut buf)));
}

/// One workflow command for a finding. `title` is the annotation's title (for example
/// the item's ID and title); it is escaped here.
pub fn annotation(finding: &Finding, title: &str) -> String {
    let command = match finding.severity {
        super::Severity::Error => "error",
        super::Severity::Warning => "warning",
    };
    format!(
        "::{command} file={},line={},title={}::{}",
        escape_property(&finding.path),
        finding.line,
        escape_property(title),
        escape_data(&format!("[{}] {}", finding.rule, finding.message)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Severity;

    #[test]
    fn test_escaping() {
        assert_eq!(escape_data("50% a\r\nb:c,d"), "50%25 a%0D%0Ab:c,d");
        assert_eq!(escape_property("50% a\r\nb:c,d"), "50%25 a%0D%0Ab%3Ac%2Cd");
        assert_eq!(escape_data("\u{1b}[31m"), "\\u{1b}[31m");
    }

    #[test]
    fn test_annotation_cannot_be_injected() {
        let f = Finding {
            rule: crate::check::Rule::StoryForm,
            severity: Severity::Error,
            path: "backlog/a,b:c.md".to_owned(),
            line: 7,
            item: Some("B-1".to_owned()),
            message: "bad\n::error file=x::owned".to_owned(),
            subject: None,
        };
        let line = annotation(&f, "B-1 evil\n::error file=x::injected");
        assert_eq!(
            line,
            "::error file=backlog/a%2Cb%3Ac.md,line=7,title=B-1 evil%0A%3A%3Aerror file=x%3A%3Ainjected\
             ::[story-form] bad%0A::error file=x::owned"
        );
        assert!(!line.contains('\n') && !line.contains('\r'));
    }
}
