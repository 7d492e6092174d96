//! The folder tree, for `assets/nav.js`: one file (`nav-data.js`), loaded once when the
//! reader opens the tree, never repeated in pages.
//!
//! `{"folders": ["Actors", "Actors/People", …], "notes": [[folder, title, page], …]}`: folders
//! sorted (the root is `-1`), notes by path, pages relative to the site root.

use super::Site;

/// `nav-data.js`.
pub fn data(site: &Site<'_>) -> Vec<u8> {
    let notes = &site.a.vault.notes;
    let mut order: Vec<usize> = (0..notes.len())
        .filter(|&id| site.plan.note_page(id).is_some())
        .collect();
    order.sort_by(|&x, &y| notes[x].path.cmp(&notes[y].path));
    let mut folders: Vec<&str> = Vec::new();
    for &id in &order {
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
    let data = serde_json::json!({ "folders": folders, "notes": list });
    let data = super::search::escape_markup(&data.to_string()).into_owned();
    format!("vaultcNav.data({data});\n").into_bytes()
}
