//! One pass per note: bytes → [`Note`].
//!
//! The file is decoded once, its frontmatter split at offset 0, and its body run through
//! pulldown-cmark once with offsets. Each event is handed to small collectors (links, tags,
//! tables, headings, dates); what pulldown-cmark does not know (comments, math, split table
//! links, `[[]]`) is read from the raw text of the ranges it reports. Later stages read the
//! [`Note`] and never parse again.

pub mod base;
pub(crate) mod comments;
mod dates;
pub use dates::MONTHS;
mod frontmatter;
mod links;
mod properties;
mod tables;
mod tags;

/// What the editor server completes and renames tags with.
pub(crate) use tags::{is_tag_char, valid_name as valid_tag_name};

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag as MdTag, TagEnd};

use crate::model::{
    BlockId, DatedSection, Heading, Link, LinkKind, Note, Suppression, Tag, TagSource, TextRef,
    Updated, UpdatedSource,
};
use crate::source::{LineIndex, Span};
use tables::{CellBuilder, TableBuilder};

/// The Markdown dialect: GFM plus wikilinks. Not math (it reads `$5-$10` as math) and not
/// metadata blocks (frontmatter is split by hand, at offset 0 only).
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_GFM
}

/// The longest paragraph (in bytes of text) read as a table's caption: a title line such as
/// `**Monthly fund flows (2025):**` fits, a paragraph of prose that happens to sit above a
/// table does not.
const MAX_CAPTION: usize = 120;

/// How much of a note the parser keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Everything: what exports, queries and the site read.
    #[default]
    Full,
    /// What resolution, the lint rules, the site and the link queries read: tables keep their
    /// shape (spans, column and raw cell counts) but not their cells, caption or heading path,
    /// which are most of a table-heavy note's model and which only the exports and `vaultc
    /// tables` read (the site renders tables from the note's text); the frontmatter keeps
    /// its parsed mapping (the site shows it, and reads `publish` and `draft` from it); the
    /// word count, which only the exports read, is 0.
    Lean,
}

/// Parses one note with everything kept. Never fails: what is wrong in the text is recorded
/// for the rules.
pub fn parse_note(path: String, bytes: Vec<u8>) -> Note {
    parse_note_with(path, bytes, Detail::Full)
}

/// A note's name: its file name without the `.md` extension (in any case, as the walk
/// takes `.MD` files for notes too).
pub fn note_name(path: &str) -> &str {
    let file = path.rsplit('/').next().unwrap_or(path);
    let n = file.len();
    if n >= 3 && file.is_char_boundary(n - 3) && file[n - 3..].eq_ignore_ascii_case(".md") {
        &file[..n - 3]
    } else {
        file
    }
}

/// Parses one note, keeping what `detail` asks for.
pub fn parse_note_with(path: String, bytes: Vec<u8>, detail: Detail) -> Note {
    let digest = *blake3::hash(&bytes).as_bytes();
    let (text, bom, lossy) = decode(bytes);
    let lines = LineIndex::new(&text);
    let name = note_name(&path).to_owned();
    let mut c = Collector::new(&text, &lines, detail);
    let body_start = match frontmatter::split(&text) {
        Some(split) => {
            frontmatter::read(&mut c, &split);
            split.body_start
        }
        None => 0,
    };
    c.body(body_start);
    let parts = c.finish();
    let title = parts
        .headings
        .iter()
        .find(|h| h.level == 1)
        .map_or_else(|| name.clone(), |h| h.text().to_owned());
    Note {
        title,
        name,
        path,
        digest,
        bom,
        lossy,
        frontmatter: parts.frontmatter,
        aliases: parts.aliases,
        tags: parts.tags,
        invalid_tags: parts.invalid_tags,
        headings: parts.headings,
        blocks: parts.blocks,
        links: parts.links,
        link_text: parts.link_text,
        empty_links: parts.empty_links,
        tables: parts.tables,
        updated: parts.updated,
        dated_sections: parts.dated_sections,
        suppressions: parts.suppressions,
        word_count: parts.word_count,
        text,
        lines,
    }
}

/// UTF-8 text without a BOM; invalid UTF-8 is decoded lossily and flagged.
fn decode(bytes: Vec<u8>) -> (String, bool, bool) {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let mut bytes = bytes;
    if bom {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, bom, false),
        Err(e) => (
            String::from_utf8_lossy(e.as_bytes()).into_owned(),
            bom,
            true,
        ),
    }
}

/// Everything collected from one note, before it is assembled into a [`Note`].
pub(crate) struct Collector<'t> {
    text: &'t str,
    detail: Detail,
    lines: &'t LineIndex,
    /// The last span made: (offset, line, column), for [`Collector::span`].
    last_span: std::cell::Cell<(usize, u32, u32)>,
    frontmatter: Option<crate::model::Frontmatter>,
    aliases: Vec<crate::model::Alias>,
    tags: Vec<Tag>,
    invalid_tags: Vec<crate::model::InvalidTag>,
    headings: Vec<Heading>,
    blocks: Vec<BlockId>,
    links: Vec<Link>,
    /// Link strings the text does not hold verbatim (see [`Note::link_text`]).
    link_text: String,
    empty_links: Vec<Span>,
    tables: Vec<crate::model::Table>,
    updated: Vec<Updated>,
    dated_sections: Vec<DatedSection>,
    suppressions: Vec<Suppression>,
    word_count: u32,
    /// `%%` and `$` positions for the post-pass, with what math may not cross.
    markers: comments::Markers,
    /// Code spans, code blocks and HTML: no links or comments there.
    inert: Vec<Range<usize>>,
    html_comments: Vec<Range<usize>>,
    anchors: rustc_hash::FxHashSet<String>,
}

/// The event loop's position in the document.
#[derive(Default)]
struct State {
    code_block: bool,
    link_depth: u32,
    heading: Option<(HeadingLevel, usize, String)>,
    heading_path: Vec<(u8, String)>,
    table: Option<TableBuilder>,
    cell: Option<CellBuilder>,
    /// The last paragraph: its end offset and plain text (a table caption candidate).
    last_paragraph: Option<(usize, String)>,
    paragraph: Option<String>,
    /// Where the last image or embed ended: a `^id` written right there names a block.
    embed_end: usize,
}

impl<'t> Collector<'t> {
    fn new(text: &'t str, lines: &'t LineIndex, detail: Detail) -> Self {
        Self {
            text,
            detail,
            lines,
            last_span: std::cell::Cell::new((0, 0, 0)),
            frontmatter: None,
            aliases: Vec::new(),
            tags: Vec::new(),
            invalid_tags: Vec::new(),
            headings: Vec::new(),
            blocks: Vec::new(),
            links: Vec::new(),
            link_text: String::new(),
            empty_links: Vec::new(),
            tables: Vec::new(),
            updated: Vec::new(),
            dated_sections: Vec::new(),
            suppressions: Vec::new(),
            word_count: 0,
            markers: comments::Markers::default(),
            inert: Vec::new(),
            html_comments: Vec::new(),
            anchors: rustc_hash::FxHashSet::default(),
        }
    }

    /// The span of `start..end`. Items mostly come in text order, many on one line (a
    /// table row's cells and links), so the column is counted on from the last span on the
    /// same line rather than from the line's start each time.
    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        let (last, line, col) = self.last_span.get();
        let same_line = start >= last
            && self.text.is_char_boundary(start)
            && self.text.is_char_boundary(last)
            && memchr::memchr(b'\n', &self.text.as_bytes()[last..start]).is_none();
        let span = if same_line && line > 0 {
            let col = col + self.text[last..start].chars().count() as u32;
            Span {
                start: start as u32,
                end: end as u32,
                line,
                col,
            }
        } else {
            self.lines.span(self.text, start, end)
        };
        self.last_span.set((start, span.line, span.col));
        span
    }

    pub(crate) fn push_link(&mut self, link: Link) -> usize {
        self.links.push(link);
        self.links.len() - 1
    }

    /// A handle for a link string that is not written verbatim where the link says: the same
    /// bytes in the text inside `within`, when they are there, else a copy in `link_text`.
    fn link_str(&mut self, s: &str, within: Option<Range<usize>>) -> TextRef {
        if s.is_empty() {
            return TextRef::in_side(0, 0);
        }
        // A UTF-8 string found in UTF-8 text starts and ends on character boundaries.
        if let Some(r) = within
            && let Some(i) = memchr::memmem::find(&self.text.as_bytes()[r.clone()], s.as_bytes())
        {
            return TextRef::in_text(r.start + i, r.start + i + s.len());
        }
        let start = self.link_text.len();
        self.link_text.push_str(s);
        TextRef::in_side(start, self.link_text.len())
    }

    /// The pulldown-cmark pass over the body.
    fn body(&mut self, body_start: usize) {
        let mut st = State::default();
        self.events(&mut st, body_start..self.text.len(), false);
        self.post_pass(body_start);
    }

    /// One pulldown-cmark pass over `text[range]`: the body, or a table cell GFM dropped
    /// (`inline_only`: its block events are skipped, as a cell holds no block).
    fn events(&mut self, st: &mut State, range: Range<usize>, inline_only: bool) {
        let src = &self.text[range.clone()];
        for (event, r) in Parser::new_ext(src, markdown_options()).into_offset_iter() {
            let r = r.start + range.start..r.end + range.start;
            if comments::splits_math(&event) {
                if inline_only {
                    continue;
                }
                self.markers.next_block();
            }
            match event {
                Event::Text(t) => self.on_text(st, &t, r),
                Event::Code(t) => {
                    self.inert.push(r);
                    st.append_text(&t);
                }
                Event::Html(h) | Event::InlineHtml(h) => {
                    if h.contains("<!--") {
                        self.html_comments.push(r.clone());
                    }
                    self.inert.push(r);
                }
                Event::SoftBreak | Event::HardBreak => st.append_text(" "),
                Event::Start(tag) => self.on_start(st, tag, r),
                Event::End(tag) => self.on_end(st, tag, r),
                _ => {}
            }
        }
    }

    fn on_text(&mut self, st: &mut State, t: &str, r: Range<usize>) {
        if st.code_block {
            return;
        }
        st.append_text(t);
        // Only the exports read the word count.
        if self.detail == Detail::Full {
            self.word_count += count_text_words(t);
        }
        // One pass over the source for the three markers: `%%` (comments, found left to
        // right without overlapping), `$` (math) and `#` (tags, outside link text).
        let src = &self.text.as_bytes()[r.clone()];
        let tags_here = st.link_depth == 0;
        let mut comment_end = 0;
        for i in memchr::memchr3_iter(b'%', b'$', b'#', src) {
            match src[i] {
                b'%' => {
                    if i >= comment_end && src.get(i + 1) == Some(&b'%') {
                        self.markers.comment(r.start + i);
                        comment_end = i + 2;
                    }
                }
                b'$' => self.markers.dollar(r.start + i),
                _ => {
                    if tags_here
                        && let Some((start, end)) = tags::tag_at(self.text, r.start + i, r.end)
                    {
                        self.tags.push(Tag {
                            name: self.text[start + 1..end].to_owned(),
                            source: TagSource::Inline,
                            span: self.span(start, end),
                        });
                    }
                }
            }
        }
        if !tags_here {
            return;
        }
        if st.table.is_none() {
            self.block_id(r, st.embed_end);
        }
    }

    /// A ` ^block-id` ending a line of text, or a `^block-id` written straight after an embed
    /// (`![[chart.png]]^chart`, as Obsidian's own help does; `embed_end` is where the last
    /// embed ended).
    fn block_id(&mut self, r: Range<usize>, embed_end: usize) {
        let text = self.text;
        let at_line_end = matches!(text.as_bytes().get(r.end), None | Some(b'\n' | b'\r'));
        if !at_line_end {
            return;
        }
        let Some(caret) = text[r.clone()].rfind('^').map(|i| r.start + i) else {
            return;
        };
        let id = text[caret + 1..r.end].trim_end();
        let before = text[..caret].chars().next_back();
        if at_line_end
            && !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && (before.is_none_or(char::is_whitespace) || (caret == embed_end && caret > 0))
        {
            self.blocks.push(BlockId {
                id: id.to_owned(),
                span: self.span(caret, caret + 1 + id.len()),
            });
        }
    }

    fn on_start(&mut self, st: &mut State, tag: MdTag<'_>, r: Range<usize>) {
        match tag {
            MdTag::Heading { level, .. } => st.heading = Some((level, r.start, String::new())),
            // A paragraph's text is only read as a table's caption, which only Full keeps.
            MdTag::Paragraph if self.detail == Detail::Full => st.paragraph = Some(String::new()),
            MdTag::CodeBlock(_) => {
                st.code_block = true;
                self.inert.push(r);
            }
            MdTag::Link {
                link_type,
                dest_url,
                ..
            } => {
                st.link_depth += 1;
                self.on_link(st, link_type, &dest_url, r, false);
            }
            MdTag::Image {
                link_type,
                dest_url,
                ..
            } => {
                st.link_depth += 1;
                self.on_link(st, link_type, &dest_url, r, true);
            }
            MdTag::Table(aligns) => {
                let full = self.detail == Detail::Full;
                let caption = st
                    .last_paragraph
                    .take()
                    .filter(|_| full)
                    // A longer paragraph's text was cut short (see `append_text`): not a caption.
                    .filter(|(end, text)| {
                        text.len() <= MAX_CAPTION && self.text[*end..r.start].trim().is_empty()
                    })
                    .map(|(_, text)| text.trim().trim_end_matches(':').trim().to_owned())
                    .filter(|t| !t.is_empty());
                st.table = Some(TableBuilder {
                    start: r.start,
                    alignments: aligns.into_iter().map(tables::align).collect(),
                    caption,
                    heading_path: if full {
                        st.heading_path.iter().map(|(_, t)| t.clone()).collect()
                    } else {
                        Vec::new()
                    },
                    column_count: 0,
                    row_cells: 0,
                    last_cell_end: 0,
                    columns: Vec::new(),
                    rows: Vec::new(),
                    cells: Vec::new(),
                });
            }
            MdTag::TableCell => {
                st.cell = Some(CellBuilder {
                    start: r.start,
                    end: r.end,
                    keep: self.detail == Detail::Full,
                    ..CellBuilder::default()
                });
            }
            _ => {}
        }
    }

    fn on_end(&mut self, st: &mut State, tag: TagEnd, r: Range<usize>) {
        match tag {
            TagEnd::Heading(_) => self.on_heading_end(st, r),
            TagEnd::Paragraph => {
                let text = st.paragraph.take().unwrap_or_default();
                self.stamps(r.clone());
                st.last_paragraph = Some((r.end, text));
            }
            TagEnd::CodeBlock => st.code_block = false,
            TagEnd::Link => st.link_depth = st.link_depth.saturating_sub(1),
            TagEnd::Image => {
                st.link_depth = st.link_depth.saturating_sub(1);
                st.embed_end = r.end;
            }
            TagEnd::TableCell => {
                if let (Some(cell), Some(table)) = (st.cell.take(), st.table.as_mut()) {
                    table.row_cells += 1;
                    table.last_cell_end = table.last_cell_end.max(r.end);
                    if !cell.keep {
                        return;
                    }
                    let (start, end) = trim_range(self.text, cell.start, cell.end);
                    table.cells.push(crate::model::Cell {
                        text: cell.text.trim().to_owned(),
                        span: self.span(start, end),
                        links: cell.links,
                    });
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => self.on_row_end(st, tag, r),
            TagEnd::Table => {
                if let Some(table) = st.table.take() {
                    let span = self.span(table.start, r.end);
                    self.tables.push(table.finish(span));
                }
            }
            _ => {}
        }
    }

    fn on_heading_end(&mut self, st: &mut State, r: Range<usize>) {
        let Some((level, start, text)) = st.heading.take() else {
            return;
        };
        let level = level as u8;
        let text = collapse_whitespace(&text);
        let raw = heading_source(&self.text[start..r.end]);
        let key = heading_key(raw);
        // Without markup the text as shown is the text as written: one key.
        let plain = text == raw && !text.contains("==");
        let shown = if plain {
            String::new()
        } else {
            shown_key(&text)
        };
        let shown = if shown == key { "" } else { shown.as_str() };
        let anchor = unique_anchor(&self.anchors, &text);
        let (s, e) = trim_range(self.text, start, r.end);
        let span = self.span(s, e);
        if let Some(date) = dates::heading_date(&text) {
            self.dated_sections.push(DatedSection {
                heading: text.clone(),
                date,
                span,
            });
        }
        // The heading path is only kept with a table, in Full.
        if self.detail == Detail::Full {
            while st.heading_path.last().is_some_and(|(l, _)| *l >= level) {
                st.heading_path.pop();
            }
            st.heading_path.push((level, text.clone()));
        }
        self.headings
            .push(Heading::new(level, &text, &key, &anchor, shown, span));
        self.anchors.insert(anchor);
    }

    fn on_link(
        &mut self,
        st: &mut State,
        link_type: LinkType,
        dest: &str,
        r: Range<usize>,
        image: bool,
    ) {
        let in_table = st.cell.is_some();
        let index = match link_type {
            LinkType::WikiLink { .. } => {
                self.markers.wikilink(r.clone());
                let kind = if image {
                    LinkKind::Embed
                } else {
                    LinkKind::Wiki
                };
                match links::parse_wikilink(self.text, r.start, r.end, kind) {
                    Some(parts) if parts.is_empty() => {
                        self.empty_links.push(self.span(r.start, r.end));
                        None
                    }
                    Some(parts) => {
                        let span = self.span(r.start, r.end);
                        Some(self.push_link(parts.into_link(span, in_table)))
                    }
                    None => None,
                }
            }
            LinkType::Inline | LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut => {
                links::local_destination(dest).map(|(target, sub)| {
                    let span = self.span(r.start, r.end);
                    // The target is a slice of the text only where the path is written
                    // verbatim: that range is where a fix goes (see `Link::target_range`).
                    let target =
                        match links::markdown_target_range(self.text, r.start, r.end, &target) {
                            Some((s, e)) => TextRef::in_text(s, e),
                            None => self.link_str(&target, None),
                        };
                    let subpath_raw = sub.map(|s| self.link_str(&s, Some(r.clone())));
                    self.push_link(Link {
                        kind: if image {
                            LinkKind::Embed
                        } else {
                            LinkKind::Markdown
                        },
                        target,
                        subpath_raw,
                        display: None,
                        span,
                        in_table,
                        unescaped_pipe: None,
                    })
                })
            }
            _ => None,
        };
        if let (Some(i), Some(cell)) = (index, st.cell.as_mut().filter(|c| c.keep)) {
            cell.links.push(i);
        }
    }

    /// A table row (or the header) ended: keep its cells and read its raw text.
    fn on_row_end(&mut self, st: &mut State, tag: TagEnd, r: Range<usize>) {
        let Some(table) = st.table.as_mut() else {
            return;
        };
        let kept_to = std::mem::take(&mut table.last_cell_end);
        let mut cells = std::mem::take(&mut table.cells);
        cells.shrink_to_fit();
        // The empty cells GFM adds to a short row have no text: they are placed where the
        // row's text ends (pulldown-cmark puts them after its line break).
        let (row_start, row_end) = trim_range(self.text, r.start, r.end);
        for cell in cells.iter_mut().filter(|c| c.span.start as usize > row_end) {
            cell.span = self.span(row_end, row_end);
        }
        let row_cells = std::mem::take(&mut table.row_cells);
        let scan = tables::scan_row(self.text, r.start, r.end);
        // GFM splits at every unescaped `|`, split links' too: wider than the header?
        let gfm_cells = scan.cell_count as usize + scan.split_links.len();
        let dropped = tag == TagEnd::TableRow && gfm_cells > table.column_count as usize;
        for (start, end, pipe) in scan.split_links {
            let Some(parts) = links::parse_wikilink(self.text, start, end, LinkKind::Wiki) else {
                continue;
            };
            let span = self.span(start, end);
            let mut link = parts.into_link(span, true);
            link.unescaped_pipe = Some(pipe as u32);
            self.links.push(link);
            let index = self.links.len() - 1;
            if let Some(cell) = cells
                .iter_mut()
                .find(|c| (c.span.start as usize..c.span.end as usize).contains(&start))
            {
                cell.links.push(index);
            }
        }
        if tag == TagEnd::TableHead {
            table.column_count = row_cells;
            table.columns = cells;
        } else {
            let span = self.lines.span(self.text, row_start, row_end);
            table.rows.push(crate::model::Row {
                span,
                cells: cells.into_boxed_slice(),
                raw_cell_count: scan.cell_count,
            });
            if dropped {
                self.dropped_cells(st, kept_to, r.end);
            }
        }
    }

    /// The cells of a row past the header's width, which GFM drops without an event: a row is
    /// text first, so their links, tags and markers belong to the note all the same. Each is
    /// parsed on its own, as the cell GFM would have made; it joins no [`Row`](crate::model::Row)
    /// (whose cells are the header's width), and its links are `in_table`.
    fn dropped_cells(&mut self, st: &mut State, kept_to: usize, row_end: usize) {
        for cell in tables::dropped_cells(self.text, kept_to, row_end) {
            let saved = st.cell.replace(CellBuilder::default());
            self.markers.next_block();
            self.events(st, cell, true);
            self.markers.next_block();
            st.cell = saved;
        }
    }

    /// `updated` stamps on the lines of a paragraph.
    fn stamps(&mut self, r: Range<usize>) {
        let para = &self.text[r.clone()];
        for stamp in dates::find_stamps(para) {
            let (s, e) = (stamp.range.start, stamp.range.end);
            self.updated.push(Updated {
                date: stamp.date,
                raw: para[s..e].to_owned(),
                source: UpdatedSource::Footer,
                span: self.span(r.start + s, r.start + e),
                whole_month: stamp.whole_month,
            });
        }
    }

    /// Comments and math, found from the markers the loop collected; then everything that
    /// sits inside them is dropped, and `[[]]`-style empty links are read from the raw text.
    fn post_pass(&mut self, body_start: usize) {
        let text = self.text;
        let (comments, math) = std::mem::take(&mut self.markers).hidden_ranges(text);
        for r in &comments {
            let content = text[r.start + 2..r.end.min(text.len())].trim_end_matches("%%");
            self.directive(content, r.start);
        }
        for r in std::mem::take(&mut self.html_comments) {
            let html = &text[r.clone()];
            let mut pos = 0;
            while let Some(open) = html[pos..].find("<!--").map(|i| i + pos) {
                // `<!-->` opens and closes at once: look for `-->` after the opener.
                let close = html[open + 4..]
                    .find("-->")
                    .map_or(html.len(), |i| open + 4 + i);
                self.directive(&html[open + 4..close], r.start + open);
                pos = close;
            }
        }
        let hidden = |pos: usize| comments::inside(&comments, pos) || comments::inside(&math, pos);
        if !comments.is_empty() || !math.is_empty() {
            self.drop_hidden(&hidden);
        }
        self.inert.sort_by_key(|r| r.start);
        self.scan_empty_links(body_start, &hidden);
    }

    fn directive(&mut self, content: &str, at: usize) {
        if let Some((scope, rules)) = comments::directive(content) {
            let span = self.span(at, at + content.len());
            self.suppressions.push(Suppression {
                scope,
                rules,
                line: span.line,
                span,
            });
        }
    }

    /// Removes items inside comments or math; table cells' link indexes are renumbered.
    fn drop_hidden(&mut self, hidden: &dyn Fn(usize) -> bool) {
        let mut new_index = Vec::with_capacity(self.links.len());
        let mut kept = 0;
        for link in &self.links {
            let keep = link.kind == LinkKind::Frontmatter || !hidden(link.span.start as usize);
            new_index.push(keep.then_some(kept));
            kept += usize::from(keep);
        }
        self.links
            .retain(|l| l.kind == LinkKind::Frontmatter || !hidden(l.span.start as usize));
        for table in &mut self.tables {
            let cells = table
                .columns
                .iter_mut()
                .chain(table.rows.iter_mut().flat_map(|r| r.cells.iter_mut()));
            for cell in cells {
                cell.links = cell.links.iter().filter_map(|&i| new_index[i]).collect();
            }
        }
        self.tags
            .retain(|t| t.source == TagSource::Frontmatter || !hidden(t.span.start as usize));
        self.blocks.retain(|b| !hidden(b.span.start as usize));
        self.headings.retain(|h| !hidden(h.span.start as usize));
        self.dated_sections
            .retain(|d| !hidden(d.span.start as usize));
        self.tables.retain(|t| !hidden(t.span.start as usize));
        self.updated
            .retain(|u| u.source == UpdatedSource::Frontmatter || !hidden(u.span.start as usize));
    }

    /// `[[]]` and `[[|alias]]` are plain text to pulldown-cmark; find them in the raw body.
    fn scan_empty_links(&mut self, body_start: usize, hidden: &dyn Fn(usize) -> bool) {
        let text = self.text;
        let finder = memchr::memmem::Finder::new(b"[[");
        for at in finder
            .find_iter(&text.as_bytes()[body_start..])
            .map(|i| i + body_start)
        {
            let rest = &text[at + 2..];
            let inner_len = memchr::memmem::find(rest.as_bytes(), b"]]")
                .filter(|&e| !rest[..e].contains(['\n', '[']));
            let Some(len) = inner_len else { continue };
            let inner = rest[..len].trim();
            if !(inner.is_empty() || inner.starts_with('|') || inner.starts_with("\\|")) {
                continue;
            }
            let start = if at > 0 && text.as_bytes()[at - 1] == b'!' {
                at - 1
            } else {
                at
            };
            if hidden(at) || comments::inside(&self.inert, at) {
                continue;
            }
            self.empty_links.push(self.span(start, at + 2 + len + 2));
        }
        self.empty_links.sort();
        self.empty_links.dedup_by_key(|s| s.start);
    }

    fn finish(mut self) -> Collected {
        // Every note's model lives until the run ends: give back what the vectors grew past.
        self.links.shrink_to_fit();
        self.link_text.shrink_to_fit();
        self.headings.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.tables.shrink_to_fit();
        Collected {
            frontmatter: self.frontmatter,
            aliases: self.aliases,
            tags: self.tags,
            invalid_tags: self.invalid_tags,
            headings: self.headings,
            blocks: self.blocks,
            links: self.links,
            link_text: self.link_text,
            empty_links: self.empty_links,
            tables: self.tables,
            updated: self.updated,
            dated_sections: self.dated_sections,
            suppressions: self.suppressions,
            word_count: self.word_count,
        }
    }
}

impl State {
    /// Text inside a heading, table cell or paragraph also builds their plain text.
    fn append_text(&mut self, t: &str) {
        if let Some((_, _, h)) = self.heading.as_mut() {
            h.push_str(t);
        }
        if let Some(cell) = self.cell.as_mut().filter(|c| c.keep) {
            cell.text.push_str(t);
        }
        // Only a short paragraph can be a caption: longer ones are not copied.
        if let Some(p) = self.paragraph.as_mut()
            && p.len() <= MAX_CAPTION
        {
            p.push_str(t);
        }
    }
}

struct Collected {
    frontmatter: Option<crate::model::Frontmatter>,
    aliases: Vec<crate::model::Alias>,
    tags: Vec<Tag>,
    invalid_tags: Vec<crate::model::InvalidTag>,
    headings: Vec<Heading>,
    blocks: Vec<BlockId>,
    links: Vec<Link>,
    link_text: String,
    empty_links: Vec<Span>,
    tables: Vec<crate::model::Table>,
    updated: Vec<Updated>,
    dated_sections: Vec<DatedSection>,
    suppressions: Vec<Suppression>,
    word_count: u32,
}

/// Words in a run of text, as Obsidian's status bar counts them for CJK: each Han or kana
/// character is a word of its own, and CJK punctuation separates like a space. Elsewhere a
/// word is a run of non-whitespace ([`count_words`]), except that a run touching CJK text
/// counts only if it holds a letter or digit (`（天马-1000）` is 天, 马 and `-1000`, the
/// brackets are not words). Hangul is written with spaces and counts by them.
fn count_text_words(t: &str) -> u32 {
    if t.is_ascii() {
        return count_words(t.as_bytes());
    }
    /// The run of other characters being read.
    #[derive(Default)]
    struct Run {
        open: bool,
        after_cjk: bool,
        alphanumeric: bool,
    }
    impl Run {
        /// Ends the run: is it a word? (`before_cjk`: a CJK character ends it.)
        fn end(&mut self, before_cjk: bool) -> u32 {
            let run = std::mem::take(self);
            let word = run.alphanumeric || !(run.after_cjk || before_cjk);
            u32::from(run.open && word)
        }
    }
    let mut count = 0;
    let mut run = Run::default();
    let mut last_cjk = false;
    for c in t.chars() {
        if is_cjk_letter(c) {
            count += run.end(true) + 1;
            last_cjk = true;
        } else if c.is_ascii_whitespace() || is_cjk_punctuation(c) {
            count += run.end(false);
            last_cjk = false;
        } else {
            if !run.open {
                run.open = true;
                run.after_cjk = last_cjk;
            }
            run.alphanumeric |= c.is_alphanumeric();
            last_cjk = false;
        }
    }
    count + run.end(false)
}

/// A Han character (ideograph) or kana: a word on its own.
fn is_cjk_letter(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'          // 々 〆 〇
        | '\u{3041}'..='\u{3096}'        // Hiragana
        | '\u{309D}'..='\u{309F}'
        | '\u{30A1}'..='\u{30FA}'        // Katakana (not the middle dot ・)
        | '\u{30FC}'..='\u{30FF}'
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'        // CJK Unified Ideographs, extension A
        | '\u{4E00}'..='\u{9FFF}'        // CJK Unified Ideographs
        | '\u{F900}'..='\u{FAFF}'        // compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}'        // halfwidth katakana
        | '\u{20000}'..='\u{2FA1F}'      // extensions B to F, compatibility supplement
        | '\u{30000}'..='\u{323AF}') // extensions G and H
}

/// CJK symbols and punctuation, and the fullwidth forms of ASCII punctuation: `。，、「」！`.
fn is_cjk_punctuation(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{3004}'
        | '\u{3008}'..='\u{3040}'
        | '\u{30FB}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}')
}

/// Words in a run of text: starts of non-whitespace runs (ASCII whitespace separates).
fn count_words(bytes: &[u8]) -> u32 {
    // A word starts at a non-space byte that is first or follows a space: counted pairwise,
    // with no state carried from byte to byte, so the loop runs on vectors.
    fn space(b: u8) -> bool {
        // `u8::is_ascii_whitespace`, written so that it vectorises.
        (b == b' ') | (b == b'\t') | (b == b'\n') | (b == b'\x0C') | (b == b'\r')
    }
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let starts = bytes
        .iter()
        .zip(&bytes[1..])
        .map(|(&a, &b)| u32::from(space(a) & !space(b)))
        .sum::<u32>();
    starts + u32::from(!space(first))
}

/// The range without surrounding whitespace (line endings included).
fn trim_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    (start + lead, start + s.trim_end().len().max(lead))
}

/// A heading's raw text: ATX markers and closing hashes, or a setext underline, removed.
fn heading_source(raw: &str) -> &str {
    let raw = raw.trim();
    if raw.starts_with('#') {
        let body = raw.trim_start_matches('#');
        let body = body.trim_end();
        let closed = body.trim_end_matches('#');
        if closed.len() < body.len() && closed.ends_with([' ', '\t']) {
            closed.trim()
        } else {
            body.trim()
        }
    } else {
        raw.lines().next().unwrap_or("").trim()
    }
}

/// Obsidian's heading key for link matching: keep letters, digits, `_`, `-` and emoji,
/// turn everything else into a space, collapse spaces, fold case (OBSIDIAN.md B1).
pub fn heading_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if tags::is_tag_char(c) && c != '/' {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            push_lowercase(&mut out, c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// The heading key of a heading's text as shown (link brackets gone, a link's alias for the
/// link, emphasis and code marks gone), with highlight marks `==` dropped too: what a link
/// written from the rendered heading gives.
fn shown_key(text: &str) -> String {
    if text.contains("==") {
        heading_key(&text.replace("==", ""))
    } else {
        heading_key(text)
    }
}

/// `out.extend(c.to_lowercase())`, without the iterator for ASCII.
fn push_lowercase(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        out.extend(c.to_lowercase());
    }
}

/// Words separated by single spaces (what `split_whitespace` + `join(" ")` gives).
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A URL fragment for a heading (GitHub's style), unique within the note (the caller adds it
/// to `taken`).
fn unique_anchor(taken: &rustc_hash::FxHashSet<String>, text: &str) -> String {
    let mut base = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            ' ' => '-',
            c if c.is_alphanumeric() || c == '-' || c == '_' => c,
            _ => continue,
        };
        push_lowercase(&mut base, c);
    }
    let base = if base.is_empty() {
        "section".to_owned()
    } else {
        base
    };
    if taken.contains(&base) {
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|a| !taken.contains(a))
            .unwrap_or(base)
    } else {
        base
    }
}

#[cfg(test)]
mod tests;
