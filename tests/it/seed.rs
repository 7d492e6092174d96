//! The user's own example note, alone in a vault (acceptance point 2 of the core issue).

use crate::{fixture, json};

#[test]
fn seed_note_links_tables_tags_and_dates() {
    let dir = fixture("seed");
    let (found, code) = json(&dir, &[]);
    assert_eq!(code, 1, "broken links are errors");

    let broken: Vec<&serde_json::Value> = found
        .iter()
        .filter(|d| d["rule"] == "broken-link")
        .collect();
    assert_eq!(
        broken.len(),
        36,
        "every one of the 36 wikilinks points at a missing note"
    );
    let targets: std::collections::BTreeSet<String> = broken
        .iter()
        .map(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .split('`')
                .nth(1)
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(targets.len(), 22);

    // Lines and columns (characters, not bytes: line 39 has an em dash before the link).
    let at = |line: u64, col: u64| {
        broken
            .iter()
            .any(|d| d["location"]["line"] == line && d["location"]["column"] == col)
    };
    for (line, col) in [
        (39, 114),
        (46, 14),
        (46, 56),
        (46, 69),
        (69, 5),
        (127, 3),
        (195, 5),
        (246, 3),
    ] {
        assert!(at(line, col), "no link found at {line}:{col}");
    }

    let stale: Vec<_> = found.iter().filter(|d| d["rule"] == "stale-note").collect();
    assert_eq!(stale.len(), 1);
    assert!(stale[0]["message"].as_str().unwrap().contains("2026-01-14"));
    assert_eq!(stale[0]["location"]["line"], 248);

    assert!(
        !found
            .iter()
            .any(|d| d["rule"] == "table-column-count" || d["rule"] == "updated-behind-content")
    );
    assert_eq!(found.len(), 37, "nothing else fires: {found:#?}");
}

#[test]
fn seed_note_model_tables_and_tags() {
    let text = std::fs::read(fixture("seed/Sector rotation.md")).unwrap();
    let note = vaultc::parse::parse_note("Sector rotation.md".into(), text);
    assert_eq!(note.links.len(), 36);
    let columns: Vec<usize> = note.tables.iter().map(|t| t.columns.len()).collect();
    assert_eq!(columns, [3, 4, 2, 2, 2, 3, 2, 2, 3, 6, 3, 4, 2, 4, 3, 2]);
    for t in &note.tables {
        for row in &t.rows {
            assert_eq!(row.cells.len(), t.columns.len());
            assert_eq!(row.raw_cell_count as usize, t.columns.len());
        }
    }
    let flows = note
        .tables
        .iter()
        .find(|t| t.caption.as_deref() == Some("Monthly fund flows (2025)"))
        .unwrap();
    assert_eq!(flows.rows.len(), 12);
    let first_line: Vec<&str> = note
        .tags
        .iter()
        .filter(|t| t.span.line == 1)
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(first_line, ["concept", "markets", "rotation", "macro"]);
    assert_eq!(note.title, "Sector Rotation");
    assert_eq!(
        note.updated_date().map(|u| u.raw.as_str()),
        Some("2026-01-14")
    );
}
