//! frontmatter-unquoted-link: a `[[wikilink]]` property value written without quotes.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a frontmatter value written `[[Target]]` without quotes, such as
    /// `parent: [[Whirlpool]]` or a list item `- [[Whirlpool]]`. YAML reads the brackets as a
    /// list inside a list, so the value is `[["Whirlpool"]]`: Obsidian shows no link, the
    /// note is missing from `Whirlpool`'s backlinks, and vaultc, following Obsidian, counts
    /// no link either.
    ///
    /// ## Why is this bad?
    /// The property looks like a link in the source but links nowhere; Obsidian's help says a
    /// link in a property "must be surrounded with quotes".
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// parent: [[Whirlpool]]
    /// ---
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// ---
    /// parent: "[[Whirlpool]]"
    /// ---
    /// ```
    ///
    /// Does not fire on a quoted `"[[Whirlpool]]"` or on a `[[link]]` inside a longer string
    /// or a block scalar (`summary: |`).
    ///
    /// ## Fix
    /// Safe (`--fix`): wraps the value in double quotes (single quotes when it holds a `"` or
    /// a `\`; no fix when it holds both kinds). No other byte changes.
    pub struct FrontmatterUnquotedLink { name: "frontmatter-unquoted-link", level: Warn, fixable: true }
}

impl Rule for FrontmatterUnquotedLink {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        let Some(fm) = &note.frontmatter else {
            return;
        };
        for span in &fm.unquoted_links {
            let Some(written) = note.text.get(span.range()) else {
                continue;
            };
            let quoted = quote(written);
            let mut d = cx
                .diagnostic(
                    &Self::META,
                    id,
                    *span,
                    format!(
                        "`{written}` is not quoted: YAML reads it as a nested list, and Obsidian does not treat it as a link"
                    ),
                )
                .with_help(match &quoted {
                    Some(q) => format!("write `{q}`"),
                    None => "quote the link".to_owned(),
                });
            if let Some(content) = quoted.filter(|_| !note.lossy) {
                d = d.with_fix(Fix {
                    message: "quote the link".to_owned(),
                    edits: vec![Edit {
                        start: span.start,
                        end: span.end,
                        content,
                    }],
                });
            }
            out.push(d);
        }
    }
}

/// `text` as a YAML string holding exactly `text`: double quotes, or single quotes when it
/// holds a `"` or `\` (neither is special there, and `'` must not appear).
fn quote(text: &str) -> Option<String> {
    if !text.contains(['"', '\\']) {
        Some(format!("\"{text}\""))
    } else if !text.contains('\'') {
        Some(format!("'{text}'"))
    } else {
        None
    }
}
