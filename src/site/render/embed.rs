//! Link and embed events: where each goes on the site, and what an embed shows (an image,
//! a player, a link, or the embedded note itself).

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag};

use super::highlight::Mark;
use super::links::{self, Dest, Media};
use super::{Close, MAX_EMBED_DEPTH, Renderer, Select, end_of};
use crate::index::Target;
use crate::model::{Link, NoteId, Subpath};
use crate::site::html::escape;
use crate::site::urls::{href, href_with_fragment};

impl<'a> Renderer<'a, '_> {
    /// A link or image start tag at `events[i]`; returns the next event to handle.
    pub(super) fn link(
        &mut self,
        events: &mut [(Event<'a>, Range<usize>)],
        i: usize,
        r: Range<usize>,
        tag: Tag<'a>,
    ) -> usize {
        let (image, link_type, dest_url) = match &tag {
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => (false, *link_type, dest_url),
            Tag::Image {
                link_type,
                dest_url,
                ..
            } => (true, *link_type, dest_url),
            _ => return i + 1,
        };
        let end = end_of(events, i);
        let Some(&index) = self.links_at.get(&r.start) else {
            if let LinkType::WikiLink { .. } = link_type {
                // Link syntax the model did not take as a link: show it as written.
                let text: &'a str = self.text;
                self.push(Event::Text(CowStr::Borrowed(&text[r])));
                return end + 1;
            }
            if !is_safe_external(dest_url) {
                if image {
                    let alt = plain_text(&events[i + 1..end]);
                    self.push(Event::Text(alt.into()));
                    return end + 1;
                }
                self.open(Close::Skip);
                return i + 1;
            }
            self.in_image += u32::from(image);
            self.push(Event::Start(tag));
            self.open(Close::Default);
            return i + 1;
        };
        let link: &'a Link = &self.note.links[index];
        let dest = links::dest(self.a, self.cx.plan, self.note_id, index);
        if link.is_embed() {
            self.embed(events, i, end, link, dest);
            return end + 1;
        }
        let keep_children = match link_type {
            LinkType::WikiLink { has_pothole } => has_pothole,
            _ => true,
        };
        let (open, close) = links::link_tags(self.page, &dest);
        if !open.is_empty() {
            self.push(Event::InlineHtml(open.into()));
        }
        if keep_children {
            self.open(if close.is_empty() {
                Close::Skip
            } else {
                Close::Html(close.into())
            });
            return i + 1;
        }
        self.push_text(links::label(self.note, link).into());
        if !close.is_empty() {
            self.push(Event::InlineHtml(close.into()));
        }
        end + 1
    }

    /// An embed: an attachment shown, a note transcluded, or a link when it cannot be.
    fn embed(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        i: usize,
        end: usize,
        link: &'a Link,
        dest: Dest,
    ) {
        let label = || escape(&links::label(self.note, link));
        match dest {
            Dest::File { path, source }
                if source.to_ascii_lowercase().ends_with(".base") && self.in_text_block() =>
            {
                let html = self.base_view(link, &path, &source);
                self.push_block(html);
            }
            Dest::File { path, source } => {
                let html = self.embed_file(&events[i + 1..end], link, &path, &source);
                self.push(Event::InlineHtml(html.into()));
            }
            Dest::Note { id, page, fragment }
                if self.stack.len() < MAX_EMBED_DEPTH
                    && !self.stack.contains(&id)
                    && (self.embed_block.is_some() || self.in_text_block()) =>
            {
                let html = self.transclude(id, &page, fragment.as_deref(), link);
                self.push_block(html);
            }
            Dest::Note { page, fragment, .. } => {
                let url = href_with_fragment(self.page, &page, fragment.as_deref());
                let html = format!(
                    "<a class=\"embed-link\" href=\"{}\">{}</a>",
                    escape(&url),
                    label()
                );
                self.push_embed_link(html);
            }
            Dest::Entity { page, .. } => {
                let html = format!(
                    "<a class=\"broken embed-link\" href=\"{}\" title=\"No note yet\">{}</a>",
                    escape(&href(self.page, &page)),
                    label()
                );
                self.push(Event::InlineHtml(html.into()));
            }
            Dest::Section { page, .. } => {
                let html = format!(
                    "<a class=\"broken embed-link\" href=\"{}\" title=\"No such heading or block\">{}</a>",
                    escape(&href(self.page, &page)),
                    label()
                );
                self.push_embed_link(html);
            }
            Dest::Nowhere => {
                let html = format!("<span class=\"broken\">{}</span>", label());
                self.push(Event::InlineHtml(html.into()));
            }
            // An embedded private note shows nothing.
            Dest::Private => {}
        }
    }

    /// An embedded attachment: an image, a player, or a link to the file.
    fn embed_file(
        &self,
        children: &[(Event<'a>, Range<usize>)],
        link: &Link,
        path: &str,
        source: &str,
    ) -> String {
        let src = escape(&href(self.page, path));
        let name = source.rsplit('/').next().unwrap_or(source);
        let display = link.display(self.note);
        let size = links::image_size(display);
        let alt = match (display, size) {
            // `![[chart.png|A caption]]`
            (Some(d), None) => d.to_owned(),
            // `![[chart.png|200]]`
            (_, Some(_)) => name.to_owned(),
            // `![alt](chart.png)`, or `![[chart.png]]` whose text is its target
            (None, None) => {
                let text = plain_text(children);
                if text.trim().is_empty() || text == link.target(self.note) {
                    name.to_owned()
                } else {
                    text
                }
            }
        };
        if source.to_ascii_lowercase().ends_with(".base") {
            return base_placeholder(name, link.subpath_raw(self.note), &src);
        }
        match links::media(source) {
            Media::Image => {
                let dims = match size {
                    Some((w, Some(h))) => format!(" width=\"{w}\" height=\"{h}\""),
                    Some((w, None)) => format!(" width=\"{w}\""),
                    None => String::new(),
                };
                format!(
                    "<img src=\"{src}\" alt=\"{}\"{dims} loading=\"lazy\">",
                    escape(&alt)
                )
            }
            Media::Audio => format!("<audio controls src=\"{src}\"></audio>"),
            Media::Video => format!("<video controls src=\"{src}\"></video>"),
            Media::Other => format!(
                "<a class=\"attachment\" href=\"{src}\">{}</a>",
                escape(name)
            ),
        }
    }

    /// Is the innermost open element a paragraph or list item, where a transcluded note
    /// can stand (the paragraph split around it)?
    fn in_text_block(&self) -> bool {
        matches!(self.closes.last(), Some(Close::Container { .. }))
    }

    /// A block (a transcluded note) where the text is: in a paragraph dropped for its
    /// embeds or a list item, as it is; in a paragraph with text, the paragraph is split
    /// around it, as Obsidian shows `See below: ![[Other]]`.
    fn push_block(&mut self, html: String) {
        match self.closes.last_mut() {
            Some(Close::Container { index, tag: "p" }) if self.embed_block.is_none() => {
                if *index + 1 == self.out.len() {
                    // Nothing in the paragraph yet: the block goes before it.
                    self.out
                        .insert(*index, (Event::Html(html.into()), Mark::None));
                    *index += 1;
                } else {
                    self.push(Event::Html(format!("</p>\n{html}<p>").into()));
                    self.split = Some(self.out.len() - 1);
                }
            }
            _ => self.push(Event::Html(html.into())),
        }
    }

    /// A note embed shown as a link: in a paragraph dropped for embeds (a cycle, too deep,
    /// a missing section), the link stands as a paragraph of its own.
    fn push_embed_link(&mut self, html: String) {
        let html = if self.embed_block.is_some() {
            format!("<p>{html}</p>\n")
        } else {
            html
        };
        self.push(Event::InlineHtml(html.into()));
    }

    /// The embedded note (or its section or block), rendered for this page.
    fn transclude(
        &mut self,
        id: NoteId,
        page: &str,
        fragment: Option<&str>,
        link: &Link,
    ) -> String {
        let target = &self.a.vault.notes[id];
        let select = match link.subpath(self.note) {
            Subpath::None => Select::All,
            Subpath::Heading(_) => {
                match fragment.and_then(|f| target.headings.iter().position(|h| h.anchor() == f)) {
                    Some(h) => {
                        let heading = &target.headings[h];
                        let end = target.headings[h + 1..]
                            .iter()
                            .find(|n| n.level <= heading.level)
                            .map_or(target.text.len(), |n| n.span.start as usize);
                        Select::Range(heading.span.start as usize..end)
                    }
                    None => Select::All,
                }
            }
            Subpath::Block(block) => match target
                .blocks
                .iter()
                .find(|b| b.id.eq_ignore_ascii_case(block))
            {
                Some(b) => Select::Block(b.span.start as usize),
                None => Select::All,
            },
        };
        let mut stack = self.stack.clone();
        stack.push(id);
        let body = Renderer::new(self.cx, id, self.page, stack).run(select);
        self.diagrams |= body.diagrams;
        format!(
            "<div class=\"embed\">\n<div class=\"embed-title\"><a href=\"{}\">{}</a></div>\n{}</div>\n",
            escape(&href_with_fragment(self.page, page, fragment)),
            escape(&match links::label(self.note, link) {
                label if label.is_empty() => crate::site::title(target).to_owned(),
                label => label,
            }),
            body.html
        )
    }

    /// Does the element at `events[i]` hold nothing but embeds of notes (and spaces)?
    pub(super) fn embeds_only(&self, events: &[(Event<'a>, Range<usize>)], i: usize) -> bool {
        let end = end_of(events, i);
        let mut j = i + 1;
        let mut any = false;
        while j < end {
            match &events[j].0 {
                Event::Start(Tag::Image { .. }) => {
                    let note_embed = self.links_at.get(&events[j].1.start).is_some_and(|&l| {
                        self.note.links[l].is_embed()
                            && matches!(
                                self.a.resolved[self.note_id][l].target(),
                                Target::Note(_) | Target::Alias(_)
                            )
                    });
                    if !note_embed {
                        return false;
                    }
                    any = true;
                    j = end_of(events, j) + 1;
                }
                Event::Text(t) if t.trim().is_empty() => j += 1,
                Event::SoftBreak | Event::HardBreak => j += 1,
                _ => return false,
            }
        }
        any
    }
}

impl Renderer<'_, '_> {
    /// An Obsidian Bases view as a block: its name and view, and the table of the notes it
    /// selects when its filters are simple enough to apply here.
    fn base_view(&self, link: &Link, path: &str, source: &str) -> String {
        let file = source.rsplit('/').next().unwrap_or(source);
        let src = escape(&href(self.page, path));
        let base = self.a.vault.bases.iter().find(|b| b.path == source);
        let wanted = link.subpath_raw(self.note).map(str::trim).unwrap_or("");
        let view = base.and_then(|b| {
            b.views
                .iter()
                .find(|v| v.name == wanted)
                .or_else(|| b.views.first().filter(|_| wanted.is_empty()))
        });
        let selected = view.and_then(|v| self.cx.bases.selected(source, &v.name));
        let (Some(view), Some(selected)) = (view, selected) else {
            return format!(
                "<div class=\"base-view\">{}</div>\n",
                base_placeholder(file, Some(wanted), &src)
            );
        };
        let columns: Vec<&str> = if view.columns.is_empty() {
            vec!["file.name"]
        } else {
            view.columns.iter().map(String::as_str).collect()
        };
        let mut html = format!(
            "<div class=\"base-view\">\n<div class=\"base-title\">Base: {} › {} <a class=\"attachment\" href=\"{src}\">{}</a></div>\n<table><thead><tr>",
            escape(file.rsplit_once('.').map_or(file, |(s, _)| s)),
            escape(&view.name),
            escape(file)
        );
        for c in &columns {
            let shown = c.strip_prefix("note.").unwrap_or(c);
            html.push_str(&format!(
                "<th>{}</th>",
                escape(if *c == "file.name" { "name" } else { shown })
            ));
        }
        html.push_str("</tr></thead><tbody>\n");
        for &id in selected.iter().take(BASE_ROWS) {
            html.push_str("<tr>");
            for c in &columns {
                html.push_str(&format!("<td>{}</td>", self.base_cell(id, c)));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody></table>\n</div>\n");
        html
    }

    /// One cell of a Bases table: the note's name linked, or a property as text.
    fn base_cell(&self, id: NoteId, column: &str) -> String {
        let note = &self.a.vault.notes[id];
        if column == "file.name" {
            return match self.cx.plan.note_page(id) {
                Some(page) => format!(
                    "<a href=\"{}\">{}</a>",
                    escape(&href(self.page, page)),
                    escape(crate::site::title(note))
                ),
                None => String::new(),
            };
        }
        let key = column.strip_prefix("note.").unwrap_or(column);
        let value = note
            .frontmatter
            .as_ref()
            .and_then(|f| f.value.as_ref()?.get(key));
        escape(&value.map(cell_text).unwrap_or_default())
    }
}

/// At most this many rows in a Bases table.
const BASE_ROWS: usize = 500;

/// A property value as the text of a table cell (links by their text).
fn cell_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => crate::site::text::readable(s),
        serde_json::Value::Array(items) => {
            items.iter().map(cell_text).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

/// An Obsidian Bases view (`![[Movies.base#Favorites]]`): its name and view, labelled, with
/// the base file to download; the view itself is Obsidian's to compute.
fn base_placeholder(file: &str, view: Option<&str>, src: &str) -> String {
    let name = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let title = match view.map(str::trim).filter(|v| !v.is_empty()) {
        Some(view) => format!("{name} › {view}"),
        None => name.to_owned(),
    };
    format!(
        "<span class=\"base-view\"><span class=\"base-title\">Base: {}</span> <a class=\"attachment\" href=\"{src}\">{}</a> (a view Obsidian computes)</span>",
        escape(&title),
        escape(file)
    )
}

/// The text inside a run of events (an image's alt text).
fn plain_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// Only web and mail links leave the site; `javascript:`, `data:` and the like do not.
fn is_safe_external(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}
