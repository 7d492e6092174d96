//! Property tests (SPEC §7: "the parser is fuzzed"): `parse_note` never panics and keeps its
//! span invariants on arbitrary bytes and on Markdown-shaped text; `--fix` changes only the
//! bytes its fixes name and is idempotent.
//!
//! The invariants and the token vocabularies are the fuzz targets' own (`fuzz/src/`), so a
//! `cargo test` run checks what `cargo fuzz run` checks, on fewer inputs.

#[path = "../../fuzz/src/invariants.rs"]
mod invariants;
#[path = "../../fuzz/src/soup.rs"]
mod soup;

use std::collections::BTreeMap;
use std::path::Path;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use vaultc::model::Note;
use vaultc::parse::parse_note;
use vaultc::session::{Session, Target};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // A failure becomes a named regression test (src/parse/tests.rs), not a file here.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn parse(bytes: &[u8]) -> Note {
    parse_note("prop.md".to_owned(), bytes.to_vec())
}

/// Parses `bytes` and fails the case on any broken invariant.
fn assert_invariants(bytes: &[u8]) -> Result<(), TestCaseError> {
    let note = parse(bytes);
    if let Some(p) = invariants::decode_problem(bytes, &note) {
        return Err(TestCaseError::fail(format!("decode: {p}")));
    }
    let problems = invariants::problems(&note);
    prop_assert!(
        problems.is_empty(),
        "{problems:#?}\ninput: {:?}",
        String::from_utf8_lossy(bytes)
    );
    Ok(())
}

/// One piece of Markdown-ish text.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(soup::MARKDOWN).prop_map(str::to_owned),
        2 => select(soup::TABLE).prop_map(str::to_owned),
        2 => "[a-zA-Z0-9 éß日🦀]{1,6}",
        1 => Just("\n| a | b |\n|---|---|\n".to_owned()),
        1 => Just("\n\n".to_owned()),
    ]
}

/// A note: optional BOM, optional frontmatter of YAML tokens, a body of tokens, LF or CRLF.
fn markdownish() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        vec(select(soup::YAML), 0..24),
        vec(token(), 0..160),
    )
        .prop_map(|(bom, crlf, fm, yaml, body)| {
            let mut text = String::new();
            if fm {
                text.push_str("---\n");
                text.extend(yaml);
                text.push_str("\n---\n");
            }
            text.extend(body);
            if crlf {
                text = text.replace("\r\n", "\n").replace('\n', "\r\n");
            }
            let mut bytes = if bom {
                b"\xEF\xBB\xBF".to_vec()
            } else {
                Vec::new()
            };
            bytes.extend_from_slice(text.as_bytes());
            bytes
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_keep_the_invariants(bytes in vec(any::<u8>(), 0..600)) {
        assert_invariants(&bytes)?;
    }

    #[test]
    fn markdownish_text_keeps_the_invariants(bytes in markdownish()) {
        assert_invariants(&bytes)?;
    }

    #[test]
    fn wikilink_soup_keeps_the_invariants(bytes in vec(any::<u8>(), 0..300)) {
        assert_invariants(soup::markdown(&bytes).as_bytes())?;
    }

    #[test]
    fn table_rows_keep_the_invariants(bytes in vec(any::<u8>(), 0..300)) {
        assert_invariants(soup::table(&bytes).as_bytes())?;
    }

    #[test]
    fn frontmatter_keeps_the_invariants(bytes in vec(any::<u8>(), 0..300)) {
        assert_invariants(&soup::frontmatter(&bytes))?;
    }
}

// ---------------------------------------------------------------------------------------
// --fix: generated notes whose fixed text is known in advance.

const TODAY: &str = crate::TODAY;

/// Files every generated vault holds; none of them needs a fix.
const FIXED_FILES: &[(&str, &str)] = &[
    ("NVIDIA.md", "# NVIDIA\n\n## Intro\n\nChips.\n"),
    ("Alpha Beta.md", "# Alpha Beta\n"),
    ("sub/Gamma.md", "# Gamma\n"),
    ("chart.png", "PNG"),
];

/// Link targets as written, and as `--fix` must rewrite them.
const TARGETS: &[(&str, &str)] = &[
    ("nvidia", "NVIDIA"),
    ("Nvidia", "NVIDIA"),
    ("nVIDIA", "NVIDIA"),
    ("NVIDIA", "NVIDIA"),
    ("alpha beta", "Alpha Beta"),
    ("ALPHA BETA", "Alpha Beta"),
    ("Alpha Beta", "Alpha Beta"),
    ("gamma", "Gamma"),
    ("sub/gamma", "sub/Gamma"),
    ("CHART.png", "chart.png"),
    ("Nowhere", "Nowhere"),
];

/// Text that `--fix` must leave alone in a table cell.
const CELL_INERT: &[&str] = &[
    "word",
    "é",
    "🦀",
    "+33%",
    "`[[nvidia]]`",
    "[n](nvidia.md)",
    "a \\| b",
];

/// Text that `--fix` must leave alone in prose. (Not in tables: GFM splits a row at the `|`
/// of `` `[[a|b]]` `` too, and drops the cells past the header's count.)
const INERT: &[&str] = &[
    "word",
    "é",
    "日本語",
    "🦀",
    "+33%",
    "`[[nvidia]]`",
    "`[[nvidia|NV]]`",
    "[n](nvidia.md)",
    "[[]]",
    "#tag",
    "a \\| b",
];

/// `(before, after)` for one piece of text.
type Piece = (String, String);

fn same(s: &str) -> Piece {
    (s.to_owned(), s.to_owned())
}

/// A wikilink or embed outside a table: the target's case changes, and a wikilink that
/// shows its target keeps showing it as written (`[[nvidia]]` → `[[NVIDIA|nvidia]]`).
fn prose_link() -> impl Strategy<Value = Piece> {
    (
        select(TARGETS),
        any::<bool>(),
        select(&["", "#Intro", "#^blk"][..]),
        select(&["", "|NV", "|a b"][..]),
        select(&["", " "][..]),
    )
        .prop_map(|((w, exact), embed, sub, alias, pad)| {
            let bang = if embed { "!" } else { "" };
            let shown = if w != exact && !embed && sub.is_empty() && alias.is_empty() {
                format!("|{w}")
            } else {
                alias.to_owned()
            };
            (
                format!("{bang}[[{pad}{w}{pad}{sub}{alias}]]"),
                format!("{bang}[[{pad}{exact}{pad}{sub}{shown}]]"),
            )
        })
}

/// A table cell's link: the target's case changes (a wikilink that shows its target keeps
/// it as display text, after `\|`), and an unescaped `|` becomes `\|`.
fn cell_link() -> impl Strategy<Value = Piece> {
    (
        select(TARGETS),
        any::<bool>(),
        select(&["", "|", "\\|"][..]),
        select(&["NV", "200", "a b"][..]),
    )
        .prop_map(|((w, exact), embed, sep, alias)| {
            let bang = if embed { "!" } else { "" };
            let tail = |s: &str| {
                if sep.is_empty() {
                    String::new()
                } else {
                    format!("{s}{alias}")
                }
            };
            let after = if sep.is_empty() && !embed && w != exact {
                format!("\\|{w}")
            } else {
                tail(if sep.is_empty() { "" } else { "\\|" })
            };
            (
                format!("{bang}[[{w}{}]]", tail(sep)),
                format!("{bang}[[{exact}{after}]]"),
            )
        })
}

fn join(pieces: Vec<Piece>, sep: &str) -> Piece {
    let before = pieces.iter().map(|p| p.0.as_str()).collect::<Vec<_>>();
    let after = pieces.iter().map(|p| p.1.as_str()).collect::<Vec<_>>();
    (before.join(sep), after.join(sep))
}

fn paragraph() -> impl Strategy<Value = Piece> {
    vec(
        prop_oneof![
            2 => prose_link(),
            2 => select(INERT).prop_map(same),
            1 => Just(same("%%[[nvidia]] hidden%%")),
            1 => Just(("![alt](CHART.png)".to_owned(), "![alt](chart.png)".to_owned())),
        ],
        1..8,
    )
    .prop_map(|p| join(p, " "))
}

fn table() -> impl Strategy<Value = Piece> {
    let cell = vec(
        prop_oneof![3 => cell_link(), 1 => select(CELL_INERT).prop_map(same)],
        1..3,
    )
    .prop_map(|p| join(p, " "));
    vec(vec(cell, 2..3), 1..5).prop_map(|rows| {
        let rows: Vec<Piece> = rows
            .into_iter()
            .map(|cells| {
                let (b, a) = join(cells, " | ");
                (format!("| {b} |"), format!("| {a} |"))
            })
            .collect();
        let (b, a) = join(rows, "\n");
        let head = "| Name | Value |\n|---|---|\n";
        (format!("{head}{b}"), format!("{head}{a}"))
    })
}

/// A whole note: `(before, after)` bytes.
fn note() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        vec(
            prop_oneof![
                3 => paragraph(),
                2 => table(),
                1 => Just(same("## Section")),
            ],
            1..6,
        ),
    )
        .prop_map(|(bom, crlf, fm, blocks)| {
            let (mut b, mut a) = join(blocks, "\n\n");
            if fm {
                let head = "---\nrelated: \"[[nvidia]]\"\n---\n";
                (b, a) = (format!("{head}{b}\n"), format!("{head}{a}\n"));
            }
            if crlf {
                (b, a) = (b.replace('\n', "\r\n"), a.replace('\n', "\r\n"));
            }
            let bom: &[u8] = if bom { b"\xEF\xBB\xBF" } else { b"" };
            ([bom, b.as_bytes()].concat(), [bom, a.as_bytes()].concat())
        })
}

/// Writes the fixed files and the generated notes `n0.md`, …; returns the expected files
/// after `--fix`.
fn write_vault(dir: &Path, notes: &[(Vec<u8>, Vec<u8>)]) -> BTreeMap<String, Vec<u8>> {
    let mut expected = BTreeMap::new();
    for (path, text) in FIXED_FILES {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        expected.insert((*path).to_owned(), text.as_bytes().to_vec());
    }
    for (i, (before, after)) in notes.iter().enumerate() {
        let path = format!("n{i}.md");
        std::fs::write(dir.join(&path), before).unwrap();
        expected.insert(path, after.clone());
    }
    expected
}

/// Every file under `dir`, by `/`-separated relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = vaultc::vault::relative(root, &path);
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// What `vaultc check --fix` does, through the library: rounds of check + apply until no
/// edit is left. Returns the edits written.
fn fix_vault(dir: &Path) -> usize {
    let today = TODAY.parse().unwrap();
    let mut total = 0;
    for _ in 0..10 {
        let mut session = Session::open(&Target::vault(dir)).unwrap();
        session.without_cache();
        let analysis = session.analysis(vaultc::parse::Detail::Full).unwrap();
        let found = analysis.check(today, None);
        let (edits, _) = vaultc::fix::apply(&analysis.vault, &found).unwrap();
        if edits == 0 {
            break;
        }
        total += edits;
    }
    total
}

/// `after` is `before` with only these changes: letters changed case, `\` inserted right
/// before a `|`, and a display text (`|…` or `\|…`) added right before a link's `]]`.
pub(crate) fn only_fix_differences(before: &[u8], after: &[u8]) -> Result<(), String> {
    let (b, a) = (
        String::from_utf8_lossy(before),
        String::from_utf8_lossy(after),
    );
    let (mut b, mut a) = (b.char_indices().peekable(), a.char_indices().peekable());
    loop {
        match (b.peek().copied(), a.peek().copied()) {
            (None, None) => return Ok(()),
            (Some((_, bc)), Some((_, ac))) if bc == ac => {
                b.next();
                a.next();
            }
            (Some((_, '|')), Some((_, '\\'))) => {
                a.next();
            }
            (Some((_, ']')), Some((_, '|' | '\\'))) => {
                // An added display text runs to the link's closing brackets.
                while a.peek().is_some_and(|&(_, c)| c != ']') {
                    a.next();
                }
            }
            (Some((_, bc)), Some((_, ac))) if bc.to_lowercase().eq(ac.to_lowercase()) => {
                b.next();
                a.next();
            }
            (bp, ap) => {
                return Err(format!(
                    "unexpected change: before {bp:?} after {ap:?} (byte offsets)"
                ));
            }
        }
    }
}

fn assert_fixed(
    dir: &Path,
    expected: &BTreeMap<String, Vec<u8>>,
    before: &BTreeMap<String, Vec<u8>>,
) {
    let after = snapshot(dir);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "files appeared or vanished"
    );
    for (path, want) in expected {
        let got = &after[path];
        if let Err(e) = only_fix_differences(&before[path], got) {
            panic!(
                "{path}: {e}\nbefore: {:?}\nafter:  {:?}",
                String::from_utf8_lossy(&before[path]),
                String::from_utf8_lossy(got)
            );
        }
        assert_eq!(
            String::from_utf8_lossy(got),
            String::from_utf8_lossy(want),
            "{path}: fixed text differs from the expected text\nbefore: {:?}",
            String::from_utf8_lossy(&before[path])
        );
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn fix_changes_only_what_it_names_and_is_idempotent(notes in vec(note(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        let expected = write_vault(dir.path(), &notes);
        let before = snapshot(dir.path());
        fix_vault(dir.path());
        assert_fixed(dir.path(), &expected, &before);
        prop_assert_eq!(fix_vault(dir.path()), 0, "a second --fix found more to do");
        prop_assert_eq!(snapshot(dir.path()), expected);
    }
}

/// The same through the binary: `vaultc check --fix`, twice.
#[test]
fn check_fix_twice_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let note = |b: &str, a: &str| (b.as_bytes().to_vec(), a.as_bytes().to_vec());
    let notes = [
        note(
            "Long [[nvidia]] and ![[ CHART.png |300]], [[alpha beta#Intro|AB]].\n\n| A | B |\n|---|---|\n| [[nvidia|NV]] | [[Nowhere|x]] |\n| [[gamma\\|G]] | `[[a|b]]` |\n",
            "Long [[NVIDIA|nvidia]] and ![[ chart.png |300]], [[Alpha Beta#Intro|AB]].\n\n| A | B |\n|---|---|\n| [[NVIDIA\\|NV]] | [[Nowhere\\|x]] |\n| [[Gamma\\|G]] | `[[a|b]]` |\n",
        ),
        note(
            "\u{FEFF}---\r\nrelated: \"[[nvidia]]\"\r\n---\r\n| x | y |\r\n|---|---|\r\n| ![[NVIDIA|200]] | é [[sub/gamma]] |\r\n",
            "\u{FEFF}---\r\nrelated: \"[[nvidia]]\"\r\n---\r\n| x | y |\r\n|---|---|\r\n| ![[NVIDIA\\|200]] | é [[sub/Gamma\\|sub/gamma]] |\r\n",
        ),
        note("Clean [[NVIDIA]].\n", "Clean [[NVIDIA]].\n"),
    ];
    let expected = write_vault(dir.path(), &notes);
    let before = snapshot(dir.path());
    let first = crate::vaultc(dir.path(), &["check", "--fix", "--today", TODAY]);
    assert!(first.status.code().is_some_and(|c| c <= 1), "{first:?}");
    assert!(
        String::from_utf8_lossy(&first.stderr).contains("Fixed 9 issues"),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_fixed(dir.path(), &expected, &before);
    let second = crate::vaultc(dir.path(), &["check", "--fix", "--today", TODAY]);
    assert!(second.status.code().is_some_and(|c| c <= 1), "{second:?}");
    assert!(
        !String::from_utf8_lossy(&second.stderr).contains("Fixed"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(snapshot(dir.path()), expected);
}

/// A Markdown image whose path is not written verbatim has no range that holds its target
/// (the parser gives the whole `![x](…)`), yet case-mismatch offers a fix there and `--fix`
/// replaces the image syntax with the file name. Needs a guard in
/// src/rules/case_mismatch.rs: fix only when `note.text[link.target_range()]` is the
/// link's `target`.
#[test]
fn fix_leaves_markdown_images_it_cannot_point_at() {
    let dir = tempfile::tempdir().unwrap();
    let text = "![x](CH%41RT.png) ![y][r]\n\n[r]: CHART.png\n";
    let expected = write_vault(dir.path(), &[(text.into(), text.into())]);
    fix_vault(dir.path());
    assert_eq!(snapshot(dir.path()), expected);
}
