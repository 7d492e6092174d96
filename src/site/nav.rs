//! The site's index of pages, for `assets/nav.js` and `assets/graph.js`: one file
//! (`nav-data.js`), loaded once, never repeated in pages.
//!
//! `{"folders": ["Actors", "Actors/People", …], "colours": [c, …], "rootColour": c,
//! "notes": [[folder, title, page], …], "names": [[name, page], …]}`: folders sorted (the root
//! is `-1`) with the colour of each one's top folder; published notes by path; then the names
//! without a note that have a page, by folded name. Pages are relative to the site root.
//!
//! A node's place in that list — notes first, then names — is its *number*: the local graph
//! on each page names its nodes by number (see `svg::local`), so that their titles and pages
//! are written once for the whole site rather than once per page that shows them.

use super::Site;
use super::plan::Plan;
use super::svg::{colour, top_folder};
use crate::graph::EntityId;
use crate::model::NoteId;
use crate::pipeline::Analysis;

/// Numbers of the nodes in `nav-data.js`.
#[derive(Debug, Default)]
pub struct Numbers {
    /// By `EntityId`; `u32::MAX` for an entity without a page.
    pub of: Vec<u32>,
    /// Published notes in number order (by path).
    pub notes: Vec<NoteId>,
    /// Names with a page in number order, after the notes.
    pub names: Vec<EntityId>,
}

impl Numbers {
    pub fn new(a: &Analysis, plan: &Plan) -> Self {
        let notes_model = &a.vault.notes;
        let mut notes: Vec<NoteId> = plan.published().map(|(id, _)| id).collect();
        notes.sort_by(|&x, &y| notes_model[x].path.cmp(&notes_model[y].path));
        let names = plan.entity_order.clone();
        let mut of = vec![u32::MAX; a.graph.entity_count()];
        for (n, &id) in notes.iter().enumerate() {
            of[a.graph.note_entity(id)] = n as u32;
        }
        for (k, &id) in names.iter().enumerate() {
            of[id] = (notes.len() + k) as u32;
        }
        Self { of, notes, names }
    }

    /// The number of `entity`, if it has a page.
    pub fn get(&self, entity: EntityId) -> Option<u32> {
        self.of.get(entity).copied().filter(|&n| n != u32::MAX)
    }
}

/// `nav-data.js`.
pub fn data(site: &Site<'_>) -> Vec<u8> {
    let notes = &site.a.vault.notes;
    let order = &site.numbers.notes;
    let mut folders: Vec<&str> = Vec::new();
    for &id in order {
        // Every folder on the way, so that the tree can nest them.
        let folder = notes[id].folder();
        let mut end = 0;
        for part in folder.split('/').filter(|p| !p.is_empty()) {
            end += part.len();
            folders.push(&folder[..end]);
            end += 1;
        }
    }
    folders.sort_unstable();
    folders.dedup();
    let colours: Vec<u64> = folders.iter().map(|f| colour(top_folder(f))).collect();
    let list: Vec<serde_json::Value> = order
        .iter()
        .filter_map(|&id| {
            let folder = notes[id].folder();
            let number = if folder.is_empty() {
                -1
            } else {
                folders.binary_search(&folder).ok()? as i64
            };
            Some(serde_json::json!([
                number,
                crate::site::title(&notes[id]),
                site.plan.note_page(id)?
            ]))
        })
        .collect();
    let names: Vec<serde_json::Value> = site
        .numbers
        .names
        .iter()
        .filter_map(|&id| {
            let (name, _) = super::svg::describe(site.a, id);
            Some(serde_json::json!([name, site.plan.entities.get(&id)?]))
        })
        .collect();
    let data = serde_json::json!({
        "folders": folders,
        "colours": colours,
        "rootColour": colour(""),
        "notes": list,
        "names": names,
    });
    let data = super::search::escape_markup(&data.to_string()).into_owned();
    format!("vaultcNav.data({data});\n").into_bytes()
}
