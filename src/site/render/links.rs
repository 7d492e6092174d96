//! Where a link in a note goes on the site, from the model's own resolution (never resolved
//! again here): a note's page (with the heading or block fragment when the target has it), a
//! copied attachment, or the entity page of a name no note has; nowhere for a private note.

use crate::graph::EntityId;
use crate::index::Target;
use crate::model::{Link, Note, NoteId, Subpath};
use crate::parse::heading_key;
use crate::pipeline::Analysis;
use crate::query::EntityRef;

use super::super::html::escape;
use super::super::plan::Plan;
use super::super::urls::{href, href_with_fragment};

/// A link's destination as a site path (plus fragment).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dest {
    Note {
        id: NoteId,
        page: String,
        fragment: Option<String>,
    },
    File {
        path: String,
        /// The attachment's vault path, for its name and type.
        source: String,
    },
    /// The note is there but not the heading or block the link names: a broken link to the
    /// note's page.
    Section { id: NoteId, page: String },
    /// No note has this name: its entity page.
    Entity { id: EntityId, page: String },
    /// A private note: the link is its text, and an embed shows nothing.
    Private,
    /// Nothing to link to (an unresolved name the graph does not know).
    Nowhere,
}

/// The destination of `note.links[link]`.
pub fn dest(a: &Analysis, plan: &Plan, note: NoteId, link: usize) -> Dest {
    let from = &a.vault.notes[note];
    let l = &from.links[link];
    match a.resolved[note][link].target() {
        Target::Note(id) | Target::Alias(id) => {
            let Some(page) = plan.note_page(id) else {
                return Dest::Private;
            };
            let subpath = l.subpath(from);
            match fragment(&a.vault.notes[id], subpath) {
                None if subpath != Subpath::None => Dest::Section {
                    id,
                    page: page.to_owned(),
                },
                fragment => Dest::Note {
                    id,
                    page: page.to_owned(),
                    fragment,
                },
            }
        }
        Target::Attachment(i) => match &plan.files[i] {
            Some(path) => Dest::File {
                path: path.clone(),
                source: a.vault.attachments[i].clone(),
            },
            None => Dest::Nowhere,
        },
        Target::Unresolved => a
            .graph
            .entity_of(&EntityRef::Unresolved(l.target(from).to_owned()))
            .and_then(|id| Some((id, plan.entities.get(&id)?)))
            .map_or(Dest::Nowhere, |(id, page)| Dest::Entity {
                id,
                page: page.clone(),
            }),
    }
}

/// The page fragment a subpath lands on, when the target note has that heading or block.
pub fn fragment(target: &Note, subpath: Subpath<'_>) -> Option<String> {
    match subpath {
        Subpath::None => None,
        Subpath::Heading(chain) => {
            let key = heading_key(chain.last());
            target
                .headings
                .iter()
                .find(|h| h.matches_key(&key))
                .map(|h| h.anchor().to_owned())
        }
        Subpath::Block(id) => target
            .blocks
            .iter()
            .any(|b| b.id.eq_ignore_ascii_case(id))
            .then(|| block_anchor(id)),
    }
}

/// The element id of a `^block-id`.
pub fn block_anchor(id: &str) -> String {
    format!("^{}", id.to_ascii_lowercase())
}

/// What Obsidian shows for a link of `note` without `|display`: `Note`, `Note > Heading`,
/// `Heading`.
pub fn label(note: &Note, link: &Link) -> String {
    let sub: Vec<&str> = match link.subpath(note) {
        Subpath::None => Vec::new(),
        Subpath::Heading(chain) => chain.iter().collect(),
        Subpath::Block(_) => link.subpath_raw(note).into_iter().collect(),
    };
    std::iter::once(link.target(note))
        .filter(|t| !t.is_empty())
        .chain(sub)
        .collect::<Vec<_>>()
        .join(" > ")
}

/// Attachment kinds shown inline when embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Image,
    Audio,
    Video,
    Other,
}

pub fn media(path: &str) -> Media {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" | "avif" | "bmp" => Media::Image,
        "mp3" | "wav" | "ogg" | "m4a" | "flac" | "webm_audio" => Media::Audio,
        "mp4" | "webm" | "mov" | "ogv" => Media::Video,
        _ => Media::Other,
    }
}

/// `200` or `200x100` after the `|` of an image embed: width and height in pixels.
pub fn image_size(display: Option<&str>) -> Option<(u32, Option<u32>)> {
    let d = display?.trim();
    match d.split_once('x') {
        Some((w, h)) => Some((w.trim().parse().ok()?, Some(h.trim().parse().ok()?))),
        None => Some((d.parse().ok()?, None)),
    }
}

/// The HTML around a link's text on the page at `page`: `(open, close)`, both empty for a
/// private note (its link is only text).
pub fn link_tags(page: &str, dest: &Dest) -> (String, &'static str) {
    let a = |class: &str, url: String, title: &str| {
        let class = if class.is_empty() {
            String::new()
        } else {
            format!(" class=\"{class}\"")
        };
        let title = if title.is_empty() {
            String::new()
        } else {
            format!(" title=\"{title}\"")
        };
        (
            format!("<a{class} href=\"{}\"{title}>", escape(&url)),
            "</a>",
        )
    };
    match dest {
        Dest::Note {
            page: to, fragment, ..
        } => a("", href_with_fragment(page, to, fragment.as_deref()), ""),
        Dest::Section { page: to, .. } => a("broken", href(page, to), "No such heading or block"),
        Dest::File { path, .. } => a("attachment", href(page, path), ""),
        Dest::Entity { page: to, .. } => a("broken", href(page, to), "No note yet"),
        Dest::Nowhere => ("<span class=\"broken\">".to_owned(), "</span>"),
        Dest::Private => (String::new(), ""),
    }
}
