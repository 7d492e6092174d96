//! invalid-date: an `updated` stamp that is not a real calendar date.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags an `updated` stamp that is not a real calendar date: `2026-02-30`,
    /// `2026-13-01`, or a frontmatter `updated: soon`.
    ///
    /// ## Why is this bad?
    /// Nothing can tell how fresh the note is, so `stale-note` cannot check it.
    ///
    /// ## Example
    /// ```markdown
    /// *Updated 2026-02-30*
    /// ```
    ///
    /// Use instead: `*Updated 2026-02-28*`.
    pub struct InvalidDate { name: "invalid-date", level: Error, fixable: false }
}

impl Rule for InvalidDate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        for u in cx.note(id).updated.iter().filter(|u| u.date.is_none()) {
            out.push(
                cx.diagnostic(
                    &Self::META,
                    id,
                    u.span,
                    format!("`{}` is not a real calendar date", u.raw),
                )
                .with_help("write the date as YYYY-MM-DD"),
            );
        }
    }
}
