//! A generated vault (../shared/bench/gen_vault.py, 2000 notes, seed 7) checked against the
//! generator's ground truth: broken targets, stale notes, malformed rows, missing headings.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::json;

/// The generator: `VAULTC_GEN_VAULT`, else the shared one beside the repository (a checkout
/// without `../shared` skips the tests that need it, saying so).
fn generator() -> Option<PathBuf> {
    let path = std::env::var_os("VAULTC_GEN_VAULT").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_vault.py"),
        PathBuf::from,
    );
    let found = path.is_file();
    crate::require_tool(
        found,
        &format!("the vault generator at {}", path.display()),
        "set VAULTC_GEN_VAULT to gen_vault.py",
    )
    .then_some(path)
}

fn quoted(message: &str) -> String {
    message.split('`').nth(1).unwrap_or_default().to_owned()
}

/// Generates the 2000-note, seed-7 vault into a temporary folder: (guard, vault, ground truth);
/// `None` when the generator is not there (see [`generator`]).
pub fn generate() -> Option<(tempfile::TempDir, PathBuf, serde_json::Value)> {
    let generator = generator()?;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("vault");
    let status = std::process::Command::new("python3")
        .arg(generator)
        .args([
            "--notes",
            "2000",
            "--seed",
            "7",
            "--today",
            crate::TODAY,
            "--out",
        ])
        .arg(&out)
        .status()
        .expect("python3 runs");
    assert!(status.success());
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("vault.expected.json")).unwrap(),
    )
    .unwrap();
    Some((tmp, out, truth))
}

#[test]
fn generated_vault_matches_its_ground_truth_exactly() {
    let Some((_tmp, out, truth)) = generate() else {
        return;
    };
    let (found, _) = json(&out, &[]);
    let of = |rule: &'static str| found.iter().filter(move |d| d["rule"] == rule);

    let strings = |key: &str| -> BTreeSet<String> {
        truth[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let broken: BTreeSet<String> = of("broken-link")
        .map(|d| quoted(d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(broken, strings("broken_targets"));
    assert_eq!(
        of("broken-link").count() as u64,
        truth["broken_occurrences"].as_u64().unwrap()
    );

    let stale: BTreeSet<String> = of("stale-note")
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(stale, strings("stale_notes"));

    let rows: BTreeSet<(String, u64)> = of("table-column-count")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let want_rows: BTreeSet<(String, u64)> = truth["malformed_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_str().unwrap().to_owned(), r[1].as_u64().unwrap()))
        .collect();
    assert_eq!(rows, want_rows);

    let mut headings: Vec<(String, String)> = of("broken-heading")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                quoted(d["message"].as_str().unwrap()),
            )
        })
        .collect();
    let mut want_headings: Vec<(String, String)> = truth["broken_headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h[0].as_str().unwrap().to_owned(),
                h[2].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    headings.sort();
    want_headings.sort();
    assert_eq!(headings, want_headings);

    let others: Vec<&serde_json::Value> = found
        .iter()
        .filter(|d| {
            ![
                "broken-link",
                "stale-note",
                "table-column-count",
                "broken-heading",
            ]
            .contains(&d["rule"].as_str().unwrap())
        })
        .collect();
    assert!(
        others.is_empty(),
        "findings the generator did not plant: {others:#?}"
    );
}
