//! Publishing control (SPEC §5): private notes leave nothing on the site.
//!
//! The fixture's private notes (`publish: false`, `draft: true`, a `[build] exclude` glob, a
//! private home note) carry the canary `ZQXCANARY` in their titles, aliases, tags, headings,
//! bodies, table cells, link targets and attachment names; every byte of the built site, and
//! every file name in it, is searched for it. A note without `publish` carries a second
//! canary, which must be found unless publishing is explicit: the search can find a canary.

use std::path::Path;

use super::{crawl, files};

const CANARY: &str = "zqxcanary";
const UNMARKED: &str = "zqxexplicit";

/// Every file of the site (name and bytes, lowercased) that holds `needle`.
fn holding(site: &Path, needle: &str) -> Vec<String> {
    files(site)
        .into_iter()
        .filter(|f| {
            let bytes = std::fs::read(site.join(f)).unwrap().to_ascii_lowercase();
            f.to_ascii_lowercase().contains(needle)
                || bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .collect()
}

/// Builds the fixture, with `extra` appended to its book.toml; returns the site folder.
fn build_private(extra: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    super::build_fixture("site-private", extra)
}

fn read(site: &Path, page: &str) -> String {
    std::fs::read_to_string(site.join(page)).unwrap()
}

fn private_notes_leave_no_trace(site: &Path) {
    assert_eq!(holding(site, CANARY), Vec::<String>::new());
    let crawl = crawl(site);
    assert!(crawl.broken.is_empty(), "{:?}", crawl.broken);
    for private in [
        "Private plan.md",
        "Draft idea.md",
        "Excluded/Excluded note.md",
        "Home.md",
    ] {
        assert!(
            !crawl.pages.contains_key(&format!("note:{private}")),
            "{private} has a page"
        );
    }
    let public = read(site, "public.html");
    // Links to private notes are their text, with no link around it.
    for text in ["the plan", "a row link", "the draft", "a markdown link"] {
        assert!(public.contains(text), "{text:?} is shown");
    }
    assert!(
        public.contains("It links to Private plan, to the plan,"),
        "plain text"
    );
    // The shared attachment is copied, the private ones are not.
    let copied: Vec<String> = files(site)
        .into_iter()
        .filter(|f| f.starts_with("files/"))
        .collect();
    assert!(
        copied.contains(&"files/shared.png".to_owned()),
        "{copied:?}"
    );
    // The home page is the overview, not the private Home note.
    assert!(read(site, "index.html").contains(r#"content="site:index""#));
    // The name a public note also links to keeps its page, listing the public note only.
    let shared = read(site, "entities/shared-missing.html");
    assert!(shared.contains("Linked 1 time from 1 note"), "{shared}");
    // The tag both kinds of note carry counts the public ones only.
    let tag = read(site, "tags/shared-tag.html");
    assert!(tag.contains("<p class=\"lead\">2 notes."), "{tag}");
}

#[test]
fn private_notes_leave_no_trace_on_the_site() {
    let (_dir, site) = build_private("");
    private_notes_leave_no_trace(&site);
    assert!(
        !holding(&site, UNMARKED).is_empty(),
        "a note without `publish` is published"
    );
    assert!(site.join("unmarked.html").is_file());
}

#[test]
fn with_explicit_publishing_only_notes_marked_publish_are_on_the_site() {
    let (_dir, site) = build_private("\n[output.html]\npublish = \"explicit\"\n");
    private_notes_leave_no_trace(&site);
    assert_eq!(holding(&site, UNMARKED), Vec::<String>::new());
    assert!(!site.join("unmarked.html").exists());
    assert!(site.join("public.html").is_file() && site.join("other.html").is_file());
}
