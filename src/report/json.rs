//! A JSON array of findings. Field names are stable; new fields may be added.
//!
//! Each object: `rule`, `level` (`error`|`warning`|`info`), `path` (as shown to the user),
//! `message`, `help` (or null), `location` (or null: `line`, `column` 1-based with columns in
//! characters; `end_line`, `end_column`; `start`, `end` byte offsets into the note text after
//! any BOM), `fix` (or null: `message`, `edits` of `{start, end, content}`).

use std::io::{self, Write};

use serde::Serialize;

use super::{Options, Sources};
use crate::diagnostic::{Diagnostic, Fix};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    level: &'a str,
    path: String,
    message: &'a str,
    help: Option<&'a str>,
    location: Option<Location>,
    fix: Option<&'a Fix>,
}

#[derive(Serialize)]
struct Location {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    start: u32,
    end: u32,
}

/// The findings as items of the report's array, joined by `,` + newline, without the
/// brackets (see `super::Parts`): each is serde_json's pretty form, indented one level, so
/// the whole array reads exactly as if serde_json had written it at once.
pub(super) fn render_items(
    diagnostics: &[Diagnostic],
    sources: &dyn Sources,
    opts: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    for (i, d) in diagnostics.iter().enumerate() {
        let item = JsonDiagnostic {
            rule: d.rule,
            level: d.level.as_str(),
            path: opts.display_path(&d.path),
            message: &d.message,
            help: d.help.as_deref(),
            location: d.span.map(|s| {
                let (end_line, end_column) = sources.end(d).unwrap_or((s.line, s.col));
                Location {
                    line: s.line,
                    column: s.col,
                    end_line,
                    end_column,
                    start: s.start,
                    end: s.end,
                }
            }),
            fix: d.fix.as_deref(),
        };
        if i > 0 {
            out.write_all(b",\n")?;
        }
        // JSON strings never hold a raw newline, so every line break is structure.
        let text = serde_json::to_string_pretty(&item)?;
        for (n, line) in text.split('\n').enumerate() {
            if n > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(b"  ")?;
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}
