//! Putting a built site on disk, safely.
//!
//! - A fresh build goes into a hidden sibling folder that is renamed into place at the end, so
//!   a failed build never leaves half a site.
//! - A rebuild over a site vaultc made rewrites only files whose bytes changed (each through a
//!   temporary file and a rename) and removes the files the previous build wrote that this one
//!   no longer makes. Unchanged files keep their inode and modification time.
//! - vaultc marks its folders with `.vaultc-site`, which lists the files it wrote (with their
//!   size and, for pages, the fingerprint of what they were made from, so that the next build
//!   can skip rendering them). A folder that is not empty and has no marker (the vault itself,
//!   say) is refused unless forced; and even then only files vaultc wrote are ever removed.
//! - Every path written is checked to stay inside the output folder, and symbolic links inside
//!   it are never followed.

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

/// The marker file: a record of every file of the last build, with its size and, for pages,
/// the fingerprint of what it was made from.
pub const MARKER: &str = crate::vault::SITE_MARKER;
/// The first line of the text marker older versions wrote (also what the record's key is
/// made from).
const MARKER_HEADER: &str = "vaultc site 2: files written by `vaultc build` (do not edit)";

/// One output file: a site-relative `/`-separated path and what goes in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub path: String,
    pub content: Content,
    /// What a page was made from (see `site::fingerprint`).
    pub fingerprint: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A copy of this file (an attachment from the vault).
    Copy(PathBuf),
    /// The file the previous build wrote, unchanged (its fingerprint matched).
    Kept,
}

impl SiteFile {
    pub fn bytes(path: &str, bytes: Vec<u8>) -> Self {
        Self {
            path: path.to_owned(),
            content: Content::Bytes(bytes),
            fingerprint: None,
        }
    }

    /// A rendered page and the fingerprint of what it was made from.
    pub fn page(path: &str, html: String, fingerprint: u64) -> Self {
        Self {
            path: path.to_owned(),
            content: Content::Bytes(html.into_bytes()),
            fingerprint: Some(fingerprint),
        }
    }

    /// A page the previous build already wrote from the same inputs.
    pub fn kept(path: &str, fingerprint: u64) -> Self {
        Self {
            path: path.to_owned(),
            content: Content::Kept,
            fingerprint: Some(fingerprint),
        }
    }
}

/// What the marker says the previous build wrote: path → (fingerprint, size).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub files: BTreeMap<String, (Option<u64>, u64)>,
}

/// The marker is a record (see [`crate::cache`]) whose key does not change with vaultc's
/// binary: every version must read which files an earlier one wrote.
const MARKER_KIND: crate::cache::Kind = crate::cache::Kind {
    tag: *b"site",
    version: 3,
};

fn marker_key() -> crate::cache::Key {
    crate::cache::Key::fixed(*blake3::hash(MARKER_HEADER.as_bytes()).as_bytes())
}

impl Manifest {
    fn read(bytes: &[u8]) -> Self {
        match crate::cache::envelope::decode(bytes, MARKER_KIND, &marker_key()) {
            Some((files, [])) => Self { files },
            _ => Self::legacy(&String::from_utf8_lossy(bytes)),
        }
    }

    /// A marker older vaultc versions wrote: one file a line.
    fn legacy(text: &str) -> Self {
        let mut files = BTreeMap::new();
        let mut lines = text.lines();
        let current = lines.next() == Some(MARKER_HEADER);
        for line in lines.filter(|l| !l.is_empty()) {
            let parsed = current
                .then(|| {
                    let (fp, rest) = line.split_once(' ')?;
                    let (size, path) = rest.split_once(' ')?;
                    Some((path, u64::from_str_radix(fp, 16).ok(), size.parse().ok()?))
                })
                .flatten();
            match parsed {
                Some((path, fp, size)) => files.insert(path.to_owned(), (fp, size)),
                // An older marker: its paths, nothing to reuse.
                None => files.insert(line.to_owned(), (None, u64::MAX)),
            };
        }
        Self { files }
    }

    /// Is every file the previous build wrote still there, a file of the recorded size?
    pub fn intact(&self, dir: &Path) -> bool {
        self.files.par_iter().all(|(path, &(_, size))| {
            is_safe(path)
                && dir
                    .join(path)
                    .symlink_metadata()
                    .is_ok_and(|m| m.is_file() && m.len() == size)
        })
    }

    fn encode(entries: &[(&str, Option<u64>, u64)]) -> std::io::Result<Vec<u8>> {
        let files: BTreeMap<&str, (Option<u64>, u64)> = entries
            .iter()
            .map(|&(path, fp, size)| (path, (fp, size)))
            .collect();
        crate::cache::envelope::encode(MARKER_KIND, &marker_key(), &files)
    }
}

/// The previous build in an output folder, as far as pages can be reused from it: a page
/// is reused when the marker recorded the same fingerprint and the file is still there
/// with its recorded size.
#[derive(Debug)]
pub struct Previous {
    dir: PathBuf,
    manifest: Manifest,
}

impl Previous {
    /// What `check` found in `dir` (nothing to reuse unless it is a site vaultc made).
    pub fn new(dir: &Path, target: &Target) -> Self {
        Self {
            dir: dir.to_owned(),
            manifest: match target {
                Target::Ours(m) => m.clone(),
                Target::Fresh | Target::Forced => Manifest::default(),
            },
        }
    }
}

impl crate::site::Reuse for Previous {
    fn reusable(&self, path: &str, fingerprint: u64) -> bool {
        self.manifest.files.get(path).is_some_and(|&(fp, size)| {
            fp == Some(fingerprint)
                && is_safe(path)
                && self
                    .dir
                    .join(path)
                    .symlink_metadata()
                    .is_ok_and(|m| m.is_file() && m.len() == size)
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{0} is not empty and was not made by vaultc (it has no {MARKER} file); choose another --out folder, or pass --force to write into it anyway"
    )]
    NotOurs(PathBuf),
    #[error("{0} exists and is not a folder")]
    NotAFolder(PathBuf),
    #[error("refusing to write {0}: the path leaves the output folder")]
    UnsafePath(String),
    #[error("refusing to write through the symbolic link {0}")]
    Symlink(PathBuf),
    #[error("{0} was to be kept from the previous build, which did not write it")]
    Missing(String),
    #[error("{context} {path}: {source}")]
    Io {
        context: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(context: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> OutputError {
    let path = path.to_owned();
    move |source| OutputError::Io {
        context,
        path,
        source,
    }
}

/// What a write did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    /// Files created or rewritten.
    pub written: usize,
    pub unchanged: usize,
    /// Files of the previous build that are gone.
    pub removed: usize,
    /// The site was built into a new folder and moved into place.
    pub fresh: bool,
    /// Nothing the site is made from changed since the last build: no page was looked at.
    pub up_to_date: bool,
}

/// How `out` stands before a build.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// Missing or empty: build aside and move into place.
    Fresh,
    /// Made by vaultc: rewrite what changed; these files were written last time.
    Ours(Manifest),
    /// Not empty and not ours, and `force` was given: write, remove nothing.
    Forced,
}

/// Checks that the site may be written to `out` (before any work is done).
pub fn check(out: &Path, force: bool) -> Result<Target, OutputError> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::Fresh),
        Err(e) => return Err(io("cannot read", out)(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(OutputError::Symlink(out.to_owned()));
    }
    if !meta.is_dir() {
        return Err(OutputError::NotAFolder(out.to_owned()));
    }
    let marker = out.join(MARKER);
    if marker.is_file() {
        let bytes = std::fs::read(&marker).map_err(io("cannot read", &marker))?;
        return Ok(Target::Ours(Manifest::read(&bytes)));
    }
    let empty = std::fs::read_dir(out)
        .map_err(io("cannot read", out))?
        .next()
        .is_none();
    match (empty, force) {
        (true, _) => Ok(Target::Fresh),
        (false, true) => Ok(Target::Forced),
        (false, false) => Err(OutputError::NotOurs(out.to_owned())),
    }
}

/// Writes `files` (sorted, unique paths) to `out`.
pub fn write(files: &[SiteFile], out: &Path, force: bool) -> Result<Written, OutputError> {
    for f in files {
        if !is_safe(&f.path) {
            return Err(OutputError::UnsafePath(f.path.clone()));
        }
    }
    match check(out, force)? {
        Target::Fresh => write_fresh(files, out),
        Target::Ours(previous) => update(files, out, &previous),
        Target::Forced => update(files, out, &Manifest::default()),
    }
}

/// A relative path of plain components: no root, no `..`, no `.`, no empty parts.
fn is_safe(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && path.split('/').all(|part| !part.is_empty())
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Builds into a hidden sibling folder, then renames it into place.
fn write_fresh(files: &[SiteFile], out: &Path) -> Result<Written, OutputError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io("cannot create", &parent))?;
    let name = out
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.vaultc-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io("cannot remove", &staging))?;
    }
    remove_abandoned_staging(&parent, &name);
    let result = (|| {
        std::fs::create_dir(&staging).map_err(io("cannot create", &staging))?;
        let mut dirs = Dirs::new(&staging);
        for f in files {
            dirs.ensure_parent(&f.path)?;
        }
        let written: Vec<(bool, u64)> = files
            .par_iter()
            .map(|f| put(&staging.join(&f.path), f, None))
            .collect::<Result<_, _>>()?;
        write_marker(&staging, files, &written)?;
        if out.exists() {
            // An empty folder (checked): rename replaces it.
            std::fs::remove_dir(out).map_err(io("cannot replace", out))?;
        }
        std::fs::rename(&staging, out).map_err(io("cannot move the new site to", out))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result?;
    Ok(Written {
        written: files.len(),
        fresh: true,
        ..Written::default()
    })
}

/// Removes the staging folders of builds of `name` that were killed before they could move
/// their site into place (`.NAME.vaultc-PID` whose process is gone). Linux only: elsewhere
/// there is no cheap way to tell a dead build from a running one, and they stay.
fn remove_abandoned_staging(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{name}.vaultc-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let file_name = e.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir
            && !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
            && !Path::new("/proc").join(pid).exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Rewrites changed files, removes files the previous build made that are gone.
fn update(files: &[SiteFile], out: &Path, previous: &Manifest) -> Result<Written, OutputError> {
    let mut dirs = Dirs::new(out);
    for f in files {
        dirs.ensure_parent(&f.path)?;
    }
    let written: Vec<(bool, u64)> = files
        .par_iter()
        .map(|f| put(&out.join(&f.path), f, Some(previous)))
        .collect::<Result<_, _>>()?;
    let count = written.iter().filter(|w| w.0).count();
    let now: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut removed = 0;
    for old in previous.files.keys().filter(|p| !now.contains(p.as_str())) {
        if !is_safe(old) {
            continue;
        }
        let path = out.join(old);
        if dirs.is_real_dir_below(old) && path.symlink_metadata().is_ok_and(|m| m.is_file()) {
            std::fs::remove_file(&path).map_err(io("cannot remove", &path))?;
            removed += 1;
            remove_empty_parents(out, old);
        }
    }
    write_marker(out, files, &written)?;
    Ok(Written {
        written: count,
        unchanged: files.len() - count,
        removed,
        ..Written::default()
    })
}

/// Writes one file unless (on an update) it already holds these bytes: (written, size).
fn put(path: &Path, f: &SiteFile, previous: Option<&Manifest>) -> Result<(bool, u64), OutputError> {
    let bytes: std::borrow::Cow<'_, [u8]> = match &f.content {
        Content::Bytes(b) => b.into(),
        Content::Copy(src) => std::fs::read(src).map_err(io("cannot read", src))?.into(),
        Content::Kept => {
            // Only offered when the previous build's file is in place (`Previous`).
            let size = previous
                .and_then(|m| m.files.get(&f.path))
                .map(|&(_, size)| size)
                .ok_or_else(|| OutputError::Missing(f.path.clone()))?;
            return Ok((false, size));
        }
    };
    let size = bytes.len() as u64;
    let Some(_) = previous else {
        // A fresh folder nobody reads yet: no need for a temporary file.
        std::fs::write(path, &bytes).map_err(io("cannot write", path))?;
        return Ok((true, size));
    };
    let same = path
        .symlink_metadata()
        .is_ok_and(|m| m.is_file() && m.len() == size)
        && std::fs::read(path).is_ok_and(|old| old == *bytes);
    if !same {
        replace_file(path, &bytes)?;
    }
    Ok((!same, size))
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path` (which
/// replaces a symbolic link there rather than following it).
fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    crate::cache::write_atomic(path, |w| w.write_all(bytes)).map_err(io("cannot write", path))
}

fn write_marker(
    dir: &Path,
    files: &[SiteFile],
    written: &[(bool, u64)],
) -> Result<(), OutputError> {
    let entries: Vec<(&str, Option<u64>, u64)> = files
        .iter()
        .zip(written)
        .map(|(f, &(_, size))| (f.path.as_str(), f.fingerprint, size))
        .collect();
    let path = dir.join(MARKER);
    let bytes = Manifest::encode(&entries).map_err(io("cannot write", &path))?;
    if std::fs::read(&path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    replace_file(&path, &bytes)
}

fn remove_empty_parents(out: &Path, rel: &str) {
    let mut rel = rel;
    while let Some((parent, _)) = rel.rsplit_once('/') {
        // Fails (and stops) at the first folder that is not empty.
        if std::fs::remove_dir(out.join(parent)).is_err() {
            break;
        }
        rel = parent;
    }
}

/// Folders made or checked below the output folder: real folders, never symbolic links.
struct Dirs {
    root: PathBuf,
    known: HashSet<String>,
}

impl Dirs {
    fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            known: HashSet::new(),
        }
    }

    /// Makes the folders above site path `rel`.
    fn ensure_parent(&mut self, rel: &str) -> Result<(), OutputError> {
        let Some((parent, _)) = rel.rsplit_once('/') else {
            return Ok(());
        };
        let mut prefix = String::new();
        for part in parent.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if self.known.contains(&prefix) {
                continue;
            }
            let dir = self.root.join(&prefix);
            match dir.symlink_metadata() {
                Ok(m) if m.file_type().is_symlink() => return Err(OutputError::Symlink(dir)),
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    // A file where a folder must go (left by an earlier build or by hand).
                    std::fs::remove_file(&dir).map_err(io("cannot replace", &dir))?;
                    std::fs::create_dir(&dir).map_err(io("cannot create", &dir))?;
                }
                Err(_) => std::fs::create_dir(&dir).map_err(io("cannot create", &dir))?,
            }
            self.known.insert(prefix.clone());
        }
        Ok(())
    }

    /// Are all folders above `rel` real folders (no symbolic link on the way)?
    fn is_real_dir_below(&self, rel: &str) -> bool {
        let Some((parent, _)) = rel.rsplit_once('/') else {
            return true;
        };
        let mut path = self.root.clone();
        parent.split('/').all(|part| {
            path.push(part);
            path.symlink_metadata().is_ok_and(|m| m.is_dir())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<SiteFile> {
        list.iter()
            .map(|(p, b)| SiteFile::bytes(p, b.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn abandoned_staging_folders_of_dead_builds_are_removed_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        // Above any pid_max Linux allows: no such process.
        let dead = p.join(".site.vaultc-999999999");
        let alive = p.join(format!(".site.vaultc-{}", std::process::id()));
        let others = [
            p.join(".site.vaultc-notapid"),
            p.join(".other.vaultc-999999999"),
            p.join("site"),
        ];
        for d in [&dead, &alive].into_iter().chain(&others) {
            std::fs::create_dir_all(d.join("sub")).unwrap();
            std::fs::write(d.join("sub/page.html"), "x").unwrap();
        }
        remove_abandoned_staging(p, "site");
        assert!(!dead.exists());
        assert!(alive.exists(), "a running build's folder stays");
        for d in &others {
            assert!(d.exists(), "{} stays", d.display());
        }
    }

    #[test]
    fn paths_must_stay_inside() {
        assert!(is_safe("a/b.html"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a\\b",
        ] {
            assert!(!is_safe(bad), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        let err = write(
            &files(&[("../escape.html", "x")]),
            &dir.path().join("s"),
            false,
        );
        assert!(matches!(err, Err(OutputError::UnsafePath(_))));
        assert!(!dir.path().join("escape.html").exists());
    }

    #[test]
    fn fresh_then_incremental_then_removal() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let w = write(&files(&[("a.html", "A"), ("d/b.html", "B")]), &out, false).unwrap();
        assert!(w.fresh);
        assert!(out.join(MARKER).is_file());
        let w = write(&files(&[("a.html", "A"), ("d/b.html", "B2")]), &out, false).unwrap();
        assert_eq!((w.written, w.unchanged, w.removed), (1, 1, 0));
        let w = write(&files(&[("a.html", "A")]), &out, false).unwrap();
        assert_eq!(w.removed, 1);
        assert!(!out.join("d").exists(), "emptied folders go too");
        // Staging folders never stay behind.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn pages_are_reused_only_with_the_same_fingerprint_and_file() {
        use crate::site::Reuse;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let page = SiteFile::page("a.html", "AAA".into(), 7);
        write(
            &[page, SiteFile::bytes("b.css", b"B".to_vec())],
            &out,
            false,
        )
        .unwrap();
        let previous = Previous::new(&out, &check(&out, false).unwrap());
        assert!(previous.reusable("a.html", 7));
        assert!(!previous.reusable("a.html", 8), "another fingerprint");
        assert!(!previous.reusable("b.css", 7), "no fingerprint recorded");
        std::fs::write(out.join("a.html"), "changed by hand").unwrap();
        assert!(!previous.reusable("a.html", 7), "another size");
        std::fs::remove_file(out.join("a.html")).unwrap();
        assert!(!previous.reusable("a.html", 7), "gone");

        // A kept page stays as it is and keeps its entry.
        std::fs::write(out.join("a.html"), "AAA").unwrap();
        let w = write(&[SiteFile::kept("a.html", 7)], &out, false).unwrap();
        assert_eq!((w.written, w.unchanged, w.removed), (0, 1, 1));
        let again = Previous::new(&out, &check(&out, false).unwrap());
        assert!(again.reusable("a.html", 7));
    }

    #[test]
    fn foreign_folders_are_refused_and_forced_writes_remove_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("note.md"), "mine").unwrap();
        let err = write(&files(&[("a.html", "A")]), dir.path(), false).unwrap_err();
        assert!(matches!(err, OutputError::NotOurs(_)));
        assert!(!dir.path().join("a.html").exists());
        write(&files(&[("a.html", "A")]), dir.path(), true).unwrap();
        write(&files(&[("b.html", "B")]), dir.path(), false).unwrap();
        assert!(
            dir.path().join("note.md").is_file(),
            "never written by vaultc"
        );
        assert!(!dir.path().join("a.html").exists(), "written by vaultc");
    }
}
