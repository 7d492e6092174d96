//! updated-behind-content: a dated section newer than the note's `updated` date.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a heading that names a date later than the note's `updated` date, such as
    /// `### March 3, 2026 update` or `## Current rotation (March 2026)` in a note stamped
    /// `*Updated 2026-01-14*`. A month counts as its first day, so `(January 2026)` with
    /// `Updated 2026-01-14` is fine; bare years and ranges (`2021-2025`) are ignored. The
    /// note's date is its latest stamp, read as `stale-note` reads it (a month stamp,
    /// `Updated Jan 2026`, is the month's last day).
    ///
    /// ## Why is this bad?
    /// The writer added a section and forgot the stamp: readers and `stale-note` both
    /// believe the note is older than it is.
    ///
    /// ## Example
    /// ```markdown
    /// ### March 3, 2026 update
    /// ...
    /// *Updated 2026-01-14*
    /// ```
    ///
    /// Use instead: `*Updated 2026-03-03*`.
    pub struct UpdatedBehindContent { name: "updated-behind-content", level: Warn, fixable: false }
}

impl Rule for UpdatedBehindContent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        let Some(updated) = note.updated_date().and_then(|u| u.date) else {
            return;
        };
        for s in note
            .dated_sections
            .iter()
            .filter(|s| s.date > updated && s.date <= cx.today)
        {
            out.push(
                cx.diagnostic(
                    &Self::META,
                    id,
                    s.span,
                    format!(
                        "section dated {} is newer than the note's updated date {updated}",
                        s.date
                    ),
                )
                .with_help(format!(
                    "update the note's `Updated` stamp to {} or later",
                    s.date
                )),
            );
        }
    }
}
