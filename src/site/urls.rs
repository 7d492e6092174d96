//! Relative URLs between site paths, so the site works from `file://` and under any base path.

/// The URL of site path `to` as seen from the page at site path `from` (both `/`-separated,
/// relative to the site root), percent-encoded. A page linking to itself gets its file name.
pub fn href(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = match from.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    let to_parts: Vec<&str> = to.split('/').collect();
    let (to_dirs, to_file) = to_parts.split_at(to_parts.len() - 1);
    let common = from_dirs
        .iter()
        .zip(to_dirs)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    for _ in common..from_dirs.len() {
        out.push_str("../");
    }
    for part in to_dirs[common..].iter().chain(to_file) {
        encode_into(&mut out, part);
        out.push('/');
    }
    out.pop();
    out
}

/// `../` once per folder above the page: the prefix that reaches the site root.
pub fn root_prefix(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

/// `href` plus a `#fragment`, or only the fragment when the target is the page itself.
pub fn href_with_fragment(from: &str, to: &str, fragment: Option<&str>) -> String {
    match fragment {
        Some(f) if from == to => format!("#{}", encode(f)),
        Some(f) => format!("{}#{}", href(from, to), encode(f)),
        None => href(from, to),
    }
}

/// Percent-encodes everything but unreserved characters (and `^`, which block ids start with).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(&mut out, s);
    out
}

fn encode_into(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'^') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_between_folders() {
        assert_eq!(
            href("index.html", "actors/nvidia.html"),
            "actors/nvidia.html"
        );
        assert_eq!(href("actors/nvidia.html", "index.html"), "../index.html");
        assert_eq!(href("actors/nvidia.html", "actors/meta.html"), "meta.html");
        assert_eq!(
            href("a/b/c.html", "a/d/e.html"),
            "../d/e.html",
            "only the folders that differ are climbed"
        );
        assert_eq!(href("a/x.html", "a/x.html"), "x.html");
        assert_eq!(href("x.html", "müller.html"), "m%C3%BCller.html");
        assert_eq!(root_prefix("a/b/c.html"), "../../");
        assert_eq!(root_prefix("c.html"), "");
    }

    #[test]
    fn fragments() {
        assert_eq!(
            href_with_fragment("a.html", "a.html", Some("risks")),
            "#risks"
        );
        assert_eq!(
            href_with_fragment("a.html", "b/c.html", Some("^blk")),
            "b/c.html#^blk"
        );
        assert_eq!(encode("café au lait"), "caf%C3%A9%20au%20lait");
    }
}
