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
    /// `[[]]`, `[[|alias]]`, `[[#]]`: link syntax with nothing to link to.
    pub empty_links: Vec<Span>,
    pub tables: Vec<Table>,
    /// Every `updated` stamp found (frontmatter keys and body footers), in text order.
    pub updated: Vec<Updated>,
    /// Headings that name a date, such as `### January 14, 2026 update`.
    pub dated_sections: Vec<DatedSection>,
    pub suppressions: Vec<Suppression>,
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

    /// The note's folder, `""` at the vault root.
    pub fn folder(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        self.lines.span(&self.text, start, end)
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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Heading {
    pub level: u8,
    /// The heading as a reader sees it (link brackets and emphasis markers removed).
    pub text: String,
    /// Obsidian's matching key: punctuation dropped, spaces collapsed, case folded.
    pub key: String,
    /// A URL fragment, unique within the note.
    pub anchor: String,
    pub span: Span,
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

/// What follows the first `#` of a link target.
///
/// In JSON, `{"kind": "heading", "value": [...]}`; in binary encodings (the note cache,
/// which cannot read self-describing forms), a plain enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subpath {
    None,
    /// `#H1#H2`: a heading chain; the last is the target, the others its ancestors.
    Heading(Vec<String>),
    /// `#^id`
    Block(String),
}

/// A link or embed as written, before resolution.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Link {
    pub kind: LinkKind,
    /// The link path: trimmed, without `#subpath` or `|display`; `""` means this note.
    pub target: String,
    pub subpath: Subpath,
    /// The raw text after the first `#`, if any (image size hints and PDF pages live here too).
    pub subpath_raw: Option<String>,
    /// The text after the first `|`, or a Markdown link's text.
    pub display: Option<String>,
    /// The whole link, brackets included.
    pub span: Span,
    /// Byte range of `target` in the note text (where a case fix is written).
    pub target_start: u32,
    pub target_end: u32,
    /// The link sits in a table cell.
    pub in_table: bool,
    /// Byte offset of an unescaped `|` that splits this link across two table cells.
    pub unescaped_pipe: Option<u32>,
}

/// [`Subpath`] as JSON shows it.
#[derive(Serialize, Deserialize)]
#[serde(
    rename_all = "kebab-case",
    tag = "kind",
    content = "value",
    remote = "Subpath"
)]
enum SubpathJson {
    None,
    Heading(Vec<String>),
    Block(String),
}

/// [`Subpath`] in binary encodings.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Subpath")]
enum SubpathBinary {
    None,
    Heading(Vec<String>),
    Block(String),
}

impl Serialize for Subpath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            SubpathJson::serialize(self, s)
        } else {
            SubpathBinary::serialize(self, s)
        }
    }
}

impl<'de> Deserialize<'de> for Subpath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            SubpathJson::deserialize(d)
        } else {
            SubpathBinary::deserialize(d)
        }
    }
}

impl Link {
    pub fn is_embed(&self) -> bool {
        self.kind == LinkKind::Embed
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
    pub heading_path: Vec<String>,
    /// A bold line or short paragraph directly above the table.
    pub caption: Option<String>,
    pub columns: Vec<Cell>,
    pub alignments: Vec<Align>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub span: Span,
    /// Cells as GFM reads them: padded or cut to the header's count.
    pub cells: Vec<Cell>,
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
