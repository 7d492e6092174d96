//! What the last build was made from, so that a rebuild with nothing changed does no work.
//!
//! Beside the marker, a built site keeps [`FILE`], a record (see [`crate::cache`]) under a
//! key for everything besides the vault that decides the site (vaultc's binary, the config
//! file's bytes, the theme, "today"), holding the [`Stamp`] of every vault file: size, time
//! and, for notes, the BLAKE3 of the bytes. A rebuild first walks the vault and compares.
//! Files whose stamps vouch for them are unchanged; a note whose time alone moved, say by
//! `touch` or an editor saving the same text, is read and hashed, and counts as unchanged
//! when its bytes match. Anything else — a file added, removed or resized, an attachment
//! touched, an unreadable file, another key — means a full build.
//!
//! Files are known by the BLAKE3 of their vault path, never by the path itself: the site
//! folder is published, and must not name a note that is not (a private note's file name is
//! as private as its text).
//!
//! The record is removed before a full build starts writing and rewritten only after it
//! succeeded, so it never describes a site half made from other inputs.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cache::envelope;
use crate::cache::{Change, Digest, Key, Kind, Stamp, now_ns, worth_rewriting};
use crate::model::Vault;
use crate::vault::{Found, Walk};

/// The record's file name in the site folder.
pub const FILE: &str = ".vaultc-site-inputs";
const KIND: Kind = Kind {
    tag: *b"sinp",
    version: 1,
};

/// The key of a site's inputs besides the vault's files: `config`, the config file's bytes;
/// `theme`, the theme folder, if any; `today`.
pub fn key(config: &[u8], theme: Option<&Path>, today: &str) -> Key {
    let theme = super::theme::digest(theme);
    Key::new(&[b"site inputs", config, &theme, today.as_bytes()])
}

/// The record of the last full build: every vault file's stamp, by the hash of its path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    files: BTreeMap<Digest, Stamp>,
}

/// How the record knows a vault file: the hash of its path (see the module comment).
fn path_key(rel: &str) -> Digest {
    crate::cache::digest(rel.as_bytes())
}

/// The vault as a build is about to read it: the walked files, and the digests of the
/// attachments changed too recently for their time to be trusted, taken before the build
/// copies them (if one changes in between, the next build sees a digest that does not
/// match and builds again, never the other way round).
pub struct Inputs {
    files: Vec<Found>,
    load_errors: bool,
    attachments: BTreeMap<String, Digest>,
}

impl Inputs {
    /// The inputs `walk` shows.
    pub fn of(walk: &Walk) -> Self {
        let now = now_ns();
        let attachments = walk
            .files
            .par_iter()
            .filter(|f| !f.is_note && f.stamp.is_racy(now))
            .filter_map(|f| {
                let bytes = std::fs::read(&f.path).ok()?;
                Some((f.rel.clone(), crate::cache::digest(&bytes)))
            })
            .collect();
        Self {
            files: walk.files.clone(),
            load_errors: !walk.load_errors.is_empty(),
            attachments,
        }
    }

    /// Is the site in `dir` made from these inputs under `key`? Notes whose time alone
    /// changed are read and hashed; when enough did, the record is refreshed with their new
    /// times (see [`crate::cache::worth_rewriting`]).
    pub fn unchanged(&self, dir: &Path, key: &Key) -> bool {
        let Some(record) = Record::load(dir, key) else {
            return false;
        };
        if self.load_errors || self.files.len() != record.files.len() {
            return false;
        }
        let now = now_ns();
        let checked: Option<Vec<(Digest, Stamp, bool)>> = self
            .files
            .par_iter()
            .map(|f| {
                let key = path_key(&f.rel);
                let old = record.files.get(&key)?;
                match old.change(&f.stamp, || std::fs::read(&f.path).ok()) {
                    Change::Same => Some((key, *old, false)),
                    Change::Touched => Some((key, f.stamp.settled(old.digest, now), true)),
                    Change::Edited(_) | Change::Unreadable => None,
                }
            })
            .collect();
        let Some(checked) = checked else {
            return false;
        };
        let touched = checked.iter().filter(|(_, _, t)| *t).count();
        if worth_rewriting(touched, checked.len()) {
            let refreshed = Record {
                files: checked.into_iter().map(|(p, s, _)| (p, s)).collect(),
            };
            // Without the refresh, the next build hashes those notes again: nothing lost.
            let _ = refreshed.store(dir, key);
        }
        true
    }

    /// The record for a build just made from these inputs and `vault` (parsed from them).
    pub fn record(&self, vault: &Vault) -> Option<Record> {
        let digests: BTreeMap<&str, Digest> = vault
            .notes
            .iter()
            .map(|n| (n.path.as_str(), n.digest))
            .collect();
        let now = now_ns();
        let mut files = BTreeMap::new();
        for f in &self.files {
            let digest = if f.is_note {
                // A note the build could not read has no digest: no record.
                Some(*digests.get(f.rel.as_str())?)
            } else {
                self.attachments.get(&f.rel).copied()
            };
            files.insert(path_key(&f.rel), f.stamp.settled(digest, now));
        }
        Some(Record { files })
    }
}

impl Record {
    /// The record in site folder `dir` under `key`; `None` when there is none, it is
    /// damaged or it was made under another key.
    pub fn load(dir: &Path, key: &Key) -> Option<Self> {
        envelope::read(&dir.join(FILE), KIND, key)
    }

    /// Writes the record into site folder `dir`, replacing any other.
    pub fn store(&self, dir: &Path, key: &Key) -> std::io::Result<()> {
        envelope::write(&dir.join(FILE), KIND, key, self)
    }

    /// Removes the record from site folder `dir` (before a build that may change the site).
    pub fn remove(dir: &Path) -> std::io::Result<()> {
        match std::fs::remove_file(dir.join(FILE)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_comes_back_only_under_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = BTreeMap::new();
        files.insert(
            path_key("a b\nc d.md"),
            Stamp {
                digest: Some([7; 32]),
                len: 12,
                mtime_ns: 1_700_000_000_000_000_000,
            },
        );
        let r = Record { files };
        let k = key(b"config", None, "2026-11-24");
        r.store(dir.path(), &k).unwrap();
        assert_eq!(Record::load(dir.path(), &k), Some(r));
        let bytes = std::fs::read(dir.path().join(FILE)).unwrap();
        assert!(
            !bytes.windows(3).any(|w| w == b"c d"),
            "the record names no vault path"
        );
        let other = key(b"config", None, "2026-11-25");
        assert_eq!(Record::load(dir.path(), &other), None);
        std::fs::write(dir.path().join(FILE), "vaultc site inputs 1 00\n").unwrap();
        assert_eq!(Record::load(dir.path(), &k), None);
    }
}
