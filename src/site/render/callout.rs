//! Obsidian callouts: a block quote whose first line is `[!type]`, `[!type]-` (folded) or
//! `[!type]+` (foldable, open), optionally followed by a title.
//!
//! pulldown-cmark knows GitHub's five alert types only when the marker stands alone on its
//! line; every other callout arrives as a plain block quote, so the marker is read from the
//! source here and the renderer drops the events that spell it.

use pulldown_cmark::BlockQuoteKind;

/// How a callout folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// Always open (a `<div>`).
    None,
    /// `+`: a `<details>` shown open.
    Open,
    /// `-`: a `<details>` shown closed.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callout {
    /// The type, lowercased, letters, digits and `-` only: `note`, `warning`, `my-type`.
    pub kind: String,
    pub fold: Fold,
    /// Byte offset (into the note text) where the title starts, after the marker.
    pub title_start: usize,
}

impl Callout {
    /// Reads the marker at the start of a block quote whose source starts at `start`.
    pub fn read(text: &str, start: usize) -> Option<Self> {
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[start..line_end];
        let after_gt = line.trim_start().strip_prefix('>')?;
        let marker = after_gt.trim_start();
        let inner = marker.strip_prefix("[!")?;
        let close = inner.find(']')?;
        let kind: String = inner[..close].trim().to_ascii_lowercase();
        if kind.is_empty()
            || !kind
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return None;
        }
        let rest = &inner[close + 1..];
        let (fold, rest) = match rest.as_bytes().first() {
            Some(b'-') => (Fold::Closed, &rest[1..]),
            Some(b'+') => (Fold::Open, &rest[1..]),
            _ => (Fold::None, rest),
        };
        let title = rest.trim_start();
        Some(Callout {
            kind,
            fold,
            title_start: line_end - title.len(),
        })
    }

    /// A GitHub alert (`> [!WARNING]` alone on its line), which pulldown-cmark has already read.
    pub fn from_alert(kind: BlockQuoteKind, title_start: usize) -> Self {
        let kind = match kind {
            BlockQuoteKind::Note => "note",
            BlockQuoteKind::Tip => "tip",
            BlockQuoteKind::Important => "important",
            BlockQuoteKind::Warning => "warning",
            BlockQuoteKind::Caution => "caution",
        };
        Callout {
            kind: kind.to_owned(),
            fold: Fold::None,
            title_start,
        }
    }

    /// The default title: the type, capitalised.
    pub fn default_title(&self) -> String {
        let mut chars = self.kind.chars();
        chars.next().map_or_else(String::new, |c| {
            c.to_uppercase()
                .chain(chars.map(|c| if c == '-' { ' ' } else { c }))
                .collect()
        })
    }

    /// The opening HTML up to the title's content.
    pub fn open_html(&self) -> String {
        // `kind` is restricted to [a-z0-9_-], so it needs no escaping.
        match self.fold {
            Fold::None => format!(
                "<div class=\"callout\" data-callout=\"{}\">\n<div class=\"callout-title\">",
                self.kind
            ),
            Fold::Open => format!(
                "<details class=\"callout\" data-callout=\"{}\" open>\n<summary class=\"callout-title\">",
                self.kind
            ),
            Fold::Closed => format!(
                "<details class=\"callout\" data-callout=\"{}\">\n<summary class=\"callout-title\">",
                self.kind
            ),
        }
    }

    /// Closes the title and opens the content.
    pub fn title_end_html(&self) -> &'static str {
        match self.fold {
            Fold::None => "</div>\n<div class=\"callout-content\">\n",
            Fold::Open | Fold::Closed => "</summary>\n<div class=\"callout-content\">\n",
        }
    }

    pub fn close_html(&self) -> &'static str {
        match self.fold {
            Fold::None => "</div>\n</div>\n",
            Fold::Open | Fold::Closed => "</div>\n</details>\n",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_types_folds_and_titles() {
        let t = "> [!note] My title\n> body";
        let c = Callout::read(t, 0).unwrap();
        assert_eq!((c.kind.as_str(), c.fold), ("note", Fold::None));
        assert_eq!(&t[c.title_start..c.title_start + 8], "My title");
        let c = Callout::read("> [!Tip]- Folded", 0).unwrap();
        assert_eq!((c.kind.as_str(), c.fold), ("tip", Fold::Closed));
        let c = Callout::read(">[!faq]+", 0).unwrap();
        assert_eq!(c.fold, Fold::Open);
        assert_eq!(c.default_title(), "Faq");
        assert!(Callout::read("> plain quote", 0).is_none());
        assert!(Callout::read("> [!<script>] x", 0).is_none());
    }
}
