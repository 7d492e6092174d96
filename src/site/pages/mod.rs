//! Page views: what each template is given. Plain data made from the model; templates never
//! see the index or the graph.

pub mod entity;
pub mod lists;
pub mod note;
pub mod properties;

use serde::Serialize;

use super::Site;
use super::urls::{href, root_prefix};
use crate::model::{Note, NoteId};

/// What every page's template gets, besides its own view.
#[derive(Debug, Serialize)]
pub struct Base<'a> {
    pub site_title: &'a str,
    /// `../` up to the site root, for assets and the navigation.
    pub root: String,
    /// The page's identity, in `<meta name="vaultc-page">`: `note:PATH`, `entity:NAME`, or
    /// `site:NAME`.
    pub page_id: String,
    pub title: String,
    pub stale_after_days: i64,
    /// The page links the Atom feed in its head (the home page does; feed readers look
    /// there).
    pub feed: bool,
}

impl<'a> Base<'a> {
    pub fn new(site: &Site<'a>, page: &str, page_id: String, title: String) -> Self {
        Base {
            site_title: &site.a.settings.title,
            root: root_prefix(page),
            page_id,
            title,
            stale_after_days: site.a.settings.stale_after_days,
            feed: page == super::plan::HOME_PAGE,
        }
    }
}

/// A template's context: the common fields and the page's own, side by side.
#[derive(Debug, Serialize)]
pub struct Page<'a, T: Serialize> {
    #[serde(flatten)]
    pub base: Base<'a>,
    #[serde(flatten)]
    pub view: T,
}

/// A note in a list.
#[derive(Debug, Serialize)]
pub struct NoteItem<'a> {
    pub title: &'a str,
    pub path: &'a str,
    pub href: String,
    pub updated: Option<String>,
    pub stale: bool,
}

impl<'a> NoteItem<'a> {
    /// Note `id` as listed on `page`; `None` for a private note.
    pub fn new(site: &Site<'a>, page: &str, id: NoteId) -> Option<Self> {
        let note = &site.a.vault.notes[id];
        let (updated, stale) = site.freshness(note);
        Some(NoteItem {
            title: crate::site::title(note),
            path: &note.path,
            href: href(page, site.plan.note_page(id)?),
            updated,
            stale,
        })
    }
}

/// A link with a name (tags, breadcrumbs).
#[derive(Debug, Serialize)]
pub struct Named {
    pub name: String,
    pub href: String,
    pub count: usize,
}

impl Site<'_> {
    /// A note's `updated` date (as `YYYY-MM-DD`) and whether it is stale on `--today`.
    pub fn freshness(&self, note: &Note) -> (Option<String>, bool) {
        let Some(date) = note.updated_date().and_then(|u| u.date) else {
            return (None, false);
        };
        (
            Some(date.to_string()),
            self.age_days(note)
                .is_some_and(|d| d > self.a.settings.stale_after_days),
        )
    }

    /// The day of the last commit that changed the note, when git dates it after the note's
    /// `updated` stamp (see [`crate::history::History::edited_after_stamp`]).
    pub fn edited_after_stamp(&self, note: &Note) -> Option<String> {
        let h = self.a.history.as_ref()?;
        Some(h.edited_after_stamp(note)?.date.to_string())
    }

    /// Days from the note's `updated` date to `--today` (the stale-note rule's measure).
    pub fn age_days(&self, note: &Note) -> Option<i64> {
        let date = note.updated_date()?.date?;
        let span = date.until(self.options.today).ok()?;
        Some(i64::from(span.get_days()))
    }
}
