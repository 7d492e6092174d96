//! Page names: vault paths and names → URL-safe slugs, unique across the site.
//!
//! A slug keeps letters and digits (any script), `-`, `_` and `.`, lowercased; spaces and `/`
//! become `-`. Two things that slug alike (`A B.md`, `A-B.md`) or a note that would take a
//! page the site needs (`index`, `search`, `tags`…) get a numeric suffix. Callers claim paths
//! in sorted order, so the same vault always gets the same URLs.

use std::collections::HashSet;

/// Top-level page stems the site itself uses (`index.html`, `404.html`, …).
pub const RESERVED_PAGES: &[&str] = &[
    "index",
    "404",
    "notes",
    "tags",
    "search",
    "entities",
    "graph",
    "search-index",
];

/// Top-level folders the site itself uses.
pub const RESERVED_DIRS: &[&str] = &["assets", "entities", "files", "tags", "__vaultc"];

/// One path segment as a slug: `Sector Rotation (2026)` → `sector-rotation-2026`.
pub fn slugify(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for c in segment.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == '_' || c == '.' {
            out.push(c);
        } else if (c == '-' || c == '/' || c.is_whitespace()) && !out.ends_with('-') {
            out.push('-');
        }
    }
    // No hidden files, no `..`, no dangling separators.
    let trimmed = out.trim_matches(|c| c == '-' || c == '.');
    if trimmed.is_empty() {
        "untitled".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// A file name as a slug, keeping its extension apart: `Rotation Chart.PNG` → (`rotation-chart`, `png`).
pub fn slugify_file(name: &str) -> (String, Option<String>) {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => {
            let ext: String = ext
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            (slugify(stem), (!ext.is_empty()).then_some(ext))
        }
        _ => (slugify(name), None),
    }
}

/// Hands out unique site paths. Paths are `/`-separated and relative to the site root.
#[derive(Debug, Default)]
pub struct Allocator {
    taken: HashSet<String>,
}

impl Allocator {
    /// An allocator with the site's own top-level pages already taken.
    pub fn with_reserved() -> Self {
        let mut a = Self::default();
        for page in RESERVED_PAGES {
            a.taken.insert(format!("{page}.html"));
        }
        a
    }

    /// Claims `dir/stem.ext` (`dir` may be empty), or the first free `dir/stem-N.ext`.
    pub fn claim(&mut self, dir: &str, stem: &str, ext: Option<&str>) -> String {
        let join = |stem: &str| {
            let file = match ext {
                Some(ext) => format!("{stem}.{ext}"),
                None => stem.to_owned(),
            };
            if dir.is_empty() {
                file
            } else {
                format!("{dir}/{file}")
            }
        };
        let mut path = join(stem);
        let mut n = 1;
        while self.taken.contains(&path) {
            path = join(&format!("{stem}-{n}"));
            n += 1;
        }
        self.taken.insert(path.clone());
        path
    }
}

/// The folder part of a vault path as slugs, with top-level folders the site uses renamed
/// (`Tags/x.md` must not land among the tag pages).
pub fn slug_dir(folders: &str) -> String {
    let mut parts = slug_folders(folders);
    if let Some(first) = parts.first_mut()
        && RESERVED_DIRS.contains(&first.as_str())
    {
        first.push_str("-1");
    }
    parts.join("/")
}

/// Each folder of a vault path as a slug.
pub fn slug_folders(folders: &str) -> Vec<String> {
    folders
        .split('/')
        .filter(|p| !p.is_empty())
        .map(slugify)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_and_url_safe() {
        assert_eq!(slugify("Sector Rotation (2026)"), "sector-rotation-2026");
        assert_eq!(slugify("A - B"), "a-b");
        assert_eq!(slugify("O'Brien & Co."), "obrien-co");
        assert_eq!(slugify("Müller"), "müller");
        assert_eq!(slugify("../../SECRET"), "secret");
        assert_eq!(slugify("<script>"), "script");
        assert_eq!(slugify("???"), "untitled");
        assert_eq!(slugify(".hidden"), "hidden");
        assert_eq!(
            slugify_file("Rotation Chart.PNG"),
            ("rotation-chart".into(), Some("png".into()))
        );
        assert_eq!(slugify_file(".png"), ("png".into(), None));
    }

    #[test]
    fn collisions_and_reserved_names_get_suffixes_in_claim_order() {
        let mut a = Allocator::with_reserved();
        assert_eq!(a.claim("", "a-b", Some("html")), "a-b.html");
        assert_eq!(a.claim("", "a-b", Some("html")), "a-b-1.html");
        assert_eq!(a.claim("", "a-b", Some("html")), "a-b-2.html");
        assert_eq!(a.claim("", "index", Some("html")), "index-1.html");
        assert_eq!(a.claim("", "search", Some("html")), "search-1.html");
        assert_eq!(a.claim("x", "index", Some("html")), "x/index.html");
        assert_eq!(slug_dir("Tags/Deep Dir"), "tags-1/deep-dir");
        assert_eq!(slug_dir("Actors"), "actors");
        assert_eq!(slug_dir(""), "");
    }
}
