//! broken-link: a link or embed that reaches nothing.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::index::{Suggestion, Target, strip_md};
use crate::model::{Link, LinkKind, Note, NoteId};

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
    /// Names listed in `[lint] planned` (globs, any case, `.md` left off) are entities meant
    /// to get a note later; links to them are not reported, whichever way they are written
    /// (`[[Example]]`, `[[Example.md]]`, `[text](Example.md)`). Links that name a note's alias
    /// (case included) are reported by `alias-link` instead; a link that spells an alias in
    /// another case resolves to nothing, as in Obsidian, and is reported here with that note
    /// as the hint.
    ///
    /// The "did you mean" hint names a note only when one note fits and the hint reaches it
    /// from the linking note without a tie (its name, or else its path); never the linking
    /// note itself. In a Markdown link the hint is written the way the link is (`%20`).
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
            if r.target() != Target::Unresolved || cx.settings.is_planned(strip_md(target)) {
                continue;
            }
            let message = if link.is_embed() {
                format!("embedded file `{target}` matches no file in the vault")
            } else {
                format!("link target `{target}` matches no note or attachment")
            };
            let mut d = cx.diagnostic(&Self::META, id, link.span, message);
            if let Some(s) = cx.index.suggest(cx.vault, id, target) {
                d = d.with_help(hint(cx, note, link, &s));
            }
            out.push(d);
        }
    }
}

/// The help line for a suggestion, written as this link would write it.
fn hint(cx: &Context<'_>, note: &Note, link: &Link, s: &Suggestion) -> String {
    let target = link.target(note);
    let mut text = s.linktext.clone();
    if link.kind == LinkKind::Markdown {
        if strip_md(target).len() != target.len() {
            text.push_str(".md");
        }
        // A percent-decoded path is not in the text as written: the link encodes spaces.
        if link.target.text_range().is_none() {
            text = text.replace(' ', "%20");
        }
    }
    match &s.alias {
        Some(alias) => format!(
            "did you mean `{text}`? `{alias}` is an alias of `{}`; aliases match case-exactly",
            cx.note(s.note).name
        ),
        None => format!("did you mean `{text}`?"),
    }
}
