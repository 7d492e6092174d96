//! The pre-commit recipe for stamps, end to end: the pre-commit framework (pip's
//! `pre-commit`, in a venv under `target/`) runs `vaultc check --staged` from a real
//! `git commit` in a scratch repository; the commit of an edited note whose stamp did not
//! move is blocked, and goes through once `vaultc check --fix` bumped the stamp and the note
//! was staged again.
//!
//! Needs python3 (venv, pip and the network once, to install pre-commit) and git; without
//! them the test says so in one line and passes, unless `VAULTC_REQUIRE_ALL=1`. The venv is
//! the one `crate::support::precommit` makes for the hook tests.

use std::path::Path;
use std::process::{Command, Output};

use crate::{TODAY, cache_dir, vaultc};

/// `program args` in `dir`, with git's identity and configuration fixed (no user's or
/// system's config read), the hook's caches in this test process's folders.
fn run(dir: &Path, program: &Path, args: &[&str], home: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("PRE_COMMIT_HOME", home)
        .env("VAULTC_CACHE_DIR", cache_dir())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn git(dir: &Path, args: &[&str], home: &Path) -> Output {
    run(dir, Path::new("git"), args, home)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The bytes HEAD holds at `path`, read with gix.
fn committed(dir: &Path, path: &str) -> String {
    let repo = gix::open(dir).unwrap();
    let tree = repo.head_commit().unwrap().tree().unwrap();
    let id = tree
        .lookup_entry_by_path(path)
        .unwrap()
        .unwrap()
        .object_id();
    String::from_utf8(repo.find_blob(id).unwrap().data.clone()).unwrap()
}

fn semis(body: &str, stamp: &str) -> String {
    format!("# Semis\n\n{body}\n\n*Updated {stamp}*\n")
}

#[test]
fn the_hook_blocks_a_stale_stamp_until_fix_bumps_it() {
    // The venv of the other pre-commit tests (see crate::support::precommit); without it,
    // one skip line (a failure under VAULTC_REQUIRE_ALL=1).
    let Some(precommit) = crate::support::precommit::pre_commit() else {
        return;
    };
    let repo = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let vaultc_bin = assert_cmd::cargo::cargo_bin("vaultc");
    // The README's recipe: the rule at `error`, and the hook run with `--staged`.
    std::fs::write(
        dir.join("book.toml"),
        "[book]\nsrc = \".\"\n\n[lint.rules]\nupdated-not-bumped = \"error\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: local\n    hooks:\n      - id: vaultc-check\n        \
             name: vaultc check\n        entry: \"'{}' check --today {TODAY} --format concise\"\n        \
             language: system\n        types: [markdown]\n        pass_filenames: false\n        \
             args: [--staged]\n",
            vaultc_bin.display()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("Semis.md"), semis("Capex up.", "2026-01-14")).unwrap();
    std::fs::write(dir.join("Home.md"), "# Home\n\nSee [[Semis]].\n").unwrap();
    for args in [&["init", "-q", "-b", "main"][..], &["add", "."]] {
        assert!(git(dir, args, home.path()).status.success());
    }
    let install = run(dir, &precommit, &["install"], home.path());
    assert!(install.status.success(), "{}", text(&install));
    let first = git(dir, &["commit", "-q", "-m", "first"], home.path());
    assert!(first.status.success(), "{}", text(&first));

    // An edit, staged, the stamp left as it was: the hook blocks the commit.
    let edited = semis("Capex up. Guidance raised.", "2026-01-14");
    std::fs::write(dir.join("Semis.md"), &edited).unwrap();
    assert!(git(dir, &["add", "Semis.md"], home.path()).status.success());
    let blocked = git(dir, &["commit", "-q", "-m", "guidance"], home.path());
    assert!(!blocked.status.success(), "{}", text(&blocked));
    assert!(
        text(&blocked).contains("Semis.md:5:10: error[updated-not-bumped]"),
        "{}",
        text(&blocked)
    );
    assert_eq!(committed(dir, "Semis.md"), semis("Capex up.", "2026-01-14"));

    // `vaultc check --fix` bumps the stamp; staged again, the commit goes through.
    let fixed = vaultc(dir, &["check", "--today", TODAY, "--fix"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed));
    let bumped = semis("Capex up. Guidance raised.", TODAY);
    assert_eq!(
        std::fs::read_to_string(dir.join("Semis.md")).unwrap(),
        bumped
    );
    assert!(git(dir, &["add", "Semis.md"], home.path()).status.success());
    let passed = git(dir, &["commit", "-q", "-m", "guidance"], home.path());
    assert!(passed.status.success(), "{}", text(&passed));
    assert_eq!(committed(dir, "Semis.md"), bumped);
}
