//! broken-block-ref: a link to a block id the target note lacks.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::index::Target;
use crate::model::{NoteId, Subpath};

declare_rule! {
    /// ## What it does
    /// Flags `[[Note#^id]]` and `[[#^id]]` when the target note has no block with that id.
    /// A block id is ` ^id` at the end of a paragraph or list item line (Latin letters,
    /// digits and dashes), or `^id` written straight after an embed
    /// (`![[chart.png]]^chart`, as Obsidian's help writes it), and matches exactly.
    ///
    /// ## Why is this bad?
    /// Block references and block embeds show nothing, or the whole note, once the block's
    /// id is gone or was never written.
    ///
    /// ## Example
    /// ```markdown
    /// As argued in [[Michael Burry#^big-short]]   <!-- no ^big-short in that note -->
    /// ```
    ///
    /// Use instead: add ` ^big-short` to the end of the paragraph, or link to an existing id.
    pub struct BrokenBlockRef { name: "broken-block-ref", level: Error, fixable: false }
}

impl Rule for BrokenBlockRef {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        for (link, r) in note.links.iter().zip(&cx.resolved[id]) {
            let (Subpath::Block(block), Target::Note(t)) = (link.subpath(note), r.target()) else {
                continue;
            };
            let target = cx.note(t);
            if target.blocks.iter().any(|b| b.id == block) {
                continue;
            }
            let mut d = cx.diagnostic(
                &Self::META,
                id,
                link.span,
                format!("block `^{block}` not found in `{}`", target.name),
            );
            if let Some(b) = target
                .blocks
                .iter()
                .find(|b| b.id.eq_ignore_ascii_case(block))
            {
                d = d.with_help(format!(
                    "block ids match exactly: did you mean `^{}`?",
                    b.id
                ));
            }
            out.push(d);
        }
    }
}
