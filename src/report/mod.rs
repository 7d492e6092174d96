//! Diagnostics → text, in the format the user asked for. The only place that decides what
//! a finding looks like; every format reads the same [`Diagnostic`]s.

mod concise;
mod github;
mod json;
mod pretty;
mod sarif;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Level};
use crate::model::Vault;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-like, with the source line and the span underlined
    Pretty,
    /// one line per finding: `path:line:col: level[rule] message`
    Concise,
    /// a JSON array with stable field names
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
    /// SARIF 2.1.0, for code-scanning tools
    Sarif,
}

/// How to show paths and colours.
#[derive(Debug, Clone)]
pub struct Options {
    /// Prefix for vault-relative paths (the vault folder as the user sees it), `/`-separated,
    /// ending in `/` unless empty.
    pub path_prefix: String,
    pub color: bool,
}

impl Options {
    pub fn display_path(&self, path: &str) -> String {
        format!("{}{path}", self.path_prefix)
    }
}

/// Writes `diagnostics` in `format`.
pub fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    vault: &Vault,
    opts: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Pretty => pretty::render(diagnostics, vault, opts, out),
        Format::Concise => concise::render(diagnostics, opts, out),
        Format::Json => json::render(diagnostics, vault, opts, out),
        Format::Github => github::render(diagnostics, vault, opts, out),
        Format::Sarif => sarif::render(diagnostics, vault, opts, out),
    }
}

/// `Found 3 errors, 1 warning and 2 infos (2 fixable with --fix).`
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let count = |l: Level| diagnostics.iter().filter(|d| d.level == l).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if diagnostics.is_empty() {
        return "All checks passed.".to_owned();
    }
    let parts = [
        plural(count(Level::Error), "error"),
        plural(count(Level::Warning), "warning"),
        plural(count(Level::Info), "info"),
    ];
    let fixable = diagnostics.iter().filter(|d| d.fix.is_some()).count();
    let fix = if fixable > 0 {
        format!(" ({fixable} fixable with `--fix`)")
    } else {
        String::new()
    };
    format!("Found {}, {} and {}{fix}.", parts[0], parts[1], parts[2])
}

/// The 1-based (line, column) where a diagnostic's span ends.
fn end_position(d: &Diagnostic, vault: &Vault) -> Option<(u32, u32)> {
    let (span, note) = (d.span?, &vault.notes[d.note?]);
    Some(note.lines.line_col(&note.text, span.end as usize))
}
