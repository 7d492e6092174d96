//! GitHub Actions workflow commands: each finding becomes an annotation on the diff.

use std::io::{self, Write};

use super::{Options, Sources};
use crate::diagnostic::{Diagnostic, Level};

pub(super) fn render(
    diagnostics: &[Diagnostic],
    sources: &dyn Sources,
    opts: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    for d in diagnostics {
        let command = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let mut props = format!("file={}", escape_property(&opts.display_path(&d.path)));
        if let Some(s) = d.span {
            let (end_line, end_col) = sources.end(d).unwrap_or((s.line, s.col));
            props.push_str(&format!(
                ",line={},col={},endLine={end_line},endColumn={end_col}",
                s.line, s.col
            ));
        }
        props.push_str(&format!(
            ",title={}",
            escape_property(&format!("vaultc {}", d.rule))
        ));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(out, "::{command} {props}::{}", escape_data(&message))?;
    }
    Ok(())
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
