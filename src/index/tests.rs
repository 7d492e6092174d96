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
    assert_eq!(r.candidates().len(), 2);
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

#[test]
fn aliases_resolve_as_alias_references() {
    let mut v = vault(&[], &[]);
    v.notes.push(parse_note(
        "Actors/Alphabet.md".into(),
        b"---\naliases: [Google]\n---\n".to_vec(),
    ));
    assert_eq!(
        path_of(&v, &resolve(&v, 0, "[[google]]")),
        "alias:Actors/Alphabet.md"
    );
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
    paths.push("z/Note.md".into()); // shallowest: the pick from anywhere else
    paths.push("solo/note.md".into()); // alone in its folder, and not the exact case
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
    assert_eq!(r.candidate_count(), 201, "exact-case matches only");
    assert_eq!(r.candidates().len(), MAX_CANDIDATES);
    assert_eq!(
        r.candidates()[0],
        id_of("f003/deep/Note.md"),
        "the pick comes first"
    );

    let r = resolve(&v, id_of("solo/note.md"), "[[Note]]");
    assert_eq!(path_of(&v, &r), "z/Note.md", "exact case beats the folder");
    let r = resolve(&v, id_of("solo/note.md"), "[[note]]");
    assert_eq!(path_of(&v, &r), "solo/note.md");
    assert_eq!(r.candidate_count(), 1);
    assert!(r.candidates().is_empty());
}
