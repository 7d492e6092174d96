//! `#tags`: the inline grammar and the checks on frontmatter tag values.
//!
//! Obsidian's rules (OBSIDIAN.md §D): a tag starts at a line start or after whitespace, holds
//! letters of any script, digits, `_`, `-`, `/` and emoji, and needs one character that is not
//! a digit (`#1984` is text, `#y1984` a tag). It ends at any other character (`#tag.` → `tag`).

/// Can `c` be part of a tag name?
pub(crate) fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '/') || is_mark_or_emoji(c)
}

/// Combining marks (for decomposed accents), emoji pictographs and their joiners.
fn is_mark_or_emoji(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{200D}'
        | '\u{2600}'..='\u{27BF}'
        | '\u{1F000}'..='\u{1FAFF}')
}

/// A tag name that is valid on its own: trailing `/` dropped, one non-digit required.
pub(crate) fn valid_name(name: &str) -> Option<&str> {
    let name = name.trim_end_matches('/');
    let has_non_digit = name.chars().any(|c| !c.is_ascii_digit() && c != '/');
    (has_non_digit && !name.starts_with('/')).then_some(name)
}

/// Finds inline tags in `text[range]` (a run of text outside code). `text` is the whole note,
/// so the character before a `#` is read from the source, escapes included. Pushes
/// `(start of '#', end)` pairs. (The parser calls [`tag_at`] for each `#` as it meets it.)
#[cfg(test)]
pub(crate) fn scan_inline(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    for rel in memchr::memchr_iter(b'#', &bytes[start..end]) {
        out.extend(tag_at(text, start + rel, end));
    }
}

/// The tag whose `#` is at `at`, in a run of text ending at `end`: `(at, end of the name)`.
pub(crate) fn tag_at(text: &str, at: usize, end: usize) -> Option<(usize, usize)> {
    let starts_word = text[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    if !starts_word {
        return None;
    }
    let name_len: usize = text[at + 1..end]
        .chars()
        .take_while(|&c| is_tag_char(c))
        .map(char::len_utf8)
        .sum();
    let name = valid_name(&text[at + 1..at + 1 + name_len])?;
    Some((at, at + 1 + name.len()))
}

/// Why a frontmatter value cannot be a tag (an [`InvalidTag`](crate::model::InvalidTag)'s
/// reason is one of these).
pub(crate) const REASONS: [&str; 4] = [
    "a frontmatter tag is written without `#`",
    "a tag cannot contain spaces",
    "a tag holds only letters, digits, `_`, `-` and `/`",
    "a tag needs at least one character that is not a digit",
];

/// Checks one frontmatter tag value; `Ok` holds the tag name.
pub(crate) fn check_frontmatter_tag(value: &str, in_list: bool) -> Result<String, &'static str> {
    if value.starts_with('#') {
        return Err(REASONS[0]);
    }
    if in_list && value.chars().any(char::is_whitespace) {
        return Err(REASONS[1]);
    }
    if !value.chars().all(is_tag_char) {
        return Err(REASONS[2]);
    }
    match valid_name(value) {
        Some(name) => Ok(name.to_owned()),
        None => Err(REASONS[3]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        scan_inline(s, 0, s.len(), &mut out);
        out.iter().map(|&(a, b)| &s[a + 1..b]).collect()
    }

    #[test]
    fn inline_tag_grammar() {
        assert_eq!(
            tags("#concept #markets #rotation #macro"),
            ["concept", "markets", "rotation", "macro"]
        );
        assert_eq!(
            tags("#tag. #a:b (#no) word#no #1984 #y1984"),
            ["tag", "a", "y1984"]
        );
        assert_eq!(
            tags("#中文/子标签 #café #a/ #2_"),
            ["中文/子标签", "café", "a", "2_"]
        );
        assert_eq!(tags("x \\#no"), Vec::<&str>::new());
    }

    #[test]
    fn frontmatter_tag_values() {
        assert!(check_frontmatter_tag("2024", true).is_err());
        assert!(check_frontmatter_tag("#macro", true).is_err());
        assert!(check_frontmatter_tag("two words", true).is_err());
        assert_eq!(
            check_frontmatter_tag("markets/rotation", true).unwrap(),
            "markets/rotation"
        );
    }
}
