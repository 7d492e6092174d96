//! The static site: the analysed vault → every page, asset and copied attachment, in memory.
//!
//! [`build`] plans every URL first ([`plan`]), then renders pages in parallel from the model:
//! note pages ([`render`] turns each body into HTML), entity pages for names no note has, tag
//! pages, the lists, the graph, search and 404, the sitemap and the Atom feed. The result is a sorted list of files with
//! their bytes; [`output`] puts it on disk (atomically for a fresh build, rewriting only
//! changed files for a rebuild). The same vault gives the same bytes: no timestamps, and
//! every list in a fixed order. On a rebuild, note and entity pages whose [`fingerprint`]
//! (a hash of everything the page is made from) matches the previous build's are not
//! rendered at all.
//!
//! Pages link to each other with relative URLs, so the site works from `file://` and under
//! any base path. No page carries the whole vault's navigation: a page holds its own content;
//! the lists live on their own pages.

mod backlinks;
pub mod bases;
mod feeds;
mod fingerprint;
mod html;
pub mod inputs;
mod layout;
mod nav;
pub mod output;
mod pages;
mod plan;
pub mod render;
mod search;
pub mod serve;
mod slug;
mod svg;
mod tags;
mod text;
mod theme;
pub mod urls;
pub mod watch;
mod words;

use std::path::PathBuf;

use jiff::civil::Date;
use rayon::prelude::*;

use self::backlinks::Backlinks;
pub use self::output::{Content, SiteFile};
use self::plan::{HOME_PAGE, Plan};
use self::svg::Neighbours;
use self::tags::Tags;
use self::theme::Theme;
pub use self::theme::ThemeError;
use crate::model::NoteId;
use crate::pipeline::{Analysis, Timings};

/// Build settings beyond the vault's own.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date stale badges are measured against.
    pub today: Date,
    /// A folder whose files replace built-in templates and assets.
    pub theme_dir: Option<PathBuf>,
    /// The file that keeps the notes' search words between builds, if any (in the vault's
    /// cache folder: see `words`).
    pub words_cache: Option<PathBuf>,
}

/// Told how far a build has got (the library never prints; the command draws a bar).
pub trait Progress: Sync {
    /// The build has this many pages to render.
    fn start(&self, _pages: u64) {}
    /// One more page is rendered (or found unchanged).
    fn advance(&self) {}
}

impl Progress for () {}

/// Asked, page by page, whether the previous build's file for this fingerprint is still in
/// place; if so the page is not rendered again (see [`fingerprint`]).
pub trait Reuse: Sync {
    fn reusable(&self, path: &str, fingerprint: u64) -> bool;
}

/// Nothing to reuse: a fresh build.
impl Reuse for () {
    fn reusable(&self, _path: &str, _fingerprint: u64) -> bool {
        false
    }
}

/// Everything page rendering reads, made once per build.
pub struct Site<'a> {
    pub a: &'a Analysis,
    pub options: &'a Options,
    plan: Plan,
    tags: Tags,
    backlinks: Backlinks,
    neighbours: Neighbours,
    numbers: nav::Numbers,
    bases: bases::Bases,
    theme: Theme,
    base_fingerprint: u64,
}

/// Renders the whole site: files sorted by path, each path unique. Note and entity pages
/// that `reuse` still has are not rendered again.
pub fn build(
    a: &Analysis,
    options: &Options,
    progress: &dyn Progress,
    reuse: &dyn Reuse,
) -> Result<Vec<SiteFile>, ThemeError> {
    let mut clock = Timings::start();
    let site = Site::new(a, options)?;
    clock.lap("site: plan");
    let plan = &site.plan;
    progress.start((plan.published().count() + plan.entities.len() + plan.tags.len()) as u64);
    let mut files = site.entity_pages(progress, reuse)?;
    clock.lap("site: notes + entities");
    files.extend(site.tag_pages(progress)?);
    clock.lap("site: tags");
    files.extend(search_files(&site));
    clock.lap("site: search");
    files.push(svg::global_file(a, &site.numbers, &site.neighbours, reuse));
    files.push(SiteFile::bytes("nav-data.js", nav::data(&site)));
    clock.lap("site: graph");
    files.push(SiteFile::bytes("sitemap.xml", feeds::sitemap(&site)));
    files.push(SiteFile::bytes("feed.xml", feeds::atom(&site)));
    files.extend(site.site_pages()?);
    for (name, bytes) in &site.theme.assets {
        files.push(SiteFile::bytes(&format!("assets/{name}"), bytes.clone()));
    }
    if site.has_diagrams() {
        let (name, bytes) = theme::MERMAID;
        files.push(SiteFile::bytes(&format!("assets/{name}"), bytes.to_vec()));
    }
    for (i, out) in plan.files.iter().enumerate() {
        if let Some(out) = out {
            files.push(SiteFile {
                path: out.clone(),
                content: Content::Copy(site.a.vault.root.join(&site.a.vault.attachments[i])),
                fingerprint: None,
            });
        }
    }
    Ok(files)
}

impl<'a> Site<'a> {
    /// Plans the site and gathers what every page reads.
    fn new(a: &'a Analysis, options: &'a Options) -> Result<Self, ThemeError> {
        let theme = Theme::load(options.theme_dir.as_deref())?;
        let published = plan::published(a);
        let tags = Tags::collect(&a.vault, &published);
        let plan = Plan::new(a, &tags, &published);
        let mut site = Site {
            a,
            options,
            backlinks: Backlinks::collect(a, &plan),
            neighbours: Neighbours::collect(a, &plan),
            numbers: nav::Numbers::new(a, &plan),
            bases: bases::Bases::collect(a, &plan),
            plan,
            tags,
            base_fingerprint: 0,
            theme,
        };
        site.base_fingerprint = fingerprint::base(&site, site.theme.fingerprint);
        Ok(site)
    }

    /// The pages of published notes and of unresolved names, in parallel, each skipped when
    /// `reuse` still has it.
    fn entity_pages(
        &self,
        progress: &dyn Progress,
        reuse: &dyn Reuse,
    ) -> Result<Vec<SiteFile>, ThemeError> {
        let page =
            |path: &str, fingerprint: u64, render: &dyn Fn() -> Result<String, ThemeError>| {
                let file = if reuse.reusable(path, fingerprint) {
                    Ok(SiteFile::kept(path, fingerprint))
                } else {
                    render().map(|html| SiteFile::page(path, html, fingerprint))
                };
                progress.advance();
                file
            };
        let published: Vec<(NoteId, &str)> = self.plan.published().collect();
        let mut files: Vec<SiteFile> = published
            .into_par_iter()
            .map(|(id, path)| {
                page(path, fingerprint::note(self, id), &|| {
                    pages::note::render(self, id, path)
                })
            })
            .collect::<Result<_, _>>()?;
        let entity_pages: Vec<SiteFile> = self
            .plan
            .entity_order
            .par_iter()
            .map(|&id| {
                let path = &self.plan.entities[&id];
                page(path, fingerprint::entity(self, id), &|| {
                    pages::entity::render(self, id, path)
                })
            })
            .collect::<Result<_, _>>()?;
        files.extend(entity_pages);
        Ok(files)
    }

    /// Might a published note hold a Mermaid diagram? (Its script, 3.5 MB, is written only
    /// then; a page loads it only when its body has one.)
    fn has_diagrams(&self) -> bool {
        self.plan.published().any(|(id, _)| {
            let text = self.a.vault.notes[id].text.as_bytes();
            memchr::memmem::find(text, b"ermaid").is_some()
                || memchr::memmem::find(text, b"ERMAID").is_some()
        })
    }

    /// One page per tag.
    fn tag_pages(&self, progress: &dyn Progress) -> Result<Vec<SiteFile>, ThemeError> {
        let mut tag_keys: Vec<(&String, &String)> = self.plan.tags.iter().collect();
        tag_keys.sort();
        tag_keys
            .par_iter()
            .map(|&(key, path)| {
                let html = pages::lists::tag(self, key, path);
                progress.advance();
                Ok(SiteFile::bytes(path, html?.into_bytes()))
            })
            .collect()
    }

    /// The site's own pages: the overview (when no note is the home page), the lists, the
    /// graph, search and 404.
    fn site_pages(&self) -> Result<Vec<SiteFile>, ThemeError> {
        type SitePage = fn(&Site<'_>, &str) -> Result<String, ThemeError>;
        let mut site_pages: Vec<(&str, SitePage)> = vec![
            ("notes.html", pages::lists::notes),
            ("tags.html", pages::lists::tags),
            ("entities.html", pages::lists::entities),
            ("graph.html", pages::lists::graph),
            ("search.html", pages::lists::search),
            ("404.html", pages::lists::not_found),
        ];
        if self.plan.home.is_none() {
            site_pages.push((HOME_PAGE, pages::lists::home));
        }
        site_pages
            .par_iter()
            .map(|(path, make)| Ok(SiteFile::bytes(path, make(self, path)?.into_bytes())))
            .collect()
    }
}

/// What a note is called on the site: its title, or its name when the title is empty (a
/// heading made only of markup).
pub fn title(note: &crate::model::Note) -> &str {
    if note.title.trim().is_empty() {
        &note.name
    } else {
        &note.title
    }
}

/// The search index of every published note.
fn search_files(site: &Site<'_>) -> Vec<SiteFile> {
    let notes = &site.a.vault.notes;
    let docs: Vec<search::Doc<'_>> = (0..notes.len())
        .into_par_iter()
        .filter_map(|id| {
            let note = &notes[id];
            Some(search::Doc {
                title: title(note),
                url: site.plan.note_page(id)?,
                path: &note.path,
                tags: unique_tags(note),
                aliases: note.aliases.iter().map(|al| al.text.as_str()).collect(),
                headings: note.headings.iter().map(|h| h.text()).collect(),
                body: &note.text[render::body_start(note)..],
            })
        })
        .collect();
    search::files(&docs, site.options.words_cache.as_deref())
}

/// A note's tags, each once (any case), in order.
fn unique_tags(note: &crate::model::Note) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    note.tags
        .iter()
        .filter(|t| seen.insert(crate::index::fold(&t.name)))
        .map(|t| t.name.as_str())
        .collect()
}
