//! The page of a name that notes link to but no note has: who links to it, and how.

use serde::Serialize;

use super::note::{LinkingNote, linking_notes};
use super::{Base, Page};
use crate::graph::{Entity, EntityId};
use crate::site::Site;
use crate::site::svg::{self, GraphView};
use crate::site::theme::ThemeError;

#[derive(Debug, Serialize)]
struct EntityView<'a> {
    entity: EntityData<'a>,
}

#[derive(Debug, Serialize)]
struct EntityData<'a> {
    name: &'a str,
    link_count: usize,
    note_count: usize,
    references: Vec<LinkingNote<'a>>,
    more_notes: usize,
    graph: GraphView,
}

/// The page of unresolved entity `id`, at `page`.
pub fn render(site: &Site<'_>, id: EntityId, page: &str) -> Result<String, ThemeError> {
    let Entity::Unresolved(name) = site.a.graph.entity(id) else {
        return Ok(String::new());
    };
    let backlinks = site.backlinks.of(id);
    let linking = linking_notes(site, page, backlinks);
    let view = EntityView {
        entity: EntityData {
            name,
            link_count: backlinks.len(),
            note_count: linking.notes.len() + linking.more,
            references: linking.notes,
            more_notes: linking.more,
            graph: svg::local(&site.numbers, &site.neighbours, id),
        },
    };
    site.theme.render(
        "entity.html",
        &Page {
            base: Base::new(site, page, format!("entity:{name}"), name.clone()),
            view,
        },
    )
}
