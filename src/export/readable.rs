//! A note's text as a reader sees it, for the SQLite export's full-text table: what
//! `snippet()` quotes should read like the note, not like its Markdown.
//!
//! Made from the parse model's spans, without parsing the Markdown again: the frontmatter is
//! left out; each table becomes its cells' text, a row a line, cells joined with ` · `; each
//! heading its text; each link or embed the text it shows (`[[Note|shown]]` → `shown`,
//! `[[Note#Part]]` → `Note > Part`, `[text](Note.md)` → `text`); each `^block-id` nothing.
//! The rest is kept as written: emphasis markers, callout and list markers, web links (the
//! model holds only links into the vault) and `%% comments %%` stay in the text, where the
//! tokenizer skips their punctuation.

use std::borrow::Cow;

use crate::model::{Link, LinkKind, Note, Subpath, Table};

/// `note`'s readable text (see the module documentation).
pub fn readable_text(note: &Note) -> String {
    let text = note.text.as_str();
    let mut parts: Vec<(usize, usize, Cow<'_, str>)> = Vec::new();
    for t in &note.tables {
        if let Some(cells) = table_text(t) {
            parts.push((t.span.start as usize, t.span.end as usize, cells.into()));
        }
    }
    for h in &note.headings {
        parts.push((h.span.start as usize, h.span.end as usize, h.text().into()));
    }
    for l in note
        .links
        .iter()
        .filter(|l| l.kind != LinkKind::Frontmatter)
    {
        parts.push((l.span.start as usize, l.span.end as usize, shown(note, l)));
    }
    for b in &note.blocks {
        parts.push((b.span.start as usize, b.span.end as usize, "".into()));
    }
    // Outer spans first: a link inside a table or a heading goes with it.
    parts.sort_unstable_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    let mut out = String::with_capacity(text.len());
    let mut at = body_start(note);
    for (start, end, with) in parts {
        if start < at {
            continue;
        }
        out.push_str(text.get(at..start).unwrap_or_default());
        out.push_str(&with);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// Where the body starts: after the frontmatter's closing fence, if any.
fn body_start(note: &Note) -> usize {
    note.frontmatter.as_ref().map_or(0, |fm| {
        let fence = fm.span.end as usize;
        note.text
            .get(fence..)
            .and_then(|rest| rest.find('\n'))
            .map_or(note.text.len(), |i| fence + i + 1)
    })
}

/// The text a link shows.
fn shown<'n>(note: &'n Note, link: &Link) -> Cow<'n, str> {
    if let Some(display) = link.display(note).filter(|d| !d.trim().is_empty()) {
        return display.into();
    }
    // `[text](path)` and `![alt](path)`: the text between the brackets.
    let written = note.text.get(link.span.range()).unwrap_or_default();
    let bare = written.strip_prefix('!').unwrap_or(written);
    if !bare.starts_with("[[")
        && let Some((text, _)) = bare.strip_prefix('[').and_then(|s| s.rsplit_once("]("))
    {
        return text.into();
    }
    let target = link.target(note);
    match link.subpath(note) {
        Subpath::Heading(chain) if target.is_empty() => chain.last().into(),
        Subpath::Heading(chain) => format!("{target} > {}", chain.last()).into(),
        _ => target.into(),
    }
}

/// A table's cells as lines, `None` when the model kept only its shape.
fn table_text(t: &Table) -> Option<String> {
    if t.columns.is_empty() {
        return None;
    }
    let line = |cells: &[crate::model::Cell]| {
        cells
            .iter()
            .map(|c| c.text.trim())
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let mut out = line(&t.columns);
    for row in &t.rows {
        out.push('\n');
        out.push_str(&line(&row.cells));
    }
    out.push('\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::readable_text;
    use crate::parse::parse_note;

    #[test]
    fn frontmatter_link_syntax_table_pipes_and_block_ids_are_left_out() {
        let note = parse_note(
            "n.md".into(),
            b"---\ntags: [x]\nrelated: \"[[Hidden]]\"\n---\n# Title **bold**\n\n\
              See [[Microsoft|MSFT]], [[NVIDIA#Risks]], [[#Local]] and [text](Other.md). ^blk\n\n\
              | Name | Share |\n|---|---|\n| [[Alphabet\\|Google]] | ~30% |\n\n![[chart.png]]\n"
                .to_vec(),
        );
        assert_eq!(
            readable_text(&note),
            "Title bold\n\nSee MSFT, NVIDIA > Risks, Local and text. \n\n\
             Name · Share\nGoogle · ~30%\n\nchart.png\n"
        );
    }
}
