//! A note's frontmatter properties as Obsidian shows them above the note: links linked (a
//! private note's only as text), dates as dates, lists as lists, in the order written.
//!
//! Tags and aliases are left out (the page header shows them), and so are the keys that
//! steer vaultc and Obsidian rather than say something (`publish`, `draft`, `cssclasses`,
//! `vaultc`), and those `[output.html] hide-properties` names; `properties = false` hides
//! the block.

use serde::Serialize;
use serde_json::Value;

use crate::model::{LinkKind, NoteId};
use crate::site::Site;
use crate::site::html::escape;
use crate::site::render::links::{self, link_tags};

/// Keys never shown in the block.
const HIDDEN: &[&str] = &[
    "tags",
    "tag",
    "aliases",
    "alias",
    "publish",
    "draft",
    "cssclasses",
    "cssclass",
    "vaultc",
];

#[derive(Debug, Serialize)]
pub struct Property {
    pub key: String,
    /// The value as HTML, escaped (links and dates made here).
    pub html: String,
}

/// The properties of note `id` shown on its page at `page`.
pub fn properties(site: &Site<'_>, id: NoteId, page: &str) -> Vec<Property> {
    let settings = &site.a.settings;
    let note = &site.a.vault.notes[id];
    let Some(map) = note.frontmatter.as_ref().and_then(|f| f.value.as_ref()) else {
        return Vec::new();
    };
    if !settings.properties {
        return Vec::new();
    }
    let yaml = note
        .frontmatter
        .as_ref()
        .and_then(|f| note.text.get(f.span.range()))
        .unwrap_or("");
    let mut keys: Vec<(usize, &String, &Value)> = map
        .iter()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !HIDDEN.contains(&k.as_str()) && !settings.hide_properties.contains(&k)
        })
        .map(|(k, v)| (key_position(yaml, k), k, v))
        .collect();
    keys.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    let values = Values { site, id, page };
    keys.into_iter()
        .map(|(_, key, value)| Property {
            key: key.clone(),
            html: values.html(value),
        })
        .collect()
}

/// Where `key:` starts a line of the YAML (the order the note wrote its properties in).
fn key_position(yaml: &str, key: &str) -> usize {
    let mut at = 0;
    for line in yaml.split_inclusive('\n') {
        let l = line.trim_start_matches(['"', '\'']);
        if l.starts_with(key)
            && l[key.len()..]
                .trim_start_matches(['"', '\''])
                .starts_with(':')
        {
            return at;
        }
        at += line.len();
    }
    usize::MAX
}

struct Values<'s, 'a> {
    site: &'s Site<'a>,
    id: NoteId,
    page: &'s str,
}

impl Values<'_, '_> {
    fn html(&self, value: &Value) -> String {
        match value {
            Value::Null => String::new(),
            Value::Bool(b) => format!(
                "<input type=\"checkbox\" disabled{}>",
                if *b { " checked" } else { "" }
            ),
            Value::Number(n) => n.to_string(),
            Value::String(s) => self.string(s),
            Value::Array(items) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|v| format!("<li>{}</li>", self.html(v)))
                    .collect();
                format!("<ul class=\"property-list\">{}</ul>", items.concat())
            }
            Value::Object(_) => format!("<code>{}</code>", escape(&value.to_string())),
        }
    }

    /// A string value: `[[links]]` linked, a date as a date, a web address as a link.
    fn string(&self, s: &str) -> String {
        let t = s.trim();
        if is_date(t) {
            return format!("<time datetime=\"{0}\">{0}</time>", escape(&t[..10]));
        }
        if (t.starts_with("https://") || t.starts_with("http://"))
            && !t.contains(char::is_whitespace)
        {
            return format!("<a href=\"{0}\">{0}</a>", escape(t));
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some(open) = rest.find("[[") {
            let Some(close) = rest[open..].find("]]").map(|c| open + c + 2) else {
                break;
            };
            out.push_str(&escape(&rest[..open]));
            out.push_str(&self.link(&rest[open..close]));
            rest = &rest[close..];
        }
        out.push_str(&escape(rest));
        out
    }

    /// A `[[link]]` written in the frontmatter, as the model resolved it.
    fn link(&self, raw: &str) -> String {
        let a = self.site.a;
        let note = &a.vault.notes[self.id];
        let found = note.links.iter().position(|l| {
            l.kind == LinkKind::Frontmatter && note.text.get(l.span.range()) == Some(raw)
        });
        let Some(index) = found else {
            return escape(raw);
        };
        let link = &note.links[index];
        let dest = links::dest(a, &self.site.plan, self.id, index);
        let (open, close) = link_tags(self.page, &dest);
        let text = link
            .display(note)
            .map_or_else(|| links::label(note, link), str::to_owned);
        format!("{open}{}{close}", escape(&text))
    }
}

/// `YYYY-MM-DD`, maybe followed by a time.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b.len() == 10 || b[10] == b'T' || b[10] == b' ')
}
