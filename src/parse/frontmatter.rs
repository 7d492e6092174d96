//! The YAML block at the top of a note: split, parse, and read Obsidian's properties.
//!
//! Frontmatter is found only at offset 0 (after an optional BOM, already removed), fenced by
//! `---` lines; a blank first line is allowed, as Obsidian reads it. pulldown-cmark's metadata
//! option is not used: it also swallows `---` … `---` sections in the middle of a note.

use serde_json::{Map, Value};

use std::ops::Range;

use super::Collector;
use super::properties::{self, Written};
use super::{links, tags};
use crate::model::{
    Alias, DeprecatedKey, Frontmatter, FrontmatterError, InvalidTag, LinkKind, Property,
    Replacement, Suppression, SuppressionScope, Tag, TagSource, Updated, UpdatedSource,
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
                unquoted_links: Vec::new(),
                deprecated_keys: Vec::new(),
                properties: Vec::new(),
            });
            return;
        }
    };
    let base = split.yaml_start;
    // Where each property is written (in text order), as far as that agrees with its value.
    let written: Vec<Written> = properties::scan(yaml)
        .into_iter()
        .filter_map(|w| Some(agreed(value.get(&yaml[w.key.clone()])?, w)))
        .collect();
    let by_key: rustc_hash::FxHashMap<&str, &Written> =
        written.iter().map(|w| (&yaml[w.key.clone()], w)).collect();
    for (key, v) in &value {
        let w = by_key.get(key.as_str()).copied();
        read_property(c, yaml, base, (key, w), v);
    }
    let properties = written
        .iter()
        .map(|w| Property {
            key_span: c.span(base + w.key.start, base + w.key.end),
            span: c.span(base + w.value.start, base + w.value.end),
            items: (w.items.iter().flatten())
                .map(|i| c.span(base + i.start, base + i.end))
                .collect(),
        })
        .collect();
    read_links(c, yaml, base, &value);
    let unquoted_links = unquoted_links(yaml, &value)
        .into_iter()
        .map(|(at, end)| c.span(base + at, base + end))
        .collect();
    let deprecated_keys = deprecated::keys(yaml, &value)
        .into_iter()
        .map(|d| DeprecatedKey {
            span: c.span(base + d.key_at, base + d.key_at + d.key.len()),
            key: d.key.to_owned(),
            current: d.current.to_owned(),
            rewrite: d
                .rewrite
                .into_iter()
                .map(|(start, end, with)| Replacement {
                    start: (base + start) as u32,
                    end: (base + end) as u32,
                    with,
                })
                .collect(),
        })
        .collect();
    c.frontmatter = Some(Frontmatter {
        span,
        value: Some(value),
        error: None,
        unquoted_links,
        deprecated_keys,
        properties,
    });
}

/// A scanned entry as far as it agrees with its parsed value `v`: list items only when `v`
/// is a list of as many items.
fn agreed(v: &Value, mut w: Written) -> Written {
    if !matches!((v, &w.items), (Value::Array(a), Some(items)) if a.len() == items.len()) {
        w.items = None;
    }
    w
}

/// One top-level property: aliases, tags, `updated` dates and suppressions are read out.
/// The deprecated `alias` and `tag` are read as `aliases` and `tags` are.
fn read_property(
    c: &mut Collector<'_>,
    yaml: &str,
    base: usize,
    (key, w): (&str, Option<&Written>),
    v: &Value,
) {
    let key_found = w.map(|w| w.key.start).or_else(|| find_key(yaml, key));
    let key_at = key_found.map_or(base, |i| base + i);
    match key {
        "aliases" | "alias" => read_aliases(c, yaml, base, key_at, (v, w)),
        "tags" | "tag" => read_tags(c, yaml, base, key_at, (v, w)),
        k if UPDATED_KEYS.contains(&k) => {
            let raw = match v {
                Value::String(s) => s.clone(),
                Value::Null => return,
                other => other.to_string(),
            };
            let (at, end) = match w {
                Some(w) if !w.value.is_empty() => (base + w.value.start, base + w.value.end),
                _ => locate(yaml, base, key_at, &raw, key_at - base),
            };
            c.updated.push(Updated {
                date: super::dates::parse_date(&raw),
                raw: raw.clone(),
                source: UpdatedSource::Frontmatter,
                span: c.span(at, end),
                whole_month: false,
            });
        }
        "vaultc" => {
            let Some(rules) = v.get("disable").map(|d| string_items(d, false)) else {
                return;
            };
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
        _ => {}
    }
}

/// The aliases of an `aliases` (or `alias`) value, each spanning where it is written (see
/// [`located_items`]); without a scanned entry, each is looked for after the key.
fn read_aliases(
    c: &mut Collector<'_>,
    yaml: &str,
    base: usize,
    key_at: usize,
    (v, w): (&Value, Option<&Written>),
) {
    for (text, r) in located_items(yaml, (v, w), false) {
        let (at, end) = r.map_or_else(
            || locate(yaml, base, key_at, &text, key_at - base),
            |r| (base + r.start, base + r.end),
        );
        c.aliases.push(Alias {
            span: c.span(at, end),
            text,
        });
    }
}

/// A property's values as [`string_items`] reads them, each with where it is written in
/// `yaml`: a list item's own text (or the whole item), a string's part found in order in the
/// string as written (or the whole value). `None` without a scanned entry `w`.
fn located_items(
    yaml: &str,
    (v, w): (&Value, Option<&Written>),
    split_spaces: bool,
) -> Vec<(String, Option<Range<usize>>)> {
    match (v, w.and_then(|w| w.items.as_ref())) {
        (Value::Array(values), Some(items)) => values
            .iter()
            .zip(items)
            .filter_map(|(v, r)| {
                let text = item_string(v)?;
                let at = within(yaml, r, &text, r.start);
                Some((text, Some(at.unwrap_or(r.clone()))))
            })
            .collect(),
        _ => {
            let value = w.map(|w| w.value.clone()).filter(|r| !r.is_empty());
            let mut from = value.as_ref().map_or(0, |r| r.start);
            string_items(v, split_spaces && !v.is_array())
                .into_iter()
                .map(|text| {
                    let at = value.as_ref().and_then(|r| within(yaml, r, &text, from));
                    if let Some(at) = &at {
                        from = at.end;
                    }
                    let at = at.or_else(|| value.clone());
                    (text, at)
                })
                .collect()
        }
    }
}

/// Where `needle` is written in `yaml[r]`, at or after `from`.
fn within(yaml: &str, r: &Range<usize>, needle: &str, from: usize) -> Option<Range<usize>> {
    let i = yaml.get(from..r.end)?.find(needle)? + from;
    Some(i..i + needle.len())
}

/// Quoted `"[[Target]]"` strings are links (Obsidian's frontmatter links).
fn read_links(c: &mut Collector<'_>, yaml: &str, base: usize, value: &Map<String, Value>) {
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
}

/// Where a value is a wikilink written without quotes (`parent: [[Whirlpool]]`, or a list
/// item `- [[Whirlpool]]`), which YAML reads as a list in a list: byte ranges of the `[[…]]`
/// in `yaml`. Only where the parsed value holds that nested list: lines inside a block
/// scalar (`key: |`) or a folded plain string are text, not values.
fn unquoted_links(yaml: &str, value: &Map<String, Value>) -> Vec<(usize, usize)> {
    let mut nested = Vec::new();
    for v in value.values() {
        nested_lists(v, &mut nested);
    }
    if nested.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut pos = 0;
    // The indent under which lines belong to a block scalar.
    let mut scalar_indent: Option<usize> = None;
    for line in yaml.split_inclusive('\n') {
        let at = pos;
        pos += line.len();
        let text = line.trim_end();
        let indent = text.len() - text.trim_start().len();
        if let Some(outer) = scalar_indent {
            if text.trim().is_empty() || indent > outer {
                continue;
            }
            scalar_indent = None;
        }
        let Some(value_at) = value_start(text) else {
            continue;
        };
        let value = text[value_at..].trim_end();
        if value.starts_with(['|', '>']) {
            scalar_indent = Some(indent);
            continue;
        }
        let Some(len) = lone_wikilink(value) else {
            continue;
        };
        // The target as YAML reads it: trimmed plain text.
        let target = value[2..len - 2].trim();
        if let Some(i) = nested.iter().position(|s| *s == target) {
            nested.swap_remove(i);
            out.push((at + value_at, at + value_at + len));
        }
    }
    out
}

/// The strings of every `[["text"]]` (a list holding one list holding one string) in `v`.
fn nested_lists<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
    match v {
        Value::Array(items) => {
            if let [Value::Array(inner)] = &items[..]
                && let [Value::String(s)] = &inner[..]
            {
                out.push(s);
            }
            items.iter().for_each(|i| nested_lists(i, out));
        }
        Value::Object(m) => m.values().for_each(|i| nested_lists(i, out)),
        _ => {}
    }
}

/// Where a line's value starts: after `key: ` or after `- ` (list items, nested too);
/// `None` for a line with neither (a continuation line, a comment).
fn value_start(line: &str) -> Option<usize> {
    let mut at = line.len() - line.trim_start().len();
    let mut item = false;
    loop {
        let rest = &line[at..];
        if let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("-\t")) {
            at = line.len() - after.trim_start().len();
            item = true;
            continue;
        }
        return match key_end(rest) {
            Some(end) => Some(at + end + (rest[end..].len() - rest[end..].trim_start().len())),
            None => item.then_some(at),
        };
    }
}

/// The length of `key:` at the start of `s` (a plain or quoted key followed by `:` and a
/// space or the line's end).
pub(super) fn key_end(s: &str) -> Option<usize> {
    let end = match s.as_bytes().first()? {
        q @ (b'"' | b'\'') => s[1..].find(*q as char)? + 2,
        b'[' | b'{' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' => return None,
        _ => s.find(": ").or_else(|| s.strip_suffix(':').map(str::len))?,
    };
    let rest = s.get(end..)?;
    let rest = rest.strip_prefix(':')?;
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then_some(end + 1)
}

/// The length of a value that is one `[[…]]` and nothing else (a comment may follow).
fn lone_wikilink(value: &str) -> Option<usize> {
    let inner = value.strip_prefix("[[")?;
    let close = inner.find("]]")?;
    let target = &inner[..close];
    let rest = &inner[close + 2..];
    let ok = !target.trim().is_empty()
        && !target.contains(['[', ']'])
        && (rest.trim().is_empty()
            || rest.starts_with([' ', '\t']) && rest.trim_start().starts_with('#'));
    ok.then_some(close + 4)
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
        Value::Array(items) => items.iter().filter_map(item_string).collect(),
        Value::Number(n) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// A list item as a string value: trimmed text, a number or a boolean; `None` for anything
/// else or an empty string.
fn item_string(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// The tags of a `tags` (or `tag`) value, each spanning where it is written (see
/// [`located_items`]); without a scanned entry, each is looked for after the key.
fn read_tags(
    c: &mut Collector<'_>,
    yaml: &str,
    base: usize,
    key_at: usize,
    (v, w): (&Value, Option<&Written>),
) {
    let in_list = v.is_array();
    let mut from = key_at - base;
    for (item, r) in located_items(yaml, (v, w), true) {
        let (at, end) = if let Some(r) = r {
            (base + r.start, base + r.end)
        } else if let Some(i) = find_from(yaml, &item, from) {
            from = i + item.len();
            (base + i, base + i + item.len())
        } else {
            line_range(yaml, base, key_at)
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
    pub(super) fn scalar(s: &str) -> Option<(&str, &str)> {
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

/// Obsidian's deprecated property keys (Obsidian help, Properties › Deprecated properties:
/// deprecated in 1.4, no longer default properties since 1.9). vaultc still reads `tag` and
/// `alias` as `tags` and `aliases`; each one found gets the rewrite Obsidian's format
/// converter would make: the key renamed, or, when the note also has the current key, its
/// values moved into that key's list.
mod deprecated {
    use serde_json::{Map, Value};

    /// (deprecated, current) keys.
    const KEYS: [(&str, &str); 3] = [
        ("tag", "tags"),
        ("alias", "aliases"),
        ("cssclass", "cssclasses"),
    ];

    /// A deprecated key: where it is (in the YAML text) and its rewrite (byte ranges of the
    /// YAML text and their new text; empty when there is no safe one).
    pub(super) struct Found {
        pub key: &'static str,
        pub current: &'static str,
        pub key_at: usize,
        pub rewrite: Vec<(usize, usize, String)>,
    }

    pub(super) fn keys(yaml: &str, value: &Map<String, Value>) -> Vec<Found> {
        let mut out: Vec<Found> = KEYS
            .iter()
            .filter_map(|&(key, current)| {
                let v = value.get(key)?;
                let key_at = super::find_key(yaml, key)?;
                let rewrite = match value.get(current) {
                    None => vec![(key_at, key_at + key.len(), current.to_owned())],
                    Some(cv) => merge(yaml, (key, v, key_at), (current, cv)).unwrap_or_default(),
                };
                Some(Found {
                    key,
                    current,
                    key_at,
                    rewrite,
                })
            })
            .collect();
        out.sort_by_key(|f| f.key_at);
        out
    }

    /// Removes the deprecated key's entry and adds its values the current key lacks to the
    /// current key's list (a one-line `[…]` list, a block list, or a one-line plain string).
    fn merge(
        yaml: &str,
        (key, v, key_at): (&str, &Value, usize),
        (current, cv): (&str, &Value),
    ) -> Option<Vec<(usize, usize, String)>> {
        let cur_at = super::find_key(yaml, current)?;
        // Tags and CSS classes are split on spaces too, aliases only on commas.
        let spaces = key != "alias";
        let same = |a: &str, b: &str| {
            if key == "tag" {
                a.to_lowercase() == b.to_lowercase()
            } else {
                a == b
            }
        };
        let have = super::string_items(cv, spaces && !cv.is_array());
        let mut add: Vec<String> = Vec::new();
        for item in super::string_items(v, spaces && !v.is_array()) {
            if !have.iter().chain(&add).any(|h| same(h, &item)) {
                add.push(item);
            }
        }
        let remove = (line_start(yaml, key_at), entry_end(yaml, key_at));
        let mut edits = vec![(remove.0, remove.1, String::new())];
        if !add.is_empty() {
            edits.push(insert(yaml, cur_at, cv, &add)?);
        }
        edits.sort_by_key(|e| e.0);
        Some(edits)
    }

    /// The edit that adds `items` to the current key's value at `at`.
    fn insert(
        yaml: &str,
        at: usize,
        cv: &Value,
        items: &[String],
    ) -> Option<(usize, usize, String)> {
        let line_end = yaml[at..].find('\n').map_or(yaml.len(), |i| at + i);
        let line = yaml[at..line_end].trim_end();
        let value_at = at + super::value_start(line)?;
        let value = yaml[value_at..at + line.len()].trim_end();
        let one_line = entry_end(yaml, at) <= line_end + 1;
        let plain = |s: &String| matches!(super::simple::scalar(s), Some((p, "")) if p == s);
        let listed = |s: &String| {
            if plain(s) {
                s.clone()
            } else {
                serde_json::to_string(s).unwrap_or_default()
            }
        };
        match cv {
            Value::Array(have) if value.starts_with('[') && value.ends_with(']') && one_line => {
                if value.matches(['[', ']', '"', '\'', '#']).count() != 2 {
                    return None;
                }
                let close = value_at + value.len() - 1;
                let sep = if have.is_empty() { "" } else { ", " };
                let new: Vec<String> = items.iter().map(listed).collect();
                Some((close, close, format!("{sep}{}", new.join(", "))))
            }
            Value::Array(_) if value.is_empty() => {
                let end = entry_end(yaml, at);
                let first = yaml.get(line_end + 1..end)?.lines().next()?;
                let dash = first.find("- ")?;
                if !first[..dash].trim().is_empty() {
                    return None;
                }
                let eol = if yaml[..end].ends_with("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                };
                let lines: String = items
                    .iter()
                    .map(|s| format!("{}- {}{eol}", &first[..dash], listed(s)))
                    .collect();
                Some((end, end, lines))
            }
            Value::String(_)
                if one_line && !value.starts_with(['"', '\'']) && !value.contains(" #") =>
            {
                if !items.iter().all(|s| plain(s) && !s.contains(' ')) {
                    return None;
                }
                let end = value_at + value.len();
                Some((end, end, format!(", {}", items.join(", "))))
            }
            _ => None,
        }
    }

    fn line_start(yaml: &str, at: usize) -> usize {
        yaml[..at].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The end of the top-level entry whose key is at `at`: its line and the indented or
    /// `- ` lines after it (blank lines between them included, not after them).
    fn entry_end(yaml: &str, at: usize) -> usize {
        let mut pos = yaml[at..].find('\n').map_or(yaml.len(), |i| at + i + 1);
        let mut end = pos;
        for line in yaml[pos..].split_inclusive('\n') {
            pos += line.len();
            if line.trim().is_empty() {
                continue;
            }
            if !line.starts_with([' ', '\t', '-']) {
                break;
            }
            end = pos;
        }
        end
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

    fn note(text: &str) -> crate::model::Note {
        crate::parse::parse_note("n.md".into(), text.as_bytes().to_vec())
    }

    fn unquoted(text: &str) -> Vec<String> {
        let n = note(text);
        let fm = n.frontmatter.as_ref().unwrap();
        fm.unquoted_links
            .iter()
            .map(|s| n.text[s.range()].to_owned())
            .collect()
    }

    #[test]
    fn unquoted_wikilinks_are_found_where_yaml_reads_a_nested_list() {
        let text = "---\nparent: [[Whirlpool]]\nrelated:\n  - [[Maytag|the brand]]\n  - \"[[Quoted]]\"\n  - - [[Deep]]\nsummary: |\n  [[In a block]]\n\"q\": [[ Spaced ]]  # comment\nprose: see [[Inline]]\nfolded: a\n  [[Continued]]\nlist: [[[A]], [[B]]]\npair: [[A, B]]\n---\n";
        assert_eq!(
            unquoted(text),
            [
                "[[Whirlpool]]",
                "[[Maytag|the brand]]",
                "[[Deep]]",
                "[[ Spaced ]]"
            ]
        );
        let n = note(text);
        let links: Vec<&str> = n.links.iter().map(|l| l.target(&n)).collect();
        assert_eq!(
            links,
            ["Quoted", "In a block", "Inline", "Continued"],
            "unquoted values are no links"
        );
        assert!(unquoted("---\nparent: \"[[Whirlpool]]\"\n---\n").is_empty());
        // Invalid YAML is invalid-frontmatter's, not this.
        assert!(unquoted("---\nparent: [[Whirlpool]]\nparent: x\n---\n").is_empty());
    }

    /// The text after the deprecated keys' rewrites.
    fn rewritten(text: &str) -> String {
        let n = note(text);
        let mut out = n.text.clone();
        let mut edits: Vec<_> = n
            .frontmatter
            .iter()
            .flat_map(|f| &f.deprecated_keys)
            .flat_map(|d| &d.rewrite)
            .collect();
        edits.sort_by_key(|r| std::cmp::Reverse(r.start));
        for r in edits {
            out.replace_range(r.start as usize..r.end as usize, &r.with);
        }
        out
    }

    fn read_as(text: &str) -> (Vec<String>, Vec<String>) {
        let n = note(text);
        // Tags compare case-insensitively.
        let mut tags: Vec<String> = n.tags.iter().map(|t| t.name.to_lowercase()).collect();
        tags.sort();
        tags.dedup();
        let mut aliases: Vec<String> = n.aliases.iter().map(|a| a.text.clone()).collect();
        aliases.sort();
        aliases.dedup();
        (tags, aliases)
    }

    #[test]
    fn deprecated_keys_are_read_and_rewritten_the_current_way() {
        let cases = [
            // Renamed alone; the value reads the same under the new key.
            (
                "---\ntag: project, important\nalias: My Note\ncssclass: wide\n---\n",
                "---\ntags: project, important\naliases: My Note\ncssclasses: wide\n---\n",
            ),
            ("---\n\"tag\": [a]\n---\n", "---\n\"tags\": [a]\n---\n"),
            // Merged into a one-line list, a block list (CRLF kept), a string.
            (
                "---\ntags: [a, b]\ntag: c, B\n---\n",
                "---\ntags: [a, b, c]\n---\n",
            ),
            (
                "---\ntags: []\ntag:\n  - c d\n---\n",
                "---\ntags: [c d]\n---\n",
            ),
            (
                "---\naliases: [A]\nalias: \"x, y: z\"\n---\n",
                "---\naliases: [A, x, \"y: z\"]\n---\n",
            ),
            (
                "---\r\naliases:\r\n  - One\r\n\r\n  - Two\r\nalias: [Three, One]\r\ntitle: x\r\n---\r\n",
                "---\r\naliases:\r\n  - One\r\n\r\n  - Two\r\n  - Three\r\ntitle: x\r\n---\r\n",
            ),
            (
                "---\nalias: [Solo]\naliases: Main\n---\n",
                "---\naliases: Main, Solo\n---\n",
            ),
            // Nothing new to add: the old entry just goes.
            ("---\ntag: a\ntags: [a]\n---\n", "---\ntags: [a]\n---\n"),
        ];
        for (before, after) in cases {
            assert_eq!(rewritten(before), after, "{before:?}");
            if !before.contains("\"tag\"") {
                assert_eq!(read_as(before), read_as(after), "{before:?}");
            }
        }
        // Read as the current keys are.
        let (tags, aliases) = read_as("---\ntag: project, important\nalias: My Note\n---\n");
        assert_eq!(tags, ["important", "project"]);
        assert_eq!(aliases, ["My Note"]);
        // No safe place for the values: reported without a rewrite.
        for text in [
            "---\ntags:\ntag: a\n---\n",
            "---\ntags: \"x\"\ntag: a\n---\n",
            "---\ntags: x # c\ntag: a\n---\n",
            "---\ntags: {a: 1}\ntag: a\n---\n",
        ] {
            let n = note(text);
            let d = &n.frontmatter.as_ref().unwrap().deprecated_keys;
            assert_eq!(d.len(), 1, "{text:?}");
            assert!(d[0].rewrite.is_empty(), "{text:?}");
        }
        let nested = note("---\nmeta:\n  tag: a\n---\n");
        assert!(nested.frontmatter.unwrap().deprecated_keys.is_empty());
    }
}
