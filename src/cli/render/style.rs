//! Colour on a terminal: `--color auto|always|never`, `NO_COLOR` and `CLICOLOR_FORCE`
//! (decided by anstream, as clap does for its own help), never in pipes under `auto`.
//! Styles are added after text is sanitized and padded, so widths never count escapes.

use anstyle::{AnsiColor, Style};
use backlog::config::Config;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ColorArg {
    /// Colour when the output is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour (also in pipes).
    Always,
    /// Never colour.
    Never,
}

impl ColorArg {
    /// Whether to colour what goes to `stream`.
    pub(crate) fn enabled_for<S: anstream::stream::RawStream>(self, stream: &S) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
        }
    }
}

/// The styles in use: all plain when colour is off.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Palette {
    on: bool,
}

pub(crate) const ERROR: Style = AnsiColor::Red.on_default().bold();
pub(crate) const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub(crate) const HINT: Style = AnsiColor::Cyan.on_default();
pub(crate) const HEADER: Style = Style::new().bold().underline();
pub(crate) const BLOCKED: Style = AnsiColor::Red.on_default();

impl Palette {
    pub(crate) fn new(on: bool) -> Self {
        Self { on }
    }

    /// `text` in `style` (as it is when colour is off).
    pub(crate) fn paint(self, style: Style, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }

    /// A status (already sanitized and padded) in its colour: ready green, in progress
    /// yellow, done blue, closed (split, duplicate) dimmed, others plain.
    pub(crate) fn status(self, config: &Config, status: &str, padded: &str) -> String {
        let status = status.trim();
        let style = if config.is_done_status(status) {
            AnsiColor::Blue.on_default()
        } else if config.is_closed_status(status) {
            Style::new().dimmed()
        } else if config.is_ready_status(status) {
            AnsiColor::Green.on_default()
        } else if config.statuses.first().is_some_and(|s| s == status) {
            Style::new()
        } else if config.statuses.iter().any(|s| s == status) {
            AnsiColor::Yellow.on_default()
        } else {
            Style::new()
        };
        self.paint(style, padded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_palette_off_is_plain_and_on_wraps_in_escapes() {
        let c = Config::default();
        assert_eq!(
            Palette::new(false).status(&c, "ready", "ready  "),
            "ready  "
        );
        let on = Palette::new(true).status(&c, "ready", "ready  ");
        assert!(
            on.starts_with('\u{1b}') && on.ends_with("\u{1b}[0m"),
            "{on:?}"
        );
        assert!(on.contains("ready  "));
        assert_eq!(Palette::new(true).status(&c, "draft", "draft"), "draft");
        assert_eq!(Palette::new(true).paint(ERROR, ""), "");
    }

    #[test]
    fn test_never_and_always_ignore_the_stream() {
        assert!(!ColorArg::Never.enabled_for(&std::io::stdout()));
        assert!(ColorArg::Always.enabled_for(&std::io::stdout()));
    }
}
