//! `--fix`: the edits rules offer, and applying them, each file written atomically.
//!
//! Only files read as valid UTF-8 are written; a BOM is kept; no byte outside the edits
//! changes. The new content goes to a temporary file beside the note, which then replaces it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Edit};
use crate::model::{NoteId, Vault};

/// Applies the fixes in `diagnostics`; returns how many edits were written, and to which notes.
pub fn apply(vault: &Vault, diagnostics: &[Diagnostic]) -> std::io::Result<(usize, Vec<String>)> {
    let mut by_note: BTreeMap<NoteId, Vec<&Edit>> = BTreeMap::new();
    for d in diagnostics {
        if let (Some(fix), Some(note)) = (&d.fix, d.note) {
            by_note.entry(note).or_default().extend(&fix.edits);
        }
    }
    let (mut edits_done, mut files) = (0, Vec::new());
    for (id, mut edits) in by_note {
        let note = &vault.notes[id];
        if note.lossy {
            continue;
        }
        edits.sort_by_key(|e| (e.start, e.end));
        let mut text = String::with_capacity(note.text.len() + edits.len());
        let mut pos = 0usize;
        let mut applied = 0;
        for e in edits {
            let (start, end) = (e.start as usize, e.end as usize);
            if start < pos
                || end > note.text.len()
                || !note.text.is_char_boundary(start)
                || !note.text.is_char_boundary(end)
            {
                continue; // overlaps an earlier edit: the next run picks it up
            }
            text.push_str(&note.text[pos..start]);
            text.push_str(&e.content);
            pos = end;
            applied += 1;
        }
        text.push_str(&note.text[pos..]);
        if applied == 0 {
            continue;
        }
        let mut bytes = Vec::with_capacity(text.len() + 3);
        if note.bom {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        bytes.extend_from_slice(text.as_bytes());
        write_atomically(&vault.root.join(&note.path), &bytes)?;
        edits_done += applied;
        files.push(note.path.clone());
    }
    Ok((edits_done, files))
}

/// Writes `bytes` to a temporary file in `path`'s folder, keeps `path`'s permissions, and
/// renames it over `path` (see [`crate::cache::atomic`]), flushed to the disk first: a
/// note's only copy.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = crate::cache::AtomicFile::beside(path)?;
    file.file().write_all(bytes)?;
    file.commit_durably()
}
