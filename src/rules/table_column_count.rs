//! table-column-count: a table row with more or fewer cells than its header.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a table row whose cell count differs from its header's. Escaped pipes (`\|`)
    /// do not separate cells. A row whose only problem is a wikilink's unescaped `|` is
    /// reported by `table-unescaped-pipe` instead.
    ///
    /// ## Why is this bad?
    /// GFM pads short rows with empty cells and silently drops extra cells, so values end
    /// up under the wrong column or vanish from the rendered note and from exported table
    /// data. (vaultc still reads the links and tags of the dropped cells: they count as
    /// references and broken-link checks them.)
    ///
    /// ## Example
    /// ```markdown
    /// | Stock | Target |
    /// |-------|--------|
    /// | NVIDIA | +39% | Highest upside |
    /// ```
    ///
    /// Use instead: add a `Notes` column to the header, or remove the extra cell.
    pub struct TableColumnCount { name: "table-column-count", level: Warn, fixable: false }
}

impl Rule for TableColumnCount {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        for table in &cx.note(id).tables {
            let header = table.column_count;
            for row in table.rows.iter().filter(|r| r.raw_cell_count != header) {
                let (n, what) = if row.raw_cell_count > header {
                    (row.raw_cell_count - header, "extra cells are dropped")
                } else {
                    (header - row.raw_cell_count, "missing cells are left empty")
                };
                out.push(
                    cx.diagnostic(
                        &Self::META,
                        id,
                        row.span,
                        format!(
                            "table row has {} {}, its header has {header}",
                            row.raw_cell_count,
                            if row.raw_cell_count == 1 {
                                "cell"
                            } else {
                                "cells"
                            }
                        ),
                    )
                    .with_help(format!(
                        "{what} ({n} {}); make the row match the header",
                        if n == 1 { "cell" } else { "cells" }
                    )),
                );
            }
        }
    }
}
