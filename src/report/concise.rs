//! `path:line:col: level[rule] message`, one finding per line (editors and grep read it).

use std::io::{self, Write};

use super::Options;
use crate::diagnostic::Diagnostic;

pub(super) fn render(
    diagnostics: &[Diagnostic],
    opts: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    for d in diagnostics {
        let path = opts.display_path(&d.path);
        let at = d
            .span
            .map_or(String::new(), |s| format!(":{}:{}", s.line, s.col));
        writeln!(
            out,
            "{path}{at}: {}[{}] {}",
            d.level.as_str(),
            d.rule,
            d.message
        )?;
    }
    Ok(())
}
