//! table-unescaped-pipe: a wikilink's `|` that splits a table cell.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a wikilink or embed inside a table row whose alias or size `|` is not escaped:
    /// `| [[Microsoft|MSFT]] | +33% |` or `| ![[chart.png|200]] |`, anywhere in the row, in
    /// cells past the header's width too.
    ///
    /// ## Why is this bad?
    /// Tables split cells on `|` before links are read, so the link breaks into two cells
    /// (`[[Microsoft` and `MSFT]]`), the row gains a column, and the reader sees raw
    /// brackets instead of a link. Obsidian's help says to write `\|` in tables.
    ///
    /// ## Example
    /// ```markdown
    /// | Stock | Target |
    /// |---|---|
    /// | [[Microsoft|MSFT]] | +33% |
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// | [[Microsoft\|MSFT]] | +33% |
    /// ```
    ///
    /// ## Fix
    /// Safe (`--fix`): inserts `\` before the `|`; no other byte changes.
    pub struct TableUnescapedPipe { name: "table-unescaped-pipe", level: Error, fixable: true }
}

impl Rule for TableUnescapedPipe {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        for link in &note.links {
            let Some(pipe) = link.unescaped_pipe else {
                continue;
            };
            let written = &note.text[link.span.range()];
            let span = note.span(pipe as usize, pipe as usize + 1);
            let mut d = cx
                .diagnostic(
                    &Self::META,
                    id,
                    span,
                    format!("`|` in `{written}` splits this table cell"),
                )
                .with_help("escape it as `\\|`");
            if !note.lossy {
                d = d.with_fix(Fix {
                    message: "escape the pipe as `\\|`".into(),
                    edits: vec![Edit {
                        start: pipe,
                        end: pipe,
                        content: "\\".into(),
                    }],
                });
            }
            out.push(d);
        }
    }
}
