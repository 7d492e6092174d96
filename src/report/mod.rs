//! Diagnostics → text, in the format the user asked for. The only place that decides what
//! a finding looks like; every format reads the same [`Diagnostic`]s.

mod concise;
mod github;
mod json;
mod pretty;
mod sarif;

use std::io::{self, Write};

use rayon::prelude::*;

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
    if format == Format::Sarif {
        return sarif::render(diagnostics, vault, opts, out);
    }
    // One part per note, made on all cores and written in order: the same bytes an
    // incremental run assembles from parts it kept (see `assemble`).
    let groups: Vec<&[Diagnostic]> = diagnostics
        .chunk_by(|a, b| a.note.is_some() && a.note == b.note)
        .collect();
    let parts = groups
        .par_iter()
        .map(|group| render_part(format, group, vault, opts))
        .collect::<io::Result<Vec<_>>>()?;
    assemble(format, parts.iter().map(Vec::as_slice), out)
}

/// Does a report in `format` consist of one part per note, one after the other, so that a
/// note's part can be kept and reused when other notes change (see crate::incremental)?
/// SARIF does not: its findings sit inside one document with the rules' metadata.
pub fn renders_in_parts(format: Format) -> bool {
    format != Format::Sarif
}

/// One note's findings (or any run of findings) in `format`: a part of a report that
/// [`assemble`] joins. Only for formats that [`renders_in_parts`].
pub fn render_part(
    format: Format,
    diagnostics: &[Diagnostic],
    vault: &Vault,
    opts: &Options,
) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        Format::Pretty => pretty::render(diagnostics, vault, opts, &mut out)?,
        Format::Concise => concise::render(diagnostics, opts, &mut out)?,
        Format::Json => json::render_items(diagnostics, vault, opts, &mut out)?,
        Format::Github => github::render(diagnostics, vault, opts, &mut out)?,
        Format::Sarif => unreachable!("SARIF is one document, not parts"),
    }
    Ok(out)
}

/// Writes the report made of `parts` (from [`render_part`], in report order).
pub fn assemble<'p>(
    format: Format,
    parts: impl IntoIterator<Item = &'p [u8]>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut joined = Parts::new(format);
    for part in parts {
        joined.write(part, out)?;
    }
    joined.finish(out)
}

/// Joins parts: one after the other, or, for JSON, as the items of one array.
struct Parts {
    format: Format,
    empty: bool,
}

impl Parts {
    fn new(format: Format) -> Self {
        Self {
            format,
            empty: true,
        }
    }

    fn write(&mut self, part: &[u8], out: &mut dyn Write) -> io::Result<()> {
        if part.is_empty() {
            return Ok(());
        }
        if self.format == Format::Json {
            out.write_all(if self.empty { b"[\n" } else { b",\n" })?;
        }
        self.empty = false;
        out.write_all(part)
    }

    fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        match (self.format, self.empty) {
            (Format::Json, true) => out.write_all(b"[]\n"),
            (Format::Json, false) => out.write_all(b"\n]\n"),
            _ => Ok(()),
        }
    }
}

/// How many findings of each level a report holds, and how many `--fix` can fix: what the
/// summary line and the exit status read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
    pub fixable: u32,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut t = Tally::default();
        for d in diagnostics {
            t.add(d);
        }
        t
    }

    fn add(&mut self, d: &Diagnostic) {
        match d.level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
            Level::Info => self.infos += 1,
        }
        self.fixable += u32::from(d.fix.is_some());
    }

    pub fn plus(self, o: Tally) -> Tally {
        Tally {
            errors: self.errors + o.errors,
            warnings: self.warnings + o.warnings,
            infos: self.infos + o.infos,
            fixable: self.fixable + o.fixable,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors + self.warnings + self.infos == 0
    }
}

/// `Found 3 errors, 1 warning and 2 infos (2 fixable with --fix).`
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    summary_of(Tally::of(diagnostics))
}

/// [`summary`] from counts alone.
pub fn summary_of(t: Tally) -> String {
    let plural = |n: u32, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if t.is_empty() {
        return "All checks passed.".to_owned();
    }
    let parts = [
        plural(t.errors, "error"),
        plural(t.warnings, "warning"),
        plural(t.infos, "info"),
    ];
    let fix = if t.fixable > 0 {
        format!(" ({} fixable with `--fix`)", t.fixable)
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
