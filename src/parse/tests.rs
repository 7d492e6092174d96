//! Parser tests on small inputs; fixture vaults in `tests/` cover whole notes.

use super::*;
use crate::model::Subpath;

fn parse(text: &str) -> Note {
    parse_note("n.md".into(), text.as_bytes().to_vec())
}

fn targets(note: &Note) -> Vec<&str> {
    note.links.iter().map(|l| l.target(note)).collect()
}

#[test]
fn links_in_code_comments_and_math_do_not_count() {
    let n = parse(
        "[[A]] `[[B]]` %%[[C]]%% $[d](D.md)$ costs $5 to $10 [[E]]\n\n```\n[[F]]\n```\n\n%%\n[[G]]\n%%\n\n    [[H]]\n",
    );
    assert_eq!(targets(&n), ["A", "E"]);
}

#[test]
fn a_wikilink_is_never_inside_math() {
    // A `$` in a target opens nothing; a span that would hold a wikilink is not math.
    let n = parse("[[LAPSUS$]] obtained access to [[Okta]], said [[LAPSUS$]] #breach\n");
    assert_eq!(targets(&n), ["LAPSUS$", "Okta", "LAPSUS$"]);
    assert_eq!(n.tags.len(), 1);
    let n = parse("$[[D]]$ and $$[[E]]$$ but $x$ [[F]]\n");
    assert_eq!(targets(&n), ["D", "E", "F"]);
}

#[test]
fn math_never_crosses_a_table_cell_or_a_blank_line() {
    let n = parse(
        "| Power | State |\n|---|---|\n| $$$ | Constrained ([[Power constraints]]) |\n\
         | Grid | [[Transformers]] |\n| $$ | [[Turbines]] |\n",
    );
    assert_eq!(
        targets(&n),
        ["Power constraints", "Transformers", "Turbines"]
    );
    let n = parse("Costs $$ more\n\n#capex and [x](X.md) $$ then\n");
    assert_eq!(targets(&n), ["X.md"]);
    assert_eq!(n.tags.len(), 1);
}

#[test]
fn links_in_cells_past_the_header_belong_to_the_note() {
    let text = "| Company | Peer |\n|---|---|\n\
                | Chevron | [[Exxon|XOM]] | [[Chevron]] | [[Shell]] ![[bp.png]] #oil |\n\
                | a | b | [c](C.md) `[[Not]]` |\n";
    for detail in [Detail::Full, Detail::Lean] {
        let n = parse_note_with("n.md".into(), text.as_bytes().to_vec(), detail);
        assert_eq!(
            targets(&n),
            ["Exxon", "Chevron", "Shell", "bp.png", "C.md"],
            "{detail:?}"
        );
        assert!(n.links.iter().all(|l| l.in_table));
        let pipe = text.find("|XOM").map(|p| p as u32);
        assert_eq!(
            n.links[0].unescaped_pipe, pipe,
            "table-unescaped-pipe still sees it"
        );
        assert_eq!(
            n.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["oil"]
        );
        // The rows keep the header's width and the writer's cell count.
        let t = &n.tables[0];
        let counts: Vec<u32> = t.rows.iter().map(|r| r.raw_cell_count).collect();
        assert_eq!(counts, [4, 3]);
        for row in t.rows.iter().filter(|_| detail == Detail::Full) {
            assert_eq!(row.cells.len(), 2);
        }
        // Each link's span holds it.
        let shown: Vec<&str> = n.links.iter().map(|l| &n.text[l.span.range()]).collect();
        assert_eq!(
            shown,
            [
                "[[Exxon|XOM]]",
                "[[Chevron]]",
                "[[Shell]]",
                "![[bp.png]]",
                "[c](C.md)"
            ]
        );
    }
}

#[test]
fn a_block_id_right_after_an_embed_defines_the_block() {
    let n = parse(
        "![[version-history-collaboration.png]]^version-history-image\n\n\
         ![chart](c.png)^chart-1\n\nword^not-a-block\n\n[[Link]]^nor-this\n",
    );
    let ids: Vec<_> = n.blocks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["version-history-image", "chart-1"]);
    assert_eq!(&n.text[n.blocks[0].span.range()], "^version-history-image");
}

#[test]
fn wikilink_spans_point_at_the_brackets() {
    let n = parse("é [[Michael Burry|Burry]] and ![[chart.png|200]]\n");
    let l = &n.links[0];
    assert_eq!((l.span.line, l.span.col, l.span.start), (1, 3, 3));
    assert_eq!(l.display(&n), Some("Burry"));
    assert!(n.links[1].is_embed());
    assert_eq!(n.links[1].target(&n), "chart.png");
    assert_eq!(n.links[1].display(&n), Some("200"));
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
    assert_eq!(n.headings[1].key(), "how large can it be");
    assert_eq!(n.headings[1].anchor(), "how-large-can-it-be");
    let ids: Vec<_> = n.blocks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["blk-1", "abc"]);
    let Subpath::Heading(chain) = n.links[0].subpath(&n) else {
        panic!("not a heading: {:?}", n.links[0].subpath(&n));
    };
    assert_eq!(chain.iter().collect::<Vec<_>>(), ["How large can it be"]);
    assert_eq!(n.links[0].subpath_raw(&n), Some("How large can it be"));
    assert_eq!(n.links[1].subpath(&n), Subpath::Block("blk-1"));
    assert_eq!(n.links[1].subpath_raw(&n), Some("^blk-1"));
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

#[test]
fn html_comment_that_closes_in_its_opener_does_not_panic() {
    // Found by proptest: `<!-->` made the directive reader slice 4..2.
    for (text, directives) in [
        ("a<!--> ", 0),
        ("<!-->", 0),
        ("<!--->", 0),
        ("x <!-- vaultc-disable --> <!-->\n", 1),
    ] {
        let n = parse(text);
        assert_eq!(spans_outside_text(&n), Vec::<String>::new(), "{text:?}");
        assert!(n.links.is_empty(), "{text:?}");
        // The directive before a `<!-->` is still read, and the `<!-->` is none.
        assert_eq!(n.suppressions.len(), directives, "{text:?}");
        if let Some(s) = n.suppressions.first() {
            assert_eq!(s.scope, crate::model::SuppressionScope::RestOfNote);
            assert!(s.rules.is_empty(), "every rule: {:?}", s.rules);
        }
    }
}

/// What [`spans_in_text`] finds, and every link whose span is not a slice of the text.
fn spans_outside_text(n: &Note) -> Vec<String> {
    let mut bad: Vec<String> = spans_in_text(n)
        .into_iter()
        .map(|(what, s)| format!("{what} {s:?}"))
        .collect();
    bad.extend(
        n.links
            .iter()
            .filter(|l| n.text.get(l.span.range()).is_none() || l.span.start > l.span.end)
            .map(|l| format!("link {:?}", l.span)),
    );
    bad
}

/// Every span of `n` lies in its text, on char boundaries.
fn spans_in_text(n: &Note) -> Vec<(String, Span)> {
    let mut spans: Vec<(String, Span)> = Vec::new();
    spans.extend(
        n.aliases
            .iter()
            .map(|a| (format!("alias {}", a.text), a.span)),
    );
    spans.extend(n.tags.iter().map(|t| (format!("tag {}", t.name), t.span)));
    spans.extend(
        n.invalid_tags
            .iter()
            .map(|t| (format!("invalid {}", t.text), t.span)),
    );
    spans.extend(
        n.updated
            .iter()
            .map(|u| (format!("updated {}", u.raw), u.span)),
    );
    spans.extend(
        n.suppressions
            .iter()
            .map(|s| ("suppression".to_owned(), s.span)),
    );
    spans
        .into_iter()
        .filter(|(_, s)| {
            s.start > s.end
                || s.end as usize > n.text.len()
                || !n.text.is_char_boundary(s.start as usize)
                || !n.text.is_char_boundary(s.end as usize)
        })
        .collect()
}

#[test]
fn frontmatter_values_yaml_rewrites_keep_their_spans_in_the_text() {
    // Found by cargo fuzz: a value not written verbatim (an alias `*a`, a JSON-printed list,
    // an escaped key) got the span `key..key + value.len()`, which ran past the text or into
    // a character.
    let text = "---\na€€: &a [\"ééééé ééééé ééééé\"]\n\"vault\\x63\": {disable: [x]}\naliases: *a\ntags: *a\nupdated: *a\n---\né\n";
    let n = parse(text);
    assert_eq!(n.aliases.len(), 1);
    assert_eq!(n.invalid_tags.len() + n.tags.len(), 1);
    assert_eq!(n.updated.len(), 1);
    assert_eq!(n.suppressions.len(), 1);
    assert_eq!(spans_in_text(&n), []);
    // Values written elsewhere (a YAML alias) point at what their key says.
    assert_eq!(n.aliases[0].span.line, 4);
    assert_eq!(&n.text[n.aliases[0].span.range()], "*a");
    assert_eq!(n.updated[0].span.line, 6);
    // A folded or escaped tag in a list.
    let n = parse("---\ntags: [\"a\\u00e9\\nb\", \"x\"]\n---\n🦀🦀🦀🦀\n");
    assert_eq!(spans_in_text(&n), []);
}

#[test]
fn markdown_link_target_ranges_hold_the_target() {
    // Found by proptest: a Markdown image (`LinkKind::Embed`) had the whole `![alt](x)` as
    // its target range, so `--fix` for case-mismatch replaced the image syntax with the
    // file name (`See ![alt](CHART.png)` became `See chart.png`).
    let n = parse("See ![alt](CHART.png) and [n](<Dir/nvidia.md#Intro>) [[![]([[)\n");
    let at = |i: usize| &n.text[n.links[i].target_range()];
    assert_eq!(n.links[0].kind, LinkKind::Embed);
    assert_eq!(at(0), "CHART.png");
    assert_eq!(at(1), "Dir/nvidia.md");
    assert_eq!(at(2), n.links[2].target(&n));
}

#[test]
fn link_strings_come_back_through_the_accessors() {
    // Percent-encoded Markdown paths are decoded into the note's side buffer; their range for
    // a fix is the whole link. Subpaths written verbatim stay slices of the text.
    let n = parse(
        "---\nrel: \"[[Other Note#Intro|see]]\"\nup: [\"[[ a # b # c ]]\"]\n---\n\
         [x](My%20Note.md#Sub%20Head) [y](Other.md#Intro) ![i](img/Chart%20One.png) [z](#^blk)\n\
         [[W|shown]] [[V]]\n",
    );
    let got: Vec<_> = n
        .links
        .iter()
        .map(|l| {
            (
                l.kind,
                l.target(&n),
                l.subpath_raw(&n),
                l.display(&n),
                &n.text[l.target_range()],
            )
        })
        .collect();
    let fm = LinkKind::Frontmatter;
    let md = LinkKind::Markdown;
    assert_eq!(
        got,
        [
            (fm, "Other Note", Some("Intro"), Some("see"), "Other Note"),
            (fm, "a", Some("b # c"), None, "a"),
            (
                md,
                "My Note.md",
                Some("Sub Head"),
                None,
                "[x](My%20Note.md#Sub%20Head)"
            ),
            (md, "Other.md", Some("Intro"), None, "Other.md"),
            (
                LinkKind::Embed,
                "img/Chart One.png",
                None,
                None,
                "![i](img/Chart%20One.png)"
            ),
            (md, "", Some("^blk"), None, "[z](#^blk)"),
            (LinkKind::Wiki, "W", None, Some("shown"), "W"),
            (LinkKind::Wiki, "V", None, None, "V"),
        ]
    );
    let Subpath::Heading(chain) = n.links[1].subpath(&n) else {
        panic!("{:?}", n.links[1].subpath(&n));
    };
    assert_eq!(chain.iter().collect::<Vec<_>>(), ["b", "c"]);
    assert_eq!(n.links[5].subpath(&n), Subpath::Block("blk"));
    // Only what the text does not hold verbatim is copied.
    assert_eq!(n.link_text, "My Note.mdSub Headimg/Chart One.png");
}

#[test]
fn a_link_is_small_and_owns_no_heap_memory() {
    let link = std::mem::size_of::<Link>();
    assert!(link <= 64, "{link}");
    let resolved = std::mem::size_of::<crate::index::Resolved>();
    assert!(resolved <= 16, "{resolved}");
    let n = parse("[[A#B|c]] ![[d.png|200]] [e](E.md#F) [[G#^h]]\n");
    assert_eq!(n.links.len(), 4);
    assert_eq!(n.link_text.capacity(), 0);
}

#[test]
fn comment_markers_out_of_text_order_do_not_panic() {
    // Found by cargo fuzz (wikilinks target): pulldown-cmark reported the `%%` of this text
    // out of order, and a comment was paired backwards (slice 71..66).
    for text in [
        "![[%%[[%%](] ](](%%)%%%%]]",
        "![[%%[[%%](] ](](%%)%%%%]] [[a]] $x$ $[](](]$",
    ] {
        let n = parse(text);
        assert_eq!(spans_outside_text(&n), Vec::<String>::new(), "{text:?}");
        let starts: Vec<u32> = n.links.iter().map(|l| l.span.start).collect();
        assert!(starts.is_sorted(), "links in text order: {starts:?}");
        assert!(n.suppressions.is_empty());
    }
}

#[test]
fn a_caption_is_a_title_line_not_a_paragraph_of_prose() {
    let note = parse_note(
        "c.md".into(),
        b"**Monthly fund flows (2025):**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
          **The key distinction:** In a broad selloff, most stocks fall together. In a rotation, \
          the index can fall while most constituents rise and money spreads to the rest.\n\n\
          | a | b |\n|---|---|\n| 1 | 2 |\n"
            .to_vec(),
    );
    let captions: Vec<Option<&str>> = note.tables.iter().map(|t| t.caption.as_deref()).collect();
    assert_eq!(captions, [Some("Monthly fund flows (2025)"), None]);
}

/// `check` and `build` parse at `Detail::Lean`: what they read must come out as at `Full`.
#[test]
fn rules_detail_keeps_what_rules_read() {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seeds/000_bf4f9985600ef033.txt"
    ))
    .unwrap_or_else(|_| {
        b"# T\n\n**Caption:**\n\n| a | b |\n|---|---|\n| [[X\\|y]] | 2 | 3 |\n| [[G|H]] | x |\n"
            .to_vec()
    });
    // With properties in front, as most vault notes have them.
    let text = [
        b"---\naliases: [Rotation]\ntags: [macro/rates]\nupdated: 2026-01-14\nsee: \"[[Breadth]]\"\n---\n"
            .as_slice(),
        &text,
    ]
    .concat();
    let full = parse_note_with("n.md".into(), text.clone(), Detail::Full);
    let lean = parse_note_with("n.md".into(), text, Detail::Lean);
    assert!(!full.tables.is_empty());
    assert_eq!(full.tables.len(), lean.tables.len());
    assert!(full.word_count > 0);
    assert_eq!(lean.word_count, 0, "only the exports read it");
    for (f, l) in full.tables.iter().zip(&lean.tables) {
        assert_eq!(f.span, l.span);
        assert_eq!(f.column_count, l.column_count);
        assert_eq!(f.columns.len() as u32, f.column_count);
        assert!(l.columns.is_empty() && l.caption.is_none() && l.heading_path.is_empty());
        let shape = |t: &crate::model::Table| {
            t.rows
                .iter()
                .map(|r| (r.span, r.raw_cell_count))
                .collect::<Vec<_>>()
        };
        assert_eq!(shape(f), shape(l));
        assert!(l.rows.iter().all(|r| r.cells.is_empty()));
    }
    let link = |n: &Note| {
        n.links
            .iter()
            .map(|l| (l.span, l.target(n).to_owned(), l.in_table, l.unescaped_pipe))
            .collect::<Vec<_>>()
    };
    assert_eq!(link(&full), link(&lean));
    assert_eq!(full.headings.len(), lean.headings.len());
    assert_eq!(full.tags.len(), lean.tags.len());
    assert_eq!(full.updated.len(), lean.updated.len());
    assert_eq!(full.aliases.len(), lean.aliases.len());
    let (f, l) = (full.frontmatter.unwrap(), lean.frontmatter.unwrap());
    assert!(
        f.value.is_some() && f.value == l.value,
        "the mapping at both levels: the site reads it"
    );
    assert_eq!(f.span, l.span);
    assert_eq!(f.error.is_some(), l.error.is_some());
}

#[test]
fn frontmatter_links_are_all_found_whatever_the_key_order() {
    // The YAML mapping comes back in key order (`parent` before `related`); the links are in
    // text order, and a link written twice is two links.
    let n = parse(
        "---\nrelated: \"[[Zeta]]\"\nsee: [\"[[Alpha]]\", \"[[Zeta]]\"]\nparent: \"[[Alpha|A]]\"\n---\n# T\n",
    );
    let got: Vec<(&str, u32)> = n
        .links
        .iter()
        .map(|l| (l.target(&n), l.span.line))
        .collect();
    assert_eq!(got, [("Zeta", 2), ("Alpha", 3), ("Zeta", 3), ("Alpha", 4)]);
    assert!(n.links.iter().all(|l| l.kind == LinkKind::Frontmatter));
}

#[test]
fn word_count_matches_a_byte_by_byte_count() {
    // The stateful count `count_words` replaced: starts of runs of non-whitespace bytes.
    fn reference(bytes: &[u8]) -> u32 {
        let mut count = 0;
        let mut in_word = false;
        for &b in bytes {
            let space = b.is_ascii_whitespace();
            count += u32::from(!space && !in_word);
            in_word = !space;
        }
        count
    }
    let samples = [
        "",
        " ",
        "a",
        " a",
        "a ",
        "a b",
        "  a\tb\nc\x0Cd\re\x0Bf  ",
        "é ü\u{a0}x",
        "\n\n",
        "one two  three   four",
    ];
    for s in samples {
        assert_eq!(count_words(s.as_bytes()), reference(s.as_bytes()), "{s:?}");
    }
    // Across the 64-byte chunks: every length to 200, words and spaces in a few rhythms.
    for len in 0..200 {
        for step in [1, 2, 3, 5, 63, 64, 65] {
            let text: Vec<u8> = (0..len)
                .map(|i| if (i / step) % 2 == 0 { b'w' } else { b' ' })
                .collect();
            assert_eq!(count_words(&text), reference(&text), "{len} {step}");
            let shifted = [b" ".as_slice(), &text].concat();
            assert_eq!(count_words(&shifted), reference(&shifted), "{len} {step}");
        }
    }
    // Every string of up to 6 bytes over a small alphabet.
    let alphabet = [b' ', b'a', b'\t', b'\n', 0x0B, 0x0C, b'\r', 0xC3];
    let mut buf = Vec::new();
    for len in 0..=6u32 {
        for code in 0..alphabet.len().pow(len) {
            buf.clear();
            let mut c = code;
            for _ in 0..len {
                buf.push(alphabet[c % alphabet.len()]);
                c /= alphabet.len();
            }
            assert_eq!(count_words(&buf), reference(&buf), "{buf:?}");
        }
    }
}

#[test]
fn a_heading_is_matched_as_written_and_as_shown() {
    let n = parse(
        "### May 8 rally ([[Apple]]-Intel deal)\n## Capex ([[Microsoft|MSFT]] guide)\n\
         ## The **bold**-faced `NVDA`-linked ==Key==-man call\n## Plain\n## ==Key==-man risk\n",
    );
    let matches = |i: usize, link: &str| n.headings[i].matches_key(&heading_key(link));
    assert_eq!(n.headings[0].text(), "May 8 rally (Apple-Intel deal)");
    assert!(matches(0, "May 8 rally (Apple-Intel deal)"));
    assert!(matches(1, "Capex (MSFT guide)"));
    assert!(matches(1, "Capex Microsoft MSFT guide"), "as written");
    assert!(!matches(1, "Capex Microsoft guide"));
    assert!(matches(2, "The bold-faced NVDA-linked Key-man call"));
    assert_eq!(n.headings[3].shown_key(), None, "only kept when it differs");
    assert!(matches(4, "Key-man risk"), "highlight marks alone");
}

#[test]
fn cjk_characters_count_one_word_each() {
    // Han and kana one each; CJK punctuation separates; Latin words and Hangul by spaces.
    let cases = [
        ("中文", 2),
        ("我是学生。", 4),
        ("中文abc", 3),
        ("NVIDIA发布了新的GPU，股价上涨5%", 12),
        ("「日本語」のテスト", 7),
        ("한국어 단어", 2),
        ("plain words here", 3),
        ("é ü\u{a0}x", 2),
        ("(天马-1000)", 3),
        ("(中国兵器工业集团 / China", 10),
        ("「日本語」", 3),
    ];
    for (text, want) in cases {
        assert_eq!(count_text_words(text), want, "{text:?}");
    }
    // Text without CJK counts as before, in either path.
    for s in ["", " a", "é ü\u{a0}x  y", "— dash — ", "naïve café"] {
        assert_eq!(count_text_words(s), count_words(s.as_bytes()), "{s:?}");
    }
    let n = parse(
        "# 投资\n\n长期持有 [[NVIDIA]] 的理由。\n\n| 公司 | 市值 |\n|---|---|\n| 英伟达 | 5T |\n",
    );
    // 投资 2, 长期持有 4, NVIDIA 1, 的理由 3, 公司 2, 市值 2, 英伟达 3, 5T 1.
    assert_eq!(n.word_count, 18);
}

#[test]
fn table_cells_span_their_text() {
    // Escaped pipes, a split wikilink, multibyte text, CRLF, a short row (padded) and a wide
    // row (cut to the header's width).
    let text = "\u{FEFF}| a | b \\| c | [[X\\|y]] |\r\n|---|:-:|---|\r\n| é 🙂 | x \\| y | [[Z|w]] |\r\n| short |\r\n| 1 | 2 | 3 | 4 | 5 |\r\n";
    let n = parse_note("n.md".into(), text.as_bytes().to_vec());
    let t = &n.tables[0];
    let cells = |cells: &[crate::model::Cell]| -> Vec<(String, u32, u32)> {
        cells
            .iter()
            .map(|c| {
                let (line, col) = n.lines.line_col(&n.text, c.span.start as usize);
                assert_eq!((c.span.line, c.span.col), (line, col));
                (n.text[c.span.range()].to_owned(), line, col)
            })
            .collect()
    };
    let s = |t: &str, line: u32, col: u32| (t.to_owned(), line, col);
    assert_eq!(
        cells(&t.columns),
        [s("a", 1, 3), s("b \\| c", 1, 7), s("[[X\\|y]]", 1, 16)]
    );
    let rows: Vec<_> = t.rows.iter().map(|r| cells(&r.cells)).collect();
    assert_eq!(
        rows,
        [
            vec![s("é 🙂", 3, 3), s("x \\| y", 3, 9), s("[[Z", 3, 18)],
            // The padded cells are empty, where the row's text ends.
            vec![s("short", 4, 3), s("", 4, 10), s("", 4, 10)],
            vec![s("1", 5, 3), s("2", 5, 7), s("3", 5, 11)],
        ]
    );
    assert_eq!(t.rows[1].cells[1].text, "");
    assert_eq!(t.columns[1].text, "b | c");
}
