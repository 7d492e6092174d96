//! rustc-like output through miette: the source line with the span underlined, and help;
//! each finding followed by a blank line.

use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, Severity,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Options, Sources};
use crate::diagnostic::{Diagnostic, Level};

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
        let inner = read_around(self.text, span, before, after)?;
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

/// What miette's own `read_span` gives for `text`, without its walk from the text's first
/// byte, one byte at a time, to the span (in a long note with many findings, that walk was
/// most of the report's time): miette reads the text from a line start just above the
/// context instead, and its answer is moved back to where that part sits in the text.
fn read_around<'t>(
    text: &'t str,
    span: &SourceSpan,
    before: usize,
    after: usize,
) -> Result<MietteSpanContents<'t>, MietteError> {
    let window = context_start(text.as_bytes(), span.offset(), before);
    let lines_above = line_breaks(&text.as_bytes()[..window]);
    let local = SourceSpan::new((span.offset() - window).into(), span.len());
    let inner = text[window..].read_span(&local, before, after)?;
    Ok(MietteSpanContents::new(
        inner.data(),
        SourceSpan::new((inner.span().offset() + window).into(), inner.span().len()),
        inner.line() + lines_above,
        inner.column(),
        inner.line_count() + lines_above,
    ))
}

/// A line start (in miette's sense: after `\n`, `\r\n` or a lone `\r`) at least `before` + 1
/// lines above the line holding `offset`, or 0; never past `offset`.
fn context_start(text: &[u8], offset: usize, before: usize) -> usize {
    let offset = offset.min(text.len());
    let mut breaks = 0;
    let mut i = offset;
    while let Some(at) = memchr::memrchr2(b'\n', b'\r', &text[..i]) {
        // `\r\n` is one break: skip the `\r` of the pair.
        let pair = text[at] == b'\n' && at > 0 && text[at - 1] == b'\r';
        i = if pair { at - 1 } else { at };
        breaks += 1;
        if breaks > before + 1 {
            return at + 1;
        }
    }
    0
}

/// How many line breaks miette counts in `text` (`\r\n` once).
fn line_breaks(text: &[u8]) -> usize {
    let mut n = 0;
    let mut prev_cr = false;
    for at in memchr::memchr2_iter(b'\n', b'\r', text) {
        let joins = text[at] == b'\n' && prev_cr && at > 0 && text[at - 1] == b'\r';
        if !joins {
            n += 1;
        }
        prev_cr = text[at] == b'\r';
    }
    n
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
    sources: &dyn Sources,
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
        let note = d.note.and_then(|id| sources.note(id));
        if note.is_some_and(|note| too_long_to_show(note, d)) {
            out.write_all(plain(d, opts).as_bytes())?;
            out.write_all(b"\n")?;
            continue;
        }
        let source = note.map(|note| Source {
            name: opts.display_path(&note.path),
            text: &note.text,
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
        // A blank line after each finding, as rustc and ruff leave: findings stand apart,
        // and the summary line stands apart from the last.
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One reading of a span, in full.
    fn shown(c: &dyn SpanContents<'_>) -> String {
        format!(
            "{:?} {:?} {} {} {}",
            c.data(),
            c.span(),
            c.line(),
            c.column(),
            c.line_count()
        )
    }

    /// What miette itself answers, reading the whole text from its start.
    fn whole(text: &str, span: &SourceSpan, before: usize, after: usize) -> Option<String> {
        Some(shown(&*text.read_span(span, before, after).ok()?))
    }

    /// What [`read_around`] answers, from its window.
    fn windowed(text: &str, span: &SourceSpan, before: usize, after: usize) -> Option<String> {
        Some(shown(&read_around(text, span, before, after).ok()?))
    }

    #[test]
    fn the_window_gives_what_the_whole_text_gives() {
        // Every line ending miette knows (`\n`, `\r\n`, a lone `\r`), blank lines, text at
        // both ends, and every span of up to three bytes with 0 to 2 lines of context.
        let texts = [
            "a\nbb\nccc\ndddd\ne",
            "a\r\nbb\r\n\r\nccc\r\nd",
            "a\rbb\r\rc\nd\r\ne\n",
            "\n\n\nx\n\n",
            "only one line",
            "é\nçà\r\n\rü",
        ];
        let mut compared = 0;
        for text in texts {
            for start in 0..=text.len() {
                for len in 0..=3 {
                    if start + len > text.len() {
                        continue;
                    }
                    for (before, after) in [(0, 0), (1, 1), (2, 2), (0, 2), (2, 0)] {
                        let span = SourceSpan::new(start.into(), len);
                        assert_eq!(
                            windowed(text, &span, before, after),
                            whole(text, &span, before, after),
                            "{text:?} at {start}+{len}, context {before}/{after}"
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 500);
    }
}
