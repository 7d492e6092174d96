//! duplicate-alias: an alias claimed twice, or equal to another note's name.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a frontmatter alias that another note also claims, or that is another note's
    /// name (any case).
    ///
    /// ## Why is this bad?
    /// Link suggestions offer two notes for one name, `vaultc refs` cannot tell which entity
    /// a mention means, and a link written with the name goes to the note that has it as its
    /// file name, never to the alias holder.
    ///
    /// ## Example
    /// ```markdown
    /// <!-- Alphabet.md -->        <!-- Google.md -->
    /// aliases: [Google]           (the note's name is Google)
    /// ```
    ///
    /// Use instead: keep the alias on one note only.
    pub struct DuplicateAlias { name: "duplicate-alias", level: Warn, fixable: false }
}

impl Rule for DuplicateAlias {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        for alias in &cx.note(id).aliases {
            let named: Vec<NoteId> = cx
                .index
                .notes_named(&alias.text)
                .iter()
                .copied()
                .filter(|&n| n != id)
                .collect();
            let others: Vec<NoteId> = cx
                .index
                .alias_owners_any_case(&alias.text)
                .iter()
                .copied()
                .filter(|&n| n != id)
                .collect();
            let message = if let Some(&n) = named.first() {
                format!(
                    "alias `{}` is also the name of `{}`",
                    alias.text,
                    cx.note(n).path
                )
            } else if let Some(&n) = others.first() {
                format!(
                    "alias `{}` is also claimed by `{}`",
                    alias.text,
                    cx.note(n).path
                )
            } else {
                continue;
            };
            out.push(
                cx.diagnostic(&Self::META, id, alias.span, message)
                    .with_help("an alias should name one note only"),
            );
        }
    }
}
