//! ambiguous-link: a bare name that several notes share.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a link whose name matches several notes, such as `[[Energy]]` when both
    /// `Sectors/Energy.md` and `Concepts/Energy.md` exist. vaultc picks one the way the help
    /// line says (the linking note's folder, then the shortest path), but the writer's intent
    /// is not in the text.
    ///
    /// ## Why is this bad?
    /// Which note opens depends on tie-breaking that differs between Obsidian, publishing
    /// tools and exporters; adding a note elsewhere can silently change where links go.
    ///
    /// ## Example
    /// ```markdown
    /// Rotation into [[Energy]]   <!-- Sectors/Energy.md and Concepts/Energy.md -->
    /// ```
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
            if r.candidates().len() < 2 {
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
