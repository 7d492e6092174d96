//! Each rule's fixture vault (`tests/fixtures/rules/<rule>/`), checked with every rule at
//! its default level (plus the folder's own book.toml), snapshotted as concise output; the
//! help lines of the resolution rules; and what `--fix` writes, byte for byte.

use std::collections::BTreeMap;

use crate::{check, copy_fixture, fixture, json, vaultc};

#[test]
fn rule_fixtures() {
    let root = fixture("rules");
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/fixtures/rules exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for name in vaultc::rules::rule_names() {
        if name == "unreadable-file" || name == "invalid-utf8" {
            continue; // binary and permission cases are built at test time in badinput.rs
        }
        assert!(
            root.join(name).is_dir(),
            "rule `{name}` has no fixture folder"
        );
    }
    for dir in folders {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        // A fixture with a `.head/` folder is checked in a repository whose HEAD holds it.
        let repo = crate::git::fixture_repo(&dir);
        let (out, _) = check(repo.as_ref().map_or(&*dir, |r| r.path()), "concise", &[]);
        insta::assert_snapshot!(format!("rule_{name}"), out);
    }
}

/// Resolution rules whose help line is part of the behaviour (the pick, the hint).
const HELPED: &[&str] = &[
    "alias-link",
    "ambiguous-link",
    "broken-link",
    "case-mismatch",
    "deprecated-property",
    "frontmatter-unquoted-link",
];

/// `path:line:col rule: help` for each finding of these fixtures, and whether it has a fix.
#[test]
fn rule_help_lines() {
    for name in HELPED {
        let (found, _) = json(&fixture("rules").join(name), &[]);
        let lines: Vec<String> = found
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{} {}: {}{}",
                    d["path"].as_str().unwrap(),
                    d["location"]["line"],
                    d["location"]["column"],
                    d["rule"].as_str().unwrap(),
                    d["help"].as_str().unwrap_or("(no help)"),
                    if d["fix"].is_null() { "" } else { "  [fix]" }
                )
            })
            .collect();
        insta::assert_snapshot!(format!("help_{name}"), lines.join("\n"));
    }
}

/// Every file of a folder, by `/`-separated relative path.
fn files(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    crate::props::snapshot(dir)
}

/// `vaultc check --fix` on each fixable rule's fixture: every file it changed, each line
/// written with its escapes (`\r`, trailing spaces and all), so the snapshot is the bytes.
/// A second run finds nothing left to fix.
#[test]
fn rule_fix_results_byte_for_byte() {
    let fixable = vaultc::rules::RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.fixable);
    for meta in fixable {
        let name = format!("rules/{}", meta.name);
        let (repo, copy) = match crate::git::fixture_repo(&fixture(&name)) {
            Some(repo) => (Some(repo), None),
            None => (None, Some(copy_fixture(&name))),
        };
        let dir = repo
            .as_ref()
            .map(|r| r.path())
            .or(copy.as_ref().map(|c| c.path()));
        let dir = dir.unwrap();
        let before = files(dir);
        let args = [
            "check",
            "--today",
            crate::TODAY,
            "--format",
            "concise",
            "--fix",
        ];
        let first = vaultc(dir, &args);
        assert!(first.status.code().is_some_and(|c| c <= 1), "{first:?}");
        let after = files(dir);
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "{}: files appeared or vanished",
            meta.name
        );
        let mut out = String::new();
        for (path, bytes) in &after {
            if before[path] == *bytes {
                continue;
            }
            out.push_str(&format!("=== {path}\n"));
            for line in String::from_utf8_lossy(bytes).split_inclusive('\n') {
                out.push_str(&format!("{line:?}\n"));
            }
        }
        assert!(!out.is_empty(), "{}: --fix changed nothing", meta.name);
        insta::assert_snapshot!(format!("fix_{}", meta.name), out);
        let second = vaultc(dir, &args);
        assert!(
            !String::from_utf8_lossy(&second.stderr).contains("Fixed"),
            "{}: a second --fix found more: {}",
            meta.name,
            String::from_utf8_lossy(&second.stderr)
        );
        assert_eq!(files(dir), after, "{}", meta.name);
    }
}
