//! rustc-like output through miette: the source line with the span underlined, and help.

use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, Severity,
    SourceCode, SourceSpan, SpanContents,
};

use super::Options;
use crate::diagnostic::{Diagnostic, Level};
use crate::model::Vault;

/// A borrowed view of one finding, in miette's terms.
#[derive(Debug)]
struct View<'a> {
    d: &'a Diagnostic,
    source: Option<Source<'a>>,
}

/// A note's text for miette, reporting columns in characters as every other format does
/// (miette's own count is in bytes).
#[derive(Debug)]
struct Source<'a> {
    name: String,
    text: &'a str,
}

impl SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let at = inner.span().offset().min(self.text.len());
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let column = self
            .text
            .get(line_start..at)
            .map_or(0, |s| s.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

impl std::fmt::Display for View<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.d.rule))
    }

    fn severity(&self) -> Option<Severity> {
        Some(match self.d.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.d.span?;
        self.source.as_ref()?;
        let label = LabeledSpan::new_with_span(
            Some(label(self.d.rule).to_owned()),
            (span.start as usize, (span.end - span.start) as usize),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// The short text under the underlined span.
fn label(rule: &str) -> &'static str {
    match rule {
        "broken-link" => "no such note",
        "broken-heading" => "no such heading",
        "broken-block-ref" => "no such block",
        "ambiguous-link" => "several notes have this name",
        "case-mismatch" => "case differs from the file name",
        "empty-link" => "empty link",
        "stale-note" => "stale",
        "future-date" => "in the future",
        "invalid-date" => "not a date",
        "updated-behind-content" => "newer than the stamp",
        "table-column-count" => "this row",
        "table-unescaped-pipe" => "escape this pipe",
        "invalid-frontmatter" => "YAML stops here",
        "invalid-tag" => "not a tag",
        "duplicate-alias" => "claimed twice",
        "alias-link" => "an alias, not a note name",
        _ => "here",
    }
}

/// Lines longer than this are not excerpted: a one-line 10 MB note would flood the terminal,
/// and miette cannot draw columns past 65535.
const MAX_EXCERPT_LINE: usize = 4096;

fn too_long_to_show(note: &crate::model::Note, d: &Diagnostic) -> bool {
    d.span.is_some_and(|s| {
        let line = note.lines.line_text(&note.text, s.line as usize);
        line.len() > MAX_EXCERPT_LINE
    })
}

/// The diagnostic without a source excerpt, in the same words.
fn plain(d: &Diagnostic, opts: &Options) -> String {
    let at = d
        .span
        .map_or_else(String::new, |s| format!(":{}:{}", s.line, s.col));
    let mut text = format!(
        "{}{at}: {}[{}] {}\n",
        opts.display_path(&d.path),
        d.level.as_str(),
        d.rule,
        d.message
    );
    if let Some(help) = &d.help {
        text.push_str(&format!("  help: {help}\n"));
    }
    text
}

pub(super) fn render(
    diagnostics: &[Diagnostic],
    vault: &Vault,
    opts: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100);
    for d in diagnostics {
        if d.note
            .is_some_and(|id| too_long_to_show(&vault.notes[id], d))
        {
            out.write_all(plain(d, opts).as_bytes())?;
            continue;
        }
        let source = d.note.map(|id| {
            let note = &vault.notes[id];
            Source {
                name: opts.display_path(&note.path),
                text: &note.text,
            }
        });
        let view = View { d, source };
        let mut text = String::new();
        if handler.render_report(&mut text, &view).is_err() {
            text = plain(d, opts);
        }
        if d.note.is_none() {
            // No source excerpt: say which file the finding is about.
            text = text.replacen(
                &d.message,
                &format!("{}: {}", opts.display_path(&d.path), d.message),
                1,
            );
        }
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}
