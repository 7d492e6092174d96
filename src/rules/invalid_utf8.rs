//! invalid-utf8: a note that is not valid UTF-8.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::NoteId;

declare_rule! {
    /// ## What it does
    /// Flags a note whose bytes are not valid UTF-8 (often a file saved as Latin-1 or
    /// Windows-1252). vaultc reads the invalid bytes as U+FFFD and checks the rest of the
    /// note, and never writes such a file with `--fix`.
    ///
    /// ## Why is this bad?
    /// Obsidian and every other tool show replacement characters; names in links may no
    /// longer match their notes.
    ///
    /// ## Example
    /// A note saved by an old editor: `Soci\xE9t\xE9 G\xE9n\xE9rale` (Latin-1 bytes).
    ///
    /// Use instead: re-save the file as UTF-8 (`iconv -f latin1 -t utf-8`).
    pub struct InvalidUtf8 { name: "invalid-utf8", level: Warn, fixable: false }
}

impl Rule for InvalidUtf8 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        if !note.lossy {
            return;
        }
        let at = note.text.find('\u{FFFD}').unwrap_or(0);
        let len = note.text[at..].chars().next().map_or(0, char::len_utf8);
        out.push(
            cx.diagnostic(
                &Self::META,
                id,
                note.span(at, at + len),
                "file is not valid UTF-8",
            )
            .with_help("invalid bytes are read as U+FFFD; re-save the file as UTF-8"),
        );
    }
}
