//! One integration-test binary (keeps link time down): the real `vaultc` on fixture vaults.

// Test code: a panic is the failure report, so unwrap is the right tool here.
#![allow(clippy::unwrap_used)]

mod architecture;
mod badinput;
mod browser;
mod cache;
mod cli;
mod export;
pub mod generated;
mod git;
mod git_precommit;
mod graph;
mod lsp;
mod nothing_lost;
mod precommit;
mod props;
mod refs;
mod rules;
mod seed;
mod site;
mod spans;
mod support;
mod tables;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub const TODAY: &str = "2026-11-24";

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `vaultc ARGS` in `dir`.
pub fn vaultc(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("vaultc").expect("the vaultc binary is built");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        // The run cache goes to a folder of this test process, not into the fixtures.
        .env("VAULTC_CACHE_DIR", cache_dir())
        // Git's own variables (set when the tests run inside a git hook) name no repository
        // of a test's.
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE");
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    if real(dir).starts_with(real(Path::new(env!("CARGO_MANIFEST_DIR")))) {
        // Fixtures in this repository are not read with its history (tests of git build
        // their own repositories, see git.rs): a `GIT_DIR` that is no repository means
        // none, to gix as to git.
        cmd.env(
            "GIT_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/no-repository"),
        );
    }
    cmd.args(args).output().expect("vaultc runs")
}

/// One cache folder per test process (left in the system temp folder).
pub fn cache_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `vaultc check --today TODAY --format F [extra]` in `dir`: (stdout, exit code).
pub fn check(dir: &Path, format: &str, extra: &[&str]) -> (String, i32) {
    let mut args = vec!["check", "--today", TODAY, "--format", format];
    args.extend_from_slice(extra);
    let o = vaultc(dir, &args);
    assert!(
        o.status.code().is_some_and(|c| c <= 2),
        "vaultc crashed: {:?}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    (stdout(&o), o.status.code().unwrap_or(-1))
}

pub fn json(dir: &Path, extra: &[&str]) -> (Vec<serde_json::Value>, i32) {
    let (out, code) = check(dir, "json", extra);
    (serde_json::from_str(&out).expect("valid JSON"), code)
}

/// Copies a fixture folder into a fresh temporary folder (for tests that write).
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(name), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Whether a tool a test needs beyond Rust and python3 (Graphviz, Node.js, Chromium, the npm
/// packages of tests/browser, pre-commit from PyPI, the shared vault generator) is at hand.
///
/// Without it the test is skipped, and says so in one line on the terminal (written past the
/// test harness's capture, which would hide it): what is missing and how to install it.
/// Under `VAULTC_REQUIRE_ALL=1` (`.ci/run` sets it after installing everything) a missing
/// tool fails the test instead, so CI never skips.
pub fn require_tool(found: bool, what: &str, install: &str) -> bool {
    if found {
        return true;
    }
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    assert!(
        !require_all(),
        "{test} needs {what} (VAULTC_REQUIRE_ALL=1): {install}"
    );
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped {test}: needs {what} ({install})"
    );
    false
}

/// `VAULTC_REQUIRE_ALL=1`: every optional tool must be there (see [`require_tool`]).
pub fn require_all() -> bool {
    std::env::var_os("VAULTC_REQUIRE_ALL").is_some_and(|v| v == "1")
}

/// Does `program ARGS` run and succeed (found on PATH)?
pub fn runs(program: &str, args: &[&str]) -> bool {
    std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The npm packages `npm ci` installs into tests/browser (mermaid, playwright-core), and Node.
pub fn require_node_package(package: &str) -> bool {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules");
    require_tool(
        runs("node", &["--version"]),
        "Node.js",
        "apt-get install nodejs npm",
    ) && require_tool(
        modules.join(package).is_dir(),
        &format!("the npm package {package}"),
        "cd tests/browser && npm ci",
    )
}

/// Starts `vaultc ARGS` (a `serve`) in `dir`, waits until it says on stdout that it is
/// serving, then stops it: its output. Fails the test when it exits by itself, panics, or has
/// not started serving `within` that time — a server that never starts proves nothing.
pub fn serve_and_stop(dir: &Path, args: &[&str], within: std::time::Duration) -> Output {
    use std::io::BufRead;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vaultc"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("VAULTC_CACHE_DIR", cache_dir())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("vaultc starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let serving = line.starts_with("serving ");
            let _ = tx.send(line);
            if serving {
                break;
            }
        }
    });
    let started = std::time::Instant::now();
    let mut lines = Vec::new();
    let outcome = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Err(format!("exited by itself ({status})"));
        }
        while let Ok(line) = rx.try_recv() {
            lines.push(line);
        }
        if lines.iter().any(|l| l.starts_with("serving ")) {
            break Ok(());
        }
        if started.elapsed() > within {
            break Err(format!("did not start serving within {within:?}"));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let _ = child.kill();
    let mut o = child.wait_with_output().unwrap();
    o.stdout = lines.join("\n").into_bytes();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !stderr.contains("panicked"),
        "vaultc {args:?} panicked:\n{stderr}"
    );
    if let Err(why) = outcome {
        panic!("vaultc {args:?} {why}:\n{stderr}");
    }
    o
}
