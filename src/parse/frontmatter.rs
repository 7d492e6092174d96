//! The YAML block at the top of a note: split, parse, and read Obsidian's properties.
//!
//! Frontmatter is found only at offset 0 (after an optional BOM, already removed), fenced by
//! `---` lines; a blank first line is allowed, as Obsidian reads it. pulldown-cmark's metadata
//! option is not used: it also swallows `---` … `---` sections in the middle of a note.

use serde_json::{Map, Value};

use super::Collector;
use super::{links, tags};
use crate::model::{
    Alias, Frontmatter, FrontmatterError, InvalidTag, LinkKind, Suppression, SuppressionScope, Tag,
    TagSource, Updated, UpdatedSource,
};

/// Keys whose value is the note's `updated` date.
const UPDATED_KEYS: &[&str] = &["updated", "modified", "last_updated", "last-updated"];

/// Byte ranges of the frontmatter: the YAML text and where the body starts.
pub(super) struct Split {
    pub yaml_start: usize,
    pub yaml_end: usize,
    pub body_start: usize,
}

/// Finds a frontmatter block at the very top of `text`.
pub(super) fn split(text: &str) -> Option<Split> {
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = first_end + 1;
    let mut pos = yaml_start;
    while pos <= text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Some(Split {
                yaml_start,
                yaml_end: pos,
                body_start: (end + 1).min(text.len()),
            });
        }
        if end == text.len() {
            break;
        }
        pos = end + 1;
    }
    None
}

/// Parses the YAML block and records properties, aliases, tags, dates, suppressions and
/// frontmatter links into the collector.
pub(super) fn read(c: &mut Collector<'_>, split: &Split) {
    let yaml = &c.text[split.yaml_start..split.yaml_end];
    let span = c.span(split.yaml_start, split.yaml_end);
    let value = match parse_yaml(yaml) {
        Ok(map) => map,
        Err((message, index)) => {
            let at = split.yaml_start + index.unwrap_or(0).min(yaml.len());
            let end = c.text[at..split.yaml_end]
                .find('\n')
                .map_or(split.yaml_end, |i| at + i);
            c.frontmatter = Some(Frontmatter {
                span,
                value: None,
                error: Some(FrontmatterError {
                    message,
                    span: c.span(at, end.max(at)),
                }),
            });
            return;
        }
    };
    let base = split.yaml_start;
    for (key, v) in &value {
        let key_found = find_key(yaml, key);
        let key_at = key_found.map_or(base, |i| base + i);
        match key.as_str() {
            "aliases" | "alias" => {
                for text in string_items(v, false) {
                    let (at, end) = locate(yaml, base, key_at, &text, key_at - base);
                    c.aliases.push(Alias {
                        span: c.span(at, end),
                        text,
                    });
                }
            }
            "tags" | "tag" => read_tags(c, yaml, base, key_at, v),
            k if UPDATED_KEYS.contains(&k) => {
                let raw = match v {
                    Value::String(s) => s.clone(),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                let (at, end) = locate(yaml, base, key_at, &raw, key_at - base);
                c.updated.push(Updated {
                    date: super::dates::parse_date(&raw),
                    raw: raw.clone(),
                    source: UpdatedSource::Frontmatter,
                    span: c.span(at, end),
                    whole_month: false,
                });
            }
            "vaultc" => {
                let rules = v.get("disable").map(|d| string_items(d, false));
                if let Some(rules) = rules {
                    let (at, end) = match key_found {
                        Some(_) => (key_at, key_at + key.len()),
                        None => line_range(yaml, base, key_at),
                    };
                    let span = c.span(at, end);
                    c.suppressions.push(Suppression {
                        scope: SuppressionScope::Note,
                        rules,
                        line: span.line,
                        span,
                    });
                }
            }
            _ => {}
        }
    }
    // Quoted `"[[Target]]"` strings are links (Obsidian's frontmatter links).
    let mut strings = Vec::new();
    for v in value.values() {
        collect_strings(v, &mut strings);
    }
    // The values come in key order, not text order: each link is matched to the first place
    // in the YAML that writes it and that no other link took, then all are kept in text order.
    let mut found: Vec<(usize, usize)> = Vec::new();
    for s in strings.iter().filter(|s| s.contains("[[")) {
        let mut rest = s.as_str();
        while let Some(open) = rest.find("[[") {
            let Some(close) = rest[open..].find("]]") else {
                break;
            };
            let raw = &rest[open..open + close + 2];
            let mut from = 0;
            while let Some(i) = find_from(yaml, raw, from) {
                if !found.iter().any(|&(at, _)| at == i) {
                    found.push((i, raw.len()));
                    break;
                }
                from = i + raw.len();
            }
            rest = &rest[open + close + 2..];
        }
    }
    found.sort_unstable();
    for (i, len) in found {
        let start = base + i;
        if let Some(link) = links::parse_wikilink(c.text, start, start + len, LinkKind::Frontmatter)
        {
            let span = c.span(start, start + len);
            c.push_link(link.into_link(span, false));
        }
    }
    c.frontmatter = Some(Frontmatter {
        span,
        value: Some(value),
        error: None,
    });
}

/// YAML → JSON mapping. Errors carry a message and the byte index in `yaml`.
fn parse_yaml(yaml: &str) -> Result<Map<String, Value>, (String, Option<usize>)> {
    if yaml.trim().is_empty() {
        return Ok(Map::new());
    }
    if let Some(map) = simple::parse(yaml) {
        // The YAML parser must agree: the tests and the fuzz targets run with this on.
        debug_assert_eq!(Ok(&map), parse_yaml_fully(yaml).as_ref(), "{yaml:?}");
        return Ok(map);
    }
    parse_yaml_fully(yaml)
}

/// [`parse_yaml`] through the YAML parser, for every input.
fn parse_yaml_fully(yaml: &str) -> Result<Map<String, Value>, (String, Option<usize>)> {
    let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(yaml).map_err(|e| {
        // serde_yaml says " at line L column C": our span already says where.
        let message = LOCATION.replace_all(&e.to_string(), "").into_owned();
        let index = duplicate_key_index(yaml, &message)
            .or_else(|| e.location().map(|l| l.index()))
            .map(|i| last_content_before(yaml, floor_char_boundary(yaml, i)));
        (format!("invalid YAML: {message}"), index)
    })?;
    match to_json(parsed) {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err((
            format!(
                "frontmatter must be a mapping of properties, found {}",
                json_kind(&other)
            ),
            Some(0),
        )),
    }
}

static LOCATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r" at line \d+ column \d+").expect("static regex")
});

/// serde_yaml points a duplicate key at the mapping's start; find the second occurrence.
fn duplicate_key_index(yaml: &str, message: &str) -> Option<usize> {
    let key = message
        .split("duplicate entry with key \"")
        .nth(1)?
        .split('"')
        .next()?;
    let mut pos = 0;
    let mut seen = 0;
    for line in yaml.split_inclusive('\n') {
        let t = line.trim_start();
        if t.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
        {
            seen += 1;
            if seen == 2 {
                return Some(pos + line.len() - t.len());
            }
        }
        pos += line.len();
    }
    None
}

/// An error found at the end of the YAML (an unclosed `[`) is shown on its last line of text.
fn last_content_before(yaml: &str, index: usize) -> usize {
    let index = index.min(yaml.len());
    if !yaml[index..].trim().is_empty() {
        return index;
    }
    let head = yaml[..index].trim_end();
    head.rfind('\n').map_or(0, |i| i + 1)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        _ => "something else",
    }
}

fn to_json(v: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(seq) => Value::Array(seq.into_iter().map(to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (key_string(k), to_json(v)))
                .collect(),
        ),
        Y::Tagged(t) => to_json(t.value),
    }
}

/// A mapping key as text; templates' `{{date}}` keys are mappings themselves.
fn key_string(k: serde_yaml_ng::Value) -> String {
    match k {
        serde_yaml_ng::Value::String(s) => s,
        other => serde_yaml_ng::to_string(&other)
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_default(),
    }
}

/// A property value as a list of strings: lists item by item, strings split on commas.
fn string_items(v: &Value, split_spaces: bool) -> Vec<String> {
    let split = |s: &str| -> Vec<String> {
        s.split(|ch: char| ch == ',' || (split_spaces && ch.is_whitespace()))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    };
    match v {
        Value::String(s) => split(s),
        Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.trim().to_owned()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
            .filter(|s| !s.is_empty())
            .collect(),
        Value::Number(n) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

fn read_tags(c: &mut Collector<'_>, yaml: &str, base: usize, key_at: usize, v: &Value) {
    let in_list = v.is_array();
    let mut from = key_at - base;
    for item in string_items(v, !in_list) {
        let (at, end) = match find_from(yaml, &item, from) {
            Some(i) => {
                from = i + item.len();
                (base + i, base + i + item.len())
            }
            None => line_range(yaml, base, key_at),
        };
        let span = c.span(at, end);
        match tags::check_frontmatter_tag(&item, in_list) {
            Ok(name) => c.tags.push(Tag {
                name,
                source: TagSource::Frontmatter,
                span,
            }),
            Err(reason) => c.invalid_tags.push(InvalidTag {
                text: item,
                reason: reason.into(),
                span,
            }),
        }
    }
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Object(m) => m.values().for_each(|i| collect_strings(i, out)),
        _ => {}
    }
}

/// Byte offset of `key:` at the start of a line of the YAML text.
fn find_key(yaml: &str, key: &str) -> Option<usize> {
    let mut pos = 0;
    for line in yaml.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(['"', '\'']);
        if trimmed.starts_with(key)
            && trimmed[key.len()..]
                .trim_start_matches(['"', '\''])
                .starts_with(':')
        {
            return Some(pos + (line.len() - trimmed.len()));
        }
        pos += line.len();
    }
    None
}

fn find_from(hay: &str, needle: &str, from: usize) -> Option<usize> {
    hay.get(from..)?.find(needle).map(|i| i + from)
}

/// Where a property value is written, as absolute offsets: its text found verbatim at or
/// after `from` (offset in `yaml`), or else the line of its key at `key_at` (absolute). YAML
/// does not always keep a value's text: folded lines, escapes and numbers (`1.5e3`) are
/// rewritten, and a span of the value's length from the key could end past the frontmatter
/// or inside a character.
fn locate(yaml: &str, base: usize, key_at: usize, needle: &str, from: usize) -> (usize, usize) {
    match find_from(yaml, needle, from) {
        Some(i) => (base + i, base + i + needle.len()),
        None => line_range(yaml, base, key_at),
    }
}

/// The line of `yaml` (which starts at absolute offset `base`) that holds absolute offset
/// `at`, from `at` to the end of its text.
fn line_range(yaml: &str, base: usize, at: usize) -> (usize, usize) {
    let rel = floor_char_boundary(yaml, at - base);
    let end = yaml[rel..].find('\n').map_or(yaml.len(), |i| rel + i);
    (base + rel, base + rel + yaml[rel..end].trim_end().len())
}

/// The largest char boundary of `s` at or before `i`.
fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The frontmatter most notes have, read without the YAML parser: one `key: value` per line,
/// each value a string or a one-line `[…]` list of strings, written so that YAML can only
/// read them as strings. Anything else (`None`) goes to the YAML parser, which reads these
/// lines the same way.
mod simple {
    use serde_json::{Map, Value};

    pub(super) fn parse(yaml: &str) -> Option<Map<String, Value>> {
        let mut map = Map::new();
        for line in yaml.split_terminator('\n') {
            let (key, rest) = line.split_once(':')?;
            if !is_key(key) || map.contains_key(key) {
                return None;
            }
            let value = rest.strip_prefix(' ')?.trim_start_matches(' ');
            let value = match value.strip_prefix('[') {
                Some(items) => Value::Array(list(items)?),
                None => {
                    let (s, rest) = scalar(value)?;
                    if !rest.trim_start_matches(' ').is_empty() {
                        return None;
                    }
                    Value::String(s.to_owned())
                }
            };
            map.insert(key.to_owned(), value);
        }
        Some(map)
    }

    /// A key: a short run of ASCII letters, digits, `_` and `-`, starting with a letter; not
    /// a word YAML reads as something other than a string.
    fn is_key(key: &str) -> bool {
        // (YAML does not look further than 1024 characters for a key's `:`.)
        key.len() <= 128
            && key.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && !special_word(key)
    }

    /// The items of a `[…]` list (after its `[`), which must end the line.
    fn list(mut rest: &str) -> Option<Vec<Value>> {
        let mut items = Vec::new();
        rest = rest.trim_start_matches(' ');
        if let Some(after) = rest.strip_prefix(']') {
            return after.trim_start_matches(' ').is_empty().then_some(items);
        }
        loop {
            let (item, after) = scalar(rest)?;
            items.push(Value::String(item.to_owned()));
            let after = after.trim_start_matches(' ');
            if let Some(after) = after.strip_prefix(',') {
                rest = after.trim_start_matches(' ');
            } else {
                let after = after.strip_prefix(']')?;
                return after.trim_start_matches(' ').is_empty().then_some(items);
            }
        }
    }

    /// A string at the start of `s`: `"…"` without escapes, or a plain word run that YAML
    /// can only read as a string. Returns it and what follows (trailing spaces of a plain
    /// string are not part of it).
    fn scalar(s: &str) -> Option<(&str, &str)> {
        if let Some(quoted) = s.strip_prefix('"') {
            let end = quoted.find('"')?;
            let inner = &quoted[..end];
            return inner
                .chars()
                .all(|c| c != '\\' && printable(c))
                .then(|| (inner, &quoted[end + 1..]));
        }
        let end = s
            .find(|c: char| !(c == ' ' || plain_char(c)))
            .unwrap_or(s.len());
        let plain = s[..end].trim_end_matches(' ');
        let rest = &s[plain.len()..];
        let is_string = plain
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
            && !special_word(plain)
            || is_date(plain);
        is_string.then_some((plain, rest))
    }

    /// Characters a plain string may hold here: none of YAML's indicators, no spaces other
    /// than ` `, no line breaks.
    fn plain_char(c: char) -> bool {
        c.is_ascii_alphanumeric()
            || matches!(c, '_' | '-' | '/' | '.')
            || (!c.is_ascii() && c.is_alphanumeric())
    }

    /// Inside double quotes: what YAML accepts as printable, less every kind of space but
    /// ` ` (some are line breaks to YAML) and the byte order mark.
    fn printable(c: char) -> bool {
        matches!(c, ' '..='~')
            || (matches!(c, '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
                && c != '\u{FEFF}'
                && !c.is_whitespace())
    }

    /// Words a plain scalar starting with a letter can be read as other than a string: null,
    /// booleans (YAML 1.1's too), and the non-finite floats.
    fn special_word(s: &str) -> bool {
        const WORDS: [&str; 12] = [
            "null", "true", "false", "yes", "no", "on", "off", "y", "n", "inf", "infinity", "nan",
        ];
        s.len() <= 8 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
    }

    /// `YYYY-MM-DD`: a string to YAML (it has no timestamp type here), the usual `updated`.
    fn is_date(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() == 10
            && b.iter().enumerate().all(|(i, &c)| {
                if i == 4 || i == 7 {
                    c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_frontmatter_reads_as_the_yaml_parser_does() {
        let cases = [
            "tags: [theme/dividend, thesis, theme/volatility]\nupdated: 2025-12-20\n",
            "aliases: [\"Ωmega 04135\"]\ntags: []\n",
            "title: Some words here  \nb: [ a , b ]\n",
            "a: [x,y]\n",
            "a: \"quoted: # [x] 'y' {z}\"\n",
            "a: [\"a, b\", c d]\n",
            "n: null\n",
            "n: No\n",
            "n: 12\n",
            "n: 2025-12-20x\n",
            "n: 0x1F\n",
            "n: [true, 1.5]\n",
            "n: a #comment\n",
            "n: a: b\n",
            "n:\n  - a\n",
            "a: 1\na: 2\n",
            "a: b\n\nc: d\n",
            "a: b\r\n",
            "a: \"x\\ty\"\n",
            "a: \"x\u{85}y\"\n",
            "a: \"x\u{2028}y\"\n",
            "a: \"x\u{FEFF}y\"\n",
            "a: [a,]\n",
            "a: [a] b\n",
            "a: infinity\n",
            "true: a\n",
            "a-b_c: Déjà vu\n",
            "a: x.y-z/w\n",
            "a: .5\n",
            "a:  two  spaces\n",
            "a:\tb\n",
            "a: [a, [b]]\n",
            "a: b\n- c\n",
        ];
        for yaml in cases {
            if let Some(map) = simple::parse(yaml) {
                assert_eq!(Ok(map), parse_yaml_fully(yaml), "{yaml:?}");
            }
        }
        assert!(simple::parse(cases[0]).is_some());
        assert!(simple::parse(cases[1]).is_some());
        assert!(simple::parse("n: null\n").is_none());
        assert!(simple::parse("a: 1\na: 2\n").is_none());
    }

    #[test]
    fn frontmatter_only_at_offset_zero() {
        assert!(split("text\n---\na: 1\n---\n").is_none());
        let s = split("---\n\na: 1\n---\nbody").unwrap();
        assert_eq!(s.yaml_start, 4);
        assert_eq!(s.body_start, 14);
        assert!(split("---\r\na: 1\r\n---\r\n").is_some());
        assert!(split("---\na: 1\n").is_none());
    }

    #[test]
    fn yaml_errors_and_non_mappings_are_reported() {
        assert!(parse_yaml("tags: [#a #b]").is_err());
        assert!(parse_yaml("a: 1\na: 2").is_err());
        assert!(parse_yaml("- a\n- b").is_err());
        assert_eq!(parse_yaml("tags: #a #b").unwrap()["tags"], Value::Null);
        assert!(parse_yaml("created: {{date}}").is_ok());
    }
}
