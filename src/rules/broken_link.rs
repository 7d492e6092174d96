//! broken-link: a link or embed that reaches nothing.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::index::Target;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a wikilink, embed or local Markdown link whose target matches no note and no
    /// attachment in the vault.
    ///
    /// ## Why is this bad?
    /// A reader who clicks it lands on an empty new note, an embed shows nothing, and a
    /// published site gets a dead link. Renames and deletions leave these behind in notes
    /// that were not touched.
    ///
    /// Names listed in `[lint] planned` (globs, any case) are entities meant to get a note
    /// later; links to them are not reported. Links that name a note's alias are reported by
    /// `alias-link` instead.
    ///
    /// ## Example
    /// ```markdown
    /// [[Michael Burry]] shorted [[Palantir]]   <!-- no Palantir.md in the vault -->
    /// ```
    ///
    /// Use instead: create `Palantir.md`, fix the name, or add `"Palantir"` to `planned`.
    pub struct BrokenLink { name: "broken-link", level: Error, fixable: false }
}

impl Rule for BrokenLink {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        for (link, r) in note.links.iter().zip(&cx.resolved[id]) {
            let target = link.target(note);
            if r.target() != Target::Unresolved || cx.settings.is_planned(target) {
                continue;
            }
            let message = if link.is_embed() {
                format!("embedded file `{target}` matches no file in the vault")
            } else {
                format!("link target `{target}` matches no note or attachment")
            };
            let mut d = cx.diagnostic(&Self::META, id, link.span, message);
            if let Some(s) = cx.index.suggest(cx.vault, target) {
                d = d.with_help(format!("did you mean `{}`?", cx.note(s).name));
            }
            out.push(d);
        }
    }
}
