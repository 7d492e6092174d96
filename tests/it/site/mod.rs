//! `vaultc build`: the real binary builds real vaults, and the output is checked the way a
//! reader and a browser would meet it.
//!
//! - Crawl: every relative `href`/`src` of every page reaches a file, every `#fragment` an
//!   element id; every note and every unresolved entity has exactly one page.
//! - Determinism: two builds are byte-identical; a rebuild after an edit rewrites only the
//!   pages that show what changed (the others keep their inode and mtime).
//! - Injection: markup in titles, aliases, tags, frontmatter and link texts comes out escaped;
//!   links that climb out of the vault copy nothing.
//! - Refusal: a folder vaultc did not make is not written to without `--force`.
//! - Browser: see browser.rs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::{TODAY, copy_fixture, fixture, vaultc};

/// The repository root: its book.toml points at the sample vault.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ok(o: &Output, what: &str) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `vaultc [--config CONFIG] build --out OUT --today TODAY` in `dir`.
fn build(dir: &Path, config: Option<&Path>, out: &Path) -> Output {
    let out = out.to_str().unwrap();
    let mut args = Vec::new();
    if let Some(c) = config {
        args.extend(["--config", c.to_str().unwrap()]);
    }
    args.extend(["build", "--out", out, "--today", TODAY]);
    vaultc(dir, &args)
}

/// A copy of fixture folder `fixture`, with `extra` appended to its book.toml, built into
/// its `site-out/`; returns the copy and the site folder.
fn build_fixture(fixture: &str, extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = crate::copy_fixture(fixture);
    let config = dir.path().join("book.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(extra);
    std::fs::write(&config, text).unwrap();
    let site = dir.path().join("site-out");
    ok(&build(dir.path(), Some(&config), &site), "vaultc build");
    (dir, site)
}

/// The model's notes and unresolved entities, from `vaultc export --json -`.
fn model(dir: &Path, config: Option<&Path>) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut args = Vec::new();
    if let Some(c) = config {
        args.extend(["--config", c.to_str().unwrap()]);
    }
    args.extend(["export", "--json", "-", "--today", TODAY]);
    let o = vaultc(dir, &args);
    ok(&o, "vaultc export");
    let m: Value = serde_json::from_slice(&o.stdout).unwrap();
    let notes = m["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["path"].as_str().unwrap().to_owned())
        .collect();
    let unresolved = m["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "unresolved")
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    (notes, unresolved)
}

// ----- a small HTML reader: enough for our own well-formed output -----

#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every start tag in `html` with its attributes (entities decoded); comments and the
/// contents of `<script>` elements skipped.
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(rest.len());
        if name_len == 0 {
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        let mut s = &rest[name_len..];
        let mut attrs = Vec::new();
        loop {
            s = s.trim_start();
            if s.is_empty() || s.starts_with('>') || s.starts_with("/>") {
                break;
            }
            let n_len = s
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(s.len())
                .max(1);
            let attr = s[..n_len].to_ascii_lowercase();
            s = s[n_len..].trim_start();
            let value = if let Some(v) = s.strip_prefix('=') {
                let v = v.trim_start();
                let (raw, after) = match v.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let end = v[1..].find(q).map_or(v.len(), |e| e + 1);
                        (&v[1..end], &v[(end + 1).min(v.len())..])
                    }
                    _ => {
                        let end = v
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(v.len());
                        (&v[..end], &v[end..])
                    }
                };
                s = after;
                unescape(raw)
            } else {
                String::new()
            };
            attrs.push((attr, value));
        }
        rest = s;
        if name == "script" {
            rest = rest.find("</script>").map_or("", |e| &rest[e..]);
        }
        out.push(Tag { name, attrs });
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&i| i < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The record of what a build was made from (see `vaultc::site::inputs`).
const INPUTS: &str = ".vaultc-site-inputs";

/// Every file under `dir`, relative, `/`-separated, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                out.push(
                    rel.components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/"),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// What a crawl of a built site found.
#[derive(Debug, Default)]
struct Crawl {
    /// `<meta name="vaultc-page">` values → how many pages carry each.
    pages: BTreeMap<String, usize>,
    /// Every problem, as `page: what`.
    broken: Vec<String>,
    links_checked: usize,
}

/// Follows every relative link and fragment of every page of the site in `site`.
fn crawl(site: &Path) -> Crawl {
    let all = files(site);
    let existing: BTreeSet<&str> = all.iter().map(String::as_str).collect();
    let mut ids: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    let mut crawl = Crawl::default();
    for page in all.iter().filter(|p| p.ends_with(".html")) {
        let html = std::fs::read_to_string(site.join(page)).unwrap();
        let mut page_ids = BTreeSet::new();
        for tag in tags(&html) {
            if let Some(id) = tag.attr("id") {
                page_ids.insert(id.to_owned());
            }
            if tag.name == "meta" && tag.attr("name") == Some("vaultc-page") {
                let id = tag.attr("content").unwrap_or_default().to_owned();
                *crawl.pages.entry(id).or_default() += 1;
            }
            if tag.name == "base" {
                continue;
            }
            for attr in ["href", "src"] {
                if let Some(url) = tag.attr(attr) {
                    links.push((page.clone(), url.to_owned()));
                }
            }
        }
        ids.insert(page.clone(), page_ids);
    }
    for (page, url) in links {
        let lower = url.to_ascii_lowercase();
        if ["http:", "https:", "mailto:"]
            .iter()
            .any(|s| lower.starts_with(s))
        {
            continue;
        }
        crawl.links_checked += 1;
        if lower.starts_with("data:") || lower.starts_with("javascript:") || url.starts_with('/') {
            crawl
                .broken
                .push(format!("{page}: not a relative link: {url}"));
            continue;
        }
        let (path, fragment) = match url.split_once('#') {
            Some((p, f)) => (p, Some(percent_decode(f))),
            None => (url.as_str(), None),
        };
        let path = path.split('?').next().unwrap_or_default();
        let target = if path.is_empty() {
            Some(page.clone())
        } else {
            resolve(&page, &percent_decode(path))
        };
        let Some(mut target) = target else {
            crawl.broken.push(format!("{page}: leaves the site: {url}"));
            continue;
        };
        if target.is_empty() || target.ends_with('/') || site.join(&target).is_dir() {
            target = format!("{}/index.html", target.trim_end_matches('/'))
                .trim_start_matches('/')
                .to_owned();
        }
        if !existing.contains(target.as_str()) {
            crawl.broken.push(format!("{page}: no file for {url}"));
            continue;
        }
        if let Some(f) = fragment
            && target.ends_with(".html")
            && !ids[&target].contains(&f)
        {
            crawl
                .broken
                .push(format!("{page}: no id `{f}` in {target} ({url})"));
        }
    }
    crawl
}

/// `rel` (a relative URL path) seen from site page `page`; `None` if it climbs out.
fn resolve(page: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in rel.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    Some(if rel.ends_with('/') {
        format!("{joined}/")
    } else {
        joined
    })
}

/// Asserts the crawl found nothing broken and one page per note and unresolved entity.
fn assert_complete(crawl: &Crawl, notes: &BTreeSet<String>, unresolved: &BTreeSet<String>) {
    assert!(
        crawl.broken.is_empty(),
        "{} broken links, first ones:\n{}",
        crawl.broken.len(),
        crawl
            .broken
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    for note in notes {
        assert_eq!(
            crawl.pages.get(&format!("note:{note}")),
            Some(&1),
            "note {note} needs exactly one page"
        );
    }
    for name in unresolved {
        assert_eq!(
            crawl.pages.get(&format!("entity:{name}")),
            Some(&1),
            "unresolved entity {name} needs exactly one page"
        );
    }
    let page_count = |kind: &str| crawl.pages.keys().filter(|k| k.starts_with(kind)).count();
    assert_eq!(
        page_count("note:"),
        notes.len(),
        "no page for a note that is not one"
    );
    assert_eq!(page_count("entity:"), unresolved.len());
}

#[test]
fn sample_vault_site_has_no_broken_links_and_a_page_per_entity() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    ok(&build(&repo(), None, &site), "vaultc build");
    let crawl = crawl(&site);
    let (notes, unresolved) = model(&repo(), None);
    assert!(
        !unresolved.is_empty(),
        "the sample vault has unresolved names"
    );
    assert_complete(&crawl, &notes, &unresolved);
    assert!(crawl.links_checked > 300, "{}", crawl.links_checked);

    // Heading and block links land on their target, broken links on their entity page; a
    // stale note says so; backlinks quote their paragraph with the link marked.
    let rotation = std::fs::read_to_string(site.join("concepts/sector-rotation.html")).unwrap();
    insta::assert_snapshot!("sector_rotation_page", page_main(&rotation));
    let burry = std::fs::read_to_string(site.join("actors/michael-burry.html")).unwrap();
    insta::assert_snapshot!("michael_burry_page", page_main(&burry));
    // The image is copied, the comment is gone, the home note is the home page.
    assert!(site.join("files/attachments/rotation-chart.png").is_file());
    assert!(!rotation.contains("Rotation scorecard"));
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains(r#"content="note:Home.md""#));
    // No page carries the vault's whole navigation.
    let nvidia = std::fs::read_to_string(site.join("actors/nvidia.html")).unwrap();
    assert!(
        !nvidia.contains("long-defense-ai.html"),
        "an unrelated note is not listed"
    );
}

#[test]
fn generated_vault_site_has_no_broken_links_and_a_page_per_entity() {
    let Some((tmp, vault, _truth)) = crate::generated::generate() else {
        return;
    };
    let site = tmp.path().join("site");
    ok(&build(&vault, None, &site), "vaultc build");
    let crawl = crawl(&site);
    let (notes, unresolved) = model(&vault, None);
    assert_eq!(notes.len(), 2000);
    assert_complete(&crawl, &notes, &unresolved);

    // Search documents, the folder tree and the global graph point at pages that exist.
    let mut docs = 0;
    for file in files(&site).iter().filter(|f| f.starts_with("search/d/")) {
        let block = script_data(&site.join(file), "vaultcSearch.docs(");
        for d in block[1].as_array().unwrap() {
            assert!(site.join(d[1].as_str().unwrap()).is_file(), "{d}");
            docs += 1;
        }
    }
    assert_eq!(docs, 2000);
    let nav = script_data(&site.join("nav-data.js"), "vaultcNav.data(");
    let listed = nav["notes"].as_array().unwrap();
    assert_eq!(listed.len(), 2000);
    for n in listed {
        assert!(site.join(n[2].as_str().unwrap()).is_file(), "{n}");
    }
    // The graph's nodes are nav-data.js's notes, then its names, in that order.
    let names = nav["names"].as_array().unwrap();
    for n in names {
        assert!(site.join(n[1].as_str().unwrap()).is_file(), "{n}");
    }
    let graph = script_data(&site.join("graph-data.js"), "vaultcGraph.data(");
    assert_eq!(
        graph["nodes"].as_array().unwrap().len(),
        listed.len() + names.len()
    );
}

/// The JSON a data script hands to `call`: `call(JSON);`.
fn script_data(path: &Path, call: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let json = text
        .trim_end()
        .strip_prefix(call)
        .and_then(|t| t.strip_suffix(");"))
        .unwrap_or_else(|| panic!("{}: not a {call}…) script", path.display()));
    serde_json::from_str(json).unwrap()
}

#[test]
fn notes_that_slug_alike_or_take_site_names_each_get_a_page() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let config = fixture("site-features/book.toml");
    ok(&build(&repo(), Some(&config), &site), "vaultc build");
    let crawl = crawl(&site);
    let (notes, unresolved) = model(&repo(), Some(&config));
    assert_complete(&crawl, &notes, &unresolved);
    for (page, id) in [
        ("a-b.html", "note:A B.md"),
        ("a-b-1.html", "note:A-B.md"),
        ("index.html", "note:index.md"),
        ("404-1.html", "note:404.md"),
        ("tags-1.html", "note:tags.md"),
        ("search-1.html", "note:search.md"),
        ("entities-1.html", "note:entities.md"),
        ("tags-1/inside.html", "note:Tags/Inside.md"),
        ("404.html", "site:404"),
        ("search.html", "site:search"),
    ] {
        let html = std::fs::read_to_string(site.join(page)).unwrap();
        assert!(
            html.contains(&format!(r#"content="{id}""#)),
            "{page} is {id}"
        );
    }
}

#[test]
fn obsidian_markdown_renders_as_html() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    ok(
        &build(&repo(), Some(&fixture("site-features/book.toml")), &site),
        "vaultc build",
    );
    // The pages as a reader gets them (callouts, highlights, math as MathML, footnotes,
    // tasks, block ids, code, cleaned HTML, transclusions, attachments, links to headings,
    // blocks and missing names, properties, Mermaid, broken sections, a Bases view).
    let html = std::fs::read_to_string(site.join("overview.html")).unwrap();
    insta::assert_snapshot!("overview_page", page_main(&html));
    let rendering = std::fs::read_to_string(site.join("rendering.html")).unwrap();
    insta::assert_snapshot!("rendering_page", page_main(&rendering));
    for absent in [
        "a secret",
        "Secret Link",
        "A whole hidden paragraph",
        "vaultc-disable",
        "javascript:",
        "<div onclick",
    ] {
        assert!(
            !html.contains(absent),
            "{absent:?} should not be on the page"
        );
    }
    // An embed cycle (Ada embeds Overview, which embeds Ada) ends in a link.
    let ada = std::fs::read_to_string(site.join("people/ada-lovelace.html")).unwrap();
    assert!(ada.contains(r#"<div class="embed">"#));
    assert!(ada.matches(r#"<div class="embed">"#).count() < 5);
}

/// A page's `<main>`, for a snapshot: the site's header and footer are the templates' and
/// the graph drawing is the layout's, so they are left out (`[graph]`).
fn page_main(html: &str) -> String {
    let start = html.find("<main").expect("a <main>");
    let end = html.find("</main>").expect("a </main>") + "</main>".len();
    let mut main = html[start..end].to_owned();
    while let Some(svg) = main.find("<svg class=\"graph\"") {
        let close = main[svg..]
            .find("</svg>")
            .map_or(main.len(), |e| svg + e + 6);
        main.replace_range(svg..close, "[graph]");
    }
    main
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file of a site with its bytes; not the record of the build's inputs, which holds
/// the vault files' modification times.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .filter(|f| f != INPUTS)
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[cfg(unix)]
fn stamp(path: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    (m.ino(), m.modified().unwrap())
}

#[cfg(unix)]
#[test]
fn builds_are_deterministic_and_rebuilds_rewrite_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&build(&repo(), None, &a), "first build");
    ok(&build(&repo(), None, &b), "second build");
    assert_eq!(contents(&a), contents(&b), "two builds, same bytes");

    // A copy of the sample vault to edit.
    let vault = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("vault"), &vault.path().join("vault"));
    std::fs::copy(repo().join("book.toml"), vault.path().join("book.toml")).unwrap();
    let config = vault.path().join("book.toml");
    let site = tmp.path().join("c");
    ok(&build(vault.path(), Some(&config), &site), "build");
    let rebuild_changes = |edit: &dyn Fn()| -> BTreeSet<String> {
        let before: BTreeMap<String, _> = files(&site)
            .into_iter()
            .map(|f| {
                let s = stamp(&site.join(&f));
                (f, s)
            })
            .collect();
        edit();
        ok(&build(vault.path(), Some(&config), &site), "rebuild");
        let after = files(&site);
        assert_eq!(after, before.keys().cloned().collect::<Vec<_>>());
        // The marker records what each page was made from; it changes with them.
        after
            .into_iter()
            .filter(|f| f != ".vaultc-site" && f != INPUTS && before[f] != stamp(&site.join(f)))
            .collect()
    };

    // Nothing changed: nothing is written.
    assert_eq!(rebuild_changes(&|| {}), BTreeSet::new());

    // A new paragraph at the end of a note: only its page.
    let tesla = vault.path().join("vault/Actors/Tesla.md");
    let changed = rebuild_changes(&|| {
        let mut text = std::fs::read_to_string(&tesla).unwrap();
        text.push_str("\nOne more line at the end.\n");
        std::fs::write(&tesla, text).unwrap();
    });
    // (The search index holds every word; a result's snippet is cut from its page. The
    // links did not change, so neither did the global graph. The feed holds the start of each
    // note's text, which a short note ends.)
    let pages: BTreeSet<String> = changed
        .into_iter()
        .filter(|f| f != "feed.xml" && !f.starts_with("search/"))
        .collect();
    assert_eq!(pages, BTreeSet::from(["actors/tesla.html".to_owned()]));

    // The line that links NVIDIA to Burry: both pages (Burry's backlinks quote it).
    let nvidia = vault.path().join("vault/Actors/NVIDIA.md");
    let changed = rebuild_changes(&|| {
        let text = std::fs::read_to_string(&nvidia).unwrap();
        std::fs::write(&nvidia, text.replace("is short.", "is short, still.")).unwrap();
    });
    assert!(changed.contains("actors/nvidia.html"), "{changed:?}");
    assert!(changed.contains("actors/michael-burry.html"), "{changed:?}");
    let allowed = BTreeSet::from([
        "actors/nvidia.html".to_owned(),
        "actors/michael-burry.html".to_owned(),
        "feed.xml".to_owned(),
    ]);
    assert!(
        changed
            .iter()
            .all(|f| allowed.contains(f) || f.starts_with("search/") && !f.starts_with("search/t/")),
        "{changed:?}"
    );
}

/// Sets a file's modification time `secs` seconds back from now, as `touch -d` would.
fn set_mtime_ago(path: &Path, secs: u64) {
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(when)
        .unwrap();
}

#[cfg(unix)]
#[test]
fn a_rebuild_with_nothing_changed_does_no_work_and_any_change_is_seen() {
    let vault = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("vault"), &vault.path().join("vault"));
    std::fs::copy(repo().join("book.toml"), vault.path().join("book.toml")).unwrap();
    let config = vault.path().join("book.toml");
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    ok(&build(vault.path(), Some(&config), &site), "build");
    assert!(site.join(INPUTS).is_file(), "the build records its inputs");
    let report = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let page = site.join("actors/tesla.html");
    let tesla = vault.path().join("vault/Actors/Tesla.md");

    // Touched (time moved, same bytes): nothing to do, and the page is the same file.
    let before = stamp(&page);
    set_mtime_ago(&tesla, 3600);
    let o = build(vault.path(), Some(&config), &site);
    ok(&o, "rebuild after a touch");
    assert!(report(&o).contains("is up to date"), "{}", report(&o));
    assert_eq!(stamp(&page), before);

    // The same size, other bytes, another time: rebuilt.
    let text = std::fs::read_to_string(&tesla).unwrap();
    let (i, c) = text.char_indices().find(|(_, c)| *c == 'a').unwrap();
    let mut edited = text.clone();
    edited.replace_range(i..i + c.len_utf8(), "e");
    assert_eq!(edited.len(), text.len());
    std::fs::write(&tesla, &edited).unwrap();
    set_mtime_ago(&tesla, 1800);
    let o = build(vault.path(), Some(&config), &site);
    ok(&o, "rebuild after a same-size edit");
    assert!(!report(&o).contains("is up to date"), "{}", report(&o));
    assert_ne!(stamp(&page), before, "the edited note's page is rewritten");

    // A file removed from the site: the next build puts it back.
    std::fs::remove_file(&page).unwrap();
    ok(
        &build(vault.path(), Some(&config), &site),
        "rebuild after a lost page",
    );
    assert!(page.is_file());

    // Another site title in the config: every page says it, every page is rewritten.
    let cfg = std::fs::read_to_string(&config).unwrap();
    assert!(cfg.contains("title = \"Markets vault\""));
    std::fs::write(&config, cfg.replace("Markets vault", "Market notes")).unwrap();
    ok(
        &build(vault.path(), Some(&config), &site),
        "rebuild after a config edit",
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("Market notes"),
        "the page shows the new title"
    );

    // Another day: stale badges may change, so the build runs again (here the site's
    // pages do not change, but the fast path must not have been taken: the record's key
    // holds the day).
    let record = std::fs::read(site.join(INPUTS)).unwrap();
    let o = vaultc(
        vault.path(),
        &[
            "--config",
            config.to_str().unwrap(),
            "build",
            "--out",
            site.to_str().unwrap(),
            "--today",
            "2030-01-01",
        ],
    );
    ok(&o, "rebuild on another day");
    assert_ne!(
        std::fs::read(site.join(INPUTS)).unwrap(),
        record,
        "another day, another key: the build ran"
    );

    // A new note: a full build, which gives it a page.
    std::fs::write(vault.path().join("vault/Fresh note.md"), "# Fresh note\n").unwrap();
    ok(
        &build(vault.path(), Some(&config), &site),
        "rebuild after a new note",
    );
    assert!(site.join("fresh-note.html").is_file());
}

/// A step of an edit sequence: what it does, and doing it.
type Edit = (&'static str, Box<dyn Fn()>);

/// Edits a vault step by step; after each step a rebuild over the previous site (which skips
/// pages whose fingerprint did not change) must equal a fresh build, byte for byte.
fn assert_rebuilds_equal_fresh_builds(vault: &Path, config: &Path, edits: &[(&str, &dyn Fn())]) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    ok(&build(vault, Some(config), &site), "first build");
    for (i, (what, edit)) in edits.iter().enumerate() {
        edit();
        ok(&build(vault, Some(config), &site), "rebuild");
        let fresh = tmp.path().join(format!("fresh-{i}"));
        ok(&uncached_build(vault, config, &fresh), "fresh build");
        let (got, want) = (contents(&site), contents(&fresh));
        let differ: Vec<&String> = want
            .keys()
            .chain(got.keys())
            .filter(|f| got.get(*f) != want.get(*f))
            .collect();
        assert!(
            differ.is_empty(),
            "after {what}, the rebuild differs in {differ:?}"
        );
    }
}

/// A build with a cache folder of its own, empty: nothing from earlier builds (such as the
/// notes' search words) is reused.
fn uncached_build(dir: &Path, config: &Path, out: &Path) -> Output {
    let cache = tempfile::tempdir().unwrap();
    assert_cmd::Command::cargo_bin("vaultc")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("VAULTC_CACHE_DIR", cache.path())
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .args(["--config", config.to_str().unwrap(), "build", "--out"])
        .args([out.to_str().unwrap(), "--today", TODAY])
        .output()
        .unwrap()
}

fn edit_file(path: PathBuf, from: &'static str, to: &'static str) -> impl Fn() {
    move || {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{} lacks {from:?}", path.display());
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

#[test]
fn rebuild_after_edits_equals_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("vault"), &dir.path().join("vault"));
    std::fs::copy(repo().join("book.toml"), dir.path().join("book.toml")).unwrap();
    let v = dir.path().join("vault");
    let edits: Vec<Edit> = vec![
        (
            "renaming a heading others link to",
            Box::new(edit_file(
                v.join("ETFs/XMAG.md"),
                "## Fund flows",
                "## Fund flow data",
            )),
        ),
        (
            "retitling a note",
            Box::new(edit_file(
                v.join("Actors/NVIDIA.md"),
                "# NVIDIA",
                "# NVIDIA Corporation",
            )),
        ),
        (
            "dropping a block id",
            Box::new(edit_file(
                v.join("Actors/Michael Burry.md"),
                " ^burry-short",
                "",
            )),
        ),
        (
            "adding a note a link was waiting for",
            Box::new({
                let p = v.join("Actors/Palantir.md");
                move || std::fs::write(&p, "# Palantir\n\nLinks to [[NVIDIA]].\n").unwrap()
            }),
        ),
        (
            "deleting a linked note",
            Box::new({
                let p = v.join("Actors/Tesla.md");
                move || std::fs::remove_file(&p).unwrap()
            }),
        ),
        (
            "editing a line that links",
            Box::new(edit_file(
                v.join("Actors/NVIDIA.md"),
                "is short.",
                "is short, still.",
            )),
        ),
        (
            "making a linked note private",
            Box::new(edit_file(
                v.join("Actors/Michael Burry.md"),
                "aliases: [Burry]",
                "aliases: [Burry]\npublish: false",
            )),
        ),
    ];
    let edits: Vec<(&str, &dyn Fn())> = edits.iter().map(|(w, e)| (*w, e.as_ref())).collect();
    assert_rebuilds_equal_fresh_builds(dir.path(), &dir.path().join("book.toml"), &edits);
}

#[test]
fn rebuild_after_embed_and_bases_edits_equals_a_fresh_build() {
    let features = copy_fixture("site-features");
    let ada = features.path().join("People/Ada Lovelace.md");
    let edits: Vec<Edit> = vec![
        (
            "editing an embedded section",
            Box::new(edit_file(
                ada.clone(),
                "Analytical Engine",
                "Difference Engine",
            )),
        ),
        (
            "editing an embedded block",
            Box::new(edit_file(
                ada,
                "Wrote the first program.",
                "Wrote the first program, 1843.",
            )),
        ),
        (
            "retagging a note a Bases view lists",
            Box::new(edit_file(
                features.path().join("Tags/Inside.md"),
                "#demo/site",
                "#other",
            )),
        ),
    ];
    let edits: Vec<(&str, &dyn Fn())> = edits.iter().map(|(w, e)| (*w, e.as_ref())).collect();
    assert_rebuilds_equal_fresh_builds(features.path(), &features.path().join("book.toml"), &edits);
}

#[test]
fn markup_in_note_data_is_escaped_and_nothing_outside_the_vault_is_copied() {
    // HTML in notes allowed (cleaned, the default) and not (shown as text).
    for extra in ["", "\n[output.html]\nallow-html = false\n"] {
        nothing_unsafe_is_rendered(extra);
    }
}

fn nothing_unsafe_is_rendered(extra_config: &str) {
    let dir = copy_fixture("site-injection");
    // Beside the vault folder, reachable only by climbing out of it.
    std::fs::write(dir.path().join("secret.png"), "TOP-SECRET-PNG").unwrap();
    std::fs::write(dir.path().join("SECRET.md"), "TOP-SECRET-NOTE").unwrap();
    let site = dir.path().join("site");
    let config = dir.path().join("book.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(extra_config);
    std::fs::write(&config, text).unwrap();
    ok(&build(dir.path(), Some(&config), &site), "vaultc build");

    let mut checked = 0;
    for file in files(&site) {
        let bytes = std::fs::read(site.join(&file)).unwrap();
        assert!(
            !bytes.windows(10).any(|w| w == b"TOP-SECRET"),
            "{file} holds a file from outside the vault"
        );
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        checked += 1;
        let lower = text.to_ascii_lowercase();
        assert!(!lower.contains("<script>alert"), "raw <script> in {file}");
        if file.ends_with(".json") || (file.ends_with(".js") && !file.starts_with("assets/")) {
            assert!(!text.contains('<'), "markup in {file}");
            continue;
        }
        if !file.ends_with(".html") {
            continue;
        }
        for tag in tags(&text) {
            assert_tag_is_safe(&file, &tag);
        }
    }
    assert!(checked > 10);
    let copied: Vec<String> = files(&site)
        .into_iter()
        .filter(|f| f.starts_with("files/"))
        .collect();
    assert_eq!(copied, ["files/pics/pic.png"]);
    // The escaped text is still there for the reader.
    let evil = std::fs::read_to_string(site.join("evil.html")).unwrap();
    assert!(evil.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

/// One HTML tag of a built page holds nothing that runs: no event handler, no script or data
/// URL, no embedded frame or style, no script but the site's own.
fn assert_tag_is_safe(file: &str, tag: &Tag) {
    for (name, value) in &tag.attrs {
        assert!(
            !name.starts_with("on"),
            "{file}: event handler attribute {name}={value:?} on <{}>",
            tag.name
        );
        let v = value.trim().to_ascii_lowercase();
        assert!(
            !(v.starts_with("javascript:") || v.starts_with("data:")),
            "{file}: {name}={value:?}"
        );
    }
    assert!(
        !matches!(tag.name.as_str(), "img" if tag.attr("src") == Some("x")),
        "{file}: an <img> from note text"
    );
    assert!(
        !matches!(
            tag.name.as_str(),
            "iframe" | "object" | "embed" | "style" | "frame"
        ),
        "{file}: <{}> from note text",
        tag.name
    );
    if tag.name == "script" {
        let src = tag.attr("src").unwrap_or_default();
        assert!(
            [
                "assets/theme.js",
                "assets/search.js",
                "assets/nav.js",
                "assets/graph.js",
                "graph-data.js",
                "assets/mermaid.min.js",
                "assets/diagrams.js",
            ]
            .iter()
            .any(|s| src.ends_with(s)),
            "{file}: unexpected script {src:?}"
        );
    }
}

#[test]
fn building_into_a_folder_vaultc_did_not_make_is_refused() {
    let dir = copy_fixture("site-features");
    let before = contents(dir.path());
    let config = dir.path().join("book.toml");
    let o = build(dir.path(), Some(&config), dir.path());
    assert_eq!(o.status.code(), Some(2), "refused with exit 2");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not made by vaultc") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(contents(dir.path()), before, "nothing changed");

    // --force writes the site and still never removes a file vaultc did not write.
    let out = dir.path().to_str().unwrap();
    let forced = vaultc(
        dir.path(),
        &[
            "--config",
            config.to_str().unwrap(),
            "build",
            "--out",
            out,
            "--force",
            "--today",
            TODAY,
        ],
    );
    ok(&forced, "forced build");
    ok(&build(dir.path(), Some(&config), dir.path()), "rebuild");
    let after = contents(dir.path());
    for (file, bytes) in &before {
        assert_eq!(after.get(file), Some(bytes), "{file} kept");
    }
}

mod linear;
mod outputs;
mod publish;
