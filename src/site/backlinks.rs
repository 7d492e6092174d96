//! Who links to what, for every entity at once, with a quote of the block each link sits in.
//!
//! The same answer as `query::references` gives for one entity (links by name, path, alias or
//! any case; in text, tables, embeds and frontmatter; links from a note to itself left out),
//! gathered in one pass over the vault instead of one pass per page.

use crate::graph::EntityId;
use crate::index::Target;
use crate::model::{LinkKind, NoteId};
use crate::pipeline::Analysis;
use crate::query::EntityRef;

use serde::Serialize;

use super::plan::Plan;
use super::text::readable;

/// How much of a line a context snippet keeps around its link.
const CONTEXT_CHARS: usize = 90;

/// One link into an entity: the linking note and the index of the link in its `links`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlink {
    pub note: NoteId,
    pub link: usize,
}

/// Links into each entity, by `EntityId`, in note order then text order.
#[derive(Debug, Default)]
pub struct Backlinks {
    pub by_entity: Vec<Vec<Backlink>>,
}

impl Backlinks {
    /// The links of published notes (a private note is nobody's backlink).
    pub fn collect(a: &Analysis, plan: &Plan) -> Self {
        let mut by_entity = vec![Vec::new(); a.graph.entity_count()];
        for (id, note) in a.vault.notes.iter().enumerate() {
            if !plan.is_published(id) {
                continue;
            }
            for (i, (link, r)) in note.links.iter().zip(&a.resolved[id]).enumerate() {
                let to = match r.target() {
                    Target::Note(t) | Target::Alias(t) if t != id => Some(a.graph.note_entity(t)),
                    Target::Unresolved => a
                        .graph
                        .entity_of(&EntityRef::Unresolved(link.target(note).to_owned())),
                    _ => None,
                };
                if let Some(to) = to {
                    by_entity[to].push(Backlink { note: id, link: i });
                }
            }
        }
        Self { by_entity }
    }

    pub fn of(&self, entity: EntityId) -> &[Backlink] {
        self.by_entity.get(entity).map_or(&[], Vec::as_slice)
    }

    /// How many notes link to `entity` (its links come grouped by note).
    pub fn note_count(&self, entity: EntityId) -> usize {
        let links = self.of(entity);
        links
            .iter()
            .zip(links.iter().skip(1))
            .filter(|(x, y)| x.note != y.note)
            .count()
            + usize::from(!links.is_empty())
    }
}

/// A backlink's quote: the paragraph, list item or table row the link sits in, as a reader
/// would say it (links by their text, emphasis and table pipes dropped), cut to about
/// [`CONTEXT_CHARS`] around the link, which the page highlights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub before: String,
    pub link: String,
    pub after: String,
    /// The bytes of the linking note the quote was made from: another link in them is
    /// quoted already.
    #[serde(skip)]
    pub source: std::ops::Range<usize>,
}

/// Stands for the link while its block is made readable; a character no note writes.
const MARK: char = '\u{E000}';

/// The quote of backlink `b`. Reads at most [`WINDOW`] bytes on each side of the link, so
/// a note with a hundred thousand links on one line costs a hundred thousand small quotes.
pub fn quote(a: &Analysis, b: Backlink) -> Quote {
    let note = &a.vault.notes[b.note];
    let link = &note.links[b.link];
    let shown = link
        .display(note)
        .map_or_else(|| label(note, link), readable);
    if link.kind == LinkKind::Frontmatter {
        return Quote {
            before: "(properties) ".to_owned(),
            link: shown,
            after: String::new(),
            source: link.span.range(),
        };
    }
    let text = note.text.as_str();
    let span = link.span.range();
    let (start, end) = block_around(text, span.clone(), link.in_table);
    let unmark = |c: char| {
        if c == MARK {
            char::REPLACEMENT_CHARACTER
        } else {
            c
        }
    };
    let mut src = String::with_capacity(end - start + 4);
    src.extend(text[start..span.start].chars().map(unmark));
    src.push(MARK);
    src.extend(text[span.end..end].chars().map(unmark));
    let flat = src
        .split('\n')
        .map(readable)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let (before, after) = flat.split_once(MARK).unwrap_or((&flat, ""));
    let budget = CONTEXT_CHARS.saturating_sub(shown.chars().count()) / 2;
    // Cut by the window: the block goes on beyond what was read.
    let cut_start = start > 0 && start == floor_boundary(text, span.start.saturating_sub(WINDOW));
    let cut_end =
        end < text.len() && end == ceil_boundary(text, (span.end + WINDOW).min(text.len()));
    Quote {
        before: tail(before, budget, cut_start),
        link: shown,
        after: head(after, budget, cut_end),
        source: start..end,
    }
}

/// What a link without `|display` shows: its target (and heading).
fn label(note: &crate::model::Note, link: &crate::model::Link) -> String {
    super::render::links::label(note, link)
}

/// How far from a link a quote looks for the start and end of its block, in bytes.
const WINDOW: usize = 600;

/// The block holding `span`: its table row, or the lines around it up to a blank line, a
/// heading, a list item or a table row — at most [`WINDOW`] bytes either side.
fn block_around(text: &str, span: std::ops::Range<usize>, in_table: bool) -> (usize, usize) {
    let floor = floor_boundary(text, span.start.saturating_sub(WINDOW));
    let ceil = ceil_boundary(text, (span.end + WINDOW).min(text.len()));
    let line_start = |at: usize| text[floor..at].rfind('\n').map_or(floor, |i| floor + i + 1);
    let line_end = |at: usize| text[at..ceil].find('\n').map_or(ceil, |i| at + i);
    let mut start = line_start(span.start);
    let mut end = line_end(span.end);
    if in_table {
        return (start, end);
    }
    // Upwards, until the line that starts the block.
    while start > floor && !starts_block(&text[start..end]) {
        let prev = line_start(start - 1);
        let line = &text[prev..start - 1];
        if line.trim().is_empty() || is_row(line) {
            break;
        }
        start = prev;
    }
    // Downwards, until a line that starts another block.
    while end < ceil {
        let next_end = line_end(end + 1);
        let line = &text[end + 1..next_end];
        if line.trim().is_empty() || starts_block(line) || is_row(line) || next_end == ceil {
            break;
        }
        end = next_end;
    }
    (start, end)
}

/// Does the line start a block of its own (a list item, heading or quote)?
fn starts_block(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    t.starts_with('#')
        || t.starts_with('>')
        || ["- ", "* ", "+ "].iter().any(|b| t.starts_with(b))
        || (digits > 0 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") ")))
}

fn is_row(line: &str) -> bool {
    line.trim_start().starts_with('|')
}

/// The end of `s`, at most `max` characters, `…` in front when cut (or when `more`).
fn tail(s: &str, max: usize, more: bool) -> String {
    let n = s.chars().count();
    if n <= max {
        return if more && !s.is_empty() {
            format!("…{s}")
        } else {
            s.to_owned()
        };
    }
    let cut: String = s.chars().skip(n - max).collect();
    let cut = cut.split_once(' ').map_or(cut.as_str(), |(_, rest)| rest);
    format!("…{cut}")
}

/// The start of `s`, at most `max` characters, `…` after when cut (or when `more`).
fn head(s: &str, max: usize, more: bool) -> String {
    let n = s.chars().count();
    if n <= max {
        return if more && !s.is_empty() {
            format!("{s}…")
        } else {
            s.to_owned()
        };
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(keep, _)| keep);
    format!("{cut}…")
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote_in(text: &str, target: &str) -> Quote {
        let vault = crate::model::Vault {
            notes: vec![
                crate::parse::parse_note("A.md".into(), text.as_bytes().to_vec()),
                crate::parse::parse_note(format!("{target}.md"), b"# T\n".to_vec()),
            ],
            ..Default::default()
        };
        let a = Analysis::from_vault(crate::config::Settings::defaults(".".into()), vault);
        let link = a.vault.notes[0]
            .links
            .iter()
            .position(|l| l.target(&a.vault.notes[0]) == target)
            .unwrap();
        quote(&a, Backlink { note: 0, link })
    }

    fn shown(q: &Quote) -> String {
        format!("{}[{}]{}", q.before, q.link, q.after)
    }

    #[test]
    fn a_quote_is_the_whole_paragraph_with_the_link_marked() {
        let q = quote_in(
            "# A\n\nFirst line of a paragraph,\nMichael Burry, [[XMAG]].\nTheses: **more**.\n\nNext.\n",
            "XMAG",
        );
        assert_eq!(
            shown(&q),
            "First line of a paragraph, Michael Burry, [XMAG]. Theses: more."
        );
    }

    #[test]
    fn list_items_and_table_rows_are_quoted_alone() {
        let q = quote_in("- one\n- two [[B|bee]] two\n  still two\n- three\n", "B");
        assert_eq!(shown(&q), "two [bee] two still two");
        let q = quote_in("| a | b |\n|---|---|\n| x | [[B]] |\n| y | z |\n", "B");
        assert_eq!(shown(&q), "x · [B]");
    }

    #[test]
    fn long_blocks_are_cut_around_the_link() {
        let words = "word ".repeat(400);
        let q = quote_in(&format!("{words}[[B]] {words}\n"), "B");
        assert!(q.before.starts_with('…') && q.after.ends_with('…'), "{q:?}");
        assert!(
            shown(&q).chars().count() <= CONTEXT_CHARS + 4,
            "{}",
            shown(&q)
        );
    }
}
