//! stale-note: a note whose `updated` date is older than `stale-after`.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a note whose `updated` date is more than `[lint] stale-after` (default `180d`)
    /// before today (`--today` pins it). The date comes from a stamp line such as
    /// `*Updated 2026-01-14*`, `**Updated:** 2026-01-14`, `_Last updated January 14, 2026_`,
    /// `*Created 2025-11-02 · Updated 2026-01-14*` or `*Updated 14 Jan 2026 — revised*`, or
    /// from the frontmatter keys `updated`, `modified` or `last_updated`; with several, the
    /// latest counts, and a `Created` date never does. A month alone (`Updated Jan 2026`)
    /// counts as the month's last day. Notes with no date are not checked.
    ///
    /// ## Why is this bad?
    /// Market notes age: figures, targets and "current" sections go stale silently. The
    /// stamp is the writer's promise of freshness; this rule keeps it honest.
    ///
    /// ## Example
    /// ```markdown
    /// ## Current rotation (January 2026)
    /// ...
    /// *Updated 2026-01-14*        <!-- checked on 2026-11-24 -->
    /// ```
    ///
    /// Use instead: review the note and update its stamp, or raise `stale-after`.
    pub struct StaleNote { name: "stale-note", level: Warn, fixable: false }
}

impl Rule for StaleNote {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        let Some((updated, date)) = note.updated_date().and_then(|u| Some((u, u.date?))) else {
            return;
        };
        let Ok(span) = date.until(cx.today) else {
            return;
        };
        let age = i64::from(span.get_days());
        if age > cx.settings.stale_after_days {
            out.push(
                cx.diagnostic(
                    &Self::META,
                    id,
                    updated.span,
                    format!(
                        "note last updated {}, {age} days ago (limit: {} days)",
                        shown(updated, date),
                        cx.settings.stale_after_days
                    ),
                )
                .with_help("review the note and update its `Updated` stamp"),
            );
        }
    }
}

/// The date as the message gives it: a month stamp says which day it was read as.
fn shown(updated: &crate::model::Updated, date: jiff::civil::Date) -> String {
    if updated.whole_month {
        format!("{date} (`{}`, read as the month's last day)", updated.raw)
    } else {
        date.to_string()
    }
}
