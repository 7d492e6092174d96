//! deprecated-property: a frontmatter key Obsidian no longer reads (`tag`, `alias`, `cssclass`).

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags the frontmatter keys `tag`, `alias` and `cssclass`. Obsidian deprecated them in
    /// 1.4 for `tags`, `aliases` and `cssclasses`, and since 1.9 no longer reads them as
    /// default properties (Obsidian help, Properties › Deprecated properties). vaultc still
    /// reads `tag` and `alias` as it reads `tags` and `aliases`, so its own report does not
    /// change; Obsidian's tag pane, search and link suggestions do.
    ///
    /// ## Why is this bad?
    /// In current Obsidian the note loses those tags and aliases: `tag:#macro` search and the
    /// tag pane miss it, and its aliases are not suggested.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// tag: macro, rates
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// tags: macro, rates
    /// ---
    /// ```
    ///
    /// Does not fire on `tags:`, `aliases:` or `cssclasses:`, nor on a key nested under
    /// another property.
    ///
    /// ## Fix
    /// Safe (`--fix`): renames the key. When the note also has the current key, its values
    /// the current key lacks move into that key's list (a one-line `[…]` list, a block list
    /// or a one-line string) and the deprecated entry goes; where neither form fits, the
    /// finding has no fix. No other byte changes.
    pub struct DeprecatedProperty { name: "deprecated-property", level: Warn, fixable: true }
}

impl Rule for DeprecatedProperty {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        let Some(fm) = &note.frontmatter else {
            return;
        };
        for d in &fm.deprecated_keys {
            let (key, current) = (&d.key, &d.current);
            let mut diag = cx
                .diagnostic(
                    &Self::META,
                    id,
                    d.span,
                    format!("`{key}` is deprecated: Obsidian reads `{current}`"),
                )
                .with_help(format!("rename `{key}` to `{current}`"));
            if !d.rewrite.is_empty() && !note.lossy {
                diag = diag.with_fix(Fix {
                    message: format!("write `{key}` as `{current}`"),
                    edits: d
                        .rewrite
                        .iter()
                        .map(|r| Edit {
                            start: r.start,
                            end: r.end,
                            content: r.with.clone(),
                        })
                        .collect(),
                });
            }
            out.push(diag);
        }
    }
}
