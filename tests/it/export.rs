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

pub(crate) fn assert_valid(doc: &serde_json::Value) {
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
    let Some((_tmp, vault, truth)) = crate::generated::generate() else {
        return;
    };
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

/// `vaultc export --json` writes to standard output; one line on stderr says what, how many
/// notes, where and how long; a bare `vaultc export` names both formats.
#[test]
fn json_goes_to_standard_output_with_a_summary_line() {
    let o = vaultc(&repo(), &["export", "--today", TODAY, "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        o.stdout,
        export_json(&repo(), &[]),
        "`--json` is `--json -`"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    let summary = regex::Regex::new(
        r"^vaultc: exported 15 notes as JSON to standard output in \d+\.\d\d s\n$",
    )
    .unwrap();
    assert!(summary.is_match(&err), "{err:?}");

    let tmp = tempfile::tempdir().unwrap();
    let (json, db) = (tmp.path().join("m.json"), tmp.path().join("m.db"));
    let o = vaultc(
        &repo(),
        &[
            "export",
            "--json",
            json.to_str().unwrap(),
            "--sqlite",
            db.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    let want = format!(
        "vaultc: exported 15 notes as JSON to {} and as SQLite to {} in ",
        json.display(),
        db.display()
    );
    assert!(err.starts_with(&want) && err.lines().count() == 1, "{err}");

    let o = vaultc(&repo(), &["export"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--json") && err.contains("--sqlite"), "{err}");
}

/// Exported files get the permissions any new file gets: 0666 less the umask.
#[cfg(unix)]
#[test]
fn exported_files_respect_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let bin = assert_cmd::cargo::cargo_bin("vaultc");
    for (umask, mode) in [("022", 0o644), ("002", 0o664), ("077", 0o600)] {
        let tmp = tempfile::tempdir().unwrap();
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" export --json m.json --sqlite m.db --vault \"$1\""
            ))
            .arg(&bin)
            .arg(repo())
            .current_dir(tmp.path())
            .env("VAULTC_CACHE_DIR", crate::cache_dir())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        for file in ["m.json", "m.db"] {
            let meta = std::fs::metadata(tmp.path().join(file)).unwrap();
            assert_eq!(
                meta.permissions().mode() & 0o777,
                mode,
                "{file} under umask {umask}"
            );
        }
    }
}

/// On a terminal, export shows which phase runs (a spinner on stderr, cleared at the end);
/// piped, stderr holds only the summary line. The terminal is a pseudo-terminal from
/// python3's `pty` module.
#[cfg(unix)]
#[test]
fn export_shows_progress_on_a_terminal_only() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("m.json");
    let script = "import os, pty, sys\n\
        pid, fd = pty.fork()\n\
        if pid == 0:\n    os.execv(sys.argv[1], sys.argv[1:])\n\
        out = b''\n\
        while True:\n    try:\n        chunk = os.read(fd, 65536)\n    except OSError:\n        break\n    if not chunk:\n        break\n    out += chunk\n\
        _, status = os.waitpid(pid, 0)\n\
        sys.stdout.buffer.write(out)\n\
        sys.exit(os.waitstatus_to_exitcode(status))\n";
    let o = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(assert_cmd::cargo::cargo_bin("vaultc"))
        .args(["export", "--today", TODAY, "--json"])
        .arg(&json)
        .current_dir(repo())
        .env("VAULTC_CACHE_DIR", crate::cache_dir())
        .output()
        .expect("python3 runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let terminal = String::from_utf8_lossy(&o.stdout);
    assert!(
        terminal.contains("vaultc: export: reading the vault"),
        "{terminal:?}"
    );
    assert!(
        terminal.contains("vaultc: exported 15 notes as JSON to"),
        "{terminal:?}"
    );

    let o = vaultc(&repo(), &["export", "--json", json.to_str().unwrap()]);
    let piped = String::from_utf8_lossy(&o.stderr);
    assert_eq!(piped.lines().count(), 1, "{piped:?}");
    assert!(
        !piped.contains("export: ") && !piped.contains('\x1b'),
        "{piped:?}"
    );
}

/// The full-text table holds each note's readable text: no frontmatter, links as they show,
/// tables as their cells; so `snippet()` quotes read like the note.
#[test]
fn full_text_snippets_read_like_the_note() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("vault.sqlite");
    let o = vaultc(
        &repo(),
        &["export", "--today", TODAY, "--sqlite", db.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let body: String = conn
        .query_row(
            "SELECT body FROM note_text WHERE path = 'Actors/NVIDIA.md'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for raw in ["---", "aliases:", "[[", "]]", "|"] {
        assert!(!body.contains(raw), "`{raw}` in the indexed text:\n{body}");
    }
    assert!(
        body.starts_with("NVIDIA\n\nThe AI accelerator leader"),
        "{body}"
    );
    assert!(body.contains("\nForward P/E · 31x\n"), "{body}");
    assert!(
        body.contains("Customer concentration: Microsoft, Meta and Alphabet buy"),
        "{body}"
    );
    assert!(body.contains("See also Sector rotation."), "{body}");
    let snippet = |query: &str| -> Vec<(String, String)> {
        conn.prepare(
            "SELECT path, snippet(note_text, 2, '[', ']', '…', 8) FROM note_text \
             WHERE note_text MATCH ?1 ORDER BY path",
        )
        .unwrap()
        .query_map([query], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    assert_eq!(
        snippet("accelerators"),
        [
            (
                "Actors/Meta.md".to_owned(),
                "Meta\n\nSpends heavily on NVIDIA [accelerators].\n\n*Updated 2025…".to_owned()
            ),
            (
                "Actors/Microsoft.md".to_owned(),
                // The table splits `[[Microsoft|MSFT]]` (table-unescaped-pipe): its cells
                // are what GFM reads.
                "…Buys [accelerators] from NVIDIA.\n\nSegment · Growth\n[[Microsoft · MSFT…"
                    .to_owned()
            ),
        ]
    );
    // Frontmatter is not text: NVIDIA's alias `NVDA` is written nowhere else.
    assert_eq!(snippet("NVDA"), []);
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
