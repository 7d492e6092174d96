//! `==highlights==` → `<mark>`, a pass over the rendered event list.
//!
//! A pair of `==` marks text when both sit directly in the same element (so the tags nest:
//! `==a **b**==` works, `==a **b==**` stays text). Only note text is looked at: code, math
//! and escaped raw HTML are marked as not highlightable by the renderer.

use pulldown_cmark::{CowStr, Event};

/// A rendered event and what it is.
pub type Tagged<'a> = (Event<'a>, Mark);

/// What a rendered event is, besides its HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The renderer's own output, or text never highlighted (code, math).
    None,
    /// Note text that may hold `==`, with the id of the element it sits in.
    Text(u32),
    /// The note's own inline HTML, to be cleaned (see `raw_html`).
    Raw,
}

/// Replaces paired `==` in highlightable text with `<mark>` and `</mark>`; each event comes
/// back with whether it is the note's raw HTML.
pub fn apply(events: Vec<Tagged<'_>>) -> Vec<(Event<'_>, bool)> {
    // (event index, byte offset in its text) of every `==`, then pair them per scope.
    let mut open: std::collections::HashMap<u32, (usize, usize)> = Default::default();
    let mut cuts: Vec<(usize, usize, bool)> = Vec::new();
    for (i, (event, scope)) in events.iter().enumerate() {
        let (Event::Text(t), Mark::Text(scope)) = (event, scope) else {
            continue;
        };
        let mut from = 0;
        while let Some(at) = t[from..].find("==").map(|p| from + p) {
            match open.remove(scope) {
                Some(start) if !(start.0 == i && start.1 + 2 == at) => {
                    cuts.push((start.0, start.1, true));
                    cuts.push((i, at, false));
                }
                // `====`: nothing between the markers; start over from here.
                Some(_) | None => {
                    open.insert(*scope, (i, at));
                }
            }
            from = at + 2;
        }
    }
    if cuts.is_empty() {
        return events
            .into_iter()
            .map(|(e, m)| (e, m == Mark::Raw))
            .collect();
    }
    cuts.sort_unstable();
    let mut out = Vec::with_capacity(events.len() + cuts.len() * 2);
    let mut cut = cuts.iter().peekable();
    for (i, (event, mark)) in events.into_iter().enumerate() {
        if cut.peek().is_none_or(|c| c.0 != i) {
            out.push((event, mark == Mark::Raw));
            continue;
        }
        let Event::Text(t) = event else {
            out.push((event, mark == Mark::Raw));
            continue;
        };
        let mut pos = 0;
        while let Some(&&(_, at, opens)) = cut.peek().filter(|c| c.0 == i) {
            cut.next();
            if at > pos {
                out.push((Event::Text(CowStr::from(t[pos..at].to_owned())), false));
            }
            let tag = if opens { "<mark>" } else { "</mark>" };
            out.push((Event::InlineHtml(CowStr::Borrowed(tag)), false));
            pos = at + 2;
        }
        if pos < t.len() {
            out.push((Event::Text(CowStr::from(t[pos..].to_owned())), false));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(events: Vec<Tagged<'_>>) -> String {
        let mut s = String::new();
        pulldown_cmark::html::push_html(&mut s, apply(events).into_iter().map(|(e, _)| e));
        s
    }

    fn text(s: &str, scope: u32) -> Tagged<'_> {
        (Event::Text(s.into()), Mark::Text(scope))
    }

    #[test]
    fn pairs_in_one_scope_become_marks() {
        assert_eq!(html(vec![text("a ==b== c", 1)]), "a <mark>b</mark> c");
        assert_eq!(
            html(vec![text("==a ", 1), text("b", 2), text(" c==", 1)]),
            "<mark>a b c</mark>"
        );
        assert_eq!(html(vec![text("==a ", 1), text("b==", 2)]), "==a b==");
        assert_eq!(html(vec![text("x ==== y", 1)]), "x ==== y");
        assert_eq!(
            html(vec![(Event::Text("==code==".into()), Mark::None)]),
            "==code=="
        );
    }
}
