//! orphan-note: a note no other note links to.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a note that no other note links to or embeds (links from the note to itself do
    /// not count). Off by default: many vaults keep inbox and daily notes unlinked on
    /// purpose. Turn it on with `[lint.rules] orphan-note = "warn"`.
    ///
    /// ## Why is this bad?
    /// An entity note nobody links to is invisible from the graph and from backlinks; it is
    /// often a duplicate under another name.
    ///
    /// ## Example
    /// `Actors/Nvidia Corp.md`, while every note links to `[[NVIDIA]]`.
    ///
    /// Use instead: link the note from where it belongs, or merge it into its twin.
    pub struct OrphanNote { name: "orphan-note", level: Off, fixable: false }
}

impl Rule for OrphanNote {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        if cx.inbound.linking_notes(id) > 0 {
            return;
        }
        let note = cx.note(id);
        let end = note.text.find('\n').unwrap_or(note.text.len());
        out.push(
            cx.diagnostic(
                &Self::META,
                id,
                note.span(0, end),
                "no note links to this note",
            )
            .with_help(format!("link it from a related note: `[[{}]]`", note.name)),
        );
    }
}
