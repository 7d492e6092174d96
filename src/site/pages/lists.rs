//! The site's own pages: home overview, all notes, the tag tree and one page per tag, the
//! entity index, the global graph, search and 404.

use serde::Serialize;

use super::{Base, Named, NoteItem, Page};
use crate::graph::Entity;
use crate::site::Site;
use crate::site::theme::ThemeError;
use crate::site::urls::href;

/// How many notes the home overview lists as recently updated.
const RECENT_NOTES: usize = 20;
/// How many tags and linked notes the overview pages list.
const TOP_ITEMS: usize = 40;

fn render<T: Serialize>(
    site: &Site<'_>,
    template: &str,
    page: &str,
    name: &str,
    title: &str,
    view: T,
) -> Result<String, ThemeError> {
    site.theme.render(
        template,
        &Page {
            base: Base::new(site, page, format!("site:{name}"), title.to_owned()),
            view,
        },
    )
}

#[derive(Serialize)]
struct HomeView<'a> {
    home: HomeData<'a>,
}

#[derive(Serialize)]
struct HomeData<'a> {
    notes: usize,
    tags: usize,
    unresolved: usize,
    recent: Vec<NoteItem<'a>>,
    top_tags: Vec<Named>,
}

/// The overview shown as `index.html` when the vault has no home note.
pub fn home(site: &Site<'_>, page: &str) -> Result<String, ThemeError> {
    let a = site.a;
    let mut dated: Vec<(jiff::civil::Date, usize)> = a
        .vault
        .notes
        .iter()
        .enumerate()
        .filter(|&(id, _)| site.plan.is_published(id))
        .filter_map(|(id, n)| Some((n.updated_date()?.date?, id)))
        .collect();
    // Newest first; ties in vault order.
    dated.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let view = HomeView {
        home: HomeData {
            notes: site.plan.published().count(),
            tags: site.tags.entries.len(),
            unresolved: site.plan.entities.len(),
            recent: dated
                .iter()
                .take(RECENT_NOTES)
                .filter_map(|&(_, id)| NoteItem::new(site, page, id))
                .collect(),
            top_tags: top_tags(site, page),
        },
    };
    render(site, "home.html", page, "index", &a.settings.title, view)
}

fn top_tags(site: &Site<'_>, page: &str) -> Vec<Named> {
    let mut tags: Vec<(&String, usize)> = site
        .tags
        .entries
        .iter()
        .map(|(key, e)| (key, e.notes.len()))
        .collect();
    tags.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    tags.iter()
        .take(TOP_ITEMS)
        .filter_map(|(key, count)| {
            Some(Named {
                name: site.tags.entries[*key].shown.clone(),
                href: href(page, site.plan.tags.get(*key)?),
                count: *count,
            })
        })
        .collect()
}

#[derive(Serialize)]
struct NotesView<'a> {
    count: usize,
    groups: Vec<Group<'a>>,
}

#[derive(Serialize)]
struct Group<'a> {
    folder: &'a str,
    /// The section's id, which breadcrumbs link to.
    anchor: String,
    /// Ids of the folders above that have no section (no note of their own) and start here.
    above: Vec<String>,
    notes: Vec<NoteItem<'a>>,
}

/// The id of a folder's section on the notes page.
pub fn folder_anchor(folder: &str) -> String {
    let slugs = crate::site::slug::slug_folders(folder);
    if slugs.is_empty() {
        "folder-root".to_owned()
    } else {
        format!("folder-{}", slugs.join("--"))
    }
}

/// Every note, grouped by folder.
pub fn notes(site: &Site<'_>, page: &str) -> Result<String, ThemeError> {
    let a = site.a;
    let mut order: Vec<usize> = site.plan.published().map(|(id, _)| id).collect();
    order.sort_by(|&x, &y| {
        let (nx, ny) = (&a.vault.notes[x], &a.vault.notes[y]);
        nx.folder().cmp(ny.folder()).then(nx.path.cmp(&ny.path))
    });
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut anchored = std::collections::HashSet::new();
    for id in order {
        let folder = a.vault.notes[id].folder();
        if groups.last().is_none_or(|g| g.folder != folder) {
            // Folders with no note of their own are anchored at their first subfolder.
            let mut above = Vec::new();
            let mut end = 0;
            for part in folder.split('/').filter(|p| !p.is_empty()) {
                end += part.len();
                if anchored.insert(&folder[..end]) && end < folder.len() {
                    above.push(folder_anchor(&folder[..end]));
                }
                end += 1;
            }
            groups.push(Group {
                folder,
                anchor: folder_anchor(folder),
                above,
                notes: Vec::new(),
            });
        }
        if let Some(g) = groups.last_mut() {
            g.notes.extend(NoteItem::new(site, page, id));
        }
    }
    let view = NotesView {
        count: site.plan.published().count(),
        groups,
    };
    render(site, "notes.html", page, "notes", "All notes", view)
}

#[derive(Serialize)]
struct TagNode {
    name: String,
    tag: String,
    href: String,
    count: usize,
    children: Vec<TagNode>,
}

#[derive(Serialize)]
struct TagsView {
    tags: Vec<TagNode>,
}

/// The tag tree.
pub fn tags(site: &Site<'_>, page: &str) -> Result<String, ThemeError> {
    fn node(site: &Site<'_>, page: &str, key: &str) -> Option<TagNode> {
        let e = site.tags.entries.get(key)?;
        Some(TagNode {
            name: e.shown.rsplit('/').next().unwrap_or(&e.shown).to_owned(),
            tag: e.shown.clone(),
            href: href(page, site.plan.tags.get(key)?),
            count: e.notes.len(),
            children: e
                .children
                .iter()
                .filter_map(|c| node(site, page, c))
                .collect(),
        })
    }
    let view = TagsView {
        tags: site
            .tags
            .roots()
            .filter_map(|k| node(site, page, k))
            .collect(),
    };
    render(site, "tags.html", page, "tags", "Tags", view)
}

#[derive(Serialize)]
struct TagView<'a> {
    tag: TagData<'a>,
}

#[derive(Serialize)]
struct TagData<'a> {
    tag: &'a str,
    parents: Vec<Named>,
    children: Vec<Named>,
    /// Notes with this tag or one nested under it.
    count: usize,
    /// Notes with this very tag.
    notes: Vec<NoteItem<'a>>,
}

/// The page of tag `key` (folded): its nested tags and the notes tagged with it itself.
pub fn tag(site: &Site<'_>, key: &str, page: &str) -> Result<String, ThemeError> {
    let Some(entry) = site.tags.entries.get(key) else {
        return Ok(String::new());
    };
    let mut parents = Vec::new();
    let mut prefix = key;
    while let Some((parent, _)) = prefix.rsplit_once('/') {
        if let (Some(e), Some(p)) = (site.tags.entries.get(parent), site.plan.tags.get(parent)) {
            parents.push(Named {
                name: e.shown.rsplit('/').next().unwrap_or(&e.shown).to_owned(),
                href: href(page, p),
                count: e.notes.len(),
            });
        }
        prefix = parent;
    }
    parents.reverse();
    let children = entry
        .children
        .iter()
        .filter_map(|c| {
            let e = site.tags.entries.get(c)?;
            Some(Named {
                name: e.shown.clone(),
                href: href(page, site.plan.tags.get(c)?),
                count: e.notes.len(),
            })
        })
        .collect();
    let view = TagView {
        tag: TagData {
            tag: &entry.shown,
            parents,
            children,
            count: entry.notes.len(),
            notes: entry
                .direct
                .iter()
                .filter_map(|&id| NoteItem::new(site, page, id))
                .collect(),
        },
    };
    let title = format!("#{}", entry.shown);
    render(
        site,
        "tag.html",
        page,
        &format!("tag:{}", entry.shown),
        &title,
        view,
    )
}

#[derive(Serialize)]
struct EntitiesView<'a> {
    unresolved: Vec<EntityItem<'a>>,
    linked: Vec<EntityItem<'a>>,
}

#[derive(Serialize)]
struct EntityItem<'a> {
    name: &'a str,
    href: String,
    /// Notes linking here.
    count: usize,
}

/// Names without a note, and the most linked notes.
pub fn entities(site: &Site<'_>, page: &str) -> Result<String, ThemeError> {
    let a = site.a;
    let count = |id| site.backlinks.note_count(id);
    let unresolved = site
        .plan
        .entity_order
        .iter()
        .filter_map(|&id| match a.graph.entity(id) {
            Entity::Unresolved(name) => Some(EntityItem {
                name,
                href: href(page, site.plan.entities.get(&id)?),
                count: count(id),
            }),
            Entity::Note(_) => None,
        })
        .collect();
    let mut ranked: Vec<(usize, usize, &str)> = site
        .plan
        .published()
        .map(|(id, note_page)| (count(a.graph.note_entity(id)), id, note_page))
        .filter(|(c, _, _)| *c > 0)
        .collect();
    ranked.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let linked = ranked
        .iter()
        .take(TOP_ITEMS)
        .map(|&(c, id, note_page)| EntityItem {
            name: crate::site::title(&a.vault.notes[id]),
            href: href(page, note_page),
            count: c,
        })
        .collect();
    render(
        site,
        "entities.html",
        page,
        "entities",
        "Entities",
        EntitiesView { unresolved, linked },
    )
}

#[derive(Serialize)]
struct GraphPage {
    notes: usize,
    names: usize,
}

/// The whole vault's graph: drawn by `assets/graph.js` from `graph-data.js`.
pub fn graph(site: &Site<'_>, page: &str) -> Result<String, ThemeError> {
    let a = site.a;
    let notes = (0..a.vault.notes.len())
        .filter(|&n| site.plan.note_page(n).is_some())
        .count();
    let names = a
        .graph
        .entities()
        .filter(|(id, e)| matches!(e, Entity::Unresolved(_)) && !site.neighbours.of[*id].is_empty())
        .count();
    render(
        site,
        "graph.html",
        page,
        "graph",
        "Graph",
        GraphPage { notes, names },
    )
}

#[derive(Serialize)]
struct Empty {}

pub fn search(site: &Site<'_>, page: &str) -> Result<String, ThemeError> {
    render(site, "search.html", page, "search", "Search", Empty {})
}

#[derive(Serialize)]
struct NotFound<'a> {
    site_url: &'a str,
}

/// The 404 page: servers show it at any depth, so its links resolve from `site-url`.
pub fn not_found(site: &Site<'_>, page: &str) -> Result<String, ThemeError> {
    let view = NotFound {
        site_url: &site.a.settings.site_url,
    };
    render(site, "404.html", page, "404", "Page not found", view)
}
