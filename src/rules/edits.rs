//! Edits that rules offer as fixes and that need more than a span: rewriting a link's target
//! while keeping what it shows. (`crate::fix` applies them; rules only describe them.)

use crate::diagnostic::Edit;
use crate::model::{Link, LinkKind, Note};

/// An edit that points a wikilink, embed or frontmatter link at `linktext` instead of its
/// target, changing nothing else of it. With `keep_shown`, a link that shows its target (a
/// wikilink without `|display`) keeps showing the words it showed: the written target
/// becomes its display text, after `\|` in a table (`[[formulas]]` → `[[Formulas|formulas]]`).
///
/// `None` where that is not safe: the target is not written verbatim (a Markdown link's
/// encoded path), the note was not valid UTF-8, or the new text could not be read back as
/// this target (`|`, `#`, brackets or a line break in it; quotes in a frontmatter string).
pub fn retarget(note: &Note, link: &Link, linktext: &str, keep_shown: bool) -> Option<Edit> {
    let target = link.target(note);
    let range = link.target.text_range()?;
    let unreadable = linktext.is_empty()
        || linktext.trim() != linktext
        || linktext.contains(['|', '#', '^', '[', ']', '\n', '\r']);
    if note.lossy || unreadable || note.text.get(range.clone()) != Some(target) {
        return None;
    }
    match link.kind {
        LinkKind::Wiki | LinkKind::Embed => {}
        LinkKind::Frontmatter if !linktext.contains(['"', '\'', '\\']) => {}
        LinkKind::Frontmatter | LinkKind::Markdown => return None,
    }
    let edit = |end: usize, content: String| Edit {
        start: range.start as u32,
        end: end as u32,
        content,
    };
    if !keep_shown || link.kind == LinkKind::Embed || link.display.is_some() {
        return Some(edit(range.end, linktext.to_owned()));
    }
    // Up to the closing `]]`: the subpath and spaces after the target stay as written.
    let close = (link.span.end as usize).checked_sub(2)?;
    let between = note.text.get(range.end..close)?;
    let pipe = if link.in_table { "\\|" } else { "|" };
    Some(edit(close, format!("{linktext}{between}{pipe}{target}")))
}

#[cfg(test)]
mod tests {
    use super::retarget;
    use crate::parse::parse_note;

    /// The text after pointing every link of `text` at `to`.
    fn retargeted(text: &str, to: &str, keep_shown: bool) -> String {
        let note = parse_note("n.md".into(), text.as_bytes().to_vec());
        let mut out = note.text.clone();
        for link in note.links.iter().rev() {
            let Some(e) = retarget(&note, link, to, keep_shown) else {
                continue;
            };
            out.replace_range(e.start as usize..e.end as usize, &e.content);
        }
        out
    }

    #[test]
    fn a_retargeted_link_keeps_what_it_showed() {
        let text = "[[formulas]] [[ formulas ]] [[formulas|the sheet]] [[formulas#H]] ![[formulas]]\n\n| a |\n|---|\n| [[formulas]] |\n";
        assert_eq!(
            retargeted(text, "Formulas", true),
            "[[Formulas|formulas]] [[ Formulas |formulas]] [[Formulas|the sheet]] [[Formulas#H|formulas]] ![[Formulas]]\n\n| a |\n|---|\n| [[Formulas\\|formulas]] |\n"
        );
        assert_eq!(
            retargeted(text, "Formulas", false),
            "[[Formulas]] [[ Formulas ]] [[Formulas|the sheet]] [[Formulas#H]] ![[Formulas]]\n\n| a |\n|---|\n| [[Formulas]] |\n"
        );
        // Text that would not read back as the target: no edit.
        for bad in ["A|B", "A#B", "a]]b", " A", ""] {
            assert_eq!(retargeted("[[x]]\n", bad, true), "[[x]]\n", "{bad:?}");
        }
        let fm = "---\nup: \"[[x]]\"\n---\n[x](x.md)\n";
        assert_eq!(
            retargeted(fm, "Y", true),
            "---\nup: \"[[Y|x]]\"\n---\n[x](x.md)\n"
        );
        assert_eq!(retargeted(fm, "Say \"Y\"", true), fm);
    }
}
