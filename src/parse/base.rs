//! Obsidian Bases files (`*.base`, YAML): their views and the filters that select notes,
//! read at load time so that the site can list what a simple view shows.
//!
//! Filters are expressions in Obsidian; the simple ones are understood here:
//! `file.hasTag("t")`, `file.inFolder("f")`, `prop == value` (also `note.prop`), and `and`,
//! `or`, `not` groups of them. Anything else is kept as written ([`BaseFilter::Other`]),
//! and a view that needs it is not computed. A file that is not valid YAML has no views.

use std::sync::LazyLock;

use regex::Regex;
use serde_yaml_ng::Value;

use crate::model::{BaseFile, BaseFilter, BaseView};

static CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^file\.(hasTag|inFolder)\(\s*"([^"]*)"\s*\)$"#).expect("static regex")
});
static EQUALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:note\.)?([\p{L}\p{N}_-]+)\s*==\s*(.+)$"#).expect("static regex")
});

/// Reads the base file at vault path `path`.
pub fn parse(path: String, text: &str) -> BaseFile {
    let value: Value = serde_yaml_ng::from_str(text).unwrap_or(Value::Null);
    let views = value
        .get("views")
        .and_then(Value::as_sequence)
        .map(|views| {
            views
                .iter()
                .map(|v| BaseView {
                    name: v
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    filter: v.get("filters").map(filter),
                    columns: v
                        .get("order")
                        .and_then(Value::as_sequence)
                        .map(|o| {
                            o.iter()
                                .filter_map(|c| Some(c.as_str()?.to_owned()))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    BaseFile {
        path,
        filter: value.get("filters").map(filter),
        views,
    }
}

fn filter(v: &Value) -> BaseFilter {
    if let Some(s) = v.as_str() {
        return expression(s.trim());
    }
    let group = |key: &str| {
        v.get(key)
            .and_then(Value::as_sequence)
            .map(|items| items.iter().map(filter).collect::<Vec<_>>())
    };
    if let Some(items) = group("and") {
        BaseFilter::And(items)
    } else if let Some(items) = group("or") {
        BaseFilter::Or(items)
    } else if let Some(items) = group("not") {
        BaseFilter::Not(items)
    } else {
        BaseFilter::Other(serde_yaml_ng::to_string(v).unwrap_or_default())
    }
}

fn expression(s: &str) -> BaseFilter {
    if let Some(c) = CALL.captures(s) {
        let arg = c[2].to_owned();
        return match &c[1] {
            "hasTag" => BaseFilter::Tag(arg.trim_start_matches('#').to_owned()),
            _ => BaseFilter::Folder(arg.trim_matches('/').to_owned()),
        };
    }
    if let Some(c) = EQUALS.captures(s) {
        let raw = c[2].trim();
        let value = if let Some(q) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            serde_json::Value::String(q.to_owned())
        } else if let Ok(v) = serde_json::from_str::<serde_json::Value>(raw) {
            v
        } else {
            return BaseFilter::Other(s.to_owned());
        };
        return BaseFilter::Equals(c[1].to_owned(), value);
    }
    BaseFilter::Other(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_filters_and_views_are_read() {
        let b = parse(
            "Movies.base".into(),
            "filters:\n  and:\n    - file.hasTag(\"movie\")\n    - 'file.inFolder(\"Films\")'\nviews:\n  - type: table\n    name: Favorites\n    filters:\n      or:\n        - 'rating == 5'\n        - 'note.status == \"loved\"'\n    order:\n      - file.name\n      - director\n  - type: cards\n    name: Odd\n    filters: 'file.mtime > now()'\n",
        );
        assert_eq!(
            b.filter,
            Some(BaseFilter::And(vec![
                BaseFilter::Tag("movie".into()),
                BaseFilter::Folder("Films".into())
            ]))
        );
        assert_eq!(b.views[0].name, "Favorites");
        assert_eq!(b.views[0].columns, ["file.name", "director"]);
        assert_eq!(
            b.views[0].filter,
            Some(BaseFilter::Or(vec![
                BaseFilter::Equals("rating".into(), 5.into()),
                BaseFilter::Equals("status".into(), "loved".into())
            ]))
        );
        assert!(matches!(b.views[1].filter, Some(BaseFilter::Other(_))));
        assert_eq!(parse("x.base".into(), ": : bad").views, vec![]);
    }
}
