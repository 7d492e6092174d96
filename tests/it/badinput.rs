//! SPEC §7: inputs that must not crash vaultc or cost a byte. Each case sits in a vault next
//! to a healthy note with one known broken link, which must still be reported.

use std::path::Path;

use crate::json;

fn vault_with(setup: impl FnOnce(&Path)) -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("healthy.md"),
        "# Healthy\n\n[[Still checked]]\n",
    )
    .unwrap();
    setup(dir.path());
    let snapshot = files(dir.path());
    (dir, snapshot)
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            Some((p.display().to_string(), std::fs::read(&p).ok()?))
        })
        .collect();
    out.sort();
    out
}

/// Checks the vault: no crash, the healthy note still checked, no file changed; returns the
/// findings for the case at hand.
fn run(setup: impl FnOnce(&Path)) -> Vec<serde_json::Value> {
    let (dir, before) = vault_with(setup);
    let (found, code) = json(dir.path(), &[]);
    assert!(code == 0 || code == 1, "exit {code}");
    assert!(
        found.iter().any(|d| d["path"] == "healthy.md"
            && d["message"].as_str().unwrap().contains("Still checked")),
        "the healthy note was not checked: {found:#?}"
    );
    assert_eq!(files(dir.path()), before, "a file changed");
    found
        .into_iter()
        .filter(|d| d["path"] != "healthy.md")
        .collect()
}

fn rules(found: &[serde_json::Value]) -> Vec<&str> {
    found.iter().map(|d| d["rule"].as_str().unwrap()).collect()
}

#[test]
fn invalid_utf8_is_a_diagnostic_naming_the_file() {
    let found =
        run(|d| std::fs::write(d.join("latin1.md"), b"Soci\xE9t\xE9 [[Nowhere]]\n").unwrap());
    assert_eq!(rules(&found), ["invalid-utf8", "broken-link"]);
    assert_eq!(found[0]["path"], "latin1.md");
}

#[test]
fn bom_crlf_and_nul_bytes_are_read() {
    let found = run(|d| {
        std::fs::write(
            d.join("bom.md"),
            b"\xEF\xBB\xBF---\r\ntags: [a]\r\n---\r\n# T\r\n\r\n[[Gone]]\r\n",
        )
        .unwrap();
        std::fs::write(d.join("nul.md"), b"nul \0 byte [[Also gone]]\n").unwrap();
    });
    assert_eq!(rules(&found), ["broken-link", "broken-link"]);
    assert_eq!(found[0]["location"]["line"], 6);
}

#[test]
fn huge_lines_and_deep_nesting_finish() {
    let found = run(|d| {
        // 10 MB on one line, with a link at its end.
        let mut long = "word ".repeat(2_000_000);
        long.push_str("[[x]]\n");
        std::fs::write(d.join("long.md"), long).unwrap();
        std::fs::write(d.join("x.md"), "x\n").unwrap();
        std::fs::write(
            d.join("quotes.md"),
            format!("{}deep [[y]]\n", "> ".repeat(5000)),
        )
        .unwrap();
        let list: String = (0..3000)
            .map(|i| format!("{}- item\n", "  ".repeat(i)))
            .collect();
        std::fs::write(d.join("list.md"), list).unwrap();
        std::fs::write(d.join("y.md"), "y\n").unwrap();
    });
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn yaml_bombs_and_bad_yaml_are_diagnostics() {
    let found = run(|d| {
        let mut bomb =
            String::from("---\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        for (i, prev) in ["b", "c", "e", "f", "g", "h", "i", "j"]
            .iter()
            .zip(["a", "b", "c", "e", "f", "g", "h", "i"])
        {
            bomb.push_str(&format!("{i}: &{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        bomb.push_str("---\n# Bomb\n");
        std::fs::write(d.join("bomb.md"), bomb).unwrap();
        std::fs::write(d.join("tabs.md"), "---\nlist:\n\t- a\n---\n# Tabs\n").unwrap();
    });
    assert_eq!(
        rules(&found),
        ["invalid-frontmatter", "invalid-frontmatter"]
    );
    assert_eq!(found[1]["location"]["line"], 3);
}

#[test]
fn unbalanced_brackets_are_text() {
    let found = run(|d| {
        std::fs::write(
            d.join("open.md"),
            "[[never closed\n![[Partial\n[[a]b]] ]] [[\n",
        )
        .unwrap()
    });
    assert!(found.is_empty(), "{found:#?}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links_are_reported() {
    let found = run(|d| {
        std::fs::create_dir(d.join("sub")).unwrap();
        std::os::unix::fs::symlink("..", d.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink("missing-target.md", d.join("dangling.md")).unwrap();
    });
    let paths: Vec<(&str, &str)> = found
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["path"].as_str().unwrap()))
        .collect();
    assert!(
        paths.contains(&("unreadable-file", "dangling.md")),
        "{found:#?}"
    );
    assert!(
        paths.contains(&("unreadable-file", "sub/loop")),
        "{found:#?}"
    );
}

#[test]
fn links_out_of_the_vault_resolve_to_nothing() {
    let found = run(|d| {
        std::fs::write(
            d.join("escape.md"),
            "[[../../etc/passwd]] ![[../secret.png]]\n",
        )
        .unwrap()
    });
    assert_eq!(rules(&found), ["broken-link", "broken-link"]);
}

#[test]
fn a_site_built_inside_the_vault_is_not_read_as_notes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("note.md"), "# Note\n").unwrap();
    let site = dir.path().join("public");
    std::fs::create_dir(&site).unwrap();
    std::fs::write(site.join(".vaultc-site"), "").unwrap();
    std::fs::write(site.join("stray.md"), "[[Broken from the site]]\n").unwrap();
    let (found, code) = json(dir.path(), &[]);
    assert_eq!(code, 0, "{found:?}");
    assert!(found.is_empty(), "{found:?}");
}

/// A note whose table row holds `links` wikilinks.
fn wikilink_row(links: usize) -> Vec<u8> {
    let mut row = String::from("| a | b |\n|---|---|\n| ");
    for i in 0..links {
        row.push_str(&format!("[[n{i}]] `c` "));
    }
    row.push_str("| x |\n");
    row.into_bytes()
}

/// Reading a table row costs time linear in its length, however many links it holds: a row
/// four times as long takes about four times as long to parse (well under eight), where the
/// old scan (backticks recounted from the row start for every link) took sixteen. The
/// ratio of two sizes, not a wall time, so a slow or busy machine does not fail it; the
/// best of several runs, and a second try, so a moment of load does not either.
#[test]
fn a_row_of_wikilinks_parses_in_linear_time() {
    let time = |links: usize| -> f64 {
        let bytes = wikilink_row(links);
        (0..5)
            .map(|_| {
                let started = std::time::Instant::now();
                let note = vaultc::parse::parse_note("t.md".into(), bytes.clone());
                let took = started.elapsed().as_secs_f64();
                assert_eq!(note.links.len(), links);
                took
            })
            .fold(f64::INFINITY, f64::min)
    };
    let mut ratios = Vec::new();
    for _ in 0..2 {
        let ratio = time(20_000) / time(5_000);
        ratios.push(ratio);
        if ratio < 8.0 {
            return;
        }
    }
    panic!("4x the links took {ratios:?} times as long: not linear");
}
