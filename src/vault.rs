//! Loading: walk the vault folder and read its files; parsing is the next stage's.
//!
//! Hidden folders (`.obsidian`, `.git`, `.trash`), `.gitignore`d paths (also outside git
//! repositories), the build folder, sites vaultc built, `node_modules` and Python virtual
//! environments, and `[lint] exclude` globs are skipped. A file or folder
//! that cannot be read becomes a [`LoadError`] and the run goes on.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::cache::Stamp;
use crate::config::Settings;
use crate::model::LoadError;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("vault folder {0} does not exist")]
    Missing(PathBuf),
    #[error("{0} is not a folder")]
    NotAFolder(PathBuf),
}

/// The file `vaultc build` leaves in every site folder it writes (see crate::site).
pub const SITE_MARKER: &str = ".vaultc-site";

/// A file found by the walk, with what the caches need to tell whether it changed.
#[derive(Debug, Clone)]
pub struct Found {
    /// Vault-relative, `/`-separated.
    pub rel: String,
    pub path: PathBuf,
    pub is_note: bool,
    /// Size and time (both 0 for a walk without stats); no digest.
    pub stamp: Stamp,
}

/// Everything the walk found, sorted by path: no file read yet.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<Found>,
    pub load_errors: Vec<LoadError>,
}

/// Walks `settings.src`: notes and attachments, with sizes and modification times.
pub fn walk(settings: &Settings) -> Result<Walk, VaultError> {
    walk_with(settings, true)
}

/// Walks `settings.src` without the sizes and times (0): for a run that uses no cache, which
/// is all they are for.
pub fn walk_names(settings: &Settings) -> Result<Walk, VaultError> {
    walk_with(settings, false)
}

fn walk_with(settings: &Settings, stat: bool) -> Result<Walk, VaultError> {
    let root = &settings.src;
    if !root.exists() {
        return Err(VaultError::Missing(root.clone()));
    }
    if !root.is_dir() {
        return Err(VaultError::NotAFolder(root.clone()));
    }
    // Symbolic links are followed inside the vault only: a link whose target lies outside
    // it is neither read nor walked (SPEC §7), and is reported once, as a load error.
    let outside = OutsideLinks::new(root);
    let files = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    // On every core: folders are read, and files stat'ed for the caches, in parallel; the
    // order they come in is not the walk's, so both lists are sorted after.
    walker(settings, outside.clone()).run(|| {
        Box::new(|entry| {
            match entry {
                Ok(e) => {
                    if let Some(f) = found(settings, e, stat) {
                        lock(&files).push(f);
                    }
                }
                Err(err) => lock(&errors).push(walk_error(root, &err)),
            }
            ignore::WalkState::Continue
        })
    });
    let mut out = Walk {
        files: files.into_inner().unwrap_or_else(|e| e.into_inner()),
        load_errors: errors.into_inner().unwrap_or_else(|e| e.into_inner()),
    };
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.load_errors
        .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    out.load_errors
        .extend(outside.take().into_iter().map(|path| LoadError {
            path: relative(root, &path),
            message: "symbolic link points outside the vault".to_owned(),
        }));
    Ok(out)
}

/// A walked entry as a vault file (with its size and time when `stat`); `None` for folders
/// and excluded files.
fn found(settings: &Settings, entry: ignore::DirEntry, stat: bool) -> Option<Found> {
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return None;
    }
    let rel = relative(&settings.src, entry.path());
    if settings.exclude.is_match(&rel) {
        return None;
    }
    let is_note = Path::new(&rel)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"));
    let path = entry.into_path();
    let stamp = if stat {
        std::fs::metadata(&path).map_or_else(|_| Stamp::default(), |m| Stamp::of(&m))
    } else {
        Stamp::default()
    };
    Some(Found {
        rel,
        path,
        is_note,
        stamp,
    })
}

/// A lock that a panicked holder left poisoned is still the list it was.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The vault's walker: hidden and ignored paths, symbolic links out of the vault, the build
/// folder, sites vaultc built, and folders of other tools' files skipped.
fn walker(settings: &Settings, outside: OutsideLinks) -> ignore::WalkParallel {
    let build_dir = std::fs::canonicalize(&settings.build_dir).ok();
    ignore::WalkBuilder::new(&settings.src)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |e| {
            if e.path_is_symlink() && outside.leaves_vault(e.path()) {
                return false;
            }
            if !e.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let is_build_dir = build_dir
                .as_ref()
                .is_some_and(|b| std::fs::canonicalize(e.path()).is_ok_and(|p| &p == b));
            !is_build_dir && (e.depth() == 0 || !is_output_or_tooling(e.path()))
        })
        .build_parallel()
}

/// Is the folder at `path` one whose files are no one's notes: a site vaultc built (it
/// carries the site marker, whatever its name), JavaScript packages (`node_modules`) or a
/// Python virtual environment (it holds `pyvenv.cfg`)? A vault rarely holds them; a folder
/// vaultc is pointed at without a book.toml (a home or `/tmp`) often does, with millions of
/// Markdown files from other people.
fn is_output_or_tooling(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "node_modules")
        || path.join(SITE_MARKER).is_file()
        || path.join("pyvenv.cfg").is_file()
}

/// Symbolic links found pointing outside the vault, each recorded once (a link reached by
/// two paths, through a linked folder, is still one link: under the first of its paths).
#[derive(Clone)]
struct OutsideLinks {
    root: PathBuf,
    /// (the link by its real folder, the path it was reached by).
    found: std::sync::Arc<Mutex<Vec<(PathBuf, PathBuf)>>>,
}

impl OutsideLinks {
    fn new(root: &Path) -> Self {
        Self {
            root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned()),
            found: std::sync::Arc::default(),
        }
    }

    /// Does the symbolic link at `path` resolve outside the vault? Records it if so. A
    /// dangling link resolves nowhere and is left to the walk, which reports it.
    fn leaves_vault(&self, path: &Path) -> bool {
        let Ok(target) = std::fs::canonicalize(path) else {
            return false;
        };
        if target.starts_with(&self.root) {
            return false;
        }
        // The link itself, by its real folder: the same link seen through a linked folder
        // is one link.
        let link = path
            .parent()
            .and_then(|p| std::fs::canonicalize(p).ok())
            .zip(path.file_name())
            .map_or_else(|| path.to_owned(), |(dir, name)| dir.join(name));
        lock(&self.found).push((link, path.to_owned()));
        true
    }

    /// The links found, each by the first of its paths, sorted.
    fn take(&self) -> Vec<PathBuf> {
        let mut found = std::mem::take(&mut *lock(&self.found));
        found.sort_by(|a, b| a.1.cmp(&b.1));
        let mut seen = HashSet::new();
        found
            .into_iter()
            .filter(|(link, _)| seen.insert(link.clone()))
            .map(|(_, path)| path)
            .collect()
    }
}

/// Reads a walked file's bytes; a file that cannot be read is a [`LoadError`] naming it.
pub fn read(file: &Found) -> Result<Vec<u8>, LoadError> {
    std::fs::read(&file.path).map_err(|e| LoadError {
        path: file.rel.clone(),
        message: format!("cannot read file: {}", io_message(&e)),
    })
}

/// `root`-relative path with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // Where `/` is the separator, a path below the root is already written so (the walk
    // calls this for every file: no list of parts to build).
    if std::path::MAIN_SEPARATOR == '/'
        && let Some(text) = rel.to_str()
        && !text.starts_with('/')
        && !text.ends_with('/')
        && !text.split('/').any(|part| part.is_empty() || part == ".")
    {
        return text.to_owned();
    }
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
