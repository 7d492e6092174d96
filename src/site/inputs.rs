//! What the last build was made from, so that a rebuild with nothing changed does no work.
//!
//! Beside the marker, a built site keeps [`FILE`]: a key for everything besides the vault that
//! decides the site (vaultc's version and binary, the config file's bytes, the theme folder,
//! "today"), and one line per vault file: its content hash (notes), size, modification time
//! and the hash of its path (the site folder is published: it names no file of the vault).
//! A rebuild first walks the vault and compares. Files whose size and time both match are
//! taken as unchanged (as git and make do); a note whose time alone moved, say by
//! `touch` or an editor saving the same text, is read and hashed, and counts as unchanged
//! when its hash matches. Anything else — a file added, removed or resized, an attachment
//! touched, an unreadable file, another key — means a full build.
//!
//! The record is removed before a full build starts writing and rewritten only after it
//! succeeded, so it never describes a site half made from other inputs. A time within
//! [`RACY_WINDOW_NS`](crate::cache::RACY_WINDOW_NS) of the build is recorded as unknown, because a second edit in the same
//! clock tick could keep the size and time (git's "racy clean" problem); such a note is
//! hashed next time.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use crate::cache::{binary_identity, is_racy, now_ns};
use crate::model::Vault;
use crate::vault::Walk;

/// The record's file name in the site folder.
pub const FILE: &str = ".vaultc-site-inputs";
const HEADER: &str = "vaultc site inputs 1";

/// What decides the site besides the vault's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl Key {
    /// `config`: the config file's bytes; `theme`: the theme folder, if any; `today`.
    pub fn new(config: &[u8], theme: Option<&Path>, today: &str) -> Self {
        let mut h = blake3::Hasher::new();
        binary_identity(&mut h);
        for part in [config, today.as_bytes()] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        if let Some(dir) = theme {
            let mut files: Vec<_> = walkdir(dir);
            files.sort();
            for path in files {
                let bytes = std::fs::read(&path).unwrap_or_default();
                let name = path.to_string_lossy();
                h.update(&(name.len() as u64).to_le_bytes());
                h.update(name.as_bytes());
                h.update(&(bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
        }
        Key(*h.finalize().as_bytes())
    }
}

/// Every file below `dir`, recursively (a theme folder: a few templates and assets).
fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// One vault file as the last build saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    /// BLAKE3 of a note's bytes; attachments are compared by size and time only.
    digest: Option<[u8; 32]>,
    len: u64,
    /// 0: unknown (too recent to trust, or unreadable).
    mtime_ns: u128,
}

/// The record of the last full build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    key: Key,
    files: BTreeMap<String, Stamp>,
}

impl Record {
    /// The record for a build just made from `walk` and `vault` (`vault` parsed from `walk`);
    /// `attachments`: the digests [`recent_attachments`] took before the build.
    pub fn new(
        key: Key,
        walk_files: &[crate::vault::Found],
        vault: &Vault,
        attachments: &BTreeMap<String, [u8; 32]>,
    ) -> Option<Self> {
        let digests: BTreeMap<&str, [u8; 32]> = vault
            .notes
            .iter()
            .map(|n| (n.path.as_str(), n.digest))
            .collect();
        let now = now_ns();
        let mut files = BTreeMap::new();
        for f in walk_files {
            // A path the one-line format cannot hold: no record, so every build is full.
            if f.rel.contains(['\n', '\r']) {
                return None;
            }
            let digest = if f.is_note {
                // A note the build could not read has no digest: no record.
                Some(*digests.get(f.rel.as_str())?)
            } else {
                attachments.get(&f.rel).copied()
            };
            let racy = is_racy(f.mtime_ns, now);
            files.insert(
                path_key(&f.rel),
                Stamp {
                    digest,
                    len: f.len,
                    mtime_ns: if racy { 0 } else { f.mtime_ns },
                },
            );
        }
        Some(Self { key, files })
    }

    fn render(&self) -> String {
        let mut text = format!("{HEADER} {}\n", hex(&self.key.0));
        for (path, s) in &self.files {
            let digest = s.digest.map_or_else(|| "-".to_owned(), |d| hex(&d));
            text.push_str(&format!("{digest} {} {} {path}\n", s.len, s.mtime_ns));
        }
        text
    }

    fn parse(text: &str) -> Option<Self> {
        let mut lines = text.lines();
        let key = lines.next()?.strip_prefix(HEADER)?.strip_prefix(' ')?;
        let key = Key(unhex(key)?);
        let mut files = BTreeMap::new();
        for line in lines {
            let mut parts = line.splitn(4, ' ');
            let digest = match parts.next()? {
                "-" => None,
                d => Some(unhex(d)?),
            };
            let len = parts.next()?.parse().ok()?;
            let mtime_ns = parts.next()?.parse().ok()?;
            let path = parts.next()?;
            files.insert(
                path.to_owned(),
                Stamp {
                    digest,
                    len,
                    mtime_ns,
                },
            );
        }
        Some(Self { key, files })
    }

    /// Reads the record in site folder `dir`; `None` when there is none or it is unreadable.
    pub fn load(dir: &Path) -> Option<Self> {
        Self::parse(&std::fs::read_to_string(dir.join(FILE)).ok()?)
    }

    /// Writes the record into site folder `dir`, replacing any other.
    pub fn store(&self, dir: &Path) -> std::io::Result<()> {
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, self.render().as_bytes())?;
        tmp.persist(dir.join(FILE)).map_err(|e| e.error)?;
        Ok(())
    }

    /// Removes the record from site folder `dir` (before a build that may change the site).
    pub fn remove(dir: &Path) -> std::io::Result<()> {
        match std::fs::remove_file(dir.join(FILE)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Does `walk` show the same files as this record, under the same key? Notes whose time
    /// alone changed are read and hashed. On `Some`, the record to store (times refreshed)
    /// when it differs from this one.
    pub fn unchanged(&self, key: Key, walk: &Walk) -> Option<Option<Self>> {
        if key != self.key || !walk.load_errors.is_empty() || walk.files.len() != self.files.len() {
            return None;
        }
        let now = now_ns();
        let checked: Option<Vec<(String, Stamp)>> = walk
            .files
            .par_iter()
            .map(|f| {
                let old = self.files.get(&path_key(&f.rel))?;
                if f.len != old.len || f.mtime_ns == 0 {
                    return None;
                }
                if f.mtime_ns != old.mtime_ns || old.mtime_ns == 0 {
                    // Same size, other (or unknown) time: the same bytes?
                    let old_digest = old.digest?;
                    let bytes = std::fs::read(&f.path).ok()?;
                    if *blake3::hash(&bytes).as_bytes() != old_digest {
                        return None;
                    }
                }
                let racy = is_racy(f.mtime_ns, now);
                Some((
                    path_key(&f.rel),
                    Stamp {
                        digest: old.digest,
                        len: f.len,
                        mtime_ns: if racy { 0 } else { f.mtime_ns },
                    },
                ))
            })
            .collect();
        let refreshed = Self {
            key,
            files: checked?.into_iter().collect(),
        };
        Some((refreshed != *self).then_some(refreshed))
    }
}

/// Digests of the attachments changed too recently for their time to be trusted, taken
/// before the build copies them: if one changes in between, the next build sees a digest
/// that does not match and builds again (never the other way round).
pub fn recent_attachments(walk: &Walk) -> BTreeMap<String, [u8; 32]> {
    let now = now_ns();
    walk.files
        .par_iter()
        .filter(|f| !f.is_note && is_racy(f.mtime_ns, now))
        .filter_map(|f| {
            let bytes = std::fs::read(&f.path).ok()?;
            Some((f.rel.clone(), *blake3::hash(&bytes).as_bytes()))
        })
        .collect()
}

/// A vault path as the record keeps it: hashed, because the record sits in the published
/// site folder and must not name the vault's files (a private note's name among them).
fn path_key(rel: &str) -> String {
    hex(blake3::hash(rel.as_bytes()).as_bytes())
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trips_and_rejects_garbage() {
        let mut files = BTreeMap::new();
        files.insert(
            "a b/c d.md".to_owned(),
            Stamp {
                digest: Some([7; 32]),
                len: 12,
                mtime_ns: 1_700_000_000_000_000_000,
            },
        );
        files.insert(
            "img.png".to_owned(),
            Stamp {
                digest: None,
                len: 3,
                mtime_ns: 0,
            },
        );
        let r = Record {
            key: Key([1; 32]),
            files,
        };
        assert_eq!(Record::parse(&r.render()), Some(r.clone()));
        assert_eq!(Record::parse("vaultc site inputs 0 00\n"), None);
        assert_eq!(Record::parse(&r.render().replace(" 12 ", " x ")), None);
        assert_eq!(Record::parse(""), None);
    }
}
