//! ambiguous-link: a bare name that several notes share.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a link whose name matches several notes when only a tie-break picks the one it
    /// opens, such as `[[Energy]]` in `Home.md` when both `Sectors/Energy.md` and
    /// `Concepts/Energy.md` exist. vaultc picks as Obsidian 1.13.7 does: an exact vault path
    /// first (`[[Energy]]` is `Energy.md` at the root, if there is one), then the note in the
    /// linking note's own folder (a parent folder counts for nothing), then the shortest path,
    /// then the first by path. Only a pick made by those last two is reported: the first two
    /// say where the link goes in the text's own terms.
    ///
    /// ## Why is this bad?
    /// The writer's intent is not in the text: which note opens hangs on path lengths, and
    /// adding or renaming a note elsewhere can silently change where links go. Publishing
    /// tools and exporters break the tie their own ways.
    ///
    /// ## Example
    /// ```markdown
    /// <!-- Home.md; Sectors/Energy.md and Concepts/Energy.md exist -->
    /// Rotation into [[Energy]]
    /// ```
    ///
    /// Does not fire: the same link in `Sectors/Outlook.md` (its own folder has an
    /// `Energy.md`), nor `[[Energy]]` anywhere when `Energy.md` sits at the vault's root.
    ///
    /// Use instead: `[[Sectors/Energy]]` or `[[Sectors/Energy|Energy]]`.
    pub struct AmbiguousLink { name: "ambiguous-link", level: Warn, fixable: false }
}

impl Rule for AmbiguousLink {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        for (link, r) in note.links.iter().zip(&cx.resolved[id]) {
            if !r.is_tie() || r.candidates().len() < 2 {
                continue;
            }
            let paths: Vec<String> = r
                .candidates()
                .iter()
                .map(|&c| format!("`{}`", cx.note(c).path))
                .collect();
            let chosen = r.note().map_or("", |c| cx.note(c).path.as_str());
            let chosen_link = chosen.strip_suffix(".md").unwrap_or(chosen);
            out.push(
                cx.diagnostic(
                    &Self::META,
                    id,
                    link.span,
                    format!(
                        "`{}` matches {} notes: {}{}",
                        link.target(note),
                        r.candidate_count(),
                        paths.join(", "),
                        match (r.candidate_count() as usize).saturating_sub(paths.len()) {
                            0 => String::new(),
                            more => format!(" and {more} more"),
                        }
                    ),
                )
                .with_help(format!(
                    "this link opens `{chosen}`; write the path to say so: `[[{chosen_link}]]`"
                )),
            );
        }
    }
}
