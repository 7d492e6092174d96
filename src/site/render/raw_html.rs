//! Raw HTML in notes, when `[output.html] allow-html` is on (the default): what is harmless
//! is rendered, the rest is dropped, by ammonia's allow-list (`<br>`, `<u>`, `<kbd>`,
//! `<sup>`, `<details>`, tables, images from the web…; no script, no event handler, no
//! `javascript:` or other scheme than http(s) and mailto, no relative URL, which would name a
//! vault file the site does not have).
//!
//! An HTML block is cleaned on its own. Inline HTML is cleaned with the rest of the run of
//! inline content it sits in (a paragraph's, a heading's, a table cell's), so that
//! `<u>under [[Link]]</u>` stays one element: the renderer's own pieces of the run go into
//! the cleaner as opaque markers and come back after it, untouched. A tag the note leaves
//! open closes at the end of its run, as Obsidian renders each block on its own.

use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::Event;

/// Marker brackets for the renderer's own pieces of a run (characters of the Unicode
/// private use area, which no note HTML may bring in: they are taken out of it first).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::default();
    b.url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(UrlRelative::Deny)
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("div", ["align"])
        .add_tag_attributes("p", ["align"]);
    b
});

/// `html` with only what the allow-list keeps.
pub fn clean(html: &str) -> String {
    let html: String = html.chars().filter(|&c| c != OPEN && c != CLOSE).collect();
    CLEANER.clean(&html).to_string()
}

/// Renders events in which `true` marks the note's own inline HTML.
pub fn render(events: Vec<(Event<'_>, bool)>) -> String {
    let mut html = String::new();
    let mut run: Vec<(Event<'_>, bool)> = Vec::new();
    for (event, raw) in events {
        if is_inline(&event) {
            run.push((event, raw));
            continue;
        }
        flush(&mut html, &mut run);
        pulldown_cmark::html::push_html(&mut html, std::iter::once(event));
    }
    flush(&mut html, &mut run);
    html
}

/// Renders a run of inline events, cleaning it when it holds raw HTML.
fn flush(html: &mut String, run: &mut Vec<(Event<'_>, bool)>) {
    if !run.iter().any(|(_, raw)| *raw) {
        pulldown_cmark::html::push_html(html, run.drain(..).map(|(e, _)| e));
        return;
    }
    // The run with the renderer's pieces as markers, and the pieces.
    let mut mixed = String::new();
    let mut pieces: Vec<String> = Vec::new();
    let mut piece: Vec<Event<'_>> = Vec::new();
    let mut end_piece = |mixed: &mut String, piece: &mut Vec<Event<'_>>| {
        if !piece.is_empty() {
            let mut s = String::new();
            pulldown_cmark::html::push_html(&mut s, piece.drain(..));
            mixed.push(OPEN);
            mixed.push_str(&pieces.len().to_string());
            mixed.push(CLOSE);
            pieces.push(s);
        }
    };
    for (event, raw) in run.drain(..) {
        match (event, raw) {
            (Event::InlineHtml(h) | Event::Html(h), true) => {
                end_piece(&mut mixed, &mut piece);
                mixed.extend(h.chars().filter(|&c| c != OPEN && c != CLOSE));
            }
            (event, _) => piece.push(event),
        }
    }
    end_piece(&mut mixed, &mut piece);
    let cleaned = CLEANER.clean(&mixed).to_string();
    // Each marker back to its piece.
    let mut rest = cleaned.as_str();
    while let Some(at) = rest.find(OPEN) {
        html.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else {
            rest = after;
            continue;
        };
        if let Some(p) = after[..end]
            .parse::<usize>()
            .ok()
            .and_then(|i| pieces.get(i))
        {
            html.push_str(p);
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    html.push_str(rest);
}

/// Inline content: text and the elements inside a paragraph, heading or table cell.
fn is_inline(event: &Event<'_>) -> bool {
    crate::parse::comments::inline_tag(event)
        .unwrap_or(!matches!(event, Event::Html(_) | Event::Rule))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Tag, TagEnd};

    fn html(events: Vec<(Event<'static>, bool)>) -> String {
        render(events)
    }

    fn raw(s: &'static str) -> (Event<'static>, bool) {
        (Event::InlineHtml(s.into()), true)
    }

    fn ours(e: Event<'static>) -> (Event<'static>, bool) {
        (e, false)
    }

    #[test]
    fn safe_inline_html_is_kept_around_the_renderers_own_pieces() {
        let events = vec![
            ours(Event::Start(Tag::Paragraph)),
            ours(Event::Text("line".into())),
            raw("<br>"),
            ours(Event::Text("break <u>".into())),
            raw("<u>"),
            ours(Event::InlineHtml(r#"<a href="b.html">B</a>"#.into())),
            raw("</u>"),
            raw("<kbd onclick=\"alert(1)\">"),
            ours(Event::Text("K".into())),
            raw("</kbd>"),
            ours(Event::End(TagEnd::Paragraph)),
        ];
        assert_eq!(
            html(events),
            "<p>line<br>break &lt;u&gt;<u><a href=\"b.html\">B</a></u><kbd>K</kbd></p>\n"
        );
    }

    #[test]
    fn unsafe_html_is_dropped_and_open_tags_close_in_their_block() {
        assert_eq!(
            clean(
                r#"<script>alert(1)</script><img src=x onerror="alert(1)"><a href="javascript:alert(1)">a</a><sup title="t">2</sup>"#
            ),
            r#"<img><a rel="noopener noreferrer">a</a><sup title="t">2</sup>"#
        );
        let events = vec![
            ours(Event::Start(Tag::Paragraph)),
            raw("<b>"),
            ours(Event::Text("bold".into())),
            ours(Event::End(TagEnd::Paragraph)),
            ours(Event::Start(Tag::Paragraph)),
            ours(Event::Text("next".into())),
            ours(Event::End(TagEnd::Paragraph)),
        ];
        assert_eq!(html(events), "<p><b>bold</b></p>\n<p>next</p>\n");
        assert_eq!(
            clean(
                "<details open ontoggle=alert(1)><summary>S</summary>\u{E000}0\u{E001}</details>"
            ),
            "<details open=\"\"><summary>S</summary>0</details>"
        );
    }
}
