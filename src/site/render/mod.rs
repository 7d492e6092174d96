//! A note's body → HTML: pulldown-cmark's HTML writer over the note's events, rewritten on the
//! way through.
//!
//! The body is parsed with the same options as the model (`parse::markdown_options`), so every
//! wikilink event lines up with a [`Link`] of the note by its start offset, and its target is
//! the one `index` resolved; nothing is resolved again here. On the way through:
//!
//! - wikilinks, embeds and local Markdown links point at site pages (relative URLs); links to
//!   names no note has go to their entity page with class `broken`;
//! - embedded notes are transcluded (nested at most [`MAX_EMBED_DEPTH`] deep, never in a
//!   cycle), embedded attachments shown;
//! - headings get their model anchors, `^block-id`s become element ids;
//! - `%% comments %%` are dropped, `$math$` rendered to MathML, `==highlights==` marked,
//!   `> [!type]` callouts styled, `#tags` linked, `mermaid` code left for the browser;
//! - raw HTML is cleaned to a harmless allow-list (`raw_html`) when `[output.html]
//!   allow-html` is on, and shown as text when it is off; links with other schemes than
//!   http(s) and mailto lose their link.

pub mod callout;
mod embed;
mod hidden;
mod highlight;
pub mod links;
mod math;
mod raw_html;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

use self::callout::Callout;
use self::hidden::Hidden;
use self::highlight::{Mark, Tagged};
use super::html::escape;
use super::plan::Plan;
use super::urls::href;
use crate::model::{LinkKind, Note, NoteId, TagSource};
use crate::parse::markdown_options;
use crate::pipeline::Analysis;

/// How deep embeds nest: a note embedding a note embedding a note, and no further.
pub const MAX_EMBED_DEPTH: usize = 3;

/// What rendering needs: the analysed vault, where every page lives, and what each
/// Bases view selects.
pub struct Context<'a> {
    pub a: &'a Analysis,
    pub plan: &'a Plan,
    pub bases: &'a super::bases::Bases,
}

/// A rendered note body.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    /// The anchor of the title heading, which the page shows above the body (the heading is
    /// left out of the body).
    pub title_anchor: Option<String>,
    /// The body holds a Mermaid diagram: the page loads the script that draws it.
    pub diagrams: bool,
}

/// Renders note `id` for the page at site path `page`.
pub fn render_note(cx: &Context<'_>, id: NoteId, page: &str) -> Rendered {
    let mut rendered = Renderer::new(cx, id, page, vec![id]).run(Select::All);
    rendered.html = super::html::omit_end_tags(&rendered.html);
    rendered
}

/// Where a note's body starts: after its frontmatter, if any.
pub fn body_start(note: &Note) -> usize {
    match &note.frontmatter {
        Some(fm) => {
            let fence = fm.span.end as usize;
            note.text[fence..]
                .find('\n')
                .map_or(note.text.len(), |i| fence + i + 1)
        }
        None => 0,
    }
}

/// Which part of a note to render.
#[derive(Debug, Clone)]
enum Select {
    All,
    /// Blocks inside this byte range (a heading's section).
    Range(Range<usize>),
    /// The paragraph or list item holding this `^block-id` caret.
    Block(usize),
}

/// What an element's end event turns into.
enum Close {
    /// The end event as parsed.
    Default,
    /// Nothing (the start was dropped too).
    Skip,
    /// This HTML.
    Html(Cow<'static, str>),
    /// A paragraph or list item that a `^block-id` may name: its start is at `out[index]`.
    Container { index: usize, tag: &'static str },
    /// The first paragraph of a callout, whose first line is the title.
    CalloutTitle,
}

#[derive(Debug, PartialEq, Eq)]
enum TitleStage {
    /// The callout opened; its first paragraph is next.
    Waiting,
    /// Inside the first line.
    Open,
}

struct CalloutTitle {
    callout: Callout,
    stage: TitleStage,
    wrote_text: bool,
}

struct Renderer<'a, 'c> {
    cx: &'c Context<'a>,
    a: &'a Analysis,
    note: &'a Note,
    note_id: NoteId,
    text: &'a str,
    /// The page the HTML lands on; every URL is relative to it.
    page: &'c str,
    /// The chain of notes being rendered, outermost first: `[note]` for a page's own body.
    stack: Vec<NoteId>,
    /// Element ids (headings, blocks, footnotes) only in a page's own body: an embedded
    /// note's ids would clash with the page's.
    top: bool,
    links_at: HashMap<usize, usize>,
    hidden: Hidden,
    math_done: Vec<bool>,
    /// Inline tags as (start, end, name), in text order.
    inline_tags: Vec<(usize, usize, &'a str)>,
    out: Vec<Tagged<'a>>,
    closes: Vec<Close>,
    scopes: Vec<u32>,
    next_scope: u32,
    in_code: bool,
    in_html_comment: bool,
    /// Inside an image's alt text, where raw HTML is only text.
    in_image: u32,
    /// Raw HTML was kept for cleaning.
    any_raw: bool,
    /// A Mermaid diagram was rendered (here or in an embedded note).
    diagrams: bool,
    /// `out[i]` closed a paragraph for a transcluded note and opened it again.
    split: Option<usize>,
    /// Set while inside a paragraph or list item that holds nothing but note embeds: those
    /// are transcluded as blocks (elsewhere an embed is a link). The depth of `closes`.
    embed_block: Option<usize>,
    callout_title: Option<CalloutTitle>,
    footnotes: HashMap<String, usize>,
    defined_footnotes: HashSet<String>,
    title_anchor: Option<String>,
}

impl<'a, 'c> Renderer<'a, 'c> {
    fn new(cx: &'c Context<'a>, note_id: NoteId, page: &'c str, stack: Vec<NoteId>) -> Self {
        let a = cx.a;
        let note = &a.vault.notes[note_id];
        let links_at = note
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.kind != LinkKind::Frontmatter)
            .map(|(i, l)| (l.span.start as usize, i))
            .collect();
        let inline_tags = note
            .tags
            .iter()
            .filter(|t| t.source == TagSource::Inline)
            .map(|t| (t.span.start as usize, t.span.end as usize, t.name.as_str()))
            .collect();
        Self {
            cx,
            a,
            note,
            note_id,
            text: &note.text,
            page,
            top: stack.len() == 1,
            stack,
            links_at,
            hidden: Hidden::default(),
            math_done: Vec::new(),
            inline_tags,
            out: Vec::new(),
            closes: Vec::new(),
            scopes: Vec::new(),
            next_scope: 1,
            in_code: false,
            in_html_comment: false,
            in_image: 0,
            any_raw: false,
            diagrams: false,
            split: None,
            embed_block: None,
            callout_title: None,
            footnotes: HashMap::new(),
            defined_footnotes: HashSet::new(),
            title_anchor: None,
        }
    }

    fn run(mut self, select: Select) -> Rendered {
        let start = body_start(self.note);
        let text: &'a str = self.text;
        // About one event per eight bytes of Markdown; sized once rather than grown.
        let mut events: Vec<(Event<'a>, Range<usize>)> = Vec::with_capacity(text.len() / 8);
        events.extend(
            Parser::new_ext(&text[start..], markdown_options())
                .into_offset_iter()
                .map(|(e, r)| (e, r.start + start..r.end + start)),
        );
        self.out.reserve(events.len() + 16);
        self.hidden = Hidden::find(text, &events);
        self.math_done = vec![false; self.hidden.math.len()];
        match select {
            Select::All => {}
            Select::Range(keep) => events = select_range(events, &keep),
            Select::Block(caret) => {
                // The innermost paragraph or list item around the caret: the last to start.
                let keep = events
                    .iter()
                    .rfind(|(e, r)| {
                        matches!(e, Event::Start(Tag::Paragraph | Tag::Item)) && r.contains(&caret)
                    })
                    .map_or(caret..caret, |(_, r)| r.clone());
                events = select_range(events, &keep);
            }
        }
        for (e, r) in &events {
            if let Event::Start(Tag::FootnoteDefinition(name)) = e
                && !self.hidden.comment_covers(text, r)
            {
                self.defined_footnotes.insert(name.to_string());
            }
        }
        let mut i = 0;
        while i < events.len() {
            i = self.event(&mut events, i);
        }
        let events = highlight::apply(std::mem::take(&mut self.out));
        let html = if self.any_raw {
            raw_html::render(events)
        } else {
            let mut html = String::with_capacity(text.len() + text.len() / 2);
            pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
            html
        };
        Rendered {
            html,
            title_anchor: self.title_anchor,
            diagrams: self.diagrams,
        }
    }

    /// Handles `events[i]` and returns the index of the next event to handle.
    fn event(&mut self, events: &mut [(Event<'a>, Range<usize>)], i: usize) -> usize {
        let r = events[i].1.clone();
        let event = std::mem::replace(&mut events[i].0, Event::Rule);
        match event {
            Event::Start(tag) => return self.start(events, i, tag, r),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(t, r),
            Event::Code(t) => {
                if self.hidden.comment_at(r.start).is_some() {
                } else if let Some(m) = self.hidden.math_at(r.start) {
                    self.math(m);
                } else {
                    self.push(Event::Code(t));
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let shown = self.strip_html_comments(&h);
                if shown.is_empty() || self.hidden.inside(r.start) {
                } else if self.a.settings.allow_html && self.in_image == 0 {
                    self.any_raw = true;
                    self.out.push((Event::InlineHtml(shown.into()), Mark::Raw));
                } else {
                    self.push(Event::Text(shown.into()));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if self.hidden.inside(r.start) {
                } else if self.title_open() {
                    self.end_callout_title(true);
                } else {
                    self.push(event);
                }
            }
            Event::FootnoteReference(name) => {
                if !self.hidden.inside(r.start) {
                    self.footnote_reference(&name);
                }
            }
            Event::Rule | Event::TaskListMarker(_) => {
                if !self.hidden.inside(r.start) {
                    self.push(event);
                }
            }
            other => self.push(other),
        }
        i + 1
    }

    fn start(
        &mut self,
        events: &mut [(Event<'a>, Range<usize>)],
        i: usize,
        tag: Tag<'a>,
        r: Range<usize>,
    ) -> usize {
        if self.hidden.comment_covers(self.text, &r) {
            return end_of(events, i) + 1;
        }
        let inline = matches!(
            tag,
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
        );
        if inline && self.hidden.inside(r.start) {
            self.open(Close::Skip);
            return i + 1;
        }
        match tag {
            Tag::Heading {
                level,
                classes,
                attrs,
                ..
            } => {
                let heading = self.heading_at(&r);
                let title = self.note.headings.iter().find(|h| h.level == 1);
                let is_title = matches!((heading, title), (Some(h), Some(t)) if std::ptr::eq(h, t));
                if self.top && is_title && self.closes.is_empty() {
                    self.title_anchor = heading.map(|h| h.anchor().to_owned());
                    return end_of(events, i) + 1;
                }
                let id = heading
                    .filter(|_| self.top)
                    .map(|h| CowStr::from(h.anchor().to_owned()));
                self.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
                self.open(Close::Default);
            }
            Tag::Paragraph => self.paragraph(events, i),
            Tag::Item => {
                if self.embeds_only(events, i) {
                    self.embed_block = Some(self.closes.len());
                }
                self.push(Event::Start(Tag::Item));
                let index = self.out.len() - 1;
                self.open(Close::Container { index, tag: "li" });
            }
            Tag::BlockQuote(kind) => self.block_quote(kind, &r),
            Tag::CodeBlock(kind) => self.code_block(kind),
            Tag::HtmlBlock => return self.html_block(events, i),
            Tag::FootnoteDefinition(name) => self.footnote_definition(&name),
            tag @ (Tag::Link { .. } | Tag::Image { .. }) => {
                return self.link(events, i, r, tag);
            }
            other => {
                self.push(Event::Start(other));
                self.open(Close::Default);
            }
        }
        i + 1
    }

    fn paragraph(&mut self, events: &[(Event<'a>, Range<usize>)], i: usize) {
        if let Some(title) = self.callout_title.as_mut()
            && title.stage == TitleStage::Waiting
        {
            title.stage = TitleStage::Open;
            self.open(Close::CalloutTitle);
        } else if self.embeds_only(events, i) {
            self.embed_block = Some(self.closes.len());
            self.open(Close::Skip);
        } else {
            self.push(Event::Start(Tag::Paragraph));
            let index = self.out.len() - 1;
            self.open(Close::Container { index, tag: "p" });
        }
    }

    /// A code block; a `mermaid` one is left for the browser to draw (its text escaped, as
    /// Mermaid reads it back).
    fn code_block(&mut self, kind: pulldown_cmark::CodeBlockKind<'a>) {
        self.in_code = true;
        if let pulldown_cmark::CodeBlockKind::Fenced(lang) = &kind
            && lang.trim().eq_ignore_ascii_case("mermaid")
        {
            self.diagrams = true;
            self.push(Event::Html(r#"<pre class="mermaid">"#.into()));
            self.open(Close::Html("</pre>\n".into()));
            return;
        }
        self.push(Event::Start(Tag::CodeBlock(kind)));
        self.open(Close::Default);
    }

    /// A block of raw HTML: cleaned when HTML is allowed, else shown as code; dropped when
    /// it holds only comments.
    fn html_block(&mut self, events: &[(Event<'a>, Range<usize>)], i: usize) -> usize {
        let end = end_of(events, i);
        let mut in_comment = false;
        let shown: String = events[i + 1..end]
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Html(h) => Some(strip_comments(h, &mut in_comment)),
                _ => None,
            })
            .collect();
        if shown.trim().is_empty() {
            return end + 1;
        }
        if self.a.settings.allow_html {
            self.push(Event::Html(raw_html::clean(&shown).into()));
            return end + 1;
        }
        self.push(Event::Html(r#"<pre class="raw-html"><code>"#.into()));
        self.open(Close::Html("</code></pre>\n".into()));
        i + 1
    }

    fn footnote_definition(&mut self, name: &str) {
        let n = self.footnote_number(name);
        let html = if self.top {
            format!(
                "<div class=\"footnote-definition\" id=\"fn-{n}\"><sup class=\"footnote-definition-label\">{n}</sup>"
            )
        } else {
            format!(
                "<div class=\"footnote-definition\"><sup class=\"footnote-definition-label\">{n}</sup>"
            )
        };
        self.push(Event::Html(html.into()));
        self.open(Close::Html("</div>\n".into()));
    }

    fn end(&mut self, tag: TagEnd) {
        if tag == TagEnd::CodeBlock {
            self.in_code = false;
        }
        if tag == TagEnd::Image {
            self.in_image = self.in_image.saturating_sub(1);
        }
        if tag == TagEnd::HtmlBlock {
            self.in_html_comment = false;
        }
        let close = self.closes.pop().unwrap_or(Close::Default);
        self.scopes.pop();
        if self.embed_block == Some(self.closes.len()) {
            self.embed_block = None;
        }
        match close {
            Close::Container { tag: "p", .. }
                if self.split.is_some_and(|at| at + 1 == self.out.len()) =>
            {
                // The paragraph ends right after the note that split it: not reopened.
                if let Some((Event::Html(h), _)) = self.out.last_mut()
                    && let Some(kept) = h.strip_suffix("<p>")
                {
                    *h = CowStr::from(kept.to_owned());
                }
            }
            Close::Default | Close::Container { .. } => self.push(Event::End(tag)),
            Close::Skip => {}
            Close::Html(html) => self.push(Event::Html(CowStr::from(html.into_owned()))),
            Close::CalloutTitle => {
                if self.title_open() {
                    self.end_callout_title(false);
                } else {
                    self.push(Event::End(tag));
                }
            }
        }
    }

    fn open(&mut self, close: Close) {
        self.closes.push(close);
        self.scopes.push(self.next_scope);
        self.next_scope += 1;
    }

    fn push(&mut self, event: Event<'a>) {
        self.out.push((event, Mark::None));
    }

    /// Note text, which `==highlights==` may mark.
    fn push_text(&mut self, t: CowStr<'a>) {
        let scope = self.scopes.last().copied().unwrap_or(0);
        self.out.push((Event::Text(t), Mark::Text(scope)));
    }

    fn heading_at(&self, r: &Range<usize>) -> Option<&'a crate::model::Heading> {
        let headings = &self.note.headings;
        let i = headings.partition_point(|h| (h.span.start as usize) < r.start);
        headings.get(i).filter(|h| (h.span.start as usize) < r.end)
    }

    // ----- text -----

    fn text(&mut self, t: CowStr<'a>, r: Range<usize>) {
        if self.in_code {
            self.push(Event::Text(t));
            return;
        }
        let (mut t, mut r) = (t, r);
        if let Some(title) = self.callout_title.as_mut()
            && title.stage == TitleStage::Open
        {
            let from = title.callout.title_start;
            if r.end <= from {
                return;
            }
            if r.start < from {
                if !exact(self.text, &t, &r) {
                    return;
                }
                r.start = from;
                t = CowStr::Borrowed(&self.text[r.clone()]);
            }
            title.wrote_text |= !t.trim().is_empty();
        }
        if let Some((caret, id)) = self.block_id_in(&r) {
            if exact(self.text, &t, &r) {
                let end = self.text[r.start..caret].trim_end().len() + r.start;
                r.end = end;
                t = CowStr::Borrowed(&self.text[r.clone()]);
            }
            self.segments(t, r);
            self.mark_block(id);
            return;
        }
        self.segments(t, r);
    }

    /// Splits text around comments, math and inline tags.
    fn segments(&mut self, t: CowStr<'a>, r: Range<usize>) {
        let tag_from = self.inline_tags.partition_point(|tag| tag.0 < r.start);
        let has_tag = self
            .inline_tags
            .get(tag_from)
            .is_some_and(|tag| tag.0 < r.end);
        if self.hidden.is_empty() && !has_tag {
            self.plain(t);
            return;
        }
        if !exact(self.text, &t, &r) {
            if self.hidden.comment_at(r.start).is_some() {
            } else if let Some(m) = self.hidden.math_at(r.start) {
                self.math(m);
            } else {
                self.plain(t);
            }
            return;
        }
        let text: &'a str = self.text;
        let mut pos = r.start;
        let mut next_tag = tag_from;
        while pos < r.end {
            if let Some(c) = self.hidden.comment_at(pos) {
                pos = c.end.min(r.end);
                continue;
            }
            if let Some(m) = self.hidden.math_at(pos) {
                self.math(m);
                pos = self.hidden.math[m].end.min(r.end);
                continue;
            }
            while self
                .inline_tags
                .get(next_tag)
                .is_some_and(|tag| tag.0 < pos)
            {
                next_tag += 1;
            }
            if let Some(&(start, end, name)) = self.inline_tags.get(next_tag)
                && start == pos
                && end <= r.end
            {
                self.tag_link(name);
                pos = end;
                next_tag += 1;
                continue;
            }
            let mut next = r.end;
            if let Some(h) = self.hidden.next_start(pos) {
                next = next.min(h);
            }
            if let Some(&(start, _, _)) = self.inline_tags.get(next_tag) {
                next = next.min(start.max(pos + 1));
            }
            self.plain(CowStr::Borrowed(&text[pos..next]));
            pos = next;
        }
    }

    fn plain(&mut self, t: CowStr<'a>) {
        if !t.is_empty() {
            self.push_text(t);
        }
    }

    fn math(&mut self, m: usize) {
        if std::mem::replace(&mut self.math_done[m], true) {
            return;
        }
        let src: &'a str = &self.text[self.hidden.math[m].clone()];
        match math::to_mathml(src) {
            Some(mathml) => self.push(Event::InlineHtml(mathml.into())),
            None => {
                // TeX the converter cannot read is shown as written.
                self.push(Event::InlineHtml(r#"<code class="math-error">"#.into()));
                self.push(Event::Text(CowStr::Borrowed(src)));
                self.push(Event::InlineHtml("</code>".into()));
            }
        }
    }

    fn tag_link(&mut self, name: &str) {
        let label = format!("#{name}");
        match self.cx.plan.tag_page(name) {
            Some(page) => {
                let html = format!(
                    "<a class=\"tag\" href=\"{}\">{}</a>",
                    escape(&href(self.page, page)),
                    escape(&label)
                );
                self.push(Event::InlineHtml(html.into()));
            }
            None => self.push(Event::Text(label.into())),
        }
    }

    // ----- block ids -----

    /// A `^block-id` ending this text: its caret offset and id.
    fn block_id_in(&self, r: &Range<usize>) -> Option<(usize, &'a str)> {
        let blocks = &self.note.blocks;
        let i = blocks.partition_point(|b| (b.span.start as usize) < r.start);
        blocks
            .get(i)
            .filter(|b| (b.span.start as usize) < r.end)
            .map(|b| (b.span.start as usize, b.id.as_str()))
    }

    /// Puts `id` on the innermost open paragraph or list item, or on an empty anchor here.
    fn mark_block(&mut self, id: &str) {
        if !self.top {
            return;
        }
        let anchor = escape(&links::block_anchor(id));
        let container = self.closes.iter().rev().find_map(|c| match c {
            Close::Container { index, tag } => Some((*index, *tag)),
            _ => None,
        });
        match container {
            Some((index, tag)) => {
                let open = if tag == "li" { "<li" } else { "<p" };
                self.out[index].0 = Event::Html(format!("{open} id=\"{anchor}\">").into());
            }
            None => self.push(Event::InlineHtml(
                format!("<span class=\"block-anchor\" id=\"{anchor}\"></span>").into(),
            )),
        }
    }

    // ----- callouts -----

    fn block_quote(&mut self, kind: Option<pulldown_cmark::BlockQuoteKind>, r: &Range<usize>) {
        let callout = match kind {
            Some(kind) => {
                let c = Callout::from_alert(kind, r.start);
                self.push(Event::Html(c.open_html().into()));
                self.push(Event::Text(c.default_title().into()));
                self.push(Event::Html(c.title_end_html().into()));
                self.open(Close::Html(c.close_html().into()));
                return;
            }
            None => Callout::read(self.text, r.start),
        };
        match callout {
            Some(c) => {
                self.push(Event::Html(c.open_html().into()));
                self.open(Close::Html(c.close_html().into()));
                self.callout_title = Some(CalloutTitle {
                    callout: c,
                    stage: TitleStage::Waiting,
                    wrote_text: false,
                });
            }
            None => {
                self.push(Event::Start(Tag::BlockQuote(None)));
                self.open(Close::Default);
            }
        }
    }

    fn title_open(&self) -> bool {
        self.callout_title
            .as_ref()
            .is_some_and(|t| t.stage == TitleStage::Open)
    }

    /// Ends a callout's title line; `more` when its first paragraph goes on below it.
    fn end_callout_title(&mut self, more: bool) {
        let Some(title) = self.callout_title.take() else {
            return;
        };
        if !title.wrote_text {
            self.push(Event::Text(title.callout.default_title().into()));
        }
        self.push(Event::Html(title.callout.title_end_html().into()));
        if more {
            // The rest of the first paragraph is the callout's first paragraph.
            self.push(Event::Html("<p>".into()));
            if let Some(close) = self.closes.last_mut() {
                *close = Close::Html("</p>\n".into());
            }
        }
    }

    // ----- footnotes -----

    fn footnote_number(&mut self, name: &str) -> usize {
        let next = self.footnotes.len() + 1;
        *self.footnotes.entry(name.to_owned()).or_insert(next)
    }

    fn footnote_reference(&mut self, name: &str) {
        let n = self.footnote_number(name);
        let html = if self.top && self.defined_footnotes.contains(name) {
            format!("<sup class=\"footnote-reference\"><a href=\"#fn-{n}\">{n}</a></sup>")
        } else {
            format!("<sup class=\"footnote-reference\">{n}</sup>")
        };
        self.push(Event::InlineHtml(html.into()));
    }

    // ----- raw HTML -----

    fn strip_html_comments(&mut self, html: &str) -> String {
        strip_comments(html, &mut self.in_html_comment)
    }
}

/// The index of the end event matching the start event at `i` (which may already have been
/// taken out of the list).
fn end_of(events: &[(Event<'_>, Range<usize>)], i: usize) -> usize {
    let mut depth = 1usize;
    for (j, (e, _)) in events.iter().enumerate().skip(i + 1) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// Is the event's text exactly its source (no escapes or entities in between)?
fn exact(text: &str, t: &str, r: &Range<usize>) -> bool {
    text.get(r.clone()) == Some(t)
}

/// `html` without `<!-- comments -->`; `in_comment` carries an open comment across events.
fn strip_comments(html: &str, in_comment: &mut bool) -> String {
    let mut out = String::new();
    let mut rest = html;
    loop {
        if *in_comment {
            match rest.find("-->") {
                Some(p) => {
                    rest = &rest[p + 3..];
                    *in_comment = false;
                }
                None => return out,
            }
        }
        match rest.find("<!--") {
            Some(p) => {
                out.push_str(&rest[..p]);
                rest = &rest[p + 4..];
                *in_comment = true;
            }
            None => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// Only the blocks inside `keep`: a start event inside it keeps its whole element, one
/// outside drops it, one that straddles it drops its own tags and looks at its children.
fn select_range<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    keep: &Range<usize>,
) -> Vec<(Event<'a>, Range<usize>)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Keep,
        Skip,
        Descend,
    }
    let mut modes: Vec<Mode> = Vec::new();
    let mut out = Vec::new();
    for (e, r) in events {
        let parent = modes.last().copied().unwrap_or(Mode::Descend);
        match e {
            Event::Start(_) => {
                let mode = match parent {
                    Mode::Keep | Mode::Skip => parent,
                    Mode::Descend if r.start >= keep.start && r.end <= keep.end => Mode::Keep,
                    Mode::Descend if r.end <= keep.start || r.start >= keep.end => Mode::Skip,
                    Mode::Descend => Mode::Descend,
                };
                modes.push(mode);
                if mode == Mode::Keep {
                    out.push((e, r));
                }
            }
            Event::End(_) => {
                if modes.pop() == Some(Mode::Keep) {
                    out.push((e, r));
                }
            }
            _ => {
                let inside = r.start >= keep.start && r.start < keep.end;
                if parent == Mode::Keep || (parent == Mode::Descend && inside) {
                    out.push((e, r));
                }
            }
        }
    }
    out
}
