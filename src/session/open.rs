//! Which vault a command means, and with which settings.
//!
//! Discovery starts from the path the command was given (a vault folder, a note, a folder
//! in a vault), not from the current folder, as ruff finds its settings from each file: the
//! nearest book.toml in that path's folder or above it configures the run. `--config FILE`
//! names one instead. Without a book.toml, a folder given is the vault (else the current
//! folder), with the defaults; when it has no `.obsidian/` either, the session says which
//! folder it treats as the vault.

use std::path::{Path, PathBuf};

use crate::config::{self, ConfigError, Settings};

/// How a command names its vault.
#[derive(Debug, Default, Clone)]
pub struct Target {
    /// `--config FILE`: this book.toml, wherever the paths are.
    pub config: Option<PathBuf>,
    /// Where discovery starts: the vault path given (positional or `--vault`), or the first
    /// of `check`'s PATHS; the current folder when `None`.
    pub start: Option<PathBuf>,
    /// The folder that is the vault when no book.toml is found (a folder argument).
    pub folder: Option<PathBuf>,
}

impl Target {
    /// The vault at `path` (a folder, or any path inside the vault), found as a command
    /// given that path finds it.
    pub fn vault(path: &Path) -> Self {
        Self {
            config: None,
            start: Some(path.to_owned()),
            folder: Some(if path.is_dir() {
                path.to_owned()
            } else {
                path.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_owned)
            }),
        }
    }
}

/// Why a session could not be opened.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum OpenError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot read the current folder: {0}")]
    Cwd(std::io::Error),
}

/// The settings `target` names, and the one-line notes to show the user.
pub(super) fn discover(target: &Target) -> Result<(Settings, Vec<String>), OpenError> {
    let names = crate::rules::rule_names();
    let cwd = std::env::current_dir().map_err(OpenError::Cwd)?;
    let found = match &target.config {
        Some(p) if !p.is_file() => {
            return Err(OpenError::Usage(format!(
                "config file {} does not exist",
                p.display()
            )));
        }
        Some(p) => Some(p.clone()),
        None => config::find(&start_folder(&cwd, target.start.as_deref())),
    };
    if let Some(path) = found {
        // Shown relative to the current folder when below it (`book.toml:5:1`).
        let real_cwd = std::fs::canonicalize(&cwd).unwrap_or_else(|_| cwd.clone());
        let shown = if path.starts_with(&cwd) {
            relative_to(&cwd, &path)
        } else {
            relative_to(&real_cwd, &path)
        };
        return Ok((config::load(&shown, &names)?, Vec::new()));
    }
    let vault = target.folder.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut notes = Vec::new();
    if vault.is_dir() && !vault.join(".obsidian").is_dir() {
        let shown = std::fs::canonicalize(&vault).unwrap_or_else(|_| vault.clone());
        notes.push(format!(
            "no book.toml or .obsidian/ found: treating {} as the vault",
            shown.display()
        ));
    }
    Ok((Settings::defaults(vault), notes))
}

/// The folder discovery starts in: `start`'s own folder (a file's parent), or the current
/// folder; real paths, so that `..` climbs where the file system does.
fn start_folder(cwd: &Path, start: Option<&Path>) -> PathBuf {
    let Some(start) = start else {
        return cwd.to_owned();
    };
    let start = cwd.join(start);
    let folder = if start.is_dir() {
        start
    } else {
        start
            .parent()
            .map_or_else(|| cwd.to_owned(), Path::to_owned)
    };
    std::fs::canonicalize(&folder).unwrap_or(folder)
}

/// `path` relative to `base` when it lies below it (for shorter paths in messages).
pub fn relative_to(base: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map_or_else(|_| path.to_owned(), Path::to_owned)
}
