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
use crate::model::{Note, NoteId, Vault};

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

/// What a report reads of the notes besides the findings themselves: where a finding's
/// span ends, and the note's text around it (`pretty`'s excerpts). The whole [`Vault`] has
/// both; an incremental check has the ends it kept and the few notes it loaded.
pub trait Sources: Sync {
    /// The 1-based (line, column in characters) of byte `offset` in note `id`: a span's end,
    /// a fix's edit.
    fn position(&self, id: NoteId, offset: u32) -> Option<(u32, u32)>;
    /// The note `id` with its text, when at hand.
    fn note(&self, id: NoteId) -> Option<&Note>;

    /// The 1-based (line, column) where `d`'s span ends.
    fn end(&self, d: &Diagnostic) -> Option<(u32, u32)> {
        self.position(d.note?, d.span?.end)
    }
}

impl Sources for Vault {
    fn position(&self, id: NoteId, offset: u32) -> Option<(u32, u32)> {
        let note = self.notes.get(id)?;
        Some(note.lines.line_col(&note.text, offset as usize))
    }

    fn note(&self, id: NoteId) -> Option<&Note> {
        self.notes.get(id)
    }
}

/// Writes `diagnostics` in `format`.
pub fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    sources: &dyn Sources,
    opts: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    if format == Format::Sarif {
        return sarif::render(diagnostics, sources, opts, out);
    }
    // One part per note, made on all cores and written in order: the same bytes an
    // incremental run assembles from parts it kept (see `assemble`).
    let parts = groups(diagnostics)
        .par_iter()
        .map(|group| render_part(format, group, sources, opts))
        .collect::<io::Result<Vec<_>>>()?;
    assemble(format, parts.iter().map(Vec::as_slice), out)
}

/// The findings in report order, cut into the runs that make one part each: a note's
/// findings together, every finding outside a note alone.
pub fn groups(diagnostics: &[Diagnostic]) -> Vec<&[Diagnostic]> {
    diagnostics
        .chunk_by(|a, b| a.note.is_some() && a.note == b.note)
        .collect()
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
    sources: &dyn Sources,
    opts: &Options,
) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        Format::Pretty => pretty::render(diagnostics, sources, opts, &mut out)?,
        Format::Concise => concise::render(diagnostics, opts, &mut out)?,
        Format::Json => json::render_items(diagnostics, sources, opts, &mut out)?,
        Format::Github => github::render(diagnostics, sources, opts, &mut out)?,
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
pub struct Parts {
    format: Format,
    empty: bool,
}

impl Parts {
    pub fn new(format: Format) -> Self {
        Self {
            format,
            empty: true,
        }
    }

    /// Writes `part` (nothing for an empty one), its bytes last.
    pub fn write(&mut self, part: &[u8], out: &mut dyn Write) -> io::Result<()> {
        if part.is_empty() {
            return Ok(());
        }
        if self.format == Format::Json {
            out.write_all(if self.empty { b"[\n" } else { b",\n" })?;
        }
        self.empty = false;
        out.write_all(part)
    }

    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
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
            t.add(d.level, d.fix.is_some());
        }
        t
    }

    /// One finding's share of the count.
    pub fn add(&mut self, level: Level, fixable: bool) {
        match level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
            Level::Info => self.infos += 1,
        }
        self.fixable += u32::from(fixable);
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
