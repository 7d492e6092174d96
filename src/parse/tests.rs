//! Parser tests on small inputs; fixture vaults in `tests/` cover whole notes.

use super::*;
use crate::model::Subpath;

fn parse(text: &str) -> Note {
    parse_note("n.md".into(), text.as_bytes().to_vec())
}

fn targets(note: &Note) -> Vec<&str> {
    note.links.iter().map(|l| l.target.as_str()).collect()
}

#[test]
fn links_in_code_comments_and_math_do_not_count() {
    let n = parse(
        "[[A]] `[[B]]` %%[[C]]%% $[[D]]$ costs $5 to $10 [[E]]\n\n```\n[[F]]\n```\n\n%%\n[[G]]\n%%\n\n    [[H]]\n",
    );
    assert_eq!(targets(&n), ["A", "E"]);
}

#[test]
fn wikilink_spans_point_at_the_brackets() {
    let n = parse("é [[Michael Burry|Burry]] and ![[chart.png|200]]\n");
    let l = &n.links[0];
    assert_eq!((l.span.line, l.span.col, l.span.start), (1, 3, 3));
    assert_eq!(l.display.as_deref(), Some("Burry"));
    assert!(n.links[1].is_embed());
    assert_eq!(n.links[1].target, "chart.png");
}

#[test]
fn table_links_with_escaped_and_unescaped_pipes() {
    let n = parse("| a | b |\n|---|---|\n| [[X\\|y]] | 2 |\n| [[G|H]] | x |\n");
    assert_eq!(targets(&n), ["X", "G"]);
    assert!(n.links.iter().all(|l| l.in_table));
    assert_eq!(n.links[1].unescaped_pipe, Some(42));
    let t = &n.tables[0];
    assert_eq!(t.columns.len(), 2);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1].raw_cell_count, 2);
    assert_eq!(t.rows[0].cells[0].links, [0]);
    assert_eq!(t.rows[1].cells[0].links, [1]);
}

#[test]
fn tags_inline_and_frontmatter() {
    let n = parse(
        "---\ntags: [company/semis, 2024]\n---\n#concept #1984 `#code` [[a#not]] x#no #ok.\n",
    );
    let names: Vec<_> = n.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["company/semis", "concept", "ok"]);
    assert_eq!(n.invalid_tags.len(), 1);
}

#[test]
fn headings_blocks_and_subpaths() {
    let n = parse(
        "# Title\n\n## How large can it be?\n\nText ^blk-1\n\n- item ^abc\n\n[[#How large can it be|x]] [[N#^blk-1]]\n",
    );
    assert_eq!(n.title, "Title");
    assert_eq!(n.headings[1].key, "how large can it be");
    assert_eq!(n.headings[1].anchor, "how-large-can-it-be");
    let ids: Vec<_> = n.blocks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["blk-1", "abc"]);
    assert_eq!(
        n.links[0].subpath,
        Subpath::Heading(vec!["How large can it be".into()])
    );
    assert_eq!(n.links[1].subpath, Subpath::Block("blk-1".into()));
}

#[test]
fn updated_stamps_and_dated_sections() {
    let n = parse(
        "---\nupdated: 2026-02-30\n---\n## Current rotation (March 2026)\n\n*Updated 2026-01-14*\n\n```\n*Updated 2020-01-01*\n```\n",
    );
    assert_eq!(n.updated.len(), 2);
    assert!(n.updated[0].date.is_none());
    assert_eq!(n.updated_date().map(|u| u.raw.as_str()), Some("2026-01-14"));
    assert_eq!(n.dated_sections.len(), 1);
}

#[test]
fn empty_links_are_found_outside_code() {
    let n = parse("[[]] [[|alias]] [[#]] [[p#]] `[[]]`\n");
    assert_eq!(n.empty_links.len(), 3);
    assert_eq!(targets(&n), ["p"]);
}

#[test]
fn frontmatter_aliases_links_and_errors() {
    let n = parse(
        "---\naliases: [Burry, Mike]\nrelated: \"[[NVIDIA]]\"\nvaultc: {disable: [stale-note]}\n---\nbody\n",
    );
    assert_eq!(n.aliases.len(), 2);
    assert_eq!(n.aliases[0].span.line, 2);
    assert_eq!(targets(&n), ["NVIDIA"]);
    assert_eq!(n.links[0].span.line, 3);
    assert_eq!(n.suppressions.len(), 1);
    let bad = parse("---\ntitle: x\ntags: [#actor #person]\n---\n# Body [[A]]\n");
    let err = bad
        .frontmatter
        .as_ref()
        .and_then(|f| f.error.as_ref())
        .unwrap();
    assert_eq!(err.span.line, 3);
    assert_eq!(targets(&bad), ["A"]);
}

#[test]
fn bom_crlf_and_invalid_utf8_are_read() {
    let n = parse_note(
        "n.md".into(),
        b"\xEF\xBB\xBF---\r\ntags: [a]\r\n---\r\n# T\r\n[[X]]\r\n".to_vec(),
    );
    assert!(n.bom);
    assert_eq!(n.tags.len(), 1);
    assert_eq!(n.title, "T");
    assert_eq!(n.links[0].span.line, 5);
    let n = parse_note("n.md".into(), b"bad \xFF byte [[X]]\n".to_vec());
    assert!(n.lossy);
    assert_eq!(targets(&n), ["X"]);
}
