//! The run cache: same report with and without it, invalidated by any change, robust to a
//! damaged cache file, and removed by `vaultc cache clean`.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::{TODAY, copy_fixture, generated, stdout};

/// `vaultc check` with its own cache folder: (stdout, exit code).
fn check(vault: &Path, cache: &Path, extra: &[&str]) -> (String, i32) {
    let o = assert_cmd::Command::cargo_bin("vaultc")
        .unwrap()
        .current_dir(vault)
        .env("NO_COLOR", "1")
        .env("VAULTC_CACHE_DIR", cache)
        .args(["check", "--today", TODAY, "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    (stdout(&o), o.status.code().unwrap())
}

/// Sets every file's modification time to `secs_ago` seconds in the past: files changed in
/// the last two seconds are never cached (see crate::cache), so tests age them.
fn age(dir: &Path, secs_ago: u64) {
    let when = SystemTime::now() - Duration::from_secs(secs_ago);
    for entry in walk(dir) {
        let f = std::fs::File::options().write(true).open(&entry).unwrap();
        f.set_modified(when).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The run cache's files (the note cache's `notes-*.bin` aside).
fn cache_files(cache: &Path) -> Vec<std::path::PathBuf> {
    walk(cache)
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "bin")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("check-"))
        })
        .collect()
}

#[test]
fn cached_runs_equal_uncached_runs_through_edits_renames_and_deletions() {
    let Some((_tmp, vault, _)) = generated::generate() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let mut notes: Vec<_> = walk(&vault)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    notes.sort();
    // A fixed, simple sequence of changes (deterministic; no rand dependency).
    for round in 0..10_usize {
        let target = &notes[(round * 331) % notes.len()];
        match round % 5 {
            0 => {
                let mut text = std::fs::read_to_string(target).unwrap();
                text.push_str(&format!("\n[[Added in round {round}]]\n"));
                std::fs::write(target, text).unwrap();
            }
            // Edits the incremental check must follow into other notes: a heading others
            // may link to, and a link whose target may lose its last inbound link.
            1 => {
                let text = std::fs::read_to_string(target).unwrap();
                let text = text.replacen("\n## ", "\n## Renamed ", 1);
                std::fs::write(target, text).unwrap();
            }
            2 => {
                let text = std::fs::read_to_string(target).unwrap();
                let text = text.replacen("[[", "[", 1);
                std::fs::write(target, text).unwrap();
            }
            3 => {
                let renamed = target.with_file_name(format!("Renamed {round}.md"));
                std::fs::rename(target, &renamed).unwrap();
            }
            _ => std::fs::remove_file(target).unwrap(),
        }
        notes.retain(|p| p.exists());
        age(&vault, 3600 - round as u64 * 10);
        let cold = check(&vault, cache.path(), &[]);
        let warm = check(&vault, cache.path(), &[]);
        let uncached = check(&vault, cache.path(), &["--no-cache"]);
        assert!(
            !cache_files(cache.path()).is_empty(),
            "round {round}: a cache was written"
        );
        assert_eq!(warm, cold, "round {round}: the cached run differs");
        assert_eq!(uncached, cold, "round {round}: the uncached run differs");
        if round % 5 == 0 {
            assert!(
                cold.0.contains(&format!("Added in round {round}")),
                "round {round}"
            );
        }
    }
}

#[test]
fn a_damaged_cache_is_ignored_and_rewritten() {
    let vault = copy_fixture("formats");
    age(vault.path(), 3600);
    let cache = tempfile::tempdir().unwrap();
    let first = check(vault.path(), cache.path(), &[]);
    let files = cache_files(cache.path());
    assert_eq!(files.len(), 1);
    let notes: Vec<_> = walk(cache.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("notes-lean-"))
        .collect();
    assert_eq!(notes.len(), 1, "the note cache was written");
    let notes = notes[0].clone();
    let good_notes = std::fs::read(&notes).unwrap();
    let good = std::fs::read(&files[0]).unwrap();
    let damaged: [Vec<u8>; 4] = [
        good[..good.len() / 2].to_vec(),        // truncated
        good.iter().map(|b| b ^ 1).collect(),   // corrupt
        b"{\"vaultc\": \"not this\"}".to_vec(), // foreign
        Vec::new(),                             // empty
    ];
    for bytes in &damaged {
        std::fs::write(&files[0], bytes).unwrap();
        assert_eq!(check(vault.path(), cache.path(), &[]), first);
        assert_eq!(std::fs::read(&files[0]).unwrap(), good, "rewritten");
    }
    // The note cache, damaged likewise (and the run cache and the incremental state gone, so
    // notes are loaded): the same report, and the note cache is rewritten.
    let damaged_notes = [
        good_notes[..good_notes.len() / 2].to_vec(),
        good_notes.iter().map(|b| b ^ 1).collect(),
        good_notes[..good_notes.len() - 1].to_vec(),
        Vec::new(),
    ];
    for bytes in &damaged_notes {
        std::fs::write(&notes, bytes).unwrap();
        std::fs::remove_file(&files[0]).unwrap();
        remove_state(cache.path());
        assert_eq!(check(vault.path(), cache.path(), &[]), first);
        assert_eq!(std::fs::read(&notes).unwrap(), good_notes, "rewritten");
    }
}

/// Removes the incremental state from the cache folder `cache`.
fn remove_state(cache: &Path) {
    for p in walk(cache) {
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("state-")
        {
            std::fs::remove_file(p).unwrap();
        }
    }
}

#[test]
fn a_fresh_edit_is_never_served_from_the_cache() {
    let vault = copy_fixture("formats");
    age(vault.path(), 3600);
    let cache = tempfile::tempdir().unwrap();
    let before = check(vault.path(), cache.path(), &[]);
    // Same size, same second: only the content differs.
    let note = vault.path().join("Rotation.md");
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(&note, text.replacen("Palantir", "Palantyr", 1)).unwrap();
    let after = check(vault.path(), cache.path(), &[]);
    assert_ne!(after, before);
    assert!(after.0.contains("Palantyr"));
}

#[test]
fn cache_clean_removes_only_a_vaultc_cache() {
    let vault = copy_fixture("formats");
    age(vault.path(), 3600);
    // Without VAULTC_CACHE_DIR the cache sits beside book.toml.
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("vaultc")
            .unwrap()
            .current_dir(vault.path())
            .env_remove("VAULTC_CACHE_DIR")
            .args(args)
            .output()
            .unwrap()
    };
    run(&["check", "--today", TODAY]);
    let dir = vault.path().join(".vaultc-cache");
    assert!(dir.is_dir());
    let o = run(&["cache", "clean"]);
    assert!(o.status.success());
    assert!(!dir.exists());
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("precious.md"), "mine").unwrap();
    let o = run(&["cache", "clean"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "refuses a folder vaultc did not make"
    );
    assert!(dir.join("precious.md").exists());
}

#[test]
fn the_note_cache_serves_unchanged_and_touched_notes_and_parses_edited_ones() {
    // Without the incremental state, every run that the run cache cannot answer loads the
    // whole vault.
    let vault = copy_fixture("formats");
    age(vault.path(), 3600);
    let cache = tempfile::tempdir().unwrap();
    let run = || {
        remove_state(cache.path());
        let o = assert_cmd::Command::cargo_bin("vaultc")
            .unwrap()
            .current_dir(vault.path())
            .env("NO_COLOR", "1")
            .env("VAULTC_CACHE_DIR", cache.path())
            .env("VAULTC_TIMINGS", "1")
            .args(["check", "--today", TODAY, "--format", "sarif"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        let line = stderr
            .lines()
            .find(|l| l.contains("note cache"))
            .map(str::to_owned);
        (stdout(&o), line)
    };
    let (first, _) = run();
    let notes = walk(vault.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .count();
    // Touched: another time, the same bytes. The run cache cannot answer; the note cache can.
    let note = vault.path().join("Rotation.md");
    let when = SystemTime::now() - Duration::from_secs(1800);
    let f = std::fs::File::options().write(true).open(&note).unwrap();
    f.set_modified(when).unwrap();
    drop(f);
    let (touched, line) = run();
    assert_eq!(touched, first);
    assert_eq!(
        line.as_deref()
            .map(str::split_whitespace)
            .map(|w| w.collect::<Vec<_>>()),
        Some(vec![
            "vaultc:",
            "note",
            "cache",
            &notes.to_string(),
            "decoded,",
            "0",
            "parsed"
        ]),
    );
    // Edited: that note is parsed, the others decoded, and the report is a fresh run's.
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(&note, text.replacen("Palantir", "Palantyr", 1)).unwrap();
    let (edited, line) = run();
    let line = line.unwrap();
    assert!(
        line.ends_with(&format!("{} decoded, 1 parsed", notes - 1)),
        "{line}"
    );
    let uncached = assert_cmd::Command::cargo_bin("vaultc")
        .unwrap()
        .current_dir(vault.path())
        .args(["check", "--no-cache", "--today", TODAY, "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(edited, stdout(&uncached));
    assert!(edited.contains("Palantyr"));
}

/// `vaultc check` in `vault` with the cache in `cache`: (stdout, exit code, the incremental
/// timing line if the run was incremental).
fn check_logged(
    vault: &Path,
    cache: &Path,
    format: &str,
    extra: &[&str],
) -> (String, i32, Option<String>) {
    let o = assert_cmd::Command::cargo_bin("vaultc")
        .unwrap()
        .current_dir(vault)
        .env("NO_COLOR", "1")
        .env("VAULTC_CACHE_DIR", cache)
        .env("VAULTC_TIMINGS", "1")
        .args(["check", "--today", TODAY, "--format", format])
        .args(extra)
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&o.stderr)
        .lines()
        .find(|l| l.contains("rechecked"))
        .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "));
    (stdout(&o), o.status.code().unwrap(), line)
}

#[test]
fn incremental_runs_equal_full_runs_through_small_edits() {
    for format in ["json", "pretty", "concise", "github", "sarif"] {
        incremental_equals_full(format);
    }
}

const SMALL_VAULT: &[(&str, &str)] = &[
    (
        "book.toml",
        "[book]\nsrc = \".\"\n\n[lint.rules]\norphan-note = \"warn\"\n",
    ),
    (
        "A.md",
        "# A\n\n## Intro\n\nSee [[B#Facts]] and [[C]]. ^blk\n",
    ),
    (
        "B.md",
        "---\naliases: [Bee]\n---\n# B\n\n## Facts\n\nBack to [[A#^blk]].\n",
    ),
    ("C.md", "# C\n\nNothing links out.\n"),
    // D links into B, which links nowhere near D: only B's anchors tie them.
    (
        "D.md",
        "# D\n\n[[Bee]], [[B#Facts]], [[Missing]] and [[A]].\n",
    ),
];

/// A change to the small vault, and whether the run after it can be incremental.
type Step = (&'static str, fn(&Path), bool);

/// Small edits of every kind the incremental check follows, and some it must not.
fn small_edits() -> [Step; 9] {
    [
        (
            "a heading others link to",
            |v| replace(&v.join("B.md"), "## Facts", "## Figures"),
            true,
        ),
        (
            "a link removed: its target is orphaned",
            |v| replace(&v.join("A.md"), " and [[C]]", ""),
            true,
        ),
        (
            "a block id others link to",
            |v| replace(&v.join("A.md"), " ^blk", ""),
            true,
        ),
        (
            "a link added",
            |v| replace(&v.join("D.md"), "[[A]]", "[[A]] and [[C]]"),
            true,
        ),
        ("touched only", |v| touch(&v.join("C.md")), true),
        (
            "two notes at once",
            |v| {
                replace(&v.join("C.md"), "Nothing", "[[B#Figures]] and nothing");
                replace(&v.join("B.md"), "Back to", "Back to [[C]] and");
            },
            true,
        ),
        (
            "an alias",
            |v| replace(&v.join("B.md"), "[Bee]", "[Bea]"),
            false,
        ),
        (
            "a new note",
            |v| std::fs::write(v.join("E.md"), "# E\n\n[[Bea]]\n").unwrap(),
            false,
        ),
        (
            "a deleted note",
            |v| std::fs::remove_file(v.join("E.md")).unwrap(),
            false,
        ),
    ]
}

/// Through [`small_edits`] of [`SMALL_VAULT`], `check --format FORMAT` gives a full run's
/// bytes, incrementally where it can.
fn incremental_equals_full(format: &str) {
    let vault = tempfile::tempdir().unwrap();
    for (name, text) in SMALL_VAULT {
        std::fs::write(vault.path().join(name), text).unwrap();
    }
    let cache = tempfile::tempdir().unwrap();
    let first = check_logged(vault.path(), cache.path(), format, &[]);
    assert_eq!(first.2, None, "the first run is a full one");
    for (what, change, incremental) in &small_edits() {
        change(vault.path());
        // Each run after an edit, and again after a run cache miss (another --today would
        // be another key, so the second run simply follows the first).
        let got = check_logged(vault.path(), cache.path(), format, &[]);
        let full = check_logged(vault.path(), cache.path(), format, &["--no-cache"]);
        assert_eq!(
            (&got.0, got.1),
            (&full.0, full.1),
            "{format}, after {what}: the incremental run differs from a full one"
        );
        assert_eq!(
            got.2.is_some(),
            *incremental,
            "{format}, after {what}: incremental? {:?}",
            got.2
        );
        // `check PATHS` reports those notes from the same state, always incrementally:
        // the whole-vault run before it left a state of the vault as it is.
        let got = check_logged(vault.path(), cache.path(), format, &PATHS);
        let full = check_logged(
            vault.path(),
            cache.path(),
            format,
            &["--no-cache", PATHS[0], PATHS[1]],
        );
        assert_eq!(
            (&got.0, got.1),
            (&full.0, full.1),
            "{format}, after {what}: `check {PATHS:?}` differs from a full one"
        );
        assert!(got.2.is_some(), "{format}, after {what}: `check {PATHS:?}`");
    }
    // A damaged state is ignored: the run goes the full way, with the same report.
    replace(&vault.path().join("C.md"), "[[B#Figures]]", "[[B#Facts]]");
    for entry in std::fs::read_dir(cache.path()).unwrap() {
        let p = entry.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("state-")
        {
            let mut bytes = std::fs::read(&p).unwrap();
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0x40;
            std::fs::write(&p, bytes).unwrap();
        }
    }
    let got = check_logged(vault.path(), cache.path(), format, &[]);
    let full = check_logged(vault.path(), cache.path(), format, &["--no-cache"]);
    assert_eq!((got.0, got.1, got.2), (full.0, full.1, None), "{format}");
}

/// Two notes of the vaults below, for `check PATHS`.
const PATHS: [&str; 2] = ["B.md", "D.md"];

#[test]
fn a_run_with_paths_leaves_a_state_of_the_whole_vault() {
    let vault = tempfile::tempdir().unwrap();
    let v = vault.path();
    std::fs::write(v.join("book.toml"), "[book]\nsrc = \".\"\n").unwrap();
    std::fs::write(v.join("A.md"), "# A\n\n[[B]] and [[Missing]]\n").unwrap();
    std::fs::write(v.join("B.md"), "# B\n\n[[A#Nowhere]]\n").unwrap();
    std::fs::write(v.join("C.md"), "# C\n\n[[A]]\n").unwrap();
    let cache = tempfile::tempdir().unwrap();
    let full = |extra: &[&str]| {
        let args: Vec<&str> = ["--no-cache"].iter().chain(extra).copied().collect();
        let (out, code, _) = check_logged(v, cache.path(), "concise", &args);
        (out, code)
    };
    // The first run, of C.md alone (no findings), checks every note and keeps them all.
    let first = check_logged(v, cache.path(), "concise", &["C.md"]);
    assert_eq!(first.2, None);
    assert_eq!((first.0.clone(), first.1), full(&["C.md"]));
    assert_eq!(first.1, 0, "C.md has no findings: {}", first.0);
    let whole = check_logged(v, cache.path(), "concise", &[]);
    assert_eq!(
        whole.2.as_deref(),
        Some("incremental 0 rechecked, 0 loaded")
    );
    assert_eq!((whole.0, whole.1), full(&[]));
    // An edit elsewhere: a run of B.md alone rechecks A.md too (B links to it).
    replace(&v.join("A.md"), "# A", "# A\n\n## Nowhere");
    let b = check_logged(v, cache.path(), "concise", &["B.md"]);
    assert!(b.2.is_some(), "incremental");
    assert_eq!((b.0.clone(), b.1), full(&["B.md"]));
    assert_eq!(b.1, 0, "B.md's link now reaches its heading: {}", b.0);
}

fn replace(p: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(p).unwrap();
    assert!(text.contains(from), "{from} in {}", p.display());
    std::fs::write(p, text.replacen(from, to, 1)).unwrap();
}

fn touch(p: &Path) {
    let f = std::fs::File::options().write(true).open(p).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(60))
        .unwrap();
}

#[test]
fn the_incremental_state_is_rewritten_after_many_changes_only() {
    let vault = tempfile::tempdir().unwrap();
    for i in 0..12 {
        let text = format!("# Note {i}\n\n[[Note {}]]\n", (i + 1) % 12);
        std::fs::write(vault.path().join(format!("Note {i}.md")), text).unwrap();
    }
    age(vault.path(), 3600);
    let cache = tempfile::tempdir().unwrap();
    let state = || -> Vec<u8> {
        let p = walk(cache.path())
            .into_iter()
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("state-")
            })
            .expect("a state file");
        std::fs::read(p).unwrap()
    };
    let first = check_logged(vault.path(), cache.path(), "concise", &[]);
    assert_eq!(first.2, None);
    let stored = state();
    // One touched note: re-checked against the stored state, which stays as it was.
    touch(&vault.path().join("Note 3.md"));
    let one = check_logged(vault.path(), cache.path(), "concise", &[]);
    assert!(one.2.is_some());
    assert_eq!((&one.0, one.1), (&first.0, first.1));
    assert!(state() == stored, "one change does not rewrite the state");
    // Ten: the state is rewritten with the new times.
    for i in 0..10 {
        touch(&vault.path().join(format!("Note {i}.md")));
    }
    let ten = check_logged(vault.path(), cache.path(), "concise", &[]);
    assert!(ten.2.is_some());
    assert_eq!((&ten.0, ten.1), (&first.0, first.1));
    assert!(state() != stored, "ten changes rewrite the state");
}
