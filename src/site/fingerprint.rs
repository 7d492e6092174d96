//! What a page is made from, as one number. A rebuild skips rendering a page whose
//! fingerprint is the one the previous build recorded (and whose file is still there), which
//! is most pages after a small edit.
//!
//! A fingerprint must change whenever anything the page shows could change, so it hashes
//! the inputs rather than the output, generously: the note's whole text (by its BLAKE3
//! digest); where each of its links goes (page, fragment, copied file or entity page), and for
//! embedded notes the same again, as deep as embeds render; its tags' pages; the notes that
//! link to it, each by its page, title and whole text (so any edit of a linking note
//! re-renders the pages it is listed on: a few pages, where hashing the quoted lines alone
//! cost more than rendering them); its graph neighbours with their names, pages and links
//! among them; the theme, the site settings and the vaultc version. The hasher is FxHash
//! (rustc-hash 2), fixed-seeded: fast, and only ever compared with its own earlier output. Hashing what is shown (page paths, titles) rather
//! than internal ids keeps pages whose output did not change from being rebuilt when, say,
//! a new note shifts every id after it. The `rebuild_after_edits_equals_a_fresh_build` test
//! holds this list honest.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use super::Site;
use super::pages::note::LINKING_NOTES_SHOWN;
use super::render::MAX_EMBED_DEPTH;
use super::render::links::{Dest, dest};
use super::svg;
use crate::graph::{Entity, EntityId};
use crate::model::NoteId;

/// Bumped when the meaning of a fingerprint changes (what rendering reads).
const VERSION: u32 = 4;

/// The fingerprint every page starts from: vaultc, the theme and the site settings.
pub fn base(site: &Site<'_>, theme: u64) -> u64 {
    let mut h = FxHasher::default();
    VERSION.hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    theme.hash(&mut h);
    let settings = &site.a.settings;
    settings.title.hash(&mut h);
    settings.stale_after_days.hash(&mut h);
    settings.allow_html.hash(&mut h);
    settings.properties.hash(&mut h);
    settings.hide_properties.hash(&mut h);
    h.finish()
}

/// The fingerprint of note `id`'s page.
pub fn note(site: &Site<'_>, id: NoteId) -> u64 {
    let a = site.a;
    let note = &a.vault.notes[id];
    let mut h = FxHasher::default();
    site.base_fingerprint.hash(&mut h);
    "note".hash(&mut h);
    site.plan.note_page(id).hash(&mut h);
    note.path.hash(&mut h);
    note.digest.hash(&mut h);
    super::title(note).hash(&mut h);
    site.freshness(note).hash(&mut h);
    site.age_days(note).hash(&mut h);
    site.edited_after_stamp(note).hash(&mut h);
    links(site, id, &mut vec![id], &mut h);
    for tag in &note.tags {
        site.plan.tag_page(&tag.name).hash(&mut h);
    }
    let entity = a.graph.note_entity(id);
    backlinks(site, entity, &mut h);
    neighbourhood(site, entity, &mut h);
    h.finish()
}

/// The fingerprint of an unresolved entity's page.
pub fn entity(site: &Site<'_>, id: EntityId) -> u64 {
    let mut h = FxHasher::default();
    site.base_fingerprint.hash(&mut h);
    "entity".hash(&mut h);
    if let Entity::Unresolved(name) = site.a.graph.entity(id) {
        name.hash(&mut h);
    }
    site.plan.entities.get(&id).hash(&mut h);
    backlinks(site, id, &mut h);
    neighbourhood(site, id, &mut h);
    h.finish()
}

/// Where every link of note `id` goes; embedded notes' text and links too, as deep as the
/// renderer transcludes (`stack` holds the notes being embedded, outermost first).
fn links(site: &Site<'_>, id: NoteId, stack: &mut Vec<NoteId>, h: &mut FxHasher) {
    let a = site.a;
    for (i, link) in a.vault.notes[id].links.iter().enumerate() {
        let d = dest(a, &site.plan, id, i);
        d.hash(h);
        if let Dest::File { source, .. } = &d
            && link.is_embed()
        {
            // A Bases view lists other notes.
            site.bases.hash_base(a, source, h);
        }
        if let Dest::Note { id: target, .. } = d
            && link.is_embed()
            && stack.len() < MAX_EMBED_DEPTH
            && !stack.contains(&target)
        {
            let embedded = &a.vault.notes[target];
            embedded.digest.hash(h);
            super::title(embedded).hash(h);
            stack.push(target);
            links(site, target, stack, h);
            stack.pop();
        }
    }
}

/// The notes linking to `entity` as its page lists them: each listed note's page, title and
/// text, and which of its links point here (the rest only counted).
fn backlinks(site: &Site<'_>, entity: EntityId, h: &mut FxHasher) {
    let a = site.a;
    let list = site.backlinks.of(entity);
    list.len().hash(h);
    let mut groups = 0;
    let mut last = None;
    for b in list {
        if last != Some(b.note) {
            last = Some(b.note);
            groups += 1;
            if groups > LINKING_NOTES_SHOWN {
                continue;
            }
            site.plan.note_page(b.note).hash(h);
            let note = &a.vault.notes[b.note];
            super::title(note).hash(h);
            note.digest.hash(h);
        }
        if groups > LINKING_NOTES_SHOWN {
            continue;
        }
        b.link.hash(h);
    }
    groups.hash(h);
}

/// The local graph: each node's name, colour and page in drawing order, and which of them
/// link to each other (the layout follows from these).
fn neighbourhood(site: &Site<'_>, centre: EntityId, h: &mut FxHasher) {
    let a = site.a;
    let ring = svg::local_nodes(&site.neighbours, centre);
    for &id in &ring {
        // The page names its nodes by number; the rest is in `nav-data.js`.
        site.numbers.get(id).hash(h);
        svg::describe(a, id).hash(h);
        site.plan.entity_page(id, a.graph.entity(id)).hash(h);
    }
    for (i, &p) in ring.iter().enumerate() {
        for &q in &ring[i + 1..] {
            site.neighbours.linked(p, q).hash(h);
        }
    }
}
