//! The sitemap, the Atom feed, and the scripts a page loads only when it needs them.

use super::{build, files, ok};

/// Builds the features fixture with `extra` appended to its book.toml.
fn features(extra: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    super::build_fixture("site-features", extra)
}

#[test]
fn sitemap_and_feed_list_published_notes_with_absolute_urls() {
    let (_dir, site) = features("site-url = \"https://example.org/notes/\"\n");
    let read = |f: &str| std::fs::read_to_string(site.join(f)).unwrap();
    insta::assert_snapshot!("sitemap", read("sitemap.xml"));
    // Newest first, by each note's `updated` date.
    insta::assert_snapshot!("feed", read("feed.xml"));
    // The home page says where the feed is (feed readers look there); other pages do not
    // repeat it.
    let feed = r#"<link rel="alternate" type="application/atom+xml" href="feed.xml""#;
    assert!(read("index.html").contains(feed));
    assert!(!read("overview.html").contains(feed));
}

#[test]
fn the_diagram_script_is_shipped_and_loaded_only_where_a_diagram_is() {
    let (_dir, site) = features("");
    let read = |f: &str| std::fs::read_to_string(site.join(f)).unwrap();
    // diagrams.js loads mermaid.min.js, from pages with a diagram only.
    assert!(read("rendering.html").contains(r#"<script src="assets/diagrams.js"></script>"#));
    assert!(!read("overview.html").contains("diagrams.js"));
    assert!(site.join("assets/mermaid.min.js").is_file());
    // The sample vault has no diagram: no 3.5 MB script.
    let tmp = tempfile::tempdir().unwrap();
    let sample = tmp.path().join("site");
    ok(&build(&super::repo(), None, &sample), "vaultc build");
    assert!(!files(&sample).iter().any(|f| f.contains("mermaid")));
}

#[test]
fn with_allow_html_off_note_html_is_shown_as_text() {
    let (_dir, site) = features("allow-html = false\n");
    let html = std::fs::read_to_string(site.join("rendering.html")).unwrap();
    assert!(html.contains("line&lt;br&gt;break"), "inline HTML as text");
    assert!(html.contains(r#"<pre class="raw-html"><code>&lt;details&gt;"#));
    assert!(!html.contains("<kbd>"));
}
