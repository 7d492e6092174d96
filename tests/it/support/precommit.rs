//! pre-commit (<https://pre-commit.com>) for tests: the pip package in a virtual environment,
//! a hook repository made from this checkout, and scratch git repositories that hold a copy
//! of the sample vault with a `.pre-commit-config.yaml` and the git hook installed.
//!
//! The environment is made once under `target/tmp/precommit/` and reused: the venv, and
//! pre-commit's own cache (`PRE_COMMIT_HOME`), where the `language: rust` hook keeps the
//! vaultc it compiled for a given rev. The hook repository's commit has fixed dates, so the
//! same sources give the same rev, and an unchanged checkout compiles nothing.
//!
//! Without python3's venv module or a network for pip, [`pre_commit`] says so in one line and
//! returns `None` (a failure under `VAULTC_REQUIRE_ALL=1`, see [`crate::require_tool`]).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The date every scratch commit carries, so hashes depend on content only.
const DATE: &str = "2026-11-24T12:00:00Z";

/// Where the reusable environment lives.
fn home() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("precommit")
}

/// The `pre-commit` executable of the venv, made (and `pip install`ed) on first use.
pub fn pre_commit() -> Option<PathBuf> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = BIN.get_or_init(|| {
        super::venv::with_package(&home().join("venv"), "pre-commit")
            .map(|venv| venv.join("bin/pre-commit"))
    });
    let why = found.as_ref().err().map_or("", String::as_str);
    crate::require_tool(
        found.is_ok(),
        &format!("pre-commit from PyPI in a venv ({why})"),
        "apt-get install python3-venv, and a network for pip",
    )
    .then(|| found.clone().ok())
    .flatten()
}

/// `git ARGS` in `dir` with a fixed identity and dates, and no user or system config.
pub fn git(dir: &Path, args: &[&str]) -> Output {
    git_command(dir)
        .args(args)
        .output()
        .expect("git runs (git is needed for the pre-commit test)")
}

fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "vaultc tests")
        .env("GIT_AUTHOR_EMAIL", "tests@vaultc.invalid")
        .env("GIT_COMMITTER_NAME", "vaultc tests")
        .env("GIT_COMMITTER_EMAIL", "tests@vaultc.invalid")
        .env("GIT_AUTHOR_DATE", DATE)
        .env("GIT_COMMITTER_DATE", DATE)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ]);
    cmd
}

fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A git repository holding what the hooks need from this checkout, as it is now (committed
/// or not): `.pre-commit-hooks.yaml`, and the crate (`Cargo.toml`, `Cargo.lock`, `src/`) for
/// the `language: rust` hook. Returns (its path, the rev to pin).
pub fn hook_repo() -> (PathBuf, String) {
    static REPO: OnceLock<(PathBuf, String)> = OnceLock::new();
    REPO.get_or_init(|| {
        let dir = home().join("hooks");
        let _ = std::fs::remove_dir_all(&dir);
        let src = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::create_dir_all(&dir).unwrap();
        for file in ["Cargo.toml", "Cargo.lock", ".pre-commit-hooks.yaml"] {
            std::fs::copy(src.join(file), dir.join(file)).unwrap();
        }
        crate::copy_dir(&src.join("src"), &dir.join("src"));
        ok(&git(&dir, &["init", "-q"]), "git init");
        ok(&git(&dir, &["add", "-A"]), "git add");
        ok(&git(&dir, &["commit", "-q", "-m", "hooks"]), "git commit");
        let rev = git(&dir, &["rev-parse", "HEAD"]);
        ok(&rev, "git rev-parse");
        let rev = String::from_utf8_lossy(&rev.stdout).trim().to_owned();
        (dir, rev)
    })
    .clone()
}

/// A scratch git repository with a copy of the sample vault (book.toml and `vault/`), a
/// `.pre-commit-config.yaml` naming `hook` from [`hook_repo`], and pre-commit's git hook
/// installed. Commits run the hook; the sample vault's own findings are made warnings or
/// planned entities in its book.toml, so that the copy is clean.
pub struct Scratch {
    _tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pre_commit: PathBuf,
}

impl Scratch {
    pub fn new(pre_commit: &Path, hook: &str) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("notes");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::copy_dir(&repo.join("vault"), &dir.join("vault"));
        let book = std::fs::read_to_string(repo.join("book.toml")).unwrap();
        let book = book
            .replace(
                "planned = [\"Credit markets\"]",
                "planned = [\"Credit markets\", \"Palantir\", \"Trump defense budget\"]",
            )
            .replace(
                "orphan-note = \"off\"",
                "orphan-note = \"off\"\nbroken-heading = \"warn\"\ntable-unescaped-pipe = \"warn\"",
            );
        std::fs::write(dir.join("book.toml"), book).unwrap();
        let (hooks, rev) = hook_repo();
        let config = format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n        \
             args: [--today, \"{}\", --format, concise]\n",
            hooks.display(),
            crate::TODAY
        );
        std::fs::write(dir.join(".pre-commit-config.yaml"), config).unwrap();
        let s = Self {
            _tmp: tmp,
            dir,
            pre_commit: pre_commit.to_owned(),
        };
        ok(&s.git(&["init", "-q"]), "git init");
        let install = s
            .env(&mut Command::new(&s.pre_commit))
            .arg("install")
            .output()
            .unwrap();
        ok(&install, "pre-commit install");
        s
    }

    /// The scratch repository's environment: the test's `vaultc` first on PATH (for
    /// `language: system`), pre-commit's cache in the shared environment, and for the
    /// `language: rust` hook's `cargo install` a target folder of its own with the release
    /// profile unoptimised: the test proves that pre-commit builds and runs the hook, and an
    /// optimised build of every dependency would cost CI minutes it does not have (and would
    /// replace the benchmark's binary in target/release).
    fn env<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        let bin = assert_cmd::cargo::cargo_bin("vaultc");
        let path = std::env::var_os("PATH").unwrap_or_default();
        let dirs =
            std::iter::once(bin.parent().unwrap().to_owned()).chain(std::env::split_paths(&path));
        let target = home().join("cargo-target");
        cmd.current_dir(&self.dir)
            .env("PATH", std::env::join_paths(dirs).unwrap())
            .env("PRE_COMMIT_HOME", home().join("cache"))
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("VAULTC_CACHE_DIR", crate::cache_dir())
            .env("NO_COLOR", "1")
    }

    /// `git ARGS` in the scratch repository; a commit runs the installed hook.
    pub fn git(&self, args: &[&str]) -> Output {
        self.env(&mut git_command(&self.dir))
            .args(args)
            .output()
            .unwrap()
    }

    /// `git add -A && git commit -m MESSAGE`: the commit's output (the hook's included).
    pub fn commit_all(&self, message: &str) -> Output {
        ok(&self.git(&["add", "-A"]), "git add");
        self.git(&["commit", "-q", "-m", message])
    }

    /// How many commits the current branch has.
    pub fn commits(&self) -> usize {
        let o = self.git(&["rev-list", "--count", "HEAD"]);
        String::from_utf8_lossy(&o.stdout)
            .trim()
            .parse()
            .unwrap_or(0)
    }
}
