//! future-date: an `updated` date after today.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags an `updated` stamp (footer or frontmatter) that lies after today. A month stamp
    /// (`Updated Jan 2026`) is in the future only when the whole month is.
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
            if let Some(date) = u.earliest().filter(|d| *d > cx.today) {
                let what = if u.whole_month {
                    format!("month `{}`", u.raw)
                } else {
                    format!("date {date}")
                };
                out.push(cx.diagnostic(
                    &Self::META,
                    id,
                    u.span,
                    format!("updated {what} is after today ({})", cx.today),
                ));
            }
        }
    }
}
