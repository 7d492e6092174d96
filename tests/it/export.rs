//! `vaultc export --json / --sqlite`: schema, determinism, counts against a generated vault's
//! ground truth, and the database agreeing with `vaultc refs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::{TODAY, vaultc};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `vaultc export --json -` in `dir` (extra args first, e.g. `--config`).
fn export_json(dir: &Path, extra: &[&str]) -> Vec<u8> {
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(["export", "--today", TODAY, "--json", "-"]);
    let o = vaultc(dir, &args);
    assert!(
        o.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("schema/export.schema.json")).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn assert_valid(doc: &serde_json::Value) {
    let validator = schema();
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "export does not match its schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sample_vault_export_matches_the_schema_and_is_byte_identical() {
    let first = export_json(&repo(), &[]);
    // The second export decodes its notes from the note cache the first one wrote.
    let second = export_json(&repo(), &[]);
    assert!(first == second, "two exports of the same vault differ");
    let uncached = vaultc(
        &repo(),
        &["export", "--no-cache", "--today", TODAY, "--json", "-"],
    );
    assert!(uncached.status.success());
    assert!(
        uncached.stdout == first,
        "an export without the note cache differs"
    );
    let doc: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_valid(&doc);
    assert_eq!(doc["schema_version"], 2);
    let nvidia = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["path"] == "Actors/NVIDIA.md")
        .expect("NVIDIA.md is exported");
    assert!(!nvidia["tables"].as_array().unwrap().is_empty());
}

#[test]
fn generated_vault_export_counts_equal_the_ground_truth() {
    let (_tmp, vault, truth) = crate::generated::generate();
    let bytes = export_json(&vault, &[]);
    assert!(bytes == export_json(&vault, &[]), "two exports differ");
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_valid(&doc);
    let notes = doc["notes"].as_array().unwrap();
    assert_eq!(notes.len() as u64, truth["notes"].as_u64().unwrap());

    let links = notes.iter().flat_map(|n| n["links"].as_array().unwrap());
    let (mut wiki, mut embeds) = (0, 0);
    let mut broken = BTreeSet::new();
    for l in links {
        match l["kind"].as_str().unwrap() {
            "wiki" => wiki += 1,
            "embed" => embeds += 1,
            _ => continue,
        }
        if l["resolution"]["status"] == "unresolved" {
            broken.insert(l["target"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(wiki, truth["wikilinks"]["link"].as_u64().unwrap());
    assert_eq!(embeds, truth["wikilinks"]["embed"].as_u64().unwrap());
    let truth_broken: BTreeSet<String> = truth["broken_targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(broken, truth_broken);

    let tags: BTreeSet<String> = notes
        .iter()
        .flat_map(|n| n["tags"].as_array().unwrap())
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    let truth_tags: BTreeSet<String> = truth["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tags, truth_tags);

    let tables: u64 = notes
        .iter()
        .map(|n| n["tables"].as_array().unwrap().len() as u64)
        .sum();
    assert_eq!(tables, truth["tables"].as_u64().unwrap());
}

#[test]
fn sqlite_export_agrees_with_refs_and_finds_phrases() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("vault.sqlite");
    let o = vaultc(
        &repo(),
        &["export", "--today", TODAY, "--sqlite", db.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let conn = rusqlite::Connection::open(&db).unwrap();

    // Which notes reference NVIDIA, by SQL ...
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT n.path FROM links l \
             JOIN notes n ON n.id = l.note_id \
             JOIN entities e ON e.id = l.target_entity_id \
             WHERE e.name = 'NVIDIA' ORDER BY n.path",
        )
        .unwrap();
    let from_sql: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // ... and by `vaultc refs`.
    let o = vaultc(&repo(), &["refs", "NVIDIA", "--json"]);
    assert!(o.status.success());
    let refs: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let from_refs: Vec<String> = refs["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["path"].as_str().unwrap().to_owned())
        .collect();
    assert!(!from_sql.is_empty());
    assert_eq!(from_sql, from_refs);

    // Full-text search finds a phrase from the sample vault.
    let hits: Vec<String> = conn
        .prepare("SELECT path FROM note_text WHERE note_text MATCH '\"stretched leaders\"' ORDER BY path")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!hits.is_empty(), "FTS5 finds the phrase");

    // Foreign keys hold.
    let violations: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(violations, 0);

    // A second export replaces the file.
    let o = vaultc(
        &repo(),
        &["export", "--today", TODAY, "--sqlite", db.to_str().unwrap()],
    );
    assert!(o.status.success());
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");
}

#[test]
fn readme_sql_queries_run_and_answer_on_the_sample_vault() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("vault.sqlite");
    let o = vaultc(
        &repo(),
        &["export", "--today", TODAY, "--sqlite", db.to_str().unwrap()],
    );
    assert!(o.status.success());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let block = readme
        .split("```sql\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("README has a ```sql block");
    let queries: Vec<&str> = block
        .split(';')
        .map(str::trim)
        .filter(|q| q.lines().any(|l| !l.trim_start().starts_with("--")))
        .collect();
    assert_eq!(queries.len(), 5, "the README shows five queries");
    for q in queries {
        let mut stmt = conn.prepare(q).unwrap_or_else(|e| panic!("{e}: {q}"));
        let rows = stmt.query_map([], |_| Ok(())).unwrap().count();
        assert!(rows > 0, "no rows from README query:\n{q}");
    }
}
