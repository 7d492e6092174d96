//! The vault model: plain data made once by `parse` and read by every later stage.
//!
//! Nothing here knows about resolution, rules or output formats. Each item keeps the
//! [`Span`] it came from, so a diagnostic, an export or a site page can point back at the text.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::source::{LineIndex, Span};

/// Index of a note in [`Vault::notes`].
pub type NoteId = usize;

/// Everything loaded from a vault folder.
#[derive(Debug, Default)]
pub struct Vault {
    /// The vault folder as given (absolute or relative to the working directory).
    pub root: std::path::PathBuf,
    /// Notes sorted by path.
    pub notes: Vec<Note>,
    /// Vault-relative, `/`-separated paths of the files that are not notes, sorted.
    pub attachments: Vec<String>,
    /// Files or folders that could not be read; the run goes on without them.
    pub load_errors: Vec<LoadError>,
    /// The Obsidian Bases files (`*.base`) among the attachments, read, sorted by path.
    pub bases: Vec<BaseFile>,
}

/// An Obsidian Bases file: views of the notes its filters select.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseFile {
    /// Vault-relative path, as in [`Vault::attachments`].
    pub path: String,
    /// The filter every view applies.
    pub filter: Option<BaseFilter>,
    pub views: Vec<BaseView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BaseView {
    pub name: String,
    /// The view's own filter, besides the file's.
    pub filter: Option<BaseFilter>,
    /// The columns (`order`): `file.name` or a property.
    pub columns: Vec<String>,
}

/// A Bases filter, as far as it is simple enough to apply outside Obsidian.
#[derive(Debug, Clone, PartialEq)]
pub enum BaseFilter {
    And(Vec<BaseFilter>),
    Or(Vec<BaseFilter>),
    Not(Vec<BaseFilter>),
    /// `file.hasTag("t")`
    Tag(String),
    /// `file.inFolder("f")`
    Folder(String),
    /// `property == value`
    Equals(String, serde_json::Value),
    /// Anything else, as written: the view cannot be computed here.
    Other(String),
}

/// A file or folder the loader could not read.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub path: String,
    pub message: String,
}

/// One Markdown note and everything extracted from it in one pass.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Note {
    /// Vault-relative path with `/` separators, e.g. `Actors/NVIDIA.md`.
    pub path: String,
    /// The file stem, e.g. `NVIDIA`.
    pub name: String,
    /// The first level-1 heading, or the name.
    pub title: String,
    /// The note's text (a UTF-8 byte-order mark, if any, removed; see `bom`).
    pub text: String,
    /// Made from `text` again when a note comes out of the note cache.
    #[serde(skip)]
    pub lines: LineIndex,
    /// BLAKE3 of the file's bytes as read: tells a rebuild whether a touched note changed.
    pub digest: [u8; 32],
    /// The file began with a UTF-8 byte-order mark.
    pub bom: bool,
    /// The file was not valid UTF-8; `text` holds a lossy decoding and must never be written back.
    pub lossy: bool,
    pub frontmatter: Option<Frontmatter>,
    pub aliases: Vec<Alias>,
    pub tags: Vec<Tag>,
    /// Frontmatter tag values that cannot be tags.
    pub invalid_tags: Vec<InvalidTag>,
    pub headings: Vec<Heading>,
    pub blocks: Vec<BlockId>,
    pub links: Vec<Link>,
    /// Link strings that are not slices of `text` (percent-decoded Markdown link paths and
    /// subpaths), addressed by the links' [`TextRef`]s; empty for most notes.
    pub link_text: String,
    /// `[[]]`, `[[|alias]]`, `[[#]]`: link syntax with nothing to link to.
    pub empty_links: Vec<Span>,
    pub tables: Vec<Table>,
    /// Every `updated` stamp found (frontmatter keys and body footers), in text order.
    pub updated: Vec<Updated>,
    /// Headings that name a date, such as `### January 14, 2026 update`.
    pub dated_sections: Vec<DatedSection>,
    pub suppressions: Vec<Suppression>,
    /// Words in the body's text (0 at [`Detail::Lean`](crate::parse::Detail)).
    pub word_count: u32,
}

impl Note {
    /// The `updated` date that counts: the latest valid one among the note's stamps.
    pub fn updated_date(&self) -> Option<&Updated> {
        self.updated
            .iter()
            .filter(|u| u.date.is_some())
            .max_by_key(|u| u.date)
    }

    /// The size of the file the note was read from, when it was valid UTF-8 (`text` plus the
    /// byte-order mark it lost).
    pub fn file_len(&self) -> u64 {
        self.text.len() as u64 + if self.bom { 3 } else { 0 }
    }

    /// The note's folder, `""` at the vault root.
    pub fn folder(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        self.lines.span(&self.text, start, end)
    }

    /// The string a link's [`TextRef`] names.
    pub fn str_of(&self, r: TextRef) -> &str {
        match r.locate() {
            (true, range) => &self.link_text[range],
            (false, range) => &self.text[range],
        }
    }
}

/// The YAML block at the top of a note.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frontmatter {
    /// The YAML text between the fences.
    pub span: Span,
    /// The parsed mapping, as JSON values; `None` when the YAML is invalid or not a mapping.
    #[serde(with = "json_text")]
    pub value: Option<serde_json::Map<String, serde_json::Value>>,
    pub error: Option<FrontmatterError>,
    /// Values written `[[Target]]` without quotes: YAML reads a nested list there, and
    /// Obsidian no link. The span is the `[[…]]`.
    pub unquoted_links: Vec<Span>,
    /// Keys Obsidian deprecated (`tag`, `alias`, `cssclass`), which vaultc still reads.
    pub deprecated_keys: Vec<DeprecatedKey>,
    /// Where each top-level property of `value` is written, in text order; a property whose
    /// key is written with escapes, or whose shape could not be read, has none.
    pub properties: Vec<Property>,
}

/// Where a top-level frontmatter property is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// The key, inside its quotes when quoted: the note's text there is the key.
    pub key_span: Span,
    /// The value as written: a scalar inside its quotes, a `[…]` or `{…}` bracket to
    /// bracket, a block list from its first `-` to the end of its last item, a block scalar
    /// from its `|` or `>`, a nested mapping from its first key to its last line; an empty
    /// span right after the `:` when there is no value.
    pub span: Span,
    /// One span per item when the value is a list, as `span` is for a value; else empty.
    pub items: Box<[Span]>,
}

/// A deprecated property key and how to write it the current way.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeprecatedKey {
    /// The key as written: `tag`, `alias` or `cssclass`.
    pub key: String,
    /// The key Obsidian reads now: `tags`, `aliases` or `cssclasses`.
    pub current: String,
    /// Where the key is written.
    pub span: Span,
    /// The text changes that rename the key, or that move its values into the current key
    /// when the note has both: byte ranges of the note's text and their new text, in text
    /// order. Empty when no change keeps the values safely (vaultc then only reports).
    pub rewrite: Vec<Replacement>,
}

/// `text[start..end]` becomes `with`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    pub start: u32,
    pub end: u32,
    pub with: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrontmatterError {
    pub message: String,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Alias {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TagSource {
    Inline,
    Frontmatter,
}

/// A tag without its `#`, as written (`markets/rotation`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tag {
    pub name: String,
    pub source: TagSource,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvalidTag {
    pub text: String,
    pub reason: std::borrow::Cow<'static, str>,
    pub span: Span,
}

/// A heading: its level, span and the forms of its text (see the methods).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Heading {
    pub level: u8,
    pub span: Span,
    /// `text`, `key`, `anchor` and `shown_key` end to end: one allocation per heading, not
    /// four (a vault has about ten headings per note, all kept for the run).
    strings: Box<str>,
    key_at: u32,
    anchor_at: u32,
    shown_key_at: u32,
}

impl Heading {
    /// `shown_key` is the key of the text as shown, `""` when it is `key`.
    pub fn new(
        level: u8,
        text: &str,
        key: &str,
        anchor: &str,
        shown_key: &str,
        span: Span,
    ) -> Self {
        let anchor_at = text.len() + key.len();
        Self {
            level,
            span,
            strings: [text, key, anchor, shown_key].concat().into_boxed_str(),
            key_at: text.len() as u32,
            anchor_at: anchor_at as u32,
            shown_key_at: (anchor_at + anchor.len()) as u32,
        }
    }

    /// The heading as a reader sees it (link brackets and emphasis markers removed).
    pub fn text(&self) -> &str {
        &self.strings[..self.key_at as usize]
    }

    /// Obsidian's matching key of the heading as written: punctuation dropped, spaces
    /// collapsed, case folded.
    pub fn key(&self) -> &str {
        &self.strings[self.key_at as usize..self.anchor_at as usize]
    }

    /// A URL fragment, unique within the note.
    pub fn anchor(&self) -> &str {
        &self.strings[self.anchor_at as usize..self.shown_key_at as usize]
    }

    /// The matching key of the heading as shown, when it differs from [`Heading::key`]: what
    /// a heading holding `[[Apple]]-Intel`, `[[Microsoft|MSFT]]` or `==mark==` is linked by
    /// (Obsidian's heading autocomplete writes the shown text).
    pub fn shown_key(&self) -> Option<&str> {
        Some(&self.strings[self.shown_key_at as usize..]).filter(|k| !k.is_empty())
    }

    /// Does a link's heading key ([`crate::parse::heading_key`]) name this heading, as
    /// written or as shown?
    #[inline]
    pub fn matches_key(&self, key: &str) -> bool {
        self.key() == key || (!key.is_empty() && &self.strings[self.shown_key_at as usize..] == key)
    }
}

/// A `^block-id` at the end of a paragraph or list item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BlockId {
    pub id: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// `[[target]]`
    Wiki,
    /// `![[target]]`
    Embed,
    /// `[text](target.md)` or `![alt](image.png)` pointing into the vault.
    Markdown,
    /// A `"[[target]]"` string in the frontmatter.
    Frontmatter,
}

/// Where one of a link's strings lives: a byte range of its note's `text` or, for a string
/// the text does not hold verbatim (a percent-decoded Markdown link path), of the note's
/// `link_text`. Resolve it with [`Note::str_of`].
///
/// Nearly every link string is a slice of the text, so a link owns no heap memory; the high
/// bit of `start` says which buffer the range is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TextRef {
    start: u32,
    end: u32,
}

impl TextRef {
    const SIDE: u32 = 1 << 31;

    /// `text[start..end]` of the note.
    pub(crate) fn in_text(start: usize, end: usize) -> Self {
        debug_assert!(start <= end && (end as u64) < u64::from(Self::SIDE));
        Self {
            start: start as u32,
            end: end as u32,
        }
    }

    /// `link_text[start..end]` of the note.
    pub(crate) fn in_side(start: usize, end: usize) -> Self {
        debug_assert!(start <= end && (end as u64) < u64::from(Self::SIDE));
        Self {
            start: start as u32 | Self::SIDE,
            end: end as u32,
        }
    }

    /// The byte range in the note's `text`, when the string is a slice of it.
    pub fn text_range(self) -> Option<std::ops::Range<usize>> {
        let (side, range) = self.locate();
        (!side).then_some(range)
    }

    /// Whether the range is in `link_text`, and the range.
    fn locate(self) -> (bool, std::ops::Range<usize>) {
        let side = self.start & Self::SIDE != 0;
        (side, (self.start & !Self::SIDE) as usize..self.end as usize)
    }
}

/// What follows the first `#` of a link target, read from the raw subpath (see
/// [`Link::subpath`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum Subpath<'a> {
    None,
    /// `#H1#H2`: a heading chain; the last is the target, the others its ancestors.
    Heading(HeadingChain<'a>),
    /// `#^id`
    Block(&'a str),
}

impl<'a> Subpath<'a> {
    /// Reads a raw subpath (the text after the first `#`): `Heading`, `H1#H2` or `^block`.
    /// Blank parts of a chain are skipped; nothing left (`#`, `# #`, `#^`) is `None`.
    pub fn parse(raw: &'a str) -> Self {
        let raw = raw.trim();
        if let Some(id) = raw.strip_prefix('^') {
            let id = id.trim();
            return if id.is_empty() {
                Subpath::None
            } else {
                Subpath::Block(id)
            };
        }
        let chain = HeadingChain(raw);
        if chain.iter().next().is_none() {
            Subpath::None
        } else {
            Subpath::Heading(chain)
        }
    }
}

/// A heading chain `H1#H2`, kept as written; [`HeadingChain::iter`] gives its headings
/// (trimmed, blanks skipped). Never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadingChain<'a>(&'a str);

impl<'a> HeadingChain<'a> {
    /// The headings, outermost first.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = &'a str> + Clone + 'a {
        self.0.split('#').map(str::trim).filter(|s| !s.is_empty())
    }

    /// The heading the link points at.
    pub fn last(self) -> &'a str {
        self.iter().next_back().unwrap_or("")
    }

    /// The headings joined with `#` (blanks and spaces around them dropped).
    pub fn joined(self) -> String {
        self.iter().collect::<Vec<_>>().join("#")
    }
}

impl Serialize for HeadingChain<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A link or embed as written, before resolution.
///
/// Its strings are [`TextRef`]s into the note: read them with [`Link::target`],
/// [`Link::display`], [`Link::subpath_raw`] and [`Link::subpath`], passing the note the link
/// belongs to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Link {
    /// The whole link, brackets included.
    pub span: Span,
    /// The link path: trimmed, without `#subpath` or `|display`; `""` means this note.
    /// A slice of the text exactly when the path is written verbatim (see
    /// [`Link::target_range`]).
    pub(crate) target: TextRef,
    /// The text after the first `|`.
    pub(crate) display: Option<TextRef>,
    /// The raw text after the first `#`, if any (image size hints and PDF pages live here too).
    pub(crate) subpath_raw: Option<TextRef>,
    /// Byte offset of an unescaped `|` that splits this link across two table cells.
    pub unescaped_pipe: Option<u32>,
    pub kind: LinkKind,
    /// The link sits in a table cell.
    pub in_table: bool,
}

impl Link {
    pub fn is_embed(&self) -> bool {
        self.kind == LinkKind::Embed
    }

    /// The link path: trimmed, without `#subpath` or `|display`, percent-decoded for Markdown
    /// links; `""` means this note.
    pub fn target<'n>(&self, note: &'n Note) -> &'n str {
        note.str_of(self.target)
    }

    /// The text after the first `|` of a wikilink.
    pub fn display<'n>(&self, note: &'n Note) -> Option<&'n str> {
        self.display.map(|r| note.str_of(r))
    }

    /// The raw text after the first `#`, if any (trimmed for wikilinks, percent-decoded for
    /// Markdown links).
    pub fn subpath_raw<'n>(&self, note: &'n Note) -> Option<&'n str> {
        self.subpath_raw.map(|r| note.str_of(r))
    }

    /// The subpath: a heading chain, a block id or none.
    pub fn subpath<'n>(&self, note: &'n Note) -> Subpath<'n> {
        self.subpath_raw(note).map_or(Subpath::None, Subpath::parse)
    }

    /// Byte range in the note text where the target is written (where a case fix goes): the
    /// target itself when the text holds it verbatim, else the whole link.
    pub fn target_range(&self) -> std::ops::Range<usize> {
        self.target.text_range().unwrap_or(self.span.range())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

/// A GFM table, as data.
///
/// Its cells (`columns`, and each row's `cells`), `caption` and `heading_path` are collected
/// only at [`Detail::Full`](crate::parse::Detail); at `Detail::Lean` they are left empty and
/// only the shape (spans, column count, raw cell counts) is kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub span: Span,
    /// The header's cell count.
    pub column_count: u32,
    /// The headings above the table, outermost first.
    pub heading_path: Box<[String]>,
    /// A bold line or short paragraph directly above the table.
    pub caption: Option<Box<str>>,
    pub columns: Box<[Cell]>,
    pub alignments: Box<[Align]>,
    pub rows: Box<[Row]>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub span: Span,
    /// Cells as GFM reads them: padded or cut to the header's count.
    pub cells: Box<[Cell]>,
    /// How many cells the raw row text holds (escaped pipes and pipes of split wikilinks
    /// do not separate cells).
    pub raw_cell_count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cell {
    /// The cell's text as a reader sees it.
    pub text: String,
    pub span: Span,
    /// Indexes into the note's `links`.
    pub links: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpdatedSource {
    /// A line such as `*Updated 2026-01-14*` or `Updated: 2026-01-14`.
    Footer,
    /// A frontmatter key (`updated`, `modified`, `last_updated`).
    Frontmatter,
}

/// An `updated` stamp: its raw text and, when it is a real calendar date, the date.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Updated {
    pub raw: String,
    pub date: Option<Date>,
    pub source: UpdatedSource,
    pub span: Span,
    /// The stamp names a month, not a day (`Updated Jan 2026`): `date` is the month's last
    /// day, the latest it can mean, so the note is never called stale too early.
    pub whole_month: bool,
}

impl Updated {
    /// The earliest day the stamp can mean: `date`, or the first of its month.
    pub fn earliest(&self) -> Option<Date> {
        let date = self.date?;
        Some(if self.whole_month {
            date.first_of_month()
        } else {
            date
        })
    }
}

/// A heading that names a date; `date` is the earliest day it can mean.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatedSection {
    pub heading: String,
    pub date: Date,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SuppressionScope {
    /// From the directive's line to the end of the note.
    RestOfNote,
    /// Only the line after the directive.
    NextLine,
    /// The whole note (frontmatter `vaultc: {disable: [...]}`).
    Note,
}

/// A `vaultc-disable` directive.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suppression {
    pub scope: SuppressionScope,
    pub rules: Vec<String>,
    /// The directive's line (1-based).
    pub line: u32,
    pub span: Span,
}

/// Frontmatter values kept as JSON text in binary encodings (the note cache), which cannot
/// hold self-describing values.
mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};

    type Map = serde_json::Map<String, serde_json::Value>;

    pub fn serialize<S: Serializer>(v: &Option<Map>, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            let text = v
                .as_ref()
                .map(|m| serde_json::to_string(m).unwrap_or_default());
            return serde::Serialize::serialize(&text, s);
        }
        serde::Serialize::serialize(v, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Map>, D::Error> {
        if !d.is_human_readable() {
            let text: Option<String> = Deserialize::deserialize(d)?;
            return text
                .map(|t| serde_json::from_str(&t).map_err(serde::de::Error::custom))
                .transpose();
        }
        Deserialize::deserialize(d)
    }
}
