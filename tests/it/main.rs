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
mod graph;
mod nothing_lost;
mod props;
mod refs;
mod rules;
mod seed;
mod site;
mod spans;
mod tables;

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
    Command::cargo_bin("vaultc")
        .expect("the vaultc binary is built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // The run cache goes to a folder of this test process, not into the fixtures.
        .env("VAULTC_CACHE_DIR", cache_dir())
        .args(args)
        .output()
        .expect("vaultc runs")
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
