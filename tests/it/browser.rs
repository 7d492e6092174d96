//! The built site in a real browser: headless Chromium (Debian's, /usr/bin/chromium) driven
//! by `tests/browser/site.test.mjs` with playwright-core, over the sample vault. It searches
//! (as the reader types, misspelt, by tag, from file://), follows links, explores the global
//! and local graphs, opens the folder tree, switches to dark mode and checks a phone-sized
//! screen; then refreshes the screenshots in docs/.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{TODAY, vaultc};

/// The repository root: its book.toml points at the sample vault.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_site_in_the_browser_searches_explores_the_graph_and_the_tree() {
    let browser = crate::require_tool(
        Path::new("/usr/bin/chromium").is_file(),
        "Chromium at /usr/bin/chromium",
        "apt-get install chromium",
    );
    if !browser || !crate::require_node_package("playwright-core") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let o = vaultc(
        &repo(),
        &["build", "--out", site.to_str().unwrap(), "--today", TODAY],
    );
    assert!(
        o.status.success(),
        "vaultc build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The features fixture: a note with inline HTML, math, a diagram, properties and broken
    // sections.
    let features = tmp.path().join("features");
    let fixture = repo().join("tests/fixtures/site-features");
    let o = vaultc(
        &fixture,
        &[
            "--config",
            fixture.join("book.toml").to_str().unwrap(),
            "build",
            "--out",
            features.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    );
    assert!(
        o.status.success(),
        "vaultc build of the features fixture failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The screenshots in docs/ are the test's own: each run refreshes them.
    let docs = repo().join("docs");
    let o = Command::new("node")
        .arg(repo().join("tests/browser/site.test.mjs"))
        .arg(&site)
        .arg(&docs)
        .arg(&features)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "browser test failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    for shot in ["note", "search", "graph"] {
        assert!(
            docs.join(format!("screenshot-{shot}.png")).is_file(),
            "{shot}"
        );
    }
}
