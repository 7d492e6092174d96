//! A note's page: title, tags, updated date and stale badge, contents, the rendered body,
//! backlinks with context, and the local graph.

use serde::Serialize;

use super::properties::{Property, properties};
use super::{Base, Named, Page};
use crate::index::fold;
use crate::model::{NoteId, TagSource};
use crate::site::Site;
use crate::site::backlinks::{Backlink, Quote, quote};
use crate::site::render::{Context, render_note};
use crate::site::svg::{self, GraphView};
use crate::site::theme::ThemeError;
use crate::site::urls::href;

/// Quotes shown per linking note; the rest are counted.
const CONTEXTS_PER_NOTE: usize = 3;
/// Linking notes listed on a page; the rest are counted. A hub that thousands of notes link
/// to would otherwise carry megabytes of backlinks.
pub const LINKING_NOTES_SHOWN: usize = 100;
/// Linking notes quoted; those after them are listed by title. A note that many notes link
/// to would otherwise carry most of their text in quotes (a tenth of a 10k-note site).
const QUOTED_NOTES: usize = 10;

#[derive(Debug, Serialize)]
struct NoteView<'a> {
    note: NoteData<'a>,
}

#[derive(Debug, Serialize)]
struct NoteData<'a> {
    title: &'a str,
    title_anchor: Option<String>,
    path: &'a str,
    tags: Vec<Named>,
    aliases: Vec<&'a str>,
    properties: Vec<Property>,
    updated: Option<String>,
    stale: bool,
    age_days: Option<i64>,
    /// The date of the last commit that changed the note, when it is after the stamp.
    edited: Option<String>,
    toc: Vec<TocEntry<'a>>,
    body: String,
    /// The body has a Mermaid diagram: the page loads the script that draws it.
    diagrams: bool,
    backlinks: Vec<LinkingNote<'a>>,
    backlink_count: usize,
    /// Linking notes not listed.
    more_notes: usize,
    graph: GraphView,
    /// The folders above the note, each linked to its part of the notes page (none on the
    /// home page).
    crumbs: Option<Vec<Crumb<'a>>>,
}

#[derive(Debug, Serialize)]
struct Crumb<'a> {
    name: &'a str,
    href: String,
}

/// The note's folders, outermost first, each linked to its section of the notes page.
fn crumbs<'a>(page: &str, folder: &'a str) -> Option<Vec<Crumb<'a>>> {
    if page == crate::site::plan::HOME_PAGE {
        return None;
    }
    let notes = href(page, "notes.html");
    let mut out = Vec::new();
    let mut end = 0;
    for part in folder.split('/').filter(|p| !p.is_empty()) {
        end += part.len();
        out.push(Crumb {
            name: part,
            href: format!("{notes}#{}", super::lists::folder_anchor(&folder[..end])),
        });
        end += 1;
    }
    Some(out)
}

#[derive(Debug, Serialize)]
struct TocEntry<'a> {
    /// Nesting below the shallowest heading listed: 0, 1, 2…
    depth: u8,
    text: &'a str,
    anchor: &'a str,
}

/// A note that links to the page's entity, with the blocks that do.
#[derive(Debug, Serialize)]
pub struct LinkingNote<'a> {
    pub title: &'a str,
    pub href: String,
    pub contexts: Vec<Quote>,
    /// Further links from this note, not quoted.
    pub more: usize,
}

/// The page of published note `id`, at `page`.
pub fn render(site: &Site<'_>, id: NoteId, page: &str) -> Result<String, ThemeError> {
    let a = site.a;
    let note = &a.vault.notes[id];
    let body = render_note(
        &Context {
            a,
            plan: &site.plan,
            bases: &site.bases,
        },
        id,
        page,
    );
    let (updated, stale) = site.freshness(note);
    let toc_headings: Vec<_> = note
        .headings
        .iter()
        .filter(|h| body.title_anchor.as_deref() != Some(h.anchor()))
        .collect();
    let top = toc_headings.iter().map(|h| h.level).min().unwrap_or(1);
    let entity = a.graph.note_entity(id);
    let backlinks = site.backlinks.of(entity);
    let linking = linking_notes(site, page, backlinks);
    let view = NoteView {
        note: NoteData {
            title: crate::site::title(note),
            title_anchor: body.title_anchor,
            path: &note.path,
            tags: tags(site, page, id),
            aliases: note.aliases.iter().map(|al| al.text.as_str()).collect(),
            properties: properties(site, id, page),
            updated,
            stale,
            age_days: site.age_days(note),
            edited: site.edited_after_stamp(note),
            toc: toc_headings
                .iter()
                .map(|h| TocEntry {
                    depth: h.level - top,
                    text: h.text(),
                    anchor: h.anchor(),
                })
                .collect(),
            body: body.html,
            diagrams: body.diagrams,
            backlink_count: linking.notes.len() + linking.more,
            backlinks: linking.notes,
            more_notes: linking.more,
            graph: svg::local(&site.numbers, &site.neighbours, entity),
            crumbs: crumbs(page, note.folder()),
        },
    };
    site.theme.render(
        "note.html",
        &Page {
            base: Base::new(
                site,
                page,
                format!("note:{}", note.path),
                crate::site::title(note).to_owned(),
            ),
            view,
        },
    )
}

/// The note's frontmatter tags, each once (any case), linked to their pages.
fn tags(site: &Site<'_>, page: &str, id: NoteId) -> Vec<Named> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    // The frontmatter's, as Obsidian's properties show them: a tag written in the text is
    // shown (and linked) where it stands.
    let tags = &site.a.vault.notes[id].tags;
    for tag in tags
        .iter()
        .filter(|t| matches!(t.source, TagSource::Frontmatter))
    {
        let key = fold(&tag.name).into_owned();
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        if let Some(target) = site.plan.tag_page(&tag.name) {
            out.push(Named {
                name: tag.name.clone(),
                href: href(page, target),
                count: 0,
            });
        }
    }
    out
}

/// The notes linking to an entity: the first [`LINKING_NOTES_SHOWN`] with their lines.
pub struct Linking<'a> {
    pub notes: Vec<LinkingNote<'a>>,
    /// Further linking notes not listed.
    pub more: usize,
}

/// Backlinks grouped by linking note, in vault order, the first [`QUOTED_NOTES`] with their
/// first few lines.
pub fn linking_notes<'a>(site: &Site<'a>, page: &str, backlinks: &[Backlink]) -> Linking<'a> {
    let mut notes: Vec<LinkingNote<'a>> = Vec::new();
    let mut more = 0;
    let mut last: Option<NoteId> = None;
    for &b in backlinks {
        let Some(from) = site.plan.note_page(b.note) else {
            continue;
        };
        if last != Some(b.note) {
            last = Some(b.note);
            if notes.len() == LINKING_NOTES_SHOWN {
                more += 1;
                continue;
            }
            let note = &site.a.vault.notes[b.note];
            notes.push(LinkingNote {
                title: crate::site::title(note),
                href: href(page, from),
                contexts: Vec::new(),
                more: 0,
            });
        }
        if more > 0 || notes.len() > QUOTED_NOTES {
            continue;
        }
        let Some(group) = notes.last_mut() else {
            continue;
        };
        // A link in a block already quoted is in that quote.
        let at = site.a.vault.notes[b.note].links[b.link].span.start as usize;
        if group.contexts.iter().any(|c| c.source.contains(&at)) {
            continue;
        }
        if group.contexts.len() < CONTEXTS_PER_NOTE {
            group.contexts.push(quote(site.a, b));
        } else {
            group.more += 1;
        }
    }
    Linking { notes, more }
}
