//! empty-link: link syntax with nothing to link to.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags `[[]]`, `[[|alias]]` and `[[#]]`: link brackets with no target. (`[[Note#]]` is
    /// fine: it is a plain link to `Note`.)
    ///
    /// ## Why is this bad?
    /// Obsidian shows the brackets as text; the writer meant to link something and forgot
    /// what.
    ///
    /// ## Example
    /// ```markdown
    /// Flows went into [[|small caps]] this week.
    /// ```
    ///
    /// Use instead: `[[Russell 2000|small caps]]`.
    pub struct EmptyLink { name: "empty-link", level: Error, fixable: false }
}

impl Rule for EmptyLink {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        for span in &note.empty_links {
            let written = &note.text[span.range()];
            out.push(
                cx.diagnostic(
                    &Self::META,
                    id,
                    *span,
                    format!("`{written}` links to nothing"),
                )
                .with_help("name the note to link to, or remove the brackets"),
            );
        }
    }
}
