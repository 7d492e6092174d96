//! `--fix`: the edits rules offer, and applying them, each file written atomically.
//!
//! Only files read as valid UTF-8 are written; a BOM is kept; no byte outside the edits
//! changes. The new content goes to a temporary file beside the note, which then replaces it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Edit};
use crate::model::{Link, LinkKind, Note, NoteId, Vault};

/// An edit that points a wikilink, embed or frontmatter link at `linktext` instead of its
/// target, changing nothing else of it. With `keep_shown`, a link that shows its target (a
/// wikilink without `|display`) keeps showing the words it showed: the written target
/// becomes its display text, after `\|` in a table (`[[formulas]]` → `[[Formulas|formulas]]`).
///
/// `None` where that is not safe: the target is not written verbatim (a Markdown link's
/// encoded path), the note was not valid UTF-8, or the new text could not be read back as
/// this target (`|`, `#`, brackets or a line break in it; quotes in a frontmatter string).
pub fn retarget(note: &Note, link: &Link, linktext: &str, keep_shown: bool) -> Option<Edit> {
    let target = link.target(note);
    let range = link.target.text_range()?;
    let unreadable = linktext.is_empty()
        || linktext.trim() != linktext
        || linktext.contains(['|', '#', '^', '[', ']', '\n', '\r']);
    if note.lossy || unreadable || note.text.get(range.clone()) != Some(target) {
        return None;
    }
    match link.kind {
        LinkKind::Wiki | LinkKind::Embed => {}
        LinkKind::Frontmatter if !linktext.contains(['"', '\'', '\\']) => {}
        LinkKind::Frontmatter | LinkKind::Markdown => return None,
    }
    let edit = |end: usize, content: String| Edit {
        start: range.start as u32,
        end: end as u32,
        content,
    };
    if !keep_shown || link.kind == LinkKind::Embed || link.display.is_some() {
        return Some(edit(range.end, linktext.to_owned()));
    }
    // Up to the closing `]]`: the subpath and spaces after the target stay as written.
    let close = (link.span.end as usize).checked_sub(2)?;
    let between = note.text.get(range.end..close)?;
    let pipe = if link.in_table { "\\|" } else { "|" };
    Some(edit(close, format!("{linktext}{between}{pipe}{target}")))
}

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
/// renames it over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::retarget;
    use crate::parse::parse_note;

    /// The text after pointing every link of `text` at `to`.
    fn retargeted(text: &str, to: &str, keep_shown: bool) -> String {
        let note = parse_note("n.md".into(), text.as_bytes().to_vec());
        let mut out = note.text.clone();
        for link in note.links.iter().rev() {
            let Some(e) = retarget(&note, link, to, keep_shown) else {
                continue;
            };
            out.replace_range(e.start as usize..e.end as usize, &e.content);
        }
        out
    }

    #[test]
    fn a_retargeted_link_keeps_what_it_showed() {
        let text = "[[formulas]] [[ formulas ]] [[formulas|the sheet]] [[formulas#H]] ![[formulas]]\n\n| a |\n|---|\n| [[formulas]] |\n";
        assert_eq!(
            retargeted(text, "Formulas", true),
            "[[Formulas|formulas]] [[ Formulas |formulas]] [[Formulas|the sheet]] [[Formulas#H|formulas]] ![[Formulas]]\n\n| a |\n|---|\n| [[Formulas\\|formulas]] |\n"
        );
        assert_eq!(
            retargeted(text, "Formulas", false),
            "[[Formulas]] [[ Formulas ]] [[Formulas|the sheet]] [[Formulas#H]] ![[Formulas]]\n\n| a |\n|---|\n| [[Formulas]] |\n"
        );
        // Text that would not read back as the target: no edit.
        for bad in ["A|B", "A#B", "a]]b", " A", ""] {
            assert_eq!(retargeted("[[x]]\n", bad, true), "[[x]]\n", "{bad:?}");
        }
        let fm = "---\nup: \"[[x]]\"\n---\n[x](x.md)\n";
        assert_eq!(
            retargeted(fm, "Y", true),
            "---\nup: \"[[Y|x]]\"\n---\n[x](x.md)\n"
        );
        assert_eq!(retargeted(fm, "Say \"Y\"", true), fm);
    }
}
