//! Source positions: byte spans and their 1-based line and character column.
//!
//! Every item the parser extracts carries a [`Span`]. Columns count Unicode scalar values, as
//! rustc and ruff do, so an editor lands on the right character in lines with accents or emoji.

use serde::{Deserialize, Serialize};

/// A byte range in a note's text, with the 1-based line and column of its start.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub col: u32,
}

impl Span {
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Byte offsets of line starts, to turn offsets into lines and columns.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        // Kept for the whole run: no room to spare.
        starts.shrink_to_fit();
        Self { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&(offset as u32)) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Byte offset where a 1-based line starts (clamped to the last line).
    pub fn line_start(&self, line: usize) -> usize {
        let i = line.saturating_sub(1).min(self.starts.len() - 1);
        self.starts[i] as usize
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(line).min(text.len());
        let end = if line < self.starts.len() {
            self.starts[line] as usize
        } else {
            text.len()
        };
        text.get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line as u32, col as u32 + 1)
    }

    /// A [`Span`] for the byte range `start..end`.
    pub fn span(&self, text: &str, start: usize, end: usize) -> Span {
        let (line, col) = self.line_col(text, start);
        Span {
            start: start as u32,
            end: end as u32,
            line,
            col,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "é [[a]]\nsecond";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 3), (1, 3));
        assert_eq!(idx.line_col(text, text.find("second").unwrap()), (2, 1));
        assert_eq!(idx.line_text(text, 1), "é [[a]]");
        assert_eq!(idx.line_text(text, 2), "second");
    }
}
