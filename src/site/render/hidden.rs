//! Text the Markdown parser does not know is special: `%% comments %%` (left out of the page)
//! and `$math$` (kept verbatim for client-side rendering).
//!
//! The rules are the parser's (`parse::comments`): markers count only in text events outside
//! code, `%%` pairs with the next `%%` (an unclosed comment runs to the end of the note), and
//! inline `$…$` pairs by pandoc's rule so that dollar amounts stay text; math stays in one block
//! and never holds a wikilink. Using the same rules
//! keeps the page in step with the model: a link inside a comment is neither a link in the
//! model nor on the page.

use std::ops::Range;

use pulldown_cmark::Event;

/// Comment and math ranges of one note, sorted, as byte offsets into the note text.
#[derive(Debug, Default)]
pub struct Hidden {
    pub comments: Vec<Range<usize>>,
    pub math: Vec<Range<usize>>,
}

impl Hidden {
    /// Finds comments and math from the body's events (offsets into `text`).
    pub fn find(text: &str, events: &[(Event<'_>, Range<usize>)]) -> Self {
        if memchr::memchr2(b'%', b'$', text.as_bytes()).is_none() {
            return Self::default();
        }
        let markers = crate::parse::comments::Markers::from_events(text, events);
        let (comments, math) = markers.hidden_ranges(text);
        Self { comments, math }
    }

    pub fn is_empty(&self) -> bool {
        self.comments.is_empty() && self.math.is_empty()
    }

    /// The comment holding byte `pos`, if any.
    pub fn comment_at(&self, pos: usize) -> Option<&Range<usize>> {
        find(&self.comments, pos)
    }

    /// The index of the math range holding byte `pos`, if any.
    pub fn math_at(&self, pos: usize) -> Option<usize> {
        let i = self.math.partition_point(|r| r.end <= pos);
        self.math.get(i).filter(|r| r.start <= pos).map(|_| i)
    }

    /// Is all of `r` inside one comment (trailing whitespace aside)?
    pub fn comment_covers(&self, text: &str, r: &Range<usize>) -> bool {
        self.comment_at(r.start).is_some_and(|c| {
            r.end <= c.end || text.get(c.end..r.end).is_some_and(|t| t.trim().is_empty())
        })
    }

    /// Does byte `pos` sit in a comment or in math?
    pub fn inside(&self, pos: usize) -> bool {
        self.comment_at(pos).is_some() || self.math_at(pos).is_some()
    }

    /// The first comment or math range starting after `pos`, as its start offset.
    pub fn next_start(&self, pos: usize) -> Option<usize> {
        let next = |v: &[Range<usize>]| {
            let i = v.partition_point(|r| r.start <= pos);
            v.get(i).map(|r| r.start)
        };
        match (next(&self.comments), next(&self.math)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

fn find(ranges: &[Range<usize>], pos: usize) -> Option<&Range<usize>> {
    let i = ranges.partition_point(|r| r.end <= pos);
    ranges.get(i).filter(|r| r.start <= pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown_options;

    fn hidden(s: &str) -> (Vec<&str>, Vec<&str>) {
        let events: Vec<_> = pulldown_cmark::Parser::new_ext(s, markdown_options())
            .into_offset_iter()
            .collect();
        let h = Hidden::find(s, &events);
        (
            h.comments.iter().map(|r| &s[r.clone()]).collect(),
            h.math.iter().map(|r| &s[r.clone()]).collect(),
        )
    }

    #[test]
    fn comments_pair_and_run_to_the_end_when_unclosed() {
        assert_eq!(hidden("a %% b %% c %% d").0, ["%% b %%", "%% d"]);
        assert_eq!(hidden("`%%` code %% real %%").0, ["%% real %%"]);
    }

    #[test]
    fn dollar_amounts_are_not_math() {
        assert!(hidden("from $5-$10 and $1,000/$2,000").1.is_empty());
        assert_eq!(hidden("so $x^2$ and $$y$$").1, ["$x^2$", "$$y$$"]);
        assert!(hidden("%% $x$ %%").1.is_empty(), "math inside a comment");
    }
}
