//! JSON text that is safe to show on a terminal: besides what JSON requires (C0 controls,
//! `"` and `\`), DEL, the C1 controls (U+0080–U+009F; U+009B is an 8-bit CSI that some
//! terminals obey) and the bidirectional overrides and isolates (U+202A–U+202E,
//! U+2066–U+2069, U+200E/U+200F, U+061C, which reorder what is displayed) are written as
//! `\uXXXX` escapes. The value is unchanged for any JSON reader.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Whether `c` is written as a `\u` escape beyond JSON's own escapes.
pub fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// A serde_json formatter that escapes [`needs_escape`] characters.
struct Safe<F>(F);

impl<F: Formatter> Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // Everything else is the inner formatter's (indentation for the pretty one).
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `value` as pretty JSON with the extra escapes.
pub fn to_writer_pretty<W: Write, T: Serialize + ?Sized>(writer: W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(writer, Safe(PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// `value` as pretty JSON text with the extra escapes.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let _ = to_writer_pretty(&mut out, value);
    String::from_utf8(out).unwrap_or_default()
}

/// `value` as compact JSON text with the extra escapes.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Safe(CompactFormatter));
    let _ = value.serialize(&mut ser);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn test_c1_del_and_bidi_are_escaped() {
        // D14: the report's title.
        let title = "Evil \u{1b}]0;pwned\u{7} \u{9b}31m \u{7f} \u{202e}";
        let text = to_string_pretty(&serde_json::json!({ "schema": 1, "title": title }));
        assert!(
            text.contains(r"Evil \u001b]0;pwned\u0007 \u009b31m \u007f \u202e"),
            "{text}"
        );
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
        assert!(text.starts_with("{\n  \"schema\": 1,"), "pretty: {text}");
        let compact = to_string(&serde_json::json!({ "k": "\u{2066}x\u{85}" }));
        assert_eq!(compact, r#"{"k":"\u2066x\u0085"}"#);
    }

    proptest! {
        /// The escaped text reads back as the same value, and holds no raw character
        /// that needs escaping.
        #[test]
        fn prop_escaped_json_round_trips(s in "\\PC*|[\u{0}-\u{9f}\u{200e}\u{202a}-\u{202e}\u{2066}-\u{2069}a]{0,40}") {
            let value = serde_json::json!({ "s": s, "list": [s.clone()] });
            let text = to_string_pretty(&value);
            prop_assert!(!text.chars().any(needs_escape));
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(back, value);
        }
    }
}
