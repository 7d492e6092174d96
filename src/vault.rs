//! Loading: walk the vault folder, read every note once, parse notes in parallel.
//!
//! Hidden folders (`.obsidian`, `.git`, `.trash`), `.gitignore`d paths (also outside git
//! repositories), the build folder and `[lint] exclude` globs are skipped. A file or folder
//! that cannot be read becomes a [`LoadError`] and the run goes on.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Settings;
use crate::model::{LoadError, Note, Vault};
use crate::note_cache::{NoteCache, Use};
use crate::parse::{Detail, parse_note_with};

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("vault folder {0} does not exist")]
    Missing(PathBuf),
    #[error("{0} is not a folder")]
    NotAFolder(PathBuf),
}

/// The file `vaultc build` leaves in every site folder it writes (see crate::site).
pub const SITE_MARKER: &str = ".vaultc-site";

/// A file found by the walk, with what the cache needs to tell whether it changed.
#[derive(Debug, Clone)]
pub struct Found {
    /// Vault-relative, `/`-separated.
    pub rel: String,
    pub path: PathBuf,
    pub is_note: bool,
    pub len: u64,
    /// Modification time in nanoseconds since the epoch (0 when unknown).
    pub mtime_ns: u128,
}

/// Everything the walk found, sorted by path: no file read yet.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<Found>,
    pub load_errors: Vec<LoadError>,
}

/// Walks `settings.src` and parses every note, keeping what `detail` asks for.
pub fn load(settings: &Settings, detail: Detail) -> Result<Vault, VaultError> {
    Ok(parse_walked(settings, walk(settings)?, detail))
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
    let mut out = Walk::default();
    let build_dir = std::fs::canonicalize(&settings.build_dir).ok();
    // Symbolic links are followed inside the vault only: a link whose target lies outside
    // it is neither read nor walked (SPEC §7), and is reported once, as a load error.
    let outside = OutsideLinks::new(root);
    let outside_filter = outside.clone();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(true)
        .sort_by_file_name(std::ffi::OsStr::cmp)
        .filter_entry(move |e| {
            if e.path_is_symlink() && outside_filter.leaves_vault(e.path()) {
                return false;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            let is_build_dir = is_dir
                && build_dir
                    .as_ref()
                    .is_some_and(|b| std::fs::canonicalize(e.path()).is_ok_and(|p| &p == b));
            // Any site vaultc built inside the vault (another build-dir, an old --out) is
            // output, not notes: its folder carries the site marker.
            let is_site = is_dir && e.depth() > 0 && e.path().join(SITE_MARKER).is_file();
            !is_build_dir && !is_site
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                out.load_errors.push(walk_error(root, &err));
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
        out.files.push(Found {
            rel,
            path: entry.into_path(),
            is_note,
            len: 0,
            mtime_ns: 0,
        });
    }
    // Sizes and times for the cache's fingerprint: one stat per file, on every core (the
    // walk itself is sequential, and stats were three quarters of its time).
    out.files.par_iter_mut().filter(|_| stat).for_each(|f| {
        if let Ok(m) = std::fs::metadata(&f.path) {
            f.len = m.len();
            f.mtime_ns = crate::cache::mtime_ns(&m);
        }
    });
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.load_errors
        .extend(outside.take().into_iter().map(|path| LoadError {
            path: relative(root, &path),
            message: "symbolic link points outside the vault".to_owned(),
        }));
    Ok(out)
}

/// Symbolic links found pointing outside the vault, each recorded once (a link reached by
/// two paths, through a linked folder, is still one link).
#[derive(Clone)]
struct OutsideLinks {
    root: PathBuf,
    found: std::sync::Arc<std::sync::Mutex<(Vec<PathBuf>, HashSet<PathBuf>)>>,
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
        if let Ok(mut found) = self.found.lock() {
            let (paths, seen) = &mut *found;
            if seen.insert(link) {
                paths.push(path.to_owned());
            }
        }
        true
    }

    /// The links found, in walk order.
    fn take(&self) -> Vec<PathBuf> {
        self.found
            .lock()
            .map(|mut f| std::mem::take(&mut f.0))
            .unwrap_or_default()
    }
}

/// Reads and parses the walked notes in parallel.
pub fn parse_walked(settings: &Settings, walk: Walk, detail: Detail) -> Vault {
    parse_walked_cached(settings, walk, detail, None)
}

/// Reads and parses the walked notes in parallel; with a cache folder, notes whose files did
/// not change since they were stored there are decoded instead (see [`crate::note_cache`]).
pub fn parse_walked_cached(
    settings: &Settings,
    walk: Walk,
    detail: Detail,
    cache_dir: Option<&Path>,
) -> Vault {
    let Walk {
        files,
        mut load_errors,
    } = walk;
    let (notes, attachments): (Vec<Found>, Vec<Found>) = files.into_iter().partition(|f| f.is_note);
    let cache = cache_dir.map(|dir| NoteCache::open(dir, &settings.src, detail));
    let parsed: Vec<Result<(Note, bool), LoadError>> = notes
        .par_iter()
        .map(|f| {
            if let Some(note) = cache.as_ref().and_then(|c| c.get(f)) {
                return Ok((note, true));
            }
            match std::fs::read(&f.path) {
                Ok(bytes) => match cache.as_ref().and_then(|c| c.get_by_content(f, &bytes)) {
                    // Touched, or changed and changed back: the same bytes as stored.
                    Some(note) => Ok((note, true)),
                    None => Ok((parse_note_with(f.rel.clone(), bytes, detail), false)),
                },
                Err(e) => Err(LoadError {
                    path: f.rel.clone(),
                    message: format!("cannot read file: {}", io_message(&e)),
                }),
            }
        })
        .collect();
    if let Some(cache) = &cache {
        let used = Use {
            decoded: parsed.iter().filter(|p| matches!(p, Ok((_, true)))).count(),
            parsed: parsed
                .iter()
                .filter(|p| matches!(p, Ok((_, false))))
                .count(),
        };
        crate::pipeline::Timings::start().note(&format!(
            "note cache     {} decoded, {} parsed",
            used.decoded, used.parsed
        ));
        if cache.worth_storing(used) {
            let pairs: Vec<(&Found, &Note)> = notes
                .iter()
                .zip(&parsed)
                .filter_map(|(f, p)| Some((f, &p.as_ref().ok()?.0)))
                .collect();
            // A cache that cannot be written costs the next run time, nothing else.
            let _ = cache.store(&pairs);
        }
    }
    let parsed = parsed.into_iter().map(|p| p.map(|(note, _)| note));
    let mut vault = Vault {
        root: settings.src.clone(),
        ..Vault::default()
    };
    for p in parsed {
        match p {
            Ok(note) => vault.notes.push(note),
            Err(e) => load_errors.push(e),
        }
    }
    vault.bases = attachments
        .par_iter()
        .filter(|f| f.rel.to_ascii_lowercase().ends_with(".base"))
        .filter_map(|f| {
            let text = std::fs::read_to_string(&f.path).ok()?;
            Some(crate::parse::base::parse(f.rel.clone(), &text))
        })
        .collect();
    vault.attachments = attachments.into_iter().map(|f| f.rel).collect();
    load_errors.sort_by(|a, b| a.path.cmp(&b.path));
    vault.load_errors = load_errors;
    vault
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
