//! invalid-tag: a frontmatter tag value that cannot be a tag.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a value of the frontmatter `tags` (or `tag`) property that Obsidian cannot use
    /// as a tag: all digits (`2024`), spaces inside a list item (`"two words"`), a leading
    /// `#` (`"#macro"`), or other punctuation. Inline `#1984` in prose is ordinary text, not
    /// a tag, and is not reported.
    ///
    /// ## Why is this bad?
    /// Obsidian ignores the value: the note is missing from that tag's search and pane.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// tags: [person, 2024, "#macro"]
    /// ---
    /// ```
    ///
    /// Use instead: `tags: [person, y2024, macro]`.
    pub struct InvalidTag { name: "invalid-tag", level: Warn, fixable: false }
}

impl Rule for InvalidTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        for t in &cx.note(id).invalid_tags {
            out.push(cx.diagnostic(
                &Self::META,
                id,
                t.span,
                format!("`{}` cannot be a tag: {}", t.text, t.reason),
            ));
        }
    }
}
