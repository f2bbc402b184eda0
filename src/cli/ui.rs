//! All terminal output goes through [`Ui`]: data on stdout, status and warnings on stderr,
//! and `--quiet` silences status lines. JSON output is one document on stdout.

use std::io::{self, BufWriter, Stdout, Write};

use super::render::style::{self, ColorArg, Palette};

/// Output format chosen with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Human-readable text.
    Text,
    /// JSON: a stable interface for scripts.
    Json,
    /// GitHub Actions workflow annotations (`check`).
    Github,
    /// Markdown, for pull-request comments.
    Markdown,
    /// Mermaid diagram (`graph`).
    Mermaid,
    /// Graphviz DOT (`graph`).
    Dot,
    /// CSV (`export`).
    Csv,
}

/// The formats each command writes (the rest take `text` and `json`): its `--format`
/// help lists these only, and any other is a usage error before the command runs.
const FORMATS: &[(&str, &[Format])] = &[
    ("check", &[Format::Text, Format::Json, Format::Github]),
    ("board", &[Format::Text, Format::Markdown, Format::Json]),
    ("agenda", &[Format::Text, Format::Markdown, Format::Json]),
    (
        "graph",
        &[
            Format::Text,
            Format::Mermaid,
            Format::Markdown,
            Format::Dot,
            Format::Json,
        ],
    ),
    ("diff", &[Format::Text, Format::Json, Format::Markdown]),
    ("forecast", &[Format::Text, Format::Json, Format::Markdown]),
    // `text`, the default, is JSON too.
    ("export", &[Format::Text, Format::Json, Format::Csv]),
    ("completions", &[Format::Text]),
    ("man", &[Format::Text]),
    ("mcp", &[Format::Text]),
];

impl Format {
    /// The formats `command` writes.
    pub(crate) fn supported_by(command: &str) -> &'static [Format] {
        FORMATS
            .iter()
            .find(|(name, _)| *name == command)
            .map_or(&[Format::Text, Format::Json], |(_, formats)| formats)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
            Self::Github => "github",
            Self::Markdown => "markdown",
            Self::Mermaid => "mermaid",
            Self::Dot => "dot",
            Self::Csv => "csv",
        }
    }
}

/// The width to fit text output to: `$COLUMNS` when it is set to a number (an explicit
/// choice, honoured in pipes too), else the width of the terminal that stdout is on;
/// `None` when stdout is a pipe or a file.
pub(crate) fn known_width() -> Option<usize> {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|&w| w > 0)
    {
        return Some(w);
    }
    terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| usize::from(w.0))
}

pub(crate) struct Ui {
    out: BufWriter<Stdout>,
    pub(crate) format: Format,
    quiet: bool,
    /// Styles for stdout (plain unless colour is on for it and the format is text).
    pub(crate) palette: Palette,
    /// Styles for stderr.
    err_palette: Palette,
}

impl Ui {
    pub(crate) fn new(format: Format, quiet: bool, color: ColorArg) -> Self {
        let text = format == Format::Text;
        Self {
            out: BufWriter::with_capacity(64 * 1024, io::stdout()),
            format,
            quiet,
            palette: Palette::new(text && color.enabled_for(&io::stdout())),
            err_palette: Palette::new(color.enabled_for(&io::stderr())),
        }
    }

    pub(crate) fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// `error: MESSAGE` and `hint: …` lines on stderr, labels coloured on a terminal.
    pub(crate) fn error(&mut self, message: &str, hints: &[String]) {
        let _ = self.out.flush();
        let mut err = io::stderr().lock();
        let _ = writeln!(
            err,
            "{} {message}",
            self.err_palette.paint(style::ERROR, "error:")
        );
        for hint in hints {
            let _ = writeln!(
                err,
                "{} {hint}",
                self.err_palette.paint(style::HINT, "hint:")
            );
        }
    }

    pub(crate) fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Writes data to stdout as it is.
    pub(crate) fn data(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())
    }

    /// Writes bytes to stdout as they are (file contents that need not be UTF-8).
    pub(crate) fn bytes(&mut self, data: &[u8]) -> io::Result<()> {
        self.out.write_all(data)
    }

    /// Writes one line of data to stdout.
    pub(crate) fn line(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")
    }

    /// Writes a JSON document to stdout.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        backlog::view::json_text::to_writer_pretty(&mut self.out, value)?;
        self.out.write_all(b"\n")
    }

    /// A status line on stderr (silenced by `--quiet`).
    pub(crate) fn status(&mut self, text: &str) {
        if !self.quiet {
            let _ = self.out.flush();
            let _ = writeln!(io::stderr(), "{text}");
        }
    }

    /// A warning on stderr (always shown).
    pub(crate) fn warn(&mut self, text: &str) {
        let _ = self.out.flush();
        let label = self.err_palette.paint(style::WARNING, "warning:");
        let _ = writeln!(io::stderr(), "{label} {text}");
    }

    /// One warning per item file that did not load (`path:line: message`).
    pub(crate) fn warn_load_errors(&mut self, errors: &[backlog::store::LoadError]) {
        for e in errors {
            self.warn(&backlog::text::sanitize(&e.to_string()));
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// A progress bar on stderr with `len` steps (a spinner when `None`), drawn only when
    /// stderr is a terminal and neither `--quiet` nor JSON output is on: hidden otherwise,
    /// so pipes, logs and scripts never see it.
    pub(crate) fn progress(&self, len: Option<u64>, message: &str) -> indicatif::ProgressBar {
        use std::io::IsTerminal;
        if self.quiet || self.is_json() || !io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = match len {
            Some(n) => indicatif::ProgressBar::new(n).with_style(
                indicatif::ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
            ),
            None => indicatif::ProgressBar::new_spinner().with_style(
                indicatif::ProgressStyle::with_template("{msg:>10} {spinner} {pos}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            ),
        };
        bar.set_message(message.to_owned());
        bar
    }
}
