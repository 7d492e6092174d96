//! Templates and assets: built into the binary, replaced file by file from a theme folder.
//!
//! A theme folder holds any of the built-in file names: templates (`base.html`, `note.html`,
//! …) replace the built-in template of that name, `style.css`, `search.js` and `theme.js`
//! replace the built-in asset (and so do `graph.js` and `nav.js`). Any other file is copied into `assets/` as it is (fonts,
//! images), and any other `.html` file is available to `{% include %}`. Templates are
//! minijinja with auto-escaping on: every value from a note is escaped unless a template
//! says `|safe`, which the built-in ones do only for HTML the site renders itself.

use std::path::{Path, PathBuf};

use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::html::escape;

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = builtin![
    "base.html",
    "note.html",
    "entity.html",
    "home.html",
    "notes.html",
    "tags.html",
    "tag.html",
    "entities.html",
    "graph.html",
    "search.html",
    "404.html",
    "graph.svg.html",
];

const ASSETS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("static/style.css")),
    ("search.js", include_bytes!("static/search.js")),
    ("theme.js", include_bytes!("static/theme.js")),
    ("graph.js", include_bytes!("static/graph.js")),
    ("nav.js", include_bytes!("static/nav.js")),
    ("favicon.svg", include_bytes!("static/favicon.svg")),
    ("diagrams.js", include_bytes!("static/diagrams.js")),
];

/// Mermaid, vendored from npm (see `static/vendor/README.md`): written only into sites with a
/// diagram, loaded only by their pages that have one.
pub const MERMAID: (&str, &[u8]) = (
    "mermaid.min.js",
    include_bytes!("static/vendor/mermaid.min.js"),
);

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("cannot read theme file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
}

/// The loaded templates and the assets to write under `assets/`.
pub struct Theme {
    env: Environment<'static>,
    /// `(file name, bytes)`, sorted by name.
    pub assets: Vec<(String, Vec<u8>)>,
    /// A hash of every template and asset: pages made with another theme differ.
    pub fingerprint: u64,
}

impl Theme {
    /// The built-in theme with the files of `dir` (if given) in place of built-in ones.
    pub fn load(dir: Option<&Path>) -> Result<Self, ThemeError> {
        let (templates, assets) = sources(dir)?;
        let d = hash(&templates, &assets);
        let fingerprint = u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_formatter(format_value);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .map_err(|e| template_error("(syntax)", &e))?,
        );
        for (name, source) in templates {
            env.add_template_owned(name.clone(), source)
                .map_err(|e| template_error(&name, &e))?;
        }
        Ok(Self {
            env,
            assets,
            fingerprint,
        })
    }

    /// Renders template `name` with `context`.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, ThemeError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        template
            .render(Value::from(Serde(context)))
            .map_err(|e| template_error(name, &e))
    }
}

/// The templates and assets of the theme in `dir` (built-in ones where it has none), each
/// list sorted by name.
type Sources = (Vec<(String, String)>, Vec<(String, Vec<u8>)>);

fn sources(dir: Option<&Path>) -> Result<Sources, ThemeError> {
    let mut templates: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, s)| ((*n).to_owned(), (*s).to_owned()))
        .collect();
    let mut assets: Vec<(String, Vec<u8>)> = ASSETS
        .iter()
        .map(|(n, b)| ((*n).to_owned(), b.to_vec()))
        .collect();
    if let Some(dir) = dir {
        for (name, path) in theme_files(dir)? {
            let read_err = |source| ThemeError::Read {
                path: path.clone(),
                source,
            };
            if name.ends_with(".html") {
                let source = std::fs::read_to_string(&path).map_err(read_err)?;
                replace_or_add(&mut templates, name, source);
            } else {
                let bytes = std::fs::read(&path).map_err(read_err)?;
                replace_or_add(&mut assets, name, bytes);
            }
        }
    }
    assets.sort();
    templates.sort();
    Ok((templates, assets))
}

/// BLAKE3 of every template and asset, by name.
fn hash(templates: &[(String, String)], assets: &[(String, Vec<u8>)]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    let files = templates
        .iter()
        .map(|(n, t)| (n, t.as_bytes()))
        .chain(assets.iter().map(|(n, b)| (n, b.as_slice())));
    for (name, bytes) in files {
        for part in [name.as_bytes(), bytes] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
    }
    *h.finalize().as_bytes()
}

/// The digest of the theme in `dir` (the built-in one with its replacements): what a site's
/// pages and its inputs record are keyed by. A theme that cannot be read digests as its
/// error, which the build then reports.
pub fn digest(dir: Option<&Path>) -> [u8; 32] {
    match sources(dir) {
        Ok((templates, assets)) => hash(&templates, &assets),
        Err(e) => *blake3::hash(e.to_string().as_bytes()).as_bytes(),
    }
}

/// minijinja's formatter, except that strings are escaped like pulldown-cmark escapes
/// (`& < > " '`): just as safe in text and quoted attributes, and `/` stays readable.
fn format_value(
    out: &mut minijinja::Output,
    state: &mut minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(s) if *state.auto_escape() == AutoEscape::Html && !value.is_safe() => out
            .write_str(&escape(s))
            .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())),
        _ => minijinja::escape_formatter(out, state, value),
    }
}

fn template_error(name: &str, e: &minijinja::Error) -> ThemeError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    ThemeError::Template {
        name: name.to_owned(),
        message,
    }
}

fn replace_or_add<T>(list: &mut Vec<(String, T)>, name: String, value: T) {
    match list.iter_mut().find(|(n, _)| *n == name) {
        Some(entry) => entry.1 = value,
        None => list.push((name, value)),
    }
}

/// The regular files directly in the theme folder, by name, sorted.
fn theme_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, ThemeError> {
    let read_err = |source| ThemeError::Read {
        path: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.path().is_file() {
            continue;
        }
        files.push((name, entry.path()));
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_escape_values_and_themes_replace_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("404.html"), "{{ title }}|{{ html|safe }}").unwrap();
        std::fs::write(dir.path().join("logo.svg"), "<svg/>").unwrap();
        let theme = Theme::load(Some(dir.path())).unwrap();
        #[derive(Serialize)]
        struct Cx {
            title: &'static str,
            html: &'static str,
        }
        let out = theme
            .render(
                "404.html",
                &Cx {
                    title: "<script>alert(1)</script>",
                    html: "<b>ok</b>",
                },
            )
            .unwrap();
        assert_eq!(out, "&lt;script&gt;alert(1)&lt;/script&gt;|<b>ok</b>");
        assert!(theme.assets.iter().any(|(n, _)| n == "logo.svg"));
        assert!(theme.assets.iter().any(|(n, _)| n == "style.css"));
    }
}
