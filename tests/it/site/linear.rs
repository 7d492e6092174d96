//! Building stays linear in the input (SPEC §6): notes with very many links on one line,
//! very many lines of links, and one huge paragraph. Each shape is built at two sizes ten
//! times apart; linear work takes about ten times as long, quadratic work a hundred times.
//! The test compares the two times (a wall-clock limit alone would pass a quadratic build
//! on a fast machine) and bounds each build generously, so that a hang fails rather than
//! stalls the suite.

use std::path::Path;
use std::time::{Duration, Instant};

use super::ok;
use crate::TODAY;

/// Ten times the input may take at most this many times as long (linear: about 10;
/// quadratic: about 100). Generous: the other tests run at the same time.
const MAX_GROWTH: f64 = 40.0;
/// No build of these vaults may take longer (a debug build, on a loaded machine).
const MAX_BUILD: Duration = Duration::from_secs(300);

/// A vault of `Big.md` (the text given) and `Other.md`, which links back.
fn vault(dir: &Path, big: &str) {
    std::fs::create_dir_all(dir.join("v")).unwrap();
    std::fs::write(dir.join("book.toml"), "[book]\nsrc = \"v\"\n").unwrap();
    std::fs::write(dir.join("v/Big.md"), big).unwrap();
    std::fs::write(dir.join("v/Other.md"), "# Other\n\nLinks to [[Big]].\n").unwrap();
}

/// How long building the vault of `big` takes; a build still running after [`MAX_BUILD`]
/// is killed and fails the test.
fn time_build(big: &str) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path(), big);
    let started = Instant::now();
    let o = assert_cmd::Command::cargo_bin("vaultc")
        .unwrap()
        .current_dir(dir.path())
        .env("VAULTC_CACHE_DIR", crate::cache_dir())
        .args([
            "--config",
            "book.toml",
            "build",
            "--out",
            "site",
            "--today",
            TODAY,
        ])
        .timeout(MAX_BUILD)
        .output();
    let took = started.elapsed();
    let o = o.unwrap_or_else(|e| panic!("{} bytes: no result after {took:?}: {e}", big.len()));
    ok(&o, "vaultc build");
    assert!(took < MAX_BUILD, "{} bytes took {took:?}", big.len());
    took
}

/// Builds `make(n)` and `make(10 n)` and fails when the larger takes more than
/// [`MAX_GROWTH`] times as long.
fn assert_linear(what: &str, n: usize, make: impl Fn(usize) -> String) {
    let small = time_build(&make(n));
    let large = time_build(&make(n * 10));
    let growth = large.as_secs_f64() / small.as_secs_f64().max(1e-3);
    assert!(
        growth < MAX_GROWTH,
        "{what}: {n} took {small:?}, {} took {large:?} ({growth:.0}×): not linear",
        n * 10
    );
}

/// `n` links to a thousand names (a thousand entity pages), one after the other.
fn links(n: usize, sep: &str) -> String {
    let mut s = String::from("# Big\n\n");
    for i in 0..n {
        if i > 0 {
            s.push_str(sep);
        }
        s.push_str(&format!("[[Other]] and [[Name {}]]", i % 1000));
    }
    s.push('\n');
    s
}

#[test]
fn many_links_on_one_line_build_in_linear_time() {
    assert_linear("links on one line", 10_000, |n| links(n / 2, " "));
}

#[test]
fn many_lines_of_links_in_one_note_build_in_linear_time() {
    assert_linear("lines of links", 10_000, |n| links(n / 2, "\n"));
}

#[test]
fn one_huge_paragraph_builds_in_linear_time() {
    // Links, highlights, emphasis, math, comments and tags: everything the renderer and
    // the quotes look at, 1 MB and 10 MB of it in one paragraph.
    let words = "lorem ipsum [[Other]] dolor ==mark== **bold** $x$ %%c%% #tag and $5 or [a] ";
    assert_linear("one paragraph", 1_000_000, |bytes| {
        format!("# Big\n\n{}\n", words.repeat(bytes / words.len()))
    });
}
