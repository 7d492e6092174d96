//! Every span `vaultc export --json` gives slices the note's file to the text it names:
//! aliases, tags, frontmatter properties (keys, values, list items), table cells and header cells,
//! and the links behind each graph edge. Checked on the sample vault, a generated vault and
//! a small vault of awkward writing (CRLF, a byte-order mark, multibyte text, quoted and
//! block YAML, escaped pipes, short and wide rows), whose export is also a snapshot.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{TODAY, vaultc};

fn export(dir: &Path) -> Value {
    let o = vaultc(dir, &["export", "--today", TODAY, "--json", "-"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The note's text as the spans count it: the file without its byte-order mark.
fn note_text(vault: &Path, path: &str) -> String {
    let bytes = std::fs::read(vault.join(path)).unwrap();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// `text[span]`, after checking the span's line and column against its offset.
fn slice<'t>(text: &'t str, span: &Value, what: &str) -> &'t str {
    let n = |k: &str| span[k].as_u64().unwrap() as usize;
    let (start, end) = (n("start"), n("end"));
    let s = text
        .get(start..end)
        .unwrap_or_else(|| panic!("{what}: {span} not in the text"));
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    assert_eq!((n("line"), n("col")), (line, col), "{what}: {span}");
    s
}

/// The trimmed pieces of a table line between unescaped pipes.
fn raw_cells(line: &str) -> Vec<&str> {
    let line = line.trim_end_matches('\r');
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    for i in (0..b.len()).filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\')) {
        out.push(line[from..i].trim());
        from = i + 1;
    }
    out.push(line[from..].trim());
    out
}

/// Checks every alias, tag, property, cell and edge span of an export of `vault`; returns how many
/// spans it checked.
fn check_spans(vault: &Path, doc: &Value) -> usize {
    let notes = doc["notes"].as_array().unwrap();
    let mut checked = 0;
    for note in notes {
        let path = note["path"].as_str().unwrap();
        let text = note_text(vault, path);
        for al in note["aliases"].as_array().unwrap() {
            let what = format!("{path}: alias {al}");
            assert_eq!(slice(&text, &al["span"], &what), al["text"], "{what}");
            checked += 1;
        }
        for tag in note["tags"].as_array().unwrap() {
            let what = format!("{path}: tag {tag}");
            let at = slice(&text, &tag["span"], &what);
            assert_eq!(at.trim_start_matches('#'), tag["name"], "{what}");
            checked += 1;
        }
        checked += check_properties(path, &text, note);
        checked += check_cells(path, &text, note);
    }
    checked + check_edges(doc)
}

fn check_properties(path: &str, text: &str, note: &Value) -> usize {
    let mut checked = 0;
    let props = note["properties"].as_array().unwrap();
    let fm = note["frontmatter"]
        .as_object()
        .map_or(0, serde_json::Map::len);
    assert_eq!(props.len(), fm, "{path}: one property per frontmatter key");
    for p in props {
        let key = p["key"].as_str().unwrap();
        let what = format!("{path}: property {key}");
        assert_eq!(slice(text, &p["key_span"], &what), key);
        let value = &note["frontmatter"][key];
        let written = slice(text, &p["span"], &what);
        let items = p["items"].as_array().unwrap();
        match value {
            // A quoted value written with escapes (`'it''s'`) differs from its value.
            Value::String(s) => assert!(
                written == s || written.replace("''", "'") == *s,
                "{what}: {written:?}"
            ),
            Value::Object(map) => assert!(
                map.keys().all(|k| written.contains(k.as_str())),
                "{what}: {written:?}"
            ),
            Value::Array(list) => {
                assert_eq!(items.len(), list.len(), "{what}: one span per item");
                for (item, v) in items.iter().zip(list) {
                    let at = slice(text, item, &what);
                    match v {
                        Value::String(s) => assert_eq!(at, s, "{what}"),
                        other => assert_eq!(at, other.to_string(), "{what}"),
                    }
                    checked += 1;
                }
            }
            Value::Null => assert_eq!(written, "", "{what}"),
            other => assert_eq!(written, other.to_string(), "{what}"),
        }
        checked += 2;
    }
    checked
}

fn check_cells(path: &str, text: &str, note: &Value) -> usize {
    let mut checked = 0;
    for table in note["tables"].as_array().unwrap() {
        let header = table["column_spans"].as_array().unwrap();
        assert_eq!(header.len(), table["columns"].as_array().unwrap().len());
        let cells = table["rows"].as_array().unwrap().iter();
        let spans = header
            .iter()
            .chain(cells.flat_map(|r| r.as_array().unwrap().iter().map(|c| &c["span"])));
        for span in spans {
            let what = format!("{path}: cell {span}");
            let at = slice(text, span, &what);
            let line = span["line"].as_u64().unwrap() as usize;
            let row = text.split('\n').nth(line - 1).unwrap();
            // A cell is one of its line's cells, or empty (added to a short row); a wikilink
            // split by an unescaped pipe makes two cells (GFM splits it).
            assert!(
                at.is_empty() || raw_cells(row).contains(&at),
                "{what}: {at:?} is no cell of {row:?}"
            );
            checked += 1;
        }
    }
    checked
}

/// Each edge's links are links of its `from` note that reach its `to` entity, with their
/// spans; every link that reaches an entity is in exactly one edge.
fn check_edges(doc: &Value) -> usize {
    let notes = doc["notes"].as_array().unwrap();
    let mut in_edges = 0;
    for e in doc["edges"].as_array().unwrap() {
        let from = &notes[e["from"].as_u64().unwrap() as usize];
        let links = e["links"].as_array().unwrap();
        let spans = e["spans"].as_array().unwrap();
        assert_eq!(e["count"].as_u64().unwrap() as usize, links.len(), "{e}");
        assert_eq!(links.len(), spans.len(), "{e}");
        for (i, span) in links.iter().zip(spans) {
            let link = &from["links"][i.as_u64().unwrap() as usize];
            assert_eq!(link["resolution"]["entity"], e["to"], "{e}");
            assert_eq!(&link["span"], span, "{e}");
        }
        in_edges += links.len();
    }
    let reaching = notes
        .iter()
        .flat_map(|n| n["links"].as_array().unwrap())
        .filter(|l| !l["resolution"]["entity"].is_null())
        .count();
    assert_eq!(in_edges, reaching, "links in edges");
    in_edges
}

#[test]
fn sample_vault_spans_slice_their_text() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let doc = export(&repo);
    let checked = check_spans(&repo.join("vault"), &doc);
    assert!(checked > 100, "only {checked} spans checked");
}

#[test]
fn generated_vault_spans_slice_their_text() {
    // Without the generator, one skip line (see crate::require_tool).
    let Some((_tmp, vault, _)) = crate::generated::generate() else {
        return;
    };
    let doc = export(&vault);
    let checked = check_spans(&vault, &doc);
    assert!(checked > 10_000, "only {checked} spans checked");
}

/// Notes written the awkward ways.
const AWKWARD: &[(&str, &str)] = &[
    (
        "Société.md",
        "\u{FEFF}---\r\naliases:\r\n  - Société Générale\r\n  - \"SG, Paris\"\r\n  - 'as'\r\ntags: [banks, 'europe']\r\nupdated: 2026-01-14 # stamp\r\n---\r\n# Société\r\n\r\n| Nom | Part |\r\n|---|---:|\r\n| [[Crédit\\|CA]] 🙂 | 12% \\| 13% |\r\n| seul |\r\n| a | b | c |\r\n\r\nSee [[Société]] and [[Crédit]].\r\n",
    ),
    (
        "Crédit.md",
        "---\naliases: CA, Crédit Agricole\n\"owner key\": 'it''s'\nparent: \"[[Société]]\"\nempty:\nlist: [\n  one,\n  \"two\" # c\n]\nnested:\n  a: 1\n---\nBack to [[Société|SG]], [[Missing]], [[Missing]].\n",
    ),
];

#[test]
fn awkward_vault_spans_slice_their_text_and_export_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in AWKWARD {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let mut doc = export(tmp.path());
    let checked = check_spans(tmp.path(), &doc);
    assert!(checked > 30, "only {checked} spans checked");
    doc["generator"] = Value::from("vaultc");
    let notes = doc["notes"].as_array().unwrap();
    let shown = serde_json::json!({
        "notes": notes.iter().map(|n| serde_json::json!({
            "path": n["path"],
            "properties": n["properties"],
            "aliases": n["aliases"],
            "tables": n["tables"],
        })).collect::<Vec<_>>(),
        "edges": doc["edges"],
    });
    let pretty = serde_json::to_string_pretty(&shown).unwrap();
    insta::assert_snapshot!("export_spans", pretty);
}

#[test]
fn sqlite_aliases_and_cells_keep_their_spans() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir(&vault).unwrap();
    for (name, text) in AWKWARD {
        std::fs::write(vault.join(name), text).unwrap();
    }
    let db = tmp.path().join("v.sqlite");
    let o = vaultc(
        &vault,
        &["export", "--today", TODAY, "--sqlite", db.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows = |sql: &str| -> Vec<(String, String, usize, usize, usize, usize)> {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let aliases = rows(
        "SELECT n.path, a.alias, a.line, a.col, a.start, a.end FROM aliases a \
         JOIN notes n ON n.id = a.note_id",
    );
    let cells = rows(
        "SELECT n.path, c.text, c.line, c.line_col, c.start, c.end FROM cells c \
         JOIN tables t ON t.id = c.table_id JOIN notes n ON n.id = t.note_id \
         UNION ALL SELECT n.path, h.name, h.line, h.line_col, h.start, h.end \
         FROM table_columns h JOIN tables t ON t.id = h.table_id \
         JOIN notes n ON n.id = t.note_id",
    );
    assert_eq!(aliases.len(), 5);
    assert_eq!(cells.len(), 8);
    for (path, shown, line, col, start, end) in aliases.iter().chain(&cells) {
        let text = note_text(&vault, path);
        let span = serde_json::json!({"start": start, "end": end, "line": line, "col": col});
        let at = slice(&text, &span, shown);
        // A cell's text is as a reader sees it: `[[Crédit\|CA]] 🙂` reads `CA 🙂`.
        assert!(
            at == shown || at.replace("\\|", "|") == *shown || at.ends_with(" 🙂"),
            "{at:?} for {shown:?}"
        );
    }
}
