//! GFM tables as data, and the raw-row checks pulldown-cmark cannot do for us.
//!
//! GFM splits a row on every unescaped `|` before it parses links, so `[[Google|Alphabet]]`
//! in a row yields no link event at all and an extra cell; and cells beyond the header's
//! count are dropped without an event. Both are read here from the row's raw text.

use std::ops::Range;

use crate::model::{Align, Cell, Row, Table};
use crate::source::Span;

#[derive(Debug, Default)]
pub(super) struct CellBuilder {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub links: Vec<usize>,
    /// Keep the cell (`Detail::Full`); otherwise it is only counted.
    pub keep: bool,
}

#[derive(Debug)]
pub(super) struct TableBuilder {
    pub start: usize,
    pub alignments: Vec<Align>,
    pub caption: Option<String>,
    pub heading_path: Vec<String>,
    pub column_count: u32,
    /// Cells seen in the current row.
    pub row_cells: u32,
    /// Where the current row's last cell GFM kept ends.
    pub last_cell_end: usize,
    pub columns: Vec<Cell>,
    pub rows: Vec<Row>,
    pub cells: Vec<Cell>,
}

impl TableBuilder {
    /// The table, in boxed slices: kept for the whole run, it has no room to spare.
    pub fn finish(self, span: Span) -> Table {
        Table {
            span,
            heading_path: self.heading_path.into_boxed_slice(),
            caption: self.caption.map(String::into_boxed_str),
            column_count: self.column_count,
            columns: self.columns.into_boxed_slice(),
            alignments: self.alignments.into_boxed_slice(),
            rows: self.rows.into_boxed_slice(),
        }
    }
}

pub(super) fn align(a: pulldown_cmark::Alignment) -> Align {
    match a {
        pulldown_cmark::Alignment::None => Align::None,
        pulldown_cmark::Alignment::Left => Align::Left,
        pulldown_cmark::Alignment::Center => Align::Center,
        pulldown_cmark::Alignment::Right => Align::Right,
    }
}

/// What a row's raw text holds.
#[derive(Debug, Default)]
pub(super) struct RowScan {
    /// Cells as the writer meant them: escaped pipes and pipes of split wikilinks excluded.
    pub cell_count: u32,
    /// Wikilinks split by an unescaped `|`: `(start, end, pipe offset)`.
    pub split_links: Vec<(usize, usize, usize)>,
}

/// Reads the raw row `text[start..end]` (one line).
pub(super) fn scan_row(text: &str, start: usize, end: usize) -> RowScan {
    let row = text[start..end].trim_end_matches(['\n', '\r']);
    let bytes = row.as_bytes();
    let mut scan = RowScan::default();
    let mut from = 0;
    // Backticks before `from`, counted once as the scan moves on: recounting them from the
    // row's start for every link made a row of many links quadratic.
    let mut ticks = 0usize;
    while let Some(open) = find_pair(bytes, b'[', from) {
        let Some(close) = find_pair(bytes, b']', open + 2) else {
            break;
        };
        let inner = &row[open + 2..close];
        ticks += memchr::memchr_iter(b'`', &bytes[from..open]).count();
        let in_code = ticks % 2 == 1;
        let pipe = inner.find('|').map(|p| p + open + 2);
        if let Some(p) = pipe.filter(|&p| !escaped(bytes, p) && !in_code && !inner.contains('[')) {
            let link_start = if open > 0 && bytes[open - 1] == b'!' {
                open - 1
            } else {
                open
            };
            scan.split_links
                .push((start + link_start, start + close + 2, start + p));
        }
        ticks += memchr::memchr_iter(b'`', &bytes[open..close + 2]).count();
        from = close + 2;
    }
    let trimmed_start = row.len() - row.trim_start().len();
    let trimmed_end = row.trim_end().len();
    let mut pipes = 0u32;
    let (mut leading, mut trailing) = (false, false);
    // The split links' pipes, in order as the pipes are: one pass over both.
    let mut split_pipes = scan.split_links.iter().map(|l| l.2 - start).peekable();
    for i in memchr::memchr_iter(b'|', bytes) {
        while split_pipes.next_if(|&p| p < i).is_some() {}
        if escaped(bytes, i) || split_pipes.next_if_eq(&i).is_some() {
            continue;
        }
        pipes += 1;
        leading |= i == trimmed_start;
        trailing |= i + 1 == trimmed_end && i != trimmed_start;
    }
    scan.cell_count = (pipes + 1).saturating_sub(u32::from(leading) + u32::from(trailing));
    scan
}

/// The cells of the raw row that GFM dropped, trimmed and non-empty: the row's text after
/// `kept_to` (the end of the last cell it kept) up to `row_end`, split at unescaped `|`.
pub(super) fn dropped_cells(text: &str, kept_to: usize, row_end: usize) -> Vec<Range<usize>> {
    let Some(rest) = text.get(kept_to..row_end) else {
        return Vec::new();
    };
    let rest = rest.trim_end();
    // Most rows end right after their last kept cell: ` |` or nothing.
    if rest.trim_start_matches([' ', '\t', '|']).is_empty() {
        return Vec::new();
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    let pipes = memchr::memchr_iter(b'|', bytes).filter(|&i| !escaped(bytes, i));
    for to in pipes.chain([bytes.len()]) {
        let (s, e) = (from, to);
        from = to + 1;
        let piece = &rest[s..e];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let start = kept_to + s + lead;
            out.push(start..start + trimmed.len());
        }
    }
    out
}

/// The first `cc` (`[[`, `]]`) in `bytes` at or after `from`: what `str::find` gives, without
/// setting up a substring searcher for each short row.
fn find_pair(bytes: &[u8], c: u8, mut from: usize) -> Option<usize> {
    while let Some(i) = memchr::memchr(c, bytes.get(from..)?) {
        let at = from + i;
        if bytes.get(at + 1) == Some(&c) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Is the byte at `i` preceded by an odd number of backslashes?
fn escaped(bytes: &[u8], i: usize) -> bool {
    bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_cells_are_split_at_unescaped_pipes() {
        let row = "| Chevron | [[Exxon|XOM]] | [[Chevron]] | [[Shell]] |\n";
        let cells = |kept_to: usize| -> Vec<&str> {
            dropped_cells(row, kept_to, row.len())
                .into_iter()
                .map(|r| &row[r])
                .collect()
        };
        // GFM kept `Chevron` and `[[Exxon` (under a two-column header).
        assert_eq!(cells(19), ["XOM]]", "[[Chevron]]", "[[Shell]]"]);
        assert_eq!(cells(row.len() - 3), Vec::<&str>::new());
        let row = "| a | b | c \\| d | `e` |";
        let dropped: Vec<&str> = dropped_cells(row, 8, row.len())
            .into_iter()
            .map(|r| &row[r])
            .collect();
        assert_eq!(dropped, ["c \\| d", "`e`"]);
    }

    #[test]
    fn raw_cells_ignore_escaped_and_split_link_pipes() {
        assert_eq!(scan_row("| a | b |", 0, 9).cell_count, 2);
        assert_eq!(scan_row("| a | b | c |\n", 0, 14).cell_count, 3);
        assert_eq!(scan_row("a | b", 0, 5).cell_count, 2);
        assert_eq!(scan_row("| [[X\\|y]] | 2 |", 0, 16).cell_count, 2);
        let s = scan_row("| [[G|H]] | x |", 0, 15);
        assert_eq!(s.cell_count, 2);
        assert_eq!(s.split_links, vec![(2, 9, 5)]);
        let s = scan_row("| ![[c.png|200]] | `[[a|b]]` |", 0, 30);
        assert_eq!(s.split_links.len(), 1);
        // Backticks before a link, inside earlier links too, decide whether it is in code.
        let row = "| `x` [[a|b]] | [[c`|d]] [[e|f]] | `[[g|h]]` |";
        let s = scan_row(row, 0, row.len());
        let split: Vec<&str> = s.split_links.iter().map(|l| &row[l.0..l.1]).collect();
        assert_eq!(split, ["[[a|b]]", "[[c`|d]]", "[[g|h]]"]);
    }
}
