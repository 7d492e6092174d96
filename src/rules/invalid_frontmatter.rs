//! invalid-frontmatter: YAML that does not parse, or is not a mapping.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a frontmatter block (the `---` fenced YAML at the very top of a note) that is
    /// not valid YAML, or is not a mapping of properties. The diagnostic points at the line
    /// the YAML parser stopped on. The note's body is still checked.
    ///
    /// ## Why is this bad?
    /// Obsidian drops all of the note's properties: its tags, aliases and dates vanish from
    /// search, the graph and every tool that reads them.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// tags: [#actor #person]
    /// ---
    /// ```
    ///
    /// `#` starts a YAML comment, so the list is never closed. Use instead:
    /// ```markdown
    /// ---
    /// tags: [actor, person]
    /// ---
    /// ```
    pub struct InvalidFrontmatter { name: "invalid-frontmatter", level: Error, fixable: false }
}

impl Rule for InvalidFrontmatter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let Some(error) = cx
            .note(id)
            .frontmatter
            .as_ref()
            .and_then(|f| f.error.as_ref())
        else {
            return;
        };
        out.push(
            cx.diagnostic(&Self::META, id, error.span, error.message.clone())
                .with_help("the note's properties (tags, aliases, dates) are ignored until the YAML parses"),
        );
    }
}
