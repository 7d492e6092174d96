//! case-mismatch: a link that finds its file only when case is ignored.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Fix};
use crate::index::Target;
use crate::model::{LinkKind, NoteId};

declare_rule! {
    /// ## What it does
    /// Flags a link whose name matches its note or attachment only when case is ignored,
    /// such as `[[nvidia]]` for `NVIDIA.md`.
    ///
    /// ## Why is this bad?
    /// Obsidian matches names without regard to case, but a published site on a
    /// case-sensitive web server does not: the link 404s there. It also hides the entity's
    /// real name from searches.
    ///
    /// ## Example
    /// ```markdown
    /// Long [[nvidia]] into earnings.
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// Long [[NVIDIA|nvidia]] into earnings.
    /// ```
    ///
    /// ## Fix
    /// Safe (`--fix`): writes the file's exact case in the link and keeps the words readers
    /// see: a wikilink that shows its target gets the name as written for display text
    /// (`[[nvidia]]` → `[[NVIDIA|nvidia]]`, `\|` inside a table); a link with display text,
    /// a heading or block link, and an embed only change case. No other byte changes.
    pub struct CaseMismatch { name: "case-mismatch", level: Info, fixable: true }
}

impl Rule for CaseMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        for (link, r) in note.links.iter().zip(&cx.resolved[id]) {
            if r.exact_case {
                continue;
            }
            let actual = match r.target() {
                Target::Note(t) => cx.note(t).path.as_str(),
                Target::Attachment(a) => cx.vault.attachments[a].as_str(),
                _ => continue,
            };
            let target = link.target(note);
            let Some(exact) = exact_name(target, actual) else {
                continue;
            };
            let mut d = cx
                .diagnostic(
                    &Self::META,
                    id,
                    link.span,
                    format!("`{target}` matches `{actual}` only when case is ignored"),
                )
                .with_help(format!("write `{exact}`"));
            // Only where the target is written verbatim: a percent-encoded or reference-style
            // Markdown image has no byte range that holds it, and rewriting the whole link
            // would lose the note's text.
            let keep_shown = link.subpath_raw.is_none();
            if matches!(link.kind, LinkKind::Wiki | LinkKind::Embed)
                && let Some(edit) = super::edits::retarget(note, link, &exact, keep_shown)
            {
                d = d.with_fix(Fix {
                    message: format!("replace `{target}` with `{exact}`"),
                    edits: vec![edit],
                });
            }
            out.push(d);
        }
    }
}

/// The written target re-spelled with the file's case: as many trailing path components as
/// were written, keeping a written `.md`.
fn exact_name(written: &str, actual: &str) -> Option<String> {
    let depth = written.trim_start_matches("./").split('/').count();
    let has_md = written.to_ascii_lowercase().ends_with(".md");
    let actual_stem = if has_md {
        actual
    } else {
        actual.strip_suffix(".md").unwrap_or(actual)
    };
    let parts: Vec<&str> = actual_stem.split('/').collect();
    if written.contains("..") || depth > parts.len() {
        return None;
    }
    let exact = parts[parts.len() - depth..].join("/");
    let prefix = if written.starts_with("./") { "./" } else { "" };
    Some(format!("{prefix}{exact}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn exact_name_keeps_the_written_shape() {
        use super::exact_name;
        assert_eq!(
            exact_name("nvidia", "Actors/NVIDIA.md").as_deref(),
            Some("NVIDIA")
        );
        assert_eq!(
            exact_name("actors/nvidia.md", "Actors/NVIDIA.md").as_deref(),
            Some("Actors/NVIDIA.md")
        );
        assert_eq!(
            exact_name("CHART.png", "img/chart.png").as_deref(),
            Some("chart.png")
        );
    }
}
