//! future-date: an `updated` date after today.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags an `updated` stamp (footer or frontmatter) that lies after today.
    ///
    /// ## Why is this bad?
    /// It is a typo (`2062` for `2026`) and it hides staleness: the note will look fresh for
    /// years.
    ///
    /// ## Example
    /// ```markdown
    /// *Updated 2062-01-14*
    /// ```
    ///
    /// Use instead: `*Updated 2026-01-14*`.
    pub struct FutureDate { name: "future-date", level: Error, fixable: false }
}

impl Rule for FutureDate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        for u in &cx.note(id).updated {
            if let Some(date) = u.date.filter(|d| *d > cx.today) {
                out.push(cx.diagnostic(
                    &Self::META,
                    id,
                    u.span,
                    format!("updated date {date} is after today ({})", cx.today),
                ));
            }
        }
    }
}
