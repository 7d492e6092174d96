//! Each rule's fixture vault (`tests/fixtures/rules/<rule>/`), checked with that rule alone
//! (every other rule off in a copy of the folder's book.toml) and snapshotted as concise
//! output; the help lines of the resolution rules; and what `--fix` writes, byte for byte,
//! for every fixable rule. The fixture folders are walked with `insta::glob!`, which runs
//! every folder and then reports every mismatch, not only the first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::{check, copy_fixture, fixture, json, vaultc};

/// The rule a fixture folder tests: its name (`broken-link`), or the rule its name starts
/// with (`stale-note-config`); `None` for a folder about every rule (`suppression`).
fn rule_of(folder: &str) -> Option<&'static str> {
    vaultc::rules::rule_names()
        .into_iter()
        .filter(|r| folder == *r || folder.starts_with(&format!("{r}-")))
        .max_by_key(|r| r.len())
}

/// A fixture's working copy: a plain folder, or, for a fixture with a `.head/` folder, a
/// repository whose HEAD holds `.head/` (see `git::fixture_repo`).
enum Copy {
    Folder(tempfile::TempDir),
    Repo(Box<crate::git::Scratch>),
}

impl Copy {
    fn of(name: &str) -> Self {
        match crate::git::fixture_repo(&fixture(name)) {
            Some(repo) => Copy::Repo(Box::new(repo)),
            None => Copy::Folder(copy_fixture(name)),
        }
    }

    fn path(&self) -> &Path {
        match self {
            Copy::Folder(dir) => dir.path(),
            Copy::Repo(repo) => repo.path(),
        }
    }
}

/// A copy of fixture folder `name` where only its rule runs: every other rule is set to
/// `off` in its book.toml (the rule's own level, if the folder sets one, is kept).
fn isolated(name: &str) -> Copy {
    let dir = Copy::of(&format!("rules/{name}"));
    let Some(rule) = rule_of(name) else {
        return dir;
    };
    let path = dir.path().join("book.toml");
    let mut config: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let lint = config
        .entry("lint")
        .or_insert_with(|| toml::Table::new().into())
        .as_table_mut()
        .unwrap();
    let levels = lint
        .entry("rules")
        .or_insert_with(|| toml::Table::new().into())
        .as_table_mut()
        .unwrap();
    for other in vaultc::rules::rule_names() {
        if other != rule {
            levels.insert(other.to_owned(), "off".into());
        }
    }
    std::fs::write(&path, toml::to_string(&config).unwrap()).unwrap();
    dir
}

/// The fixture folder a `glob!` match (`<folder>/book.toml`) is in.
fn folder_of(book: &Path) -> String {
    book.parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Snapshots named as before the glob (`rule_broken-link`), not after the matched file.
fn unsuffixed(assert: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.remove_snapshot_suffix();
    settings.bind(assert);
}

#[test]
fn every_rule_has_a_fixture_folder() {
    let root = fixture("rules");
    for name in vaultc::rules::rule_names() {
        if name == "unreadable-file" || name == "invalid-utf8" {
            continue; // binary and permission cases are built at test time in badinput.rs
        }
        assert!(
            root.join(name).is_dir(),
            "rule `{name}` has no fixture folder"
        );
    }
}

/// Each fixture checked with its rule alone: the snapshot shows that rule's findings only.
#[test]
fn rule_fixtures() {
    let mut strays = Vec::new();
    insta::glob!("../fixtures/rules", "*/book.toml", |book| {
        let name = folder_of(book);
        let dir = isolated(&name);
        let (out, _) = check(dir.path(), "concise", &[]);
        if let Some(rule) = rule_of(&name) {
            let tag = format!("[{rule}]");
            strays.extend(
                out.lines()
                    .filter(|l| l.contains("]") && !l.contains(&tag))
                    .map(|l| format!("{name}: {l}")),
            );
        }
        unsuffixed(|| insta::assert_snapshot!(format!("rule_{name}"), out));
    });
    assert!(strays.is_empty(), "other rules fired: {strays:#?}");
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
    let pattern = format!("{{{}}}/book.toml", HELPED.join(","));
    insta::glob!("../fixtures/rules", &pattern, |book| {
        let name = folder_of(book);
        let dir = isolated(&name);
        let (found, _) = json(dir.path(), &[]);
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
        unsuffixed(|| insta::assert_snapshot!(format!("help_{name}"), lines.join("\n")));
    });
}

/// Every file of a folder, by `/`-separated relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::props::snapshot(dir)
}

/// The rules marked fixable are exactly those whose findings carry a fix in the fixtures
/// (run with every rule on): no rule fixes without a `--fix` snapshot below.
#[test]
fn fixable_rules_are_the_rules_that_offer_fixes() {
    let marked: BTreeSet<&str> = vaultc::rules::RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.fixable)
        .map(|m| m.name)
        .collect();
    let mut offering = BTreeSet::new();
    for entry in std::fs::read_dir(fixture("rules")).unwrap() {
        let name = format!("rules/{}", entry.unwrap().file_name().to_string_lossy());
        let (found, _) = json(Copy::of(&name).path(), &[]);
        for d in found.iter().filter(|d| !d["fix"].is_null()) {
            offering.insert(d["rule"].as_str().unwrap().to_owned());
        }
    }
    let offering: BTreeSet<&str> = offering.iter().map(String::as_str).collect();
    assert_eq!(offering, marked);
}

/// `vaultc check --fix` on each fixable rule's fixture, that rule alone: every file it
/// changed, each line written with its escapes (`\r`, trailing spaces and all), so the
/// snapshot is the bytes. A second run finds nothing left to fix.
#[test]
fn rule_fix_results_byte_for_byte() {
    let fixable: Vec<&str> = vaultc::rules::RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.fixable)
        .map(|m| m.name)
        .collect();
    let mut seen = Vec::new();
    let pattern = format!("{{{}}}/book.toml", fixable.join(","));
    insta::glob!("../fixtures/rules", &pattern, |book| {
        let name = folder_of(book);
        seen.push(name.clone());
        let dir = isolated(&name);
        let out = fix_once(&name, dir.path());
        unsuffixed(|| insta::assert_snapshot!(format!("fix_{name}"), out));
    });
    seen.sort();
    let mut want: Vec<String> = fixable.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(
        seen, want,
        "every fixable rule has a fixture and a snapshot"
    );
}

/// Runs `--fix` twice in `dir`: what the first run changed (see above); the second must
/// change nothing.
fn fix_once(name: &str, dir: &Path) -> String {
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
        "{name}: files appeared or vanished"
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
    assert!(!out.is_empty(), "{name}: --fix changed nothing");
    let second = vaultc(dir, &args);
    assert!(
        !String::from_utf8_lossy(&second.stderr).contains("Fixed"),
        "{name}: a second --fix found more: {}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(files(dir), after, "{name}");
    out
}
