//! `book.toml` → [`Settings`]: defaults for everything, errors with the key's span.
//!
//! vaultc's file is written in mdBook's style (`[book] src`, `[build] build-dir`), so tables it
//! shares with mdBook (`[book]`, `[build]`, other `[output.*]` renderers) accept keys vaultc does
//! not use. Its own tables (`[lint]`, `[lint.rules]`, `[output.html]`) reject unknown keys.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};
use miette::{NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Level;

pub const CONFIG_FILE: &str = "book.toml";

/// A rule's configured level; `Off` disables it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Level),
}

impl RuleLevel {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "off" => RuleLevel::Off,
            "info" => RuleLevel::On(Level::Info),
            "warn" | "warning" => RuleLevel::On(Level::Warning),
            "error" => RuleLevel::On(Level::Error),
            _ => return None,
        })
    }
}

/// Resolved configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The book.toml read, if any.
    pub config_path: Option<PathBuf>,
    pub title: String,
    /// The vault folder.
    pub src: PathBuf,
    /// Where `vaultc build` writes; skipped when walking the vault.
    pub build_dir: PathBuf,
    pub stale_after_days: i64,
    pub exclude: GlobSet,
    /// Link targets meant to exist later: never `broken-link`.
    pub planned: GlobSet,
    /// Per-rule levels set in `[lint.rules]`.
    pub rule_levels: BTreeMap<String, RuleLevel>,
    pub site_url: String,
    /// `[output.html] theme`: a folder of templates and assets replacing the built-in ones,
    /// relative to book.toml.
    pub theme: Option<PathBuf>,
    /// `[output.html] publish`: which notes the site shows.
    pub publish: Publish,
    /// `[build] exclude`: notes left out of the site (not out of `check`).
    pub site_exclude: GlobSet,
    /// `[output.html] allow-html`: safe inline HTML in notes is rendered (sanitised), not
    /// shown as text.
    pub allow_html: bool,
    /// `[output.html] properties`: a note page shows its frontmatter properties.
    pub properties: bool,
    /// `[output.html] hide-properties`: property keys the properties block leaves out.
    pub hide_properties: Vec<String>,
}

/// `[output.html] publish`: which notes become pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Publish {
    /// Every note but those with `publish: false` (or `draft: true`).
    #[default]
    All,
    /// Only notes with `publish: true`.
    Explicit,
}

impl Settings {
    /// Settings for a vault with no book.toml.
    pub fn defaults(src: PathBuf) -> Self {
        Self {
            config_path: None,
            // The vault folder's name, even when it is given as `.`.
            title: std::fs::canonicalize(&src)
                .unwrap_or_else(|_| src.clone())
                .file_name()
                .map_or_else(|| "vault".to_owned(), |n| n.to_string_lossy().into_owned()),
            build_dir: src.join("site"),
            src,
            stale_after_days: 180,
            exclude: GlobSet::empty(),
            planned: GlobSet::empty(),
            rule_levels: BTreeMap::new(),
            site_url: "/".to_owned(),
            theme: None,
            publish: Publish::All,
            site_exclude: GlobSet::empty(),
            allow_html: true,
            properties: true,
            hide_properties: Vec::new(),
        }
    }

    pub fn is_planned(&self, target: &str) -> bool {
        !self.planned.is_empty() && self.planned.is_match(target)
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{message}")]
    #[diagnostic(code(vaultc::config))]
    Invalid {
        message: String,
        #[source_code]
        src: std::sync::Arc<NamedSource<String>>,
        #[label("{label}")]
        span: Option<SourceSpan>,
        label: String,
        #[help]
        help: Option<String>,
    },
}

#[derive(Deserialize, Default)]
struct RawConfig {
    #[serde(default)]
    book: RawBook,
    #[serde(default)]
    build: RawBuild,
    #[serde(default)]
    lint: RawLint,
    #[serde(default)]
    output: RawOutput,
}

#[derive(Deserialize, Default)]
struct RawBook {
    title: Option<String>,
    src: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
struct RawBuild {
    build_dir: Option<String>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawLint {
    stale_after: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    planned: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize, Default)]
struct RawOutput {
    html: Option<RawHtml>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawHtml {
    site_url: Option<String>,
    theme: Option<String>,
    allow_html: Option<bool>,
    publish: Option<Spanned<String>>,
    properties: Option<bool>,
    #[serde(default)]
    hide_properties: Vec<String>,
}

/// The nearest book.toml in `dir` or its ancestors.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

/// Reads and checks a book.toml. `known_rules` are the rule names `[lint.rules]` may use.
pub fn load(path: &Path, known_rules: &[&str]) -> Result<Settings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let file = File {
        shown: path.display().to_string(),
        text,
    };
    let raw: RawConfig = toml::from_str(&file.text).map_err(|e| {
        file.invalid(
            format!("invalid {CONFIG_FILE}: {}", e.message()),
            e.span(),
            "here",
            None,
        )
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let src = base.join(raw.book.src.as_deref().unwrap_or("src"));
    let mut settings = Settings::defaults(src);
    settings.config_path = Some(path.to_owned());
    settings.title = raw.book.title.unwrap_or(settings.title);
    settings.build_dir = base.join(raw.build.build_dir.as_deref().unwrap_or("book"));
    if let Some(s) = raw.lint.stale_after {
        settings.stale_after_days = parse_days(s.get_ref()).ok_or_else(|| {
            file.invalid(
                format!("invalid `stale-after` value `{}`", s.get_ref()),
                Some(s.span()),
                "expected a duration",
                Some("write a number of days, weeks or years: \"180d\", \"26w\", \"1y\"".into()),
            )
        })?;
    }
    settings.exclude = file.globs(&raw.lint.exclude, false)?;
    settings.site_exclude = file.globs(&raw.build.exclude, false)?;
    settings.planned = file.globs(&raw.lint.planned, true)?;
    settings.rule_levels = file.rule_levels(raw.lint.rules, known_rules)?;
    if let Some(html) = raw.output.html {
        read_html(&mut settings, html, base).map_err(|(message, span, label, help)| {
            file.invalid(message, Some(span), label, Some(help))
        })?;
    }
    Ok(settings)
}

/// What went wrong in a value: message, span, label, help.
type ValueError = (String, std::ops::Range<usize>, &'static str, String);

/// Reads `[output.html]` into `settings`.
fn read_html(settings: &mut Settings, html: RawHtml, base: &Path) -> Result<(), ValueError> {
    settings.site_url = html.site_url.unwrap_or_else(|| settings.site_url.clone());
    settings.theme = html.theme.map(|t| base.join(t));
    settings.allow_html = html.allow_html.unwrap_or(settings.allow_html);
    settings.properties = html.properties.unwrap_or(settings.properties);
    settings.hide_properties = html.hide_properties;
    if let Some(p) = html.publish {
        settings.publish = parse_publish(p.get_ref()).ok_or_else(|| {
            (
                format!("invalid `publish` value `{}`", p.get_ref()),
                p.span(),
                "expected \"all\" or \"explicit\"",
                "\"explicit\" publishes only notes with `publish: true`".to_owned(),
            )
        })?;
    }
    Ok(())
}

/// `[output.html] publish`: `"all"` or `"explicit"`.
fn parse_publish(s: &str) -> Option<Publish> {
    match s {
        "all" => Some(Publish::All),
        "explicit" => Some(Publish::Explicit),
        _ => None,
    }
}

/// A book.toml's text, for errors that point into it.
struct File {
    shown: String,
    text: String,
}

impl File {
    fn invalid(
        &self,
        message: String,
        span: Option<std::ops::Range<usize>>,
        label: &str,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError::Invalid {
            message,
            src: std::sync::Arc::new(NamedSource::new(self.shown.clone(), self.text.clone())),
            span: span.map(Into::into),
            label: label.to_owned(),
            help,
        }
    }

    /// `patterns` as one glob set; an invalid pattern is an error at its span.
    fn globs(
        &self,
        patterns: &[Spanned<String>],
        case_insensitive: bool,
    ) -> Result<GlobSet, ConfigError> {
        let mut b = GlobSetBuilder::new();
        for p in patterns {
            let glob = globset::GlobBuilder::new(p.get_ref())
                .case_insensitive(case_insensitive)
                .literal_separator(false)
                .build()
                .map_err(|e| {
                    self.invalid(
                        format!("invalid glob: {}", e.kind()),
                        Some(p.span()),
                        "this pattern",
                        None,
                    )
                })?;
            b.add(glob);
        }
        b.build()
            .map_err(|e| self.invalid(format!("invalid glob: {e}"), None, "", None))
    }

    /// `[lint.rules]`: every name a known rule, every level a level.
    fn rule_levels(
        &self,
        rules: BTreeMap<Spanned<String>, Spanned<String>>,
        known_rules: &[&str],
    ) -> Result<BTreeMap<String, RuleLevel>, ConfigError> {
        let mut levels = BTreeMap::new();
        for (name, level) in rules {
            if !known_rules.contains(&name.get_ref().as_str()) {
                let help = closest(name.get_ref(), known_rules).map_or_else(
                    || "`vaultc rule` lists the rules".to_owned(),
                    |c| format!("did you mean `{c}`?"),
                );
                return Err(self.invalid(
                    format!("unknown rule `{}` in [lint.rules]", name.get_ref()),
                    Some(name.span()),
                    "no rule has this name",
                    Some(help),
                ));
            }
            let parsed = RuleLevel::parse(level.get_ref()).ok_or_else(|| {
                self.invalid(
                    format!(
                        "invalid level `{}` for rule `{}`",
                        level.get_ref(),
                        name.get_ref()
                    ),
                    Some(level.span()),
                    "expected a level",
                    Some("use \"error\", \"warn\", \"info\" or \"off\"".into()),
                )
            })?;
            levels.insert(name.into_inner(), parsed);
        }
        Ok(levels)
    }
}

/// `180d`, `26w`, `1y`, or a plain number of days.
pub fn parse_days(s: &str) -> Option<i64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().ok()?;
    let factor = match unit.trim() {
        "" | "d" | "day" | "days" => 1,
        "w" | "week" | "weeks" => 7,
        "y" | "year" | "years" => 365,
        _ => return None,
    };
    n.checked_mul(factor)
}

/// The known name closest to `name` by edit distance, if close enough to be a typo.
pub fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1))
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join(CONFIG_FILE);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn defaults_and_values() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "[book]\ntitle = \"T\"\nsrc = \"vault\"\nauthors = [\"x\"]\n[lint]\nstale-after = \"26w\"\nplanned = [\"Palantir\", \"people/*\"]\n[lint.rules]\norphan-note = \"warn\"\n[preprocessor.x]\ncommand = \"y\"\n",
        );
        let s = load(&p, &["orphan-note"]).unwrap();
        assert_eq!(s.stale_after_days, 182);
        assert!(s.is_planned("palantir"));
        assert!(s.is_planned("people/Jane Doe"));
        assert_eq!(s.rule_levels["orphan-note"], RuleLevel::On(Level::Warning));
        assert!(s.src.ends_with("vault"));
    }

    #[test]
    fn unknown_keys_in_our_tables_are_errors_with_spans() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[lint]\nstale-afte = \"10d\"\n";
        let p = write(dir.path(), text);
        let ConfigError::Invalid { span, message, .. } = load(&p, &[]).unwrap_err() else {
            panic!("expected an invalid-config error")
        };
        assert!(message.contains("stale-afte"), "{message}");
        assert_eq!(span.unwrap().offset(), text.find("stale-afte").unwrap());

        let text = "[lint.rules]\nbroken-lnk = \"off\"\n";
        let p = write(dir.path(), text);
        let err = load(&p, &["broken-link"]).unwrap_err();
        let ConfigError::Invalid { span, help, .. } = err else {
            panic!()
        };
        assert_eq!(span.unwrap().offset(), text.find("broken-lnk").unwrap());
        assert_eq!(help.as_deref(), Some("did you mean `broken-link`?"));

        let p = write(dir.path(), "[output.html]\nsite-ur = \"/\"\n");
        assert!(load(&p, &[]).is_err());

        let text = "[output.html]\npublish = \"some\"\n";
        let p = write(dir.path(), text);
        let ConfigError::Invalid { span, .. } = load(&p, &[]).unwrap_err() else {
            panic!("expected an invalid-config error")
        };
        assert_eq!(span.unwrap().offset(), text.find("\"some\"").unwrap());
    }

    #[test]
    fn site_keys() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "[build]\nexclude = [\"drafts/**\"]\n[output.html]\npublish = \"explicit\"\nallow-html = false\nproperties = false\nhide-properties = [\"cssclasses\"]\n",
        );
        let s = load(&p, &[]).unwrap();
        assert_eq!(s.publish, Publish::Explicit);
        assert!(s.site_exclude.is_match("drafts/a/b.md") && !s.exclude.is_match("drafts/a.md"));
        assert!(!s.allow_html && !s.properties);
        assert_eq!(s.hide_properties, ["cssclasses"]);
        let d = Settings::defaults(".".into());
        assert!(d.publish == Publish::All && d.allow_html && d.properties);
    }
}
