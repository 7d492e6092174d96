//! Where things are, in the protocol's terms: positions in UTF-16 code units (or UTF-8 bytes
//! when the client asks for them) against byte offsets, and file URIs against vault paths.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Url};

use crate::model::Note;
use crate::source::Span;

/// How a position's `character` counts: the protocol's UTF-16 code units unless the client
/// offers UTF-8 (then bytes, which is what vaultc keeps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf16,
    Utf8,
}

impl Encoding {
    /// The length of `s` in this encoding's units.
    pub fn len(self, s: &str) -> u32 {
        match self {
            Encoding::Utf8 => s.len() as u32,
            Encoding::Utf16 => s.chars().map(|c| c.len_utf16() as u32).sum(),
        }
    }

    /// The byte offset in `line` after `units` of this encoding (clamped to the line; a
    /// position inside a character lands at its start).
    fn byte_in(self, line: &str, units: u32) -> usize {
        match self {
            Encoding::Utf8 => {
                let mut i = (units as usize).min(line.len());
                while !line.is_char_boundary(i) {
                    i -= 1;
                }
                i
            }
            Encoding::Utf16 => {
                let mut seen = 0u32;
                for (i, c) in line.char_indices() {
                    let next = seen + c.len_utf16() as u32;
                    if next > units {
                        return i;
                    }
                    seen = next;
                }
                line.len()
            }
        }
    }
}

/// Byte offsets of a text's line starts.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { text, starts }
    }

    /// The text of 0-based line `line`, its line ending left out.
    fn line(&self, line: usize) -> (usize, &'t str) {
        let start = self.starts[line.min(self.starts.len() - 1)];
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&e| e.saturating_sub(1));
        let text = self.text.get(start..end.max(start)).unwrap_or("");
        (start, text.strip_suffix('\r').unwrap_or(text))
    }

    /// The byte offset of `pos` (a line past the end is the end of the text; a character
    /// past its line's end is the line's end).
    pub fn offset(&self, enc: Encoding, pos: Position) -> usize {
        if pos.line as usize >= self.starts.len() {
            return self.text.len();
        }
        let (start, line) = self.line(pos.line as usize);
        start + enc.byte_in(line, pos.character)
    }

    /// The byte range `range` covers.
    pub fn offsets(&self, enc: Encoding, range: Range) -> std::ops::Range<usize> {
        let start = self.offset(enc, range.start);
        start..self.offset(enc, range.end).max(start)
    }
}

/// The position of byte offset `offset` in `note`'s text (through the note's own line
/// index: no scan of the text before the line).
pub fn note_position(note: &Note, enc: Encoding, offset: usize) -> Position {
    let text = note.text.as_str();
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = note.lines.line_of(offset);
    let start = note.lines.line_start(line).min(offset);
    Position {
        line: line.saturating_sub(1) as u32,
        character: enc.len(&text[start..offset]),
    }
}

pub fn note_range(note: &Note, enc: Encoding, start: usize, end: usize) -> Range {
    Range {
        start: note_position(note, enc, start),
        end: note_position(note, enc, end.max(start)),
    }
}

pub fn note_span(note: &Note, enc: Encoding, span: Span) -> Range {
    note_range(note, enc, span.start as usize, span.end as usize)
}

/// The byte offset of `pos` in `note`'s text (clamped as [`Lines::offset`] does).
pub fn note_offset(note: &Note, enc: Encoding, pos: Position) -> usize {
    let line = pos.line as usize + 1;
    if line > note.lines.line_count() {
        return note.text.len();
    }
    let start = note.lines.line_start(line);
    start + enc.byte_in(note.lines.line_text(&note.text, line), pos.character)
}

/// Applies an editor's change (`range` in `enc`, or the whole text) to `text`.
pub fn apply_change(text: &mut String, enc: Encoding, range: Option<Range>, new: &str) {
    match range {
        None => new.clone_into(text),
        Some(range) => {
            let at = Lines::new(text).offsets(enc, range);
            text.replace_range(at, new);
        }
    }
}

/// The vault's folder, as the server names files in it.
pub struct Root {
    /// The folder as the configuration gives it, and as a real path.
    given: PathBuf,
    real: PathBuf,
}

impl Root {
    pub fn new(given: &Path) -> Self {
        let real = std::fs::canonicalize(given).unwrap_or_else(|_| given.to_owned());
        Self {
            given: given.to_owned(),
            real,
        }
    }

    /// The vault path (`/`-separated, relative) of a `file:` URI inside the vault; `None`
    /// outside it, or for anything but a file.
    pub fn path_of(&self, uri: &Url) -> Option<String> {
        let path = uri.to_file_path().ok()?;
        let rel = match path
            .strip_prefix(&self.real)
            .or_else(|_| path.strip_prefix(&self.given))
        {
            Ok(rel) => rel.to_owned(),
            Err(_) => {
                // A path through a symbolic link: its folder's real path.
                let dir = std::fs::canonicalize(path.parent()?).ok()?;
                dir.strip_prefix(&self.real).ok()?.join(path.file_name()?)
            }
        };
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let rel = parts?.join("/");
        (!rel.is_empty()).then_some(rel)
    }

    /// The URI of vault path `rel`.
    pub fn uri(&self, rel: &str) -> Option<Url> {
        Url::from_file_path(self.real.join(rel)).ok()
    }
}

/// Is vault path `rel` a note the vault would hold: a `.md` file outside hidden folders?
pub fn is_note_path(rel: &str) -> bool {
    rel.to_ascii_lowercase().ends_with(".md")
        && !rel
            .split('/')
            .any(|part| part.starts_with('.') || part.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_or_bytes() {
        let text = "é😀 [[a]]\r\nline two\n";
        let note = crate::parse::parse_note("n.md".into(), text.as_bytes().to_vec());
        let lines = Lines::new(text);
        let at = text.find("[[").unwrap();
        assert_eq!(
            note_position(&note, Encoding::Utf16, at),
            Position::new(0, 4)
        );
        assert_eq!(
            note_position(&note, Encoding::Utf8, at),
            Position::new(0, 7)
        );
        for (enc, pos) in [
            (Encoding::Utf16, Position::new(0, 4)),
            (Encoding::Utf8, Position::new(0, 7)),
        ] {
            assert_eq!(lines.offset(enc, pos), at);
            assert_eq!(note_offset(&note, enc, pos), at);
        }
        // Inside the emoji's surrogate pair: its start.
        assert_eq!(lines.offset(Encoding::Utf16, Position::new(0, 2)), 2);
        let two = text.find("line").unwrap();
        assert_eq!(
            note_position(&note, Encoding::Utf16, two),
            Position::new(1, 0)
        );
        // Past the line's end: the end of the line, before `\r\n`.
        assert_eq!(lines.offset(Encoding::Utf16, Position::new(0, 99)), two - 2);
        assert_eq!(
            note_offset(&note, Encoding::Utf16, Position::new(0, 99)),
            two - 2
        );
        assert_eq!(
            lines.offset(Encoding::Utf16, Position::new(9, 0)),
            text.len()
        );
    }

    #[test]
    fn changes_apply_at_their_range() {
        let mut text = "# A\n\n## Facts\n".to_owned();
        let range = Range::new(Position::new(2, 3), Position::new(2, 8));
        apply_change(&mut text, Encoding::Utf16, Some(range), "Figures");
        assert_eq!(text, "# A\n\n## Figures\n");
        apply_change(&mut text, Encoding::Utf16, None, "new");
        assert_eq!(text, "new");
    }
}
