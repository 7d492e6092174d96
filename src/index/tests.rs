//! Resolution cases from OBSIDIAN.md §G4 and SPEC §1.

use super::*;
use crate::parse::parse_note;

fn vault(paths: &[&str], attachments: &[&str]) -> Vault {
    Vault {
        notes: paths
            .iter()
            .map(|p| {
                parse_note(
                    (*p).to_owned(),
                    b"# H1\n\n## Sub heading?\n\ntext ^blk\n".to_vec(),
                )
            })
            .collect(),
        attachments: attachments.iter().map(|a| (*a).to_owned()).collect(),
        ..Vault::default()
    }
}

fn resolve(v: &Vault, from: usize, text: &str) -> Resolved {
    let note = parse_note("x.md".into(), text.as_bytes().to_vec());
    Index::build(v).resolve(v, from, note.links[0].target(&note))
}

fn path_of(v: &Vault, r: &Resolved) -> String {
    match r.target() {
        Target::Note(id) => v.notes[id].path.clone(),
        Target::Attachment(i) => v.attachments[i].clone(),
        Target::Alias(id) => format!("alias:{}", v.notes[id].path),
        Target::Unresolved => "unresolved".into(),
    }
}

#[test]
fn obsidian_lookup_cases() {
    let v = vault(
        &[
            "Note.1.md",
            "NoteA.md",
            "Noteä.md",
            "nested/NoteA.md",
            "a/b/Deep.md",
        ],
        &["Document.pdf", "img/chart.png"],
    );
    let cases = [
        ("[[NoteA]]", "NoteA.md"),
        ("[[NoteA.md]]", "NoteA.md"),
        ("[[nested/NoteA]]", "nested/NoteA.md"),
        ("[[NESTED/notea.md]]", "nested/NoteA.md"),
        ("[[Note.1]]", "Note.1.md"),
        ("[[Document.pdf]]", "Document.pdf"),
        ("![[chart.png]]", "img/chart.png"),
        ("[[Note\u{0061}\u{0308}]]", "Noteä.md"),
        ("[[NOTEÄ]]", "Noteä.md"),
        ("[[b/Deep]]", "a/b/Deep.md"),
        ("[[../../etc/passwd]]", "unresolved"),
        ("[[a/../../x]]", "unresolved"),
        ("[[Missing]]", "unresolved"),
    ];
    for (link, want) in cases {
        assert_eq!(path_of(&v, &resolve(&v, 0, link)), want, "{link}");
    }
    let r = resolve(&v, 0, "[[notea]]");
    assert!(!r.exact_case);
    assert!(resolve(&v, 0, "[[NoteA]]").exact_case);
}

#[test]
fn relative_links_and_ties() {
    let v = vault(
        &[
            "Sectors/Energy.md",
            "Concepts/Energy.md",
            "Concepts/Other.md",
            "x/y.md",
        ],
        &[],
    );
    let r = resolve(&v, 2, "[[Energy]]");
    assert_eq!(path_of(&v, &r), "Concepts/Energy.md");
    assert_eq!(r.candidates().len(), 2, "every match is kept");
    assert!(!r.is_tie(), "the linking note's folder decided");
    let r = resolve(&v, 3, "[[Energy]]");
    assert_eq!(path_of(&v, &r), "Sectors/Energy.md", "the shorter path");
    assert!(r.is_tie());
    assert_eq!(
        path_of(&v, &resolve(&v, 3, "[[../Sectors/Energy]]")),
        "Sectors/Energy.md"
    );
    assert_eq!(
        path_of(&v, &resolve(&v, 3, "[[Sectors/Energy]]")),
        "Sectors/Energy.md"
    );
    assert!(resolve(&v, 3, "[[Sectors/Energy]]").candidates().is_empty());
}

/// The order Obsidian 1.13.7's `getFirstLinkpathDest` picks in, as observed in the
/// developer console (markdown-vault-mcp PR #1380, issue #1350): an exact vault path, then
/// the linking note's own folder (never an ancestor), then the shortest path string.
#[test]
fn several_matches_pick_as_obsidian_1_13_7() {
    let id = |v: &Vault, p: &str| v.notes.iter().position(|n| n.path == p).unwrap();
    let v = vault(
        &[
            "Note.md",
            "a/b/Note.md",
            "b/Note.md",
            "b/src.md",
            "a/b/src.md",
            "zzzz/Note.md",
            "zzzz/deep/src.md",
        ],
        &[],
    );
    // 1. An exact vault path wins, even over a match beside the linking note.
    for (from, link, want) in [
        ("b/src.md", "[[Note]]", "Note.md"),
        ("a/b/src.md", "[[b/Note]]", "b/Note.md"),
        ("zzzz/deep/src.md", "[[Note.md]]", "Note.md"),
    ] {
        let r = resolve(&v, id(&v, from), link);
        assert_eq!(path_of(&v, &r), want, "{link} from {from}");
        assert!(!r.is_tie(), "{link} from {from}");
    }

    let v = vault(
        &[
            "a/b/Note.md",
            "a/b/src.md",
            "b/Note.md",
            "b/src.md",
            "zzzz/Note.md",
            "zzzz/deep/src.md",
        ],
        &[],
    );
    // 2. The linking note's own folder.
    for (from, want) in [("b/src.md", "b/Note.md"), ("a/b/src.md", "a/b/Note.md")] {
        let r = resolve(&v, id(&v, from), "[[Note]]");
        assert_eq!(path_of(&v, &r), want, "from {from}");
        assert!(!r.is_tie(), "from {from}");
        assert_eq!(r.candidate_count(), 3);
    }
    // 3. An ancestor folder counts for nothing: the shortest path string wins.
    let r = resolve(&v, id(&v, "zzzz/deep/src.md"), "[[Note]]");
    assert_eq!(
        path_of(&v, &r),
        "b/Note.md",
        "not zzzz/Note.md, the parent's"
    );
    assert!(r.is_tie());
    // A suffix link picks the same way among the paths that end so.
    let r = resolve(&v, id(&v, "zzzz/deep/src.md"), "[[b/Note]]");
    assert_eq!(path_of(&v, &r), "b/Note.md", "the exact vault path");
    assert!(!r.is_tie());

    // The shortest string, not the fewest folders; equal lengths go by path.
    let v = vault(&["a/b/Note.md", "src.md", "zzzz/Note.md"], &[]);
    let r = resolve(&v, 1, "[[Note]]");
    assert_eq!(path_of(&v, &r), "a/b/Note.md");
    assert!(r.is_tie());
    let v = vault(&["bb/Note.md", "aa/Note.md", "src.md"], &[]);
    let r = resolve(&v, 2, "[[Note]]");
    assert_eq!(path_of(&v, &r), "aa/Note.md");
    assert!(r.is_tie());
    assert_eq!(r.candidates().len(), 2);
}

/// OBSIDIAN.md §G4 cases 92 and 101, under the order above.
#[test]
fn obsidian_md_ambiguity_cases() {
    // 92: `Note.md`, `dir1/Note.md`, `dir2/Note.md`.
    let v = vault(
        &["Note.md", "dir1/Note.md", "dir2/Note.md", "dir2/x.md"],
        &[],
    );
    assert_eq!(
        path_of(&v, &resolve(&v, 3, "[[dir1/Note|note from dir1]]")),
        "dir1/Note.md"
    );
    let r = resolve(&v, 3, "[[Note]]");
    assert_eq!(
        path_of(&v, &r),
        "Note.md",
        "the root path beats dir2, the own folder"
    );
    assert!(!r.is_tie());
    // 101: two `Consumer.md`: from elsewhere the shorter path, a tie; from either folder,
    // that folder's note and no tie.
    let v = vault(
        &[
            "Concepts/Consumer.md",
            "Concepts/Inflation.md",
            "Home.md",
            "Sectors/Consumer.md",
        ],
        &[],
    );
    let r = resolve(&v, 2, "[[Consumer]]");
    assert_eq!(path_of(&v, &r), "Sectors/Consumer.md");
    assert!(r.is_tie());
    let r = resolve(&v, 1, "[[Consumer]]");
    assert_eq!(path_of(&v, &r), "Concepts/Consumer.md");
    assert!(!r.is_tie());
}

#[test]
fn attachments_pick_the_own_folder_then_the_shortest_path() {
    let v = vault(
        &["notes/a.md", "x.md"],
        &["img/chart.png", "notes/chart.png"],
    );
    assert_eq!(
        path_of(&v, &resolve(&v, 0, "![[chart.png]]")),
        "notes/chart.png"
    );
    assert_eq!(
        path_of(&v, &resolve(&v, 1, "![[chart.png]]")),
        "img/chart.png"
    );
}

#[test]
fn aliases_resolve_as_alias_references_case_included() {
    let mut v = vault(&[], &[]);
    v.notes.push(parse_note(
        "Actors/Alphabet.md".into(),
        b"---\naliases: [Google]\n---\n".to_vec(),
    ));
    v.notes.push(parse_note(
        "Actors/Aluminium Bahrain.md".into(),
        b"---\naliases: [Alba]\n---\n".to_vec(),
    ));
    v.notes.push(parse_note("Notes.md".into(), b"x\n".to_vec()));
    assert_eq!(
        path_of(&v, &resolve(&v, 2, "[[Google]]")),
        "alias:Actors/Alphabet.md"
    );
    // OBSIDIAN.md §G4 case 100's rule, with the issue's `[[ALBA]]`: another case is no
    // reference, only a hint.
    for link in ["[[google]]", "[[ALBA]]", "[[alba]]"] {
        assert_eq!(path_of(&v, &resolve(&v, 2, link)), "unresolved", "{link}");
    }
    let index = Index::build(&v);
    assert_eq!(
        index.suggest(&v, 2, "ALBA"),
        Some(Suggestion {
            note: 1,
            linktext: "Aluminium Bahrain".into(),
            alias: Some("Alba".into()),
        })
    );
    assert_eq!(index.alias_owners("alba"), &[] as &[NoteId]);
    assert_eq!(index.alias_owners_any_case("alba"), &[1]);
}

#[test]
fn hints_reach_the_intended_note_or_are_not_given() {
    let v = vault(
        &[
            "Coffee Template.md",
            "Cloud/GCP/Google Dataproc.md",
            "Vendors/Google Dataproc.md",
            "Sectors/Energy.md",
            "Concepts/Energy.md",
            "Star performers.md",
            "Ideas/x.md",
        ],
        &[],
    );
    let index = Index::build(&v);
    let hint = |from: usize, target: &str| index.suggest(&v, from, target).map(|s| s.linktext);
    // Never the linking note itself.
    assert_eq!(hint(0, "Coffee"), None);
    assert_eq!(hint(6, "Coffee").as_deref(), Some("Coffee Template"));
    // A name two notes share is no hint; the folder the link spells picks one, and the hint
    // is its path, since the name alone would tie.
    assert_eq!(hint(6, "Google-Dataproc"), None);
    assert_eq!(
        hint(6, "GCP/Google-Dataproc").as_deref(),
        Some("Cloud/GCP/Google Dataproc")
    );
    assert_eq!(hint(6, "energy-"), None, "two notes fit: no hint");
    assert_eq!(
        hint(3, "energy-").as_deref(),
        Some("Concepts/Energy"),
        "in Sectors/Energy.md one other note fits, and its name would reach the note itself"
    );
    assert_eq!(
        hint(6, "Star-Performers").as_deref(),
        Some("Star performers")
    );
    assert_eq!(hint(6, "Nothing like it"), None);
}

#[test]
fn heading_chains() {
    let n = parse_note("n.md".into(), b"# A\n## B\n### C\n## D\n### C\n".to_vec());
    assert!(has_heading(&n, ["C"]));
    assert!(has_heading(&n, ["B", "C"]));
    assert!(has_heading(&n, ["A", "D", "C"]));
    assert!(!has_heading(&n, ["D", "B"]));
    assert!(!has_heading(&n, ["E"]));
}

#[test]
fn many_notes_of_one_name_pick_like_one_and_keep_few_candidates() {
    let mut paths: Vec<String> = (0..200).map(|i| format!("f{i:03}/deep/Note.md")).collect();
    paths.push("zz/Note.md".into()); // shortest: the pick from anywhere else
    paths.push("solo/note.md".into()); // alone in its folder, and not the exact case
    paths.push("other/x.md".into());
    paths.sort();
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let v = vault(&refs, &[]);
    let id_of = |p: &str| v.notes.iter().position(|n| n.path == p).unwrap();

    let r = resolve(&v, id_of("f003/deep/Note.md"), "[[Note]]");
    assert_eq!(
        path_of(&v, &r),
        "f003/deep/Note.md",
        "the linking note's folder first"
    );
    assert!(!r.is_tie());
    assert_eq!(r.candidate_count(), 202, "every match, any case");
    assert_eq!(r.candidates().len(), MAX_CANDIDATES);
    assert_eq!(
        r.candidates()[0],
        id_of("f003/deep/Note.md"),
        "the pick comes first"
    );

    let r = resolve(&v, id_of("solo/note.md"), "[[Note]]");
    assert_eq!(
        path_of(&v, &r),
        "solo/note.md",
        "the folder beats the exact case"
    );
    assert!(!r.exact_case);
    let r = resolve(&v, id_of("f003/deep/Note.md"), "[[note]]");
    assert_eq!(path_of(&v, &r), "f003/deep/Note.md");
    let r = resolve(&v, id_of("other/x.md"), "[[Note]]");
    assert_eq!(
        path_of(&v, &r),
        "zz/Note.md",
        "from elsewhere, the shortest path"
    );
    assert!(r.is_tie() && r.exact_case);
}
