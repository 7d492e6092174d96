//! The whole analysed vault as data: the model behind `vaultc export --json` and `--sqlite`.
//!
//! [`Model`] borrows from an [`Analysis`] and is what both writers read, so the JSON file and
//! the database always say the same thing. Field names are stable; `SCHEMA_VERSION` goes up
//! when one changes meaning or disappears (adding a field does not). The JSON Schema in
//! `schema/export.schema.json` describes it, and a test holds the two in step.

pub mod graph;
pub mod json;
pub mod readable;
pub mod sqlite;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::cells::{CellValue, typed_value};
use crate::diagnostic::Diagnostic;
use crate::graph::Entity;
use crate::index::{Resolved, Target, fold};
use crate::model::{Align, Note, Subpath, TagSource, UpdatedSource};
use crate::pipeline::Analysis;
use crate::query::EntityRef;
use crate::source::Span;

/// 2: a note's `aliases` are objects with their spans (were strings); notes gained
/// `properties` and `last_commit`, cells their `span`, tables `column_spans`, edges their
/// `links` and `spans`.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
pub struct Model<'a> {
    pub schema_version: u32,
    pub generator: String,
    pub title: &'a str,
    pub notes: Notes<'a>,
    pub attachments: &'a [String],
    pub entities: Vec<EntityOut<'a>>,
    pub edges: Vec<EdgeOut>,
    pub tags: Vec<TagNode>,
    pub diagnostics: Vec<DiagnosticOut<'a>>,
}

#[derive(Serialize)]
pub struct NoteOut<'a> {
    pub id: usize,
    pub path: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    /// The entity id of this note in `entities`.
    pub entity: usize,
    pub frontmatter: Option<&'a serde_json::Map<String, serde_json::Value>>,
    /// Where each top-level frontmatter property is written, in text order.
    pub properties: Vec<PropertyOut<'a>>,
    pub aliases: Vec<AliasOut<'a>>,
    pub tags: Vec<TagOut<'a>>,
    pub headings: Vec<HeadingOut<'a>>,
    pub blocks: Vec<BlockOut<'a>>,
    pub links: Vec<LinkOut<'a>>,
    pub tables: Vec<TableOut<'a>>,
    pub updated: Option<UpdatedOut<'a>>,
    /// The last commit that changed the note, beside its stamp; `None` outside a git
    /// repository, for an untracked note, or one whose history the repository lacks.
    pub last_commit: Option<LastCommitOut<'a>>,
    pub word_count: u32,
}

#[derive(Serialize)]
pub struct LastCommitOut<'a> {
    /// `YYYY-MM-DD`, in the committer's time zone.
    pub date: String,
    pub commit: &'a str,
    /// The commit is dated after the note's `updated` stamp.
    pub after_stamp: bool,
}

#[derive(Serialize)]
pub struct PropertyOut<'a> {
    /// The key, as in `frontmatter`.
    pub key: &'a str,
    pub key_span: Span,
    /// The value as written (see [`crate::model::Property::span`]).
    pub span: Span,
    /// One span per item of a list value; empty for anything else.
    pub items: &'a [Span],
}

#[derive(Serialize)]
pub struct AliasOut<'a> {
    pub text: &'a str,
    pub span: Span,
}

#[derive(Serialize)]
pub struct TagOut<'a> {
    pub name: &'a str,
    pub source: TagSource,
    pub span: Span,
}

#[derive(Serialize)]
pub struct HeadingOut<'a> {
    pub level: u8,
    pub text: &'a str,
    pub anchor: &'a str,
    pub span: Span,
}

#[derive(Serialize)]
pub struct BlockOut<'a> {
    pub id: &'a str,
    pub span: Span,
}

#[derive(Serialize)]
pub struct LinkOut<'a> {
    pub kind: crate::model::LinkKind,
    /// The link path as written (trimmed); `""` means the note itself.
    pub target: &'a str,
    pub subpath: Subpath<'a>,
    pub display: Option<&'a str>,
    pub span: Span,
    pub in_table: bool,
    pub resolution: ResolutionOut<'a>,
}

#[derive(Serialize)]
pub struct ResolutionOut<'a> {
    /// `note`, `attachment`, `alias` (reaches a note through its alias; Obsidian would not
    /// follow it) or `unresolved`.
    pub status: &'static str,
    /// The note or attachment path reached.
    pub path: Option<&'a str>,
    /// The entity reached (notes and unresolved names; attachments have none).
    pub entity: Option<usize>,
    pub exact_case: bool,
    /// Every note the name matched, when it matched several.
    pub candidates: Vec<&'a str>,
}

#[derive(Serialize)]
pub struct TableOut<'a> {
    pub span: Span,
    pub heading_path: &'a [String],
    pub caption: Option<&'a str>,
    pub columns: Vec<&'a str>,
    /// Where each column's header cell is written.
    pub column_spans: Vec<Span>,
    pub alignments: &'a [Align],
    pub rows: Vec<Vec<CellOut<'a>>>,
}

#[derive(Serialize)]
pub struct CellOut<'a> {
    pub text: &'a str,
    /// The cell's text as written, trimmed; an empty span where a short row's text ends for
    /// the cells GFM adds to it.
    pub span: Span,
    pub value: Option<CellValue>,
    /// Indexes into the note's `links`.
    pub links: &'a [usize],
}

#[derive(Serialize)]
pub struct UpdatedOut<'a> {
    pub date: String,
    pub raw: &'a str,
    pub source: UpdatedSource,
    pub span: Span,
}

#[derive(Serialize)]
pub struct EntityOut<'a> {
    pub id: usize,
    /// `note` or `unresolved`.
    pub kind: &'static str,
    pub name: &'a str,
    pub path: Option<&'a str>,
    pub aliases: Vec<&'a str>,
    /// Links from other notes to this entity.
    pub inbound_links: u32,
}

#[derive(Serialize)]
pub struct EdgeOut {
    pub from: usize,
    pub to: usize,
    /// How many links go from `from` to `to`.
    pub count: u32,
    /// The links that make the edge: indexes into the `from` note's `links`, in text order.
    pub links: Vec<u32>,
    /// Those links' spans in the `from` note.
    pub spans: Vec<Span>,
}

/// A tag and its nested tags; `count` is the number of notes that carry the tag or one
/// nested under it (`#a/b` counts under `a`, as in Obsidian's tag pane).
#[derive(Serialize, Default)]
pub struct TagNode {
    pub name: String,
    /// The full tag, `a/b`.
    pub tag: String,
    pub count: usize,
    pub children: Vec<TagNode>,
}

#[derive(Serialize)]
pub struct DiagnosticOut<'a> {
    pub rule: &'a str,
    pub level: &'a str,
    pub path: &'a str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub span: Option<Span>,
}

/// The notes of a [`Model`], made as they are written: all at once, a 100k-note vault's
/// notes took gigabytes.
pub struct Notes<'a>(&'a Analysis);

/// How many notes the writers make (in parallel) and write at a time.
pub const NOTES_AT_ONCE: usize = 512;

impl<'a> Notes<'a> {
    pub fn len(&self) -> usize {
        self.0.vault.notes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Note `id` as exported.
    pub fn get(&self, id: usize) -> NoteOut<'a> {
        note_out(self.0, id, &self.0.vault.notes[id])
    }

    /// The notes in order, [`NOTES_AT_ONCE`] at a time, each batch made on every core.
    pub fn batches(&self) -> impl Iterator<Item = Vec<NoteOut<'a>>> + '_ {
        (0..self.len()).step_by(NOTES_AT_ONCE).map(|start| {
            (start..(start + NOTES_AT_ONCE).min(self.len()))
                .into_par_iter()
                .map(|id| self.get(id))
                .collect()
        })
    }
}

impl Serialize for Notes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((0..self.len()).map(|id| self.get(id)))
    }
}

impl<'a> Model<'a> {
    pub fn new(a: &'a Analysis, diagnostics: &'a [Diagnostic]) -> Self {
        let notes = Notes(a);
        let entities = a
            .graph
            .entities()
            .map(|(id, e)| match e {
                Entity::Note(n) => {
                    let note = &a.vault.notes[*n];
                    EntityOut {
                        id,
                        kind: "note",
                        name: &note.name,
                        path: Some(&note.path),
                        aliases: note.aliases.iter().map(|al| al.text.as_str()).collect(),
                        inbound_links: a.graph.inbound_links(id),
                    }
                }
                Entity::Unresolved(name) => EntityOut {
                    id,
                    kind: "unresolved",
                    name,
                    path: None,
                    aliases: Vec::new(),
                    inbound_links: a.graph.inbound_links(id),
                },
            })
            .collect();
        let edges = a
            .graph
            .edge_links()
            .map(|(from, to, links)| EdgeOut {
                from,
                to,
                count: links.len() as u32,
                links: links.to_vec(),
                spans: links
                    .iter()
                    .filter_map(|&i| a.vault.notes.get(from)?.links.get(i as usize))
                    .map(|l| l.span)
                    .collect(),
            })
            .collect();
        Model {
            schema_version: SCHEMA_VERSION,
            generator: format!("vaultc {}", env!("CARGO_PKG_VERSION")),
            title: &a.settings.title,
            notes,
            attachments: &a.vault.attachments,
            entities,
            edges,
            tags: tag_tree(a),
            diagnostics: diagnostics
                .iter()
                .map(|d| DiagnosticOut {
                    rule: d.rule,
                    level: d.level.as_str(),
                    path: &d.path,
                    message: &d.message,
                    help: d.help.as_deref(),
                    span: d.span,
                })
                .collect(),
        }
    }
}

fn note_out<'a>(a: &'a Analysis, id: usize, note: &'a Note) -> NoteOut<'a> {
    NoteOut {
        id,
        path: &note.path,
        name: &note.name,
        title: &note.title,
        entity: a.graph.note_entity(id),
        frontmatter: note.frontmatter.as_ref().and_then(|f| f.value.as_ref()),
        properties: properties_out(note),
        aliases: note
            .aliases
            .iter()
            .map(|al| AliasOut {
                text: &al.text,
                span: al.span,
            })
            .collect(),
        tags: note
            .tags
            .iter()
            .map(|t| TagOut {
                name: &t.name,
                source: t.source,
                span: t.span,
            })
            .collect(),
        headings: note
            .headings
            .iter()
            .map(|h| HeadingOut {
                level: h.level,
                text: h.text(),
                anchor: h.anchor(),
                span: h.span,
            })
            .collect(),
        blocks: note
            .blocks
            .iter()
            .map(|b| BlockOut {
                id: &b.id,
                span: b.span,
            })
            .collect(),
        links: links_out(a, id, note),
        tables: tables_out(note),
        updated: note.updated_date().and_then(|u| {
            Some(UpdatedOut {
                date: u.date?.to_string(),
                raw: &u.raw,
                source: u.source,
                span: u.span,
            })
        }),
        last_commit: a.history.as_ref().and_then(|h| {
            let c = h.last_commit(&note.path)?;
            Some(LastCommitOut {
                date: c.date.to_string(),
                commit: &c.id,
                after_stamp: h.edited_after_stamp(note).is_some(),
            })
        }),
        word_count: note.word_count,
    }
}

fn links_out<'a>(a: &'a Analysis, id: usize, note: &'a Note) -> Vec<LinkOut<'a>> {
    note.links
        .iter()
        .zip(&a.resolved[id])
        .map(|(link, r)| LinkOut {
            kind: link.kind,
            target: link.target(note),
            subpath: link.subpath(note),
            display: link.display(note),
            span: link.span,
            in_table: link.in_table,
            resolution: resolution(a, link.target(note), r),
        })
        .collect()
}

fn tables_out(note: &Note) -> Vec<TableOut<'_>> {
    note.tables
        .iter()
        .map(|t| TableOut {
            span: t.span,
            heading_path: &t.heading_path,
            caption: t.caption.as_deref(),
            columns: t.columns.iter().map(|c| c.text.as_str()).collect(),
            column_spans: t.columns.iter().map(|c| c.span).collect(),
            alignments: &t.alignments,
            rows: t
                .rows
                .iter()
                .map(|row| {
                    row.cells
                        .iter()
                        .map(|c| CellOut {
                            text: &c.text,
                            span: c.span,
                            value: typed_value(&c.text),
                            links: &c.links,
                        })
                        .collect()
                })
                .collect(),
        })
        .collect()
}

/// The frontmatter's properties, each with its key (the text its key span holds).
fn properties_out(note: &Note) -> Vec<PropertyOut<'_>> {
    let Some(fm) = &note.frontmatter else {
        return Vec::new();
    };
    fm.properties
        .iter()
        .map(|p| PropertyOut {
            key: note.text.get(p.key_span.range()).unwrap_or_default(),
            key_span: p.key_span,
            span: p.span,
            items: &p.items,
        })
        .collect()
}

fn resolution<'a>(a: &'a Analysis, target: &str, r: &'a Resolved) -> ResolutionOut<'a> {
    let (status, path, entity) = match r.target() {
        Target::Note(id) => ("note", Some(a.vault.notes[id].path.as_str()), Some(id)),
        Target::Alias(id) => ("alias", Some(a.vault.notes[id].path.as_str()), Some(id)),
        Target::Attachment(i) => ("attachment", Some(a.vault.attachments[i].as_str()), None),
        Target::Unresolved => ("unresolved", None, None),
    };
    let entity = match (entity, r.target()) {
        (Some(note), _) => Some(a.graph.note_entity(note)),
        (None, Target::Unresolved) if !target.is_empty() => {
            a.graph.entity_of(&EntityRef::Unresolved(target.to_owned()))
        }
        _ => None,
    };
    ResolutionOut {
        status,
        path,
        entity,
        exact_case: r.exact_case,
        candidates: r
            .candidates()
            .iter()
            .map(|&id| a.vault.notes[id].path.as_str())
            .collect(),
    }
}

/// Every tag in the vault as a tree of `/`-separated parts, compared case-insensitively (the
/// first spelling met, in path order, is the one shown).
fn tag_tree(a: &Analysis) -> Vec<TagNode> {
    // folded full tag → (shown, notes carrying it or a nested tag)
    let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for note in &a.vault.notes {
        let mut seen: Vec<String> = Vec::new();
        for tag in &note.tags {
            let parts: Vec<&str> = tag.name.split('/').filter(|p| !p.is_empty()).collect();
            for depth in 1..=parts.len() {
                let shown = parts[..depth].join("/");
                let key = fold(&shown).into_owned();
                if seen.contains(&key) {
                    continue;
                }
                counts.entry(key.clone()).or_insert((shown, 0)).1 += 1;
                seen.push(key);
            }
        }
    }
    let mut roots: Vec<TagNode> = Vec::new();
    // BTreeMap order puts every parent before its children.
    for (key, (shown, count)) in counts {
        let depth = key.matches('/').count();
        let mut level = &mut roots;
        let mut ok = true;
        for d in 0..depth {
            let prefix = key.split('/').take(d + 1).collect::<Vec<_>>().join("/");
            match level.iter().position(|n| fold(&n.tag) == prefix) {
                Some(i) => level = &mut level[i].children,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            level.push(TagNode {
                name: shown.rsplit('/').next().unwrap_or(&shown).to_owned(),
                tag: shown,
                count,
                children: Vec::new(),
            });
        }
    }
    roots
}
