//! alias-link: a link that names a note's alias instead of the note.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Fix};
use crate::index::Target;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a link whose name matches no file but is, case included, a frontmatter alias of
    /// a note, such as `[[Burry]]` when only `Michael Burry.md` lists `aliases: [Burry]`.
    /// vaultc counts it as a reference to that note (in the graph and in `refs`), but
    /// Obsidian does not follow it: clicking creates an empty `Burry.md`. (A link that spells
    /// the alias in another case, `[[BURRY]]`, is no reference at all: `broken-link` reports
    /// it, with the note as its hint.)
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
    ///
    /// ## Fix
    /// Safe (`--fix`): writes the note's name (or its path, where the name alone would reach
    /// another note) as the target and keeps the alias as the text readers see, `\|` inside
    /// a table; a link with display text keeps it, an embed only changes its target. No
    /// other byte changes. Markdown links are left to you.
    pub struct AliasLink { name: "alias-link", level: Warn, fixable: true }
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
            let target = link.target(note);
            let name = cx.note(owner).name.as_str();
            let mut d = cx.diagnostic(
                &Self::META,
                id,
                link.span,
                format!(
                    "`{target}` is an alias of `{name}`, not a note name: Obsidian will not follow this link"
                ),
            );
            let linktext = cx.index.linktext_to(cx.vault, id, owner);
            let shown = link.display(note).unwrap_or(target);
            let sub = link
                .subpath_raw(note)
                .map_or(String::new(), |s| format!("#{s}"));
            let written = linktext.as_deref().unwrap_or(name);
            let pipe = if link.in_table { "\\|" } else { "|" };
            // An embed shows the note, not its name: it keeps no alias it did not have.
            let (bang, shown) = match (link.is_embed(), link.display(note)) {
                (true, None) => ("!", String::new()),
                (embed, _) => (if embed { "!" } else { "" }, format!("{pipe}{shown}")),
            };
            d = d.with_help(format!("write `{bang}[[{written}{sub}{shown}]]`"));
            if let Some(edit) = linktext
                .as_deref()
                .and_then(|t| super::edits::retarget(note, link, t, true))
            {
                d = d.with_fix(Fix {
                    message: format!("point the link at `{written}`"),
                    edits: vec![edit],
                });
            }
            out.push(d);
        }
    }
}
