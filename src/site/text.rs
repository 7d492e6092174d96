//! Markdown lines as a reader sees them, for the short plain texts the site shows outside a
//! note's page: backlink context lines, feed summaries and the text search indexes.
//!
//! Near enough rather than exact: a line read alone, links shown by their text, emphasis,
//! table pipes and block markers dropped. The renderer owns the real thing.

use crate::model::Note;

use super::render::body_start;

/// Markdown source → the text a reader sees (near enough for a one-line snippet): links by
/// their text, `**`/`__`/`==` dropped, table cells joined with ` · `, block markers gone.
pub fn readable(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = strip_block_markers(line);
    while let Some(c) = rest.chars().next() {
        // Plain text up to the next character that can start a link or emphasis.
        let plain = rest.find(['[', '!', '*', '_', '=']).unwrap_or(rest.len());
        if plain > 0 {
            out.push_str(&rest[..plain]);
            rest = &rest[plain..];
            continue;
        }
        if let Some((shown, len)) = wikilink_text(rest).or_else(|| markdown_link_text(rest)) {
            out.push_str(shown);
            rest = &rest[len..];
            continue;
        }
        if rest.starts_with("**") || rest.starts_with("__") || rest.starts_with("==") {
            rest = &rest[2..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    // A `^block-id` ending the line is an anchor, not text.
    if let Some((head, id)) = out.trim_end().rsplit_once(" ^")
        && !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        out.truncate(head.len());
    }
    if !out.contains('|') {
        return out.trim().to_owned();
    }
    out.split('|')
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// How far a link's closing bracket is looked for: a line of many `[` must not make every
/// one of them search to the end of the line.
const LINK_LOOKAHEAD: usize = 1024;

/// `s` cut to at most `max` bytes (at a character boundary).
fn near(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `[[target#sub|shown]]` or `![[…]]` at the start of `s`: (what a reader sees, length).
fn wikilink_text(s: &str) -> Option<(&str, usize)> {
    let open = if s.starts_with("![[") {
        3
    } else if s.starts_with("[[") {
        2
    } else {
        return None;
    };
    let close = near(&s[open..], LINK_LOOKAHEAD).find("]]")?;
    let inner = &s[open..open + close];
    let shown = match inner.find('|') {
        Some(p) => &inner[p + 1..],
        None => inner.split('#').next().unwrap_or(inner),
    };
    Some((shown.trim().trim_end_matches('\\'), open + close + 2))
}

/// `[text](url)` at the start of `s`: (text, length).
fn markdown_link_text(s: &str) -> Option<(&str, usize)> {
    let s_no_bang = s.strip_prefix('!').unwrap_or(s);
    let bang = s.len() - s_no_bang.len();
    let text_end = near(s_no_bang.strip_prefix('[')?, LINK_LOOKAHEAD).find("](")? + 1;
    let text = &s_no_bang[1..text_end];
    if text.contains('[') {
        return None;
    }
    let url_end = near(&s_no_bang[text_end + 2..], LINK_LOOKAHEAD).find(')')? + text_end + 2;
    Some((text, bang + url_end + 1))
}

/// The line without heading, quote, list and task markers in front.
fn strip_block_markers(line: &str) -> &str {
    let mut s = line.trim_start();
    loop {
        let before = s.len();
        if let Some(rest) = s.strip_prefix('>') {
            s = rest.trim_start();
        }
        let hashes = s.len() - s.trim_start_matches('#').len();
        if (1..=6).contains(&hashes) && s[hashes..].starts_with(' ') {
            s = s[hashes..].trim_start();
        }
        for bullet in ["- ", "* ", "+ "] {
            if let Some(rest) = s.strip_prefix(bullet) {
                s = rest.trim_start();
            }
        }
        for task in ["[ ] ", "[x] ", "[X] "] {
            if let Some(rest) = s.strip_prefix(task) {
                s = rest.trim_start();
            }
        }
        let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && (s[digits..].starts_with(". ") || s[digits..].starts_with(") ")) {
            s = s[digits + 2..].trim_start();
        }
        if s.len() == before {
            return s;
        }
    }
}

/// The start of a note's text (after its frontmatter and title), plain, about `max`
/// characters: what search results show under a title.
pub fn summary(note: &Note, max: usize) -> String {
    let body = &note.text[body_start(note)..];
    let mut out = String::new();
    let mut in_code = false;
    let mut in_comment = false;
    let mut title_seen = false;
    for line in body.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        let line = without_comments(trimmed, &mut in_comment);
        let line = line.trim();
        if in_code || line.is_empty() || is_markup_only(line) {
            continue;
        }
        if !title_seen
            && line
                .strip_prefix("# ")
                .is_some_and(|t| t.trim() == note.title)
        {
            title_seen = true;
            continue;
        }
        let shown = readable(line);
        if shown.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&shown);
        if out.chars().count() >= max {
            break;
        }
    }
    truncate(&out.split_whitespace().collect::<Vec<_>>().join(" "), max)
}

/// Lines that say nothing in a snippet: table rules, horizontal rules, raw HTML, embeds and
/// lines of tags only.
fn is_markup_only(line: &str) -> bool {
    line.starts_with('<')
        || line.starts_with("![[")
        || line
            .chars()
            .all(|c| matches!(c, '-' | '|' | ':' | ' ' | '*' | '_' | '='))
        || line
            .split_whitespace()
            .all(|word| word.starts_with('#') && word.len() > 1 && !word.starts_with("##"))
}

/// At most `max` characters, cut at a word boundary, with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

/// `line` without `%% comments %%`; `in_comment` carries an open comment to the next line.
pub fn without_comments(line: &str, in_comment: &mut bool) -> String {
    let mut out = String::new();
    for (i, part) in line.split("%%").enumerate() {
        if i > 0 {
            *in_comment = !*in_comment;
        }
        if !*in_comment {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_note;

    #[test]
    fn snippets_read_like_text() {
        assert_eq!(
            readable("| Oct 2025 | [[Michael Burry\\|Burry]] | Puts on [[NVIDIA]] |"),
            "Oct 2025 · Burry · Puts on NVIDIA"
        );
        assert_eq!(
            readable("- **Bold** see [[Tesla#Robotaxi economics]] and [x](y.md)"),
            "Bold see Tesla and x"
        );
        assert_eq!(readable("### 1. [ ] ==Big== ![[a.png]]"), "Big a.png");
        assert_eq!(readable("#tag stays"), "#tag stays");
        assert_eq!(readable("Bought puts. ^burry-short"), "Bought puts.");
    }

    #[test]
    fn summaries_skip_frontmatter_title_tags_comments_and_code() {
        let note = parse_note(
            "N.md".into(),
            b"---\ntags: [a]\n---\n#tag #other\n\n# N\n\n```\ncode\n```\nFirst %% hidden %% words, [[Link|shown]].\n\n| a | b |\n|---|---|\n| c | d |\n".to_vec(),
        );
        assert_eq!(summary(&note, 200), "First words, shown. a · b c · d");
        assert_eq!(summary(&note, 10), "First…");
    }
}
