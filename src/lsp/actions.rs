//! Code actions on the findings under the cursor: each rule's safe fix (what `--fix`
//! writes), a new note for a link that reaches nothing, and a `vaultc-disable` directive
//! that silences the finding.

use lsp_types::{self as lsp, CodeActionKind, CodeActionOrCommand};

use super::diagnostics::{findings, to_lsp};
use super::navigate::link_at;
use super::rename::Edits;
use super::text::{self, Encoding, Root};
use crate::diagnostic::Diagnostic;
use crate::index::{Target, strip_md};
use crate::model::{Note, NoteId};
use crate::pipeline::Analysis;

/// What the actions need besides the note.
pub(super) struct Ask<'a> {
    pub a: &'a Analysis,
    pub root: &'a Root,
    pub enc: Encoding,
    pub today: jiff::civil::Date,
    pub versions: &'a dyn Fn(&str) -> Option<i32>,
    /// The client creates files through workspace edits.
    pub file_ops: bool,
}

/// The actions for the findings of note `id` that touch bytes `range`.
pub(super) fn code_actions(
    ask: &Ask<'_>,
    id: NoteId,
    range: std::ops::Range<usize>,
) -> Vec<CodeActionOrCommand> {
    let a = ask.a;
    let note = &a.vault.notes[id];
    let only = std::iter::once(note.path.clone()).collect();
    let found = findings(a, ask.today, Some(&only));
    let mut out = Vec::new();
    for d in found.get(&note.path).into_iter().flatten() {
        let Some(span) = d.span else {
            continue;
        };
        if (span.end as usize) < range.start || (span.start as usize) > range.end {
            continue;
        }
        let diag = to_lsp(d, Some(note), ask.enc);
        let mut push = |title: String, edit: lsp::WorkspaceEdit, preferred: bool| {
            out.push(CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag.clone()]),
                edit: Some(edit),
                is_preferred: Some(preferred),
                ..Default::default()
            }));
        };
        if let Some(fix) = &d.fix {
            let mut edits = Edits::new(a, ask.root, ask.enc);
            for e in &fix.edits {
                edits.add(id, e.start as usize, e.end as usize, e.content.clone());
            }
            push(
                fix.message.clone(),
                edits.finish(ask.versions, Vec::new(), true),
                true,
            );
        }
        if d.rule == "broken-link"
            && ask.file_ops
            && let Some((title, edit)) = create_note(ask, id, span.start as usize)
        {
            push(title, edit, false);
        }
        if let Some((title, edit)) = suppress_line(ask, note, id, d) {
            push(title, edit, false);
        }
        if let Some((title, edit)) = suppress_note(ask, note, id, d) {
            push(title, edit, false);
        }
    }
    out
}

/// "Create note": a new empty note where the unresolved link at `at` would find it (its
/// path as written, from the vault's root).
fn create_note(ask: &Ask<'_>, id: NoteId, at: usize) -> Option<(String, lsp::WorkspaceEdit)> {
    let a = ask.a;
    let note = &a.vault.notes[id];
    let i = link_at(note, at)?;
    if a.resolved[id][i].target() != Target::Unresolved {
        return None;
    }
    let target = note.links[i].target(note).trim_start_matches('/');
    let safe = !target.is_empty()
        && !target
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == ".." || p.starts_with('.'));
    if !safe {
        return None;
    }
    let path = format!("{}.md", strip_md(target));
    let uri = ask.root.uri(&path)?;
    let op = lsp::ResourceOp::Create(lsp::CreateFile {
        uri,
        options: Some(lsp::CreateFileOptions {
            overwrite: Some(false),
            ignore_if_exists: Some(true),
        }),
        annotation_id: None,
    });
    let edit = lsp::WorkspaceEdit {
        document_changes: Some(lsp::DocumentChanges::Operations(vec![
            lsp::DocumentChangeOperation::Op(op),
        ])),
        ..Default::default()
    };
    Some((format!("create note `{path}`"), edit))
}

/// Is byte `at` inside the note's frontmatter or one of its tables (where a line of its own
/// would break what it is in)?
fn in_block(note: &Note, at: u32) -> bool {
    let within = |s: crate::source::Span| s.start <= at && at <= s.end;
    note.frontmatter
        .as_ref()
        .is_some_and(|f| at < f.span.end + 4)
        || note.tables.iter().any(|t| within(t.span))
}

/// `%% vaultc-disable-next-line RULE %%` on a line of its own above the finding.
fn suppress_line(
    ask: &Ask<'_>,
    note: &Note,
    id: NoteId,
    d: &Diagnostic,
) -> Option<(String, lsp::WorkspaceEdit)> {
    let span = d.span?;
    if in_block(note, span.start) || note.lossy {
        return None;
    }
    let start = note.lines.line_start(span.line as usize);
    let line = note.lines.line_text(&note.text, span.line as usize);
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let mut edits = Edits::new(ask.a, ask.root, ask.enc);
    edits.add(
        id,
        start,
        start,
        format!("{indent}%% vaultc-disable-next-line {} %%\n", d.rule),
    );
    Some((
        format!("suppress `{}` on this line", d.rule),
        edits.finish(ask.versions, Vec::new(), true),
    ))
}

/// `vaultc: {disable: [RULE]}` in the note's frontmatter (made when there is none).
fn suppress_note(
    ask: &Ask<'_>,
    note: &Note,
    id: NoteId,
    d: &Diagnostic,
) -> Option<(String, lsp::WorkspaceEdit)> {
    if note.lossy {
        return None;
    }
    let (at, text) = match &note.frontmatter {
        None => (0, format!("---\nvaultc:\n  disable: [{}]\n---\n", d.rule)),
        Some(f) => {
            let value = f.value.as_ref()?;
            if value.contains_key("vaultc") {
                return None;
            }
            let end = f.span.end as usize;
            let newline = if end > 0 && !note.text[..end].ends_with('\n') {
                "\n"
            } else {
                ""
            };
            (end, format!("{newline}vaultc:\n  disable: [{}]\n", d.rule))
        }
    };
    let mut edits = Edits::new(ask.a, ask.root, ask.enc);
    edits.add(id, at, at, text);
    Some((
        format!("suppress `{}` in this note", d.rule),
        edits.finish(ask.versions, Vec::new(), true),
    ))
}

/// The byte range an action request's `range` covers in note `note`.
pub(super) fn byte_range(note: &Note, enc: Encoding, range: lsp::Range) -> std::ops::Range<usize> {
    let start = text::note_offset(note, enc, range.start);
    start..text::note_offset(note, enc, range.end).max(start)
}
