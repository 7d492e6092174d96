//! The search index: one entry per note, prebuilt as JSON for `assets/search.js`.
//!
//! `search-index.json` is the index itself; `search-index.js` carries the same data as a
//! script, because browsers do not let a page opened from `file://` fetch a JSON file.

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    pub title: &'a str,
    /// The note's vault path.
    pub path: &'a str,
    /// The note's page, relative to the site root.
    pub url: &'a str,
    pub tags: Vec<&'a str>,
    pub aliases: Vec<&'a str>,
    pub headings: Vec<&'a str>,
    pub snippet: String,
}

/// The JSON index and the same as a script.
pub fn files(entries: &[Entry<'_>]) -> (Vec<u8>, Vec<u8>) {
    // Serialising plain strings and lists cannot fail.
    let json = serde_json::to_vec(entries).unwrap_or_else(|_| b"[]".to_vec());
    let json = escape_markup(&json);
    let mut js = b"window.VAULTC_SEARCH_INDEX = ".to_vec();
    js.extend_from_slice(&json);
    js.extend_from_slice(b";\n");
    (json, js)
}

/// `<`, `>` and `&` as JSON escapes: they only occur inside strings, and escaped they can
/// never close a script element or be read as markup, wherever the data ends up.
fn escape_markup(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    for &b in json {
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            _ => out.push(b),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_titles_is_escaped_and_still_valid_json() {
        let entries = [Entry {
            title: "<script>alert(1)</script> & co",
            path: "a.md",
            url: "a.html",
            tags: vec![],
            aliases: vec![],
            headings: vec![],
            snippet: String::new(),
        }];
        let (json, js) = files(&entries);
        let text = String::from_utf8(json.clone()).unwrap();
        assert!(!text.contains('<') && !text.contains('&'), "{text}");
        let back: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(back[0]["title"], "<script>alert(1)</script> & co");
        assert!(js.starts_with(b"window.VAULTC_SEARCH_INDEX = ["));
    }
}
