//! `vaultc lsp` driven by real clients over stdio, on copies of the sample vault:
//! - the pytest-lsp suite in tests/lsp/ (from PyPI, in a virtualenv made here under
//!   `target/tmp/`): the same findings as `vaultc check`, cross-note updates, definition,
//!   references, completion, rename, each code action, and bad input that must not stop it;
//! - Neovim headless (Debian's `neovim`) with tests/lsp/nvim.lua: open a note, wait for the
//!   diagnostics, jump to a definition, print what it saw.
//!
//! Without python3's venv/pip (or PyPI) or Neovim a test prints one line saying what to
//! install and passes, unless `VAULTC_REQUIRE_ALL=1`: then it fails.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::TODAY;

/// The client library's version the suite is written against.
const PYTEST_LSP: &str = "pytest-lsp==1.0.1";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vaultc_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("vaultc")
}

/// A client that is not installed: one visible line and the test passes, or under
/// `VAULTC_REQUIRE_ALL=1` a failure.
fn missing(test: &str, why: &str) {
    if crate::require_all() {
        panic!("{test} cannot run (VAULTC_REQUIRE_ALL=1): {why}");
    }
    // Straight to stderr: the test harness captures `eprintln!`, not this.
    let _ = writeln!(std::io::stderr(), "skipped {test}: {why}");
}

/// The virtualenv's python with pytest-lsp, made once per build folder; why not.
fn python() -> Result<PathBuf, String> {
    static VENV: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    VENV.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp-venv");
        crate::support::venv::with_package(&dir, PYTEST_LSP)
            .map(|venv| venv.join("bin/python"))
            .map_err(|e| {
                format!(
                    "{e}: install python3 and python3-venv (apt-get install -y python3-venv) \
                     and let pip reach PyPI"
                )
            })
    })
    .clone()
}

/// Runs the pytest files `files` of tests/lsp against the built binary.
fn pytest(test: &str, files: &[&str]) {
    let python = match python() {
        Ok(p) => p,
        Err(why) => return missing(test, &why),
    };
    let o = Command::new(python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .args(files)
        .current_dir(repo().join("tests/lsp"))
        .env("VAULTC_BIN", vaultc_bin())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "pytest {files:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn an_lsp_client_sees_the_findings_navigates_completes_renames_and_fixes() {
    pytest(
        "the lsp end-to-end suite",
        &["test_lsp.py", "test_settings.py"],
    );
}

#[test]
fn bad_input_never_stops_the_language_server() {
    pytest("the lsp bad-input suite", &["test_bad_input.py"]);
}

/// Copies book.toml and vault/ into a fresh temporary folder.
fn sample_vault() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("book.toml"), dir.path().join("book.toml")).unwrap();
    let o = Command::new("cp")
        .arg("-r")
        .arg(repo().join("vault"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "cp -r vault");
    dir
}

#[test]
fn neovim_shows_the_findings_of_check_and_jumps_to_a_definition() {
    let nvim = Command::new("nvim").arg("--version").output();
    if !nvim.is_ok_and(|o| o.status.success()) {
        return missing(
            "the Neovim lsp test",
            "install Neovim (apt-get install -y neovim)",
        );
    }
    let vault = sample_vault();
    let root = vault.path().canonicalize().unwrap();
    let note = "vault/Actors/Michael Burry.md";
    let printed = root.join("nvim.out");
    let o = Command::new("timeout")
        .args(["120", "nvim", "--headless", "--clean", "-u", "NONE", "-c"])
        .arg(format!(
            "luafile {}",
            repo().join("tests/lsp/nvim.lua").display()
        ))
        .arg(note)
        .current_dir(&root)
        .env("VAULTC_BIN", vaultc_bin())
        .env("VAULTC_TODAY", TODAY)
        .env("VAULT_ROOT", &root)
        .env("NVIM_OUT", &printed)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let printed = std::fs::read_to_string(&printed).unwrap_or_default();
    assert!(
        o.status.success(),
        "nvim failed: {:?}\n{printed}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    // What `vaultc check` reports for the note, as Neovim shows it (1-based line:column).
    let (findings, _) = crate::json(&root, &[]);
    let mut want: Vec<String> = findings
        .iter()
        .filter(|f| f["path"] == note)
        .map(|f| {
            let at = &f["location"];
            format!(
                "diagnostic {}:{} {} {}",
                at["line"],
                at["column"],
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(!want.is_empty(), "the note has findings");
    want.insert(0, format!("diagnostics {}", want.len()));
    want.push("definition vault/Actors/NVIDIA.md 1:1".into());
    assert_eq!(printed.lines().collect::<Vec<_>>(), want, "{printed}");
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("quit with exit code"),
        "the server stopped badly: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}
