//! Loading: walk the vault folder, read every note once, parse notes in parallel.
//!
//! Hidden folders (`.obsidian`, `.git`, `.trash`), `.gitignore`d paths (also outside git
//! repositories), the build folder and `[lint] exclude` globs are skipped. A file or folder
//! that cannot be read becomes a [`LoadError`] and the run goes on.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Settings;
use crate::model::{LoadError, Vault};
use crate::parse::parse_note;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("vault folder {0} does not exist")]
    Missing(PathBuf),
    #[error("{0} is not a folder")]
    NotAFolder(PathBuf),
}

/// Walks `settings.src` and parses every note.
pub fn load(settings: &Settings) -> Result<Vault, VaultError> {
    let root = &settings.src;
    if !root.exists() {
        return Err(VaultError::Missing(root.clone()));
    }
    if !root.is_dir() {
        return Err(VaultError::NotAFolder(root.clone()));
    }
    let (mut notes, mut attachments, mut load_errors) = (Vec::new(), Vec::new(), Vec::new());
    let build_dir = std::fs::canonicalize(&settings.build_dir).ok();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(true)
        .sort_by_file_name(std::ffi::OsStr::cmp)
        .filter_entry(move |e| {
            let is_build_dir = build_dir.as_ref().is_some_and(|b| {
                e.file_type().is_some_and(|t| t.is_dir())
                    && std::fs::canonicalize(e.path()).is_ok_and(|p| &p == b)
            });
            !is_build_dir
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                load_errors.push(walk_error(root, &err));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = relative(root, entry.path());
        if settings.exclude.is_match(&rel) {
            continue;
        }
        let is_note = Path::new(&rel)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if is_note {
            notes.push((rel, entry.into_path()));
        } else {
            attachments.push(rel);
        }
    }
    notes.sort_by(|a, b| a.0.cmp(&b.0));
    attachments.sort();
    let parsed: Vec<Result<_, LoadError>> = notes
        .into_par_iter()
        .map(|(rel, path)| match std::fs::read(&path) {
            Ok(bytes) => Ok(parse_note(rel, bytes)),
            Err(e) => Err(LoadError {
                path: rel,
                message: format!("cannot read file: {}", io_message(&e)),
            }),
        })
        .collect();
    let mut vault = Vault {
        root: root.clone(),
        ..Vault::default()
    };
    for p in parsed {
        match p {
            Ok(note) => vault.notes.push(note),
            Err(e) => load_errors.push(e),
        }
    }
    vault.attachments = attachments;
    load_errors.sort_by(|a, b| a.path.cmp(&b.path));
    vault.load_errors = load_errors;
    Ok(vault)
}

/// `root`-relative path with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

fn walk_error(root: &Path, err: &ignore::Error) -> LoadError {
    let (path, message) = match err {
        ignore::Error::WithPath { path, err } => (relative(root, path), err.to_string()),
        ignore::Error::WithDepth { err, .. } => return walk_error(root, err),
        ignore::Error::Loop { child, ancestor } => (
            relative(root, child),
            format!(
                "symbolic link loop: points back to {}",
                relative(root, ancestor).if_empty(".")
            ),
        ),
        ignore::Error::Io(e) => (String::new(), io_message(e)),
        other => (String::new(), other.to_string()),
    };
    LoadError {
        path: path.if_empty("."),
        message,
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::NotFound => "file not found".to_owned(),
        _ => e.to_string(),
    }
}

trait IfEmpty {
    fn if_empty(self, default: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, default: &str) -> String {
        if self.is_empty() {
            default.to_owned()
        } else {
            self
        }
    }
}
