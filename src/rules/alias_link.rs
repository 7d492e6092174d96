//! alias-link: a link that names a note's alias instead of the note.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::index::Target;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a link whose name matches no file but is a frontmatter alias of a note, such as
    /// `[[Burry]]` when only `Michael Burry.md` lists `aliases: [Burry]`. vaultc counts it as
    /// a reference to that note (in the graph and in `refs`), but Obsidian does not follow
    /// it: clicking creates an empty `Burry.md`.
    ///
    /// ## Why is this bad?
    /// The link looks fine in the editor's suggestions yet leads nowhere, and a new empty
    /// note appears the first time someone clicks it.
    ///
    /// ## Example
    /// ```markdown
    /// [[Burry]] is short again.
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// [[Michael Burry|Burry]] is short again.
    /// ```
    pub struct AliasLink { name: "alias-link", level: Warn, fixable: false }
}

impl Rule for AliasLink {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        for (link, r) in note.links.iter().zip(&cx.resolved[id]) {
            let Target::Alias(owner) = r.target() else {
                continue;
            };
            let owner = cx.note(owner);
            let target = link.target(note);
            let shown = link.display(note).unwrap_or(target);
            let sub = link
                .subpath_raw(note)
                .map_or(String::new(), |s| format!("#{s}"));
            out.push(
                cx.diagnostic(
                    &Self::META,
                    id,
                    link.span,
                    format!("`{}` is an alias of `{}`, not a note name: Obsidian will not follow this link", target, owner.name),
                )
                .with_help(format!("write `[[{}{sub}|{shown}]]`", owner.name)),
            );
        }
    }
}
