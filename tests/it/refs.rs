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

#[test]
fn text_output_is_grouped_with_clickable_positions_and_a_count() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = vaultc(&repo, &["refs", "Palantir"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(
        text.contains("vault/Actors/Michael Burry.md:10:31  Bought puts on"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("in 2 notes"), "{text}");
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
