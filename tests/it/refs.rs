//! `vaultc refs` and `vaultc backlinks`: every reference, by name, alias or any case.

use std::path::PathBuf;

use crate::{fixture, stdout, vaultc};

fn refs_json(dir: &std::path::Path, entity: &str) -> serde_json::Value {
    let o = vaultc(dir, &["refs", entity, "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn positions(doc: &serde_json::Value) -> Vec<(u64, u64)> {
    doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["references"].as_array().unwrap())
        .map(|r| (r["line"].as_u64().unwrap(), r["column"].as_u64().unwrap()))
        .collect()
}

#[test]
fn seed_note_references_to_nvidia_have_exact_positions() {
    let doc = refs_json(&fixture("seed"), "NVIDIA");
    assert_eq!(doc["count"], 4);
    assert_eq!(
        doc["entity"]["kind"], "unresolved",
        "the seed vault has no NVIDIA note"
    );
    assert_eq!(positions(&doc), [(46, 56), (127, 3), (139, 3), (239, 3)]);
    // Any case finds the same entity.
    assert_eq!(
        positions(&refs_json(&fixture("seed"), "nvidia")),
        positions(&doc)
    );
}

#[test]
fn aliases_tables_and_case_variants_count_as_references() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let doc = refs_json(&repo, "Burry");
    assert_eq!(
        doc["entity"]["name"], "Michael Burry",
        "an alias finds its note"
    );
    let texts: Vec<&str> = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["references"].as_array().unwrap())
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"[[Michael Burry\\|Burry]]"), "{texts:?}");
    assert!(
        texts.contains(&"[[Michael Burry#^burry-short]]"),
        "{texts:?}"
    );
    let in_table = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["references"].as_array().unwrap())
        .any(|r| r["in_table"] == true);
    assert!(in_table);

    let nvidia = refs_json(&repo, "NVIDIA");
    let all: Vec<&str> = nvidia["notes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["references"].as_array().unwrap())
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert!(all.contains(&"[[nvidia]]"), "case variants count: {all:?}");
    assert_eq!(nvidia["count"].as_u64().unwrap() as usize, all.len());
}

/// `refs` prints every link, a line each, with the note's path in the vault (as `stats` and
/// the exports write it), grouped by note, then a count; from any folder, the same paths.
#[test]
fn refs_print_every_link_with_vault_paths() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = vaultc(&repo, &["refs", "Palantir"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert_eq!(
        text,
        "Actors/Michael Burry.md:10:31  Bought puts on [[NVIDIA]] and [[Palantir]] in late \
         2025, read as a bet against AI concentration. ^burry-short\n\n\
         Concepts/Sector rotation.md:39:64  | Oct 2025 | [[Michael Burry\\|Burry]] | Puts on \
         [[NVIDIA]] and [[Palantir]] |\n\n2 references to Palantir (no note) in 2 notes\n"
    );
    let from_vault = vaultc(
        &repo.join("vault/Actors"),
        &["refs", "Palantir", "--vault", ".."],
    );
    assert_eq!(stdout(&from_vault), text);
    // `path` names notes the same way.
    let o = vaultc(&repo, &["path", "Michael Burry", "NVIDIA"]);
    assert_eq!(
        stdout(&o),
        "Michael Burry (Actors/Michael Burry.md)\n\
         → NVIDIA (Actors/NVIDIA.md)  via Actors/Michael Burry.md:10:16  [[NVIDIA]]\n"
    );
}

/// `backlinks` prints one line per linking note: its best link's place, how many links it
/// has, and the line of that link; `refs` prints each link.
#[test]
fn backlinks_give_one_line_per_note_with_its_count_and_best_context() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = vaultc(&repo, &["backlinks", "NVIDIA"]);
    assert!(o.status.success());
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    // Eight notes link to NVIDIA, eleven times: most links first.
    assert_eq!(lines.len(), 8 + 2, "{text}");
    assert_eq!(
        lines[0],
        "Concepts/Sector rotation.md:74:3         3 links  - [[nvidia]] and [[GOOGL]] — \
         written loosely on purpose"
    );
    assert!(lines[1].starts_with("Theses/Long NVIDIA.md:5:5 "), "{text}");
    assert!(lines[1].contains(" 2 links  Own [[NVIDIA]]"), "{text}");
    assert!(lines[2].contains(" 1 link   "), "{text}");
    assert_eq!(
        lines[9],
        "11 links to NVIDIA (Actors/NVIDIA.md) from 8 notes"
    );
    let refs = stdout(&vaultc(&repo, &["refs", "NVIDIA"]));
    assert_eq!(refs.lines().filter(|l| l.contains(".md:")).count(), 11);

    let o = vaultc(&repo, &["backlinks", "NVIDIA", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["count"], 11);
    let notes = doc["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 8);
    // The best link of a note with links in a table and in prose is the one in prose.
    assert_eq!(notes[0]["path"], "Concepts/Sector rotation.md");
    assert_eq!(notes[0]["count"], 3);
    assert_eq!(notes[0]["best"]["in_table"], false);
    assert_eq!(notes[0]["best"]["line"], 74);
    assert_eq!(notes[0]["best"]["text"], "[[nvidia]]");

    for command in ["refs", "backlinks"] {
        let o = vaultc(&repo, &[command, "--help"]);
        let help = stdout(&o);
        let other = if command == "refs" {
            "backlinks"
        } else {
            "refs"
        };
        assert!(
            help.contains(&format!("`vaultc {other}`")),
            "{command} --help says how it differs from {other}:\n{help}"
        );
    }
}

#[test]
fn unknown_entity_suggests_the_closest_names() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = vaultc(&repo, &["refs", "Nvidea"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("did you mean") && err.contains("NVIDIA"),
        "{err}"
    );
}

#[test]
fn backlinks_exclude_the_note_itself_and_need_a_note() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = vaultc(&repo, &["backlinks", "Michael Burry", "--json"]);
    assert!(o.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        doc["notes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["path"] != "Actors/Michael Burry.md")
    );
    assert!(doc["count"].as_u64().unwrap() >= 3);
    let o = vaultc(&repo, &["backlinks", "Palantir"]);
    assert_eq!(o.status.code(), Some(2), "an unresolved name has no note");
}

/// A vault of `(path, text)` files in a fresh folder.
fn temp_vault(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn texts(doc: &serde_json::Value) -> Vec<String> {
    doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["references"].as_array().unwrap())
        .map(|r| r["text"].as_str().unwrap().to_owned())
        .collect()
}

fn stdout_json(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let o = vaultc(dir, args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Unresolved entities of `vaultc export --json` and `vaultc graph --format json`.
fn unresolved_names(dir: &std::path::Path) -> (Vec<String>, Vec<String>) {
    let names = |doc: serde_json::Value, list: &str| -> Vec<String> {
        doc[list]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "unresolved")
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let export = stdout_json(dir, &["export", "--json", "-", "--today", crate::TODAY]);
    let graph = stdout_json(dir, &["graph", "--format", "json"]);
    (names(export, "entities"), names(graph, "nodes"))
}

/// Issue 11, point 6: an alias matches case-exactly. `[[man]]` (the manual) is no reference
/// to the note aliased `MAN`, in refs, backlinks, the graph or the exports; `[[MAN]]` is.
#[test]
fn an_alias_in_another_case_is_no_reference() {
    let dir = temp_vault(&[
        ("MAN Group.md", "---\naliases: [MAN]\n---\n# MAN Group\n"),
        ("Shell.md", "Read the [[man]] pages; [[MAN]] reported.\n"),
    ]);
    let group = refs_json(dir.path(), "MAN Group");
    assert_eq!(texts(&group), ["[[MAN]]"]);
    let backlinks = stdout_json(dir.path(), &["backlinks", "MAN Group", "--json"]);
    assert_eq!(backlinks["count"], 1);
    // Typed on the command line, `man` is the link target the vault writes, not the alias.
    let man = refs_json(dir.path(), "man");
    assert_eq!(man["entity"]["kind"], "unresolved");
    assert_eq!(texts(&man), ["[[man]]"]);
    assert_eq!(
        unresolved_names(dir.path()),
        (vec!["man".to_owned()], vec!["man".to_owned()])
    );
    let (found, _) = crate::json(dir.path(), &[]);
    let rules: Vec<&str> = found.iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["broken-link", "alias-link"]);
    assert!(
        found[0]["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `MAN Group`?"),
        "{:?}",
        found[0]["help"]
    );
}

/// Issue 11, point 7: `[[Example]]`, `[[Example.md]]` and `[text](Example.md)` with no
/// `Example.md` are one missing note in every output, and `planned` silences all three.
#[test]
fn a_missing_note_is_one_entity_however_it_is_linked() {
    let files = [
        ("a.md", "# A\n\n[[Example]] and [[Example.md]].\n"),
        ("b.md", "# B\n\n[text](Example.md) and [[example]].\n"),
    ];
    let dir = temp_vault(&files);
    for name in ["Example", "Example.md", "example"] {
        let doc = refs_json(dir.path(), name);
        assert_eq!(doc["entity"]["name"], "Example", "{name}");
        assert_eq!(doc["count"], 4, "{name}");
        assert_eq!(doc["notes"].as_array().unwrap().len(), 2, "{name}");
    }
    assert_eq!(
        unresolved_names(dir.path()),
        (vec!["Example".to_owned()], vec!["Example".to_owned()])
    );
    // One entity page on the site.
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("out");
    let o = vaultc(
        dir.path(),
        &[
            "build",
            "--out",
            out.to_str().unwrap(),
            "--today",
            crate::TODAY,
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pages: Vec<String> = std::fs::read_dir(out.join("entities"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(pages, ["example.html"]);

    let (found, _) = crate::json(dir.path(), &[]);
    assert_eq!(found.len(), 4, "every link is reported without `planned`");
    let planned = temp_vault(&files);
    std::fs::write(
        planned.path().join("book.toml"),
        "[book]\nsrc = \".\"\n\n[lint]\nplanned = [\"Example\"]\n",
    )
    .unwrap();
    let (found, code) = crate::json(planned.path(), &[]);
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(code, 0);
}
