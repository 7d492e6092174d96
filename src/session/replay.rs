//! The run cache: a rendered report kept with what it was made from.
//!
//! A pre-commit hook runs `check` on every commit, mostly over a vault that did not change
//! since the last run. A [`Replay`] holds a report as it was printed, under a key for
//! everything that shapes it besides the files (vaultc's binary, the config, "today", the
//! format and the other arguments), with the fingerprint of the walked files (path, size,
//! time) it was made for: when the fingerprint matches, the walk alone decides the run, and
//! no note is read. When it does not, the report is still worth its parts: each note's part
//! is kept with the mark of what it was rendered from (the note's findings and bytes), and
//! a later run reuses the parts whose notes did not change instead of rendering them again.
//!
//! This is the only record keyed by the output format, because it *is* the output: the
//! findings themselves are kept as data in the incremental state. Each vault keeps the
//! reports of its four most recent keys: a new `--today` every day does not grow the cache.

use serde::{Deserialize, Serialize};

use crate::cache::envelope;
use crate::cache::{Digest, Key, Kind, Store, now_ns};
use crate::vault::Walk;

const KIND: Kind = Kind {
    tag: *b"rprt",
    version: 1,
};
const NAME: &str = "check";
/// How many keys (reports) one vault keeps.
const KEPT: usize = 4;

/// A report as printed, and where each note's part of it is.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Replay {
    /// The walk the report was made for, when every file's time could be trusted.
    pub fingerprint: Option<Digest>,
    pub failed: bool,
    /// A `String`, not bytes: serde writes a string in one piece, a `Vec<u8>` byte by byte.
    pub output: String,
    /// The notes' parts in `output`, in note order.
    pub parts: Vec<Part>,
}

/// One note's part of a kept report.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(super) struct Part {
    pub note: u32,
    /// The note's mark when rendered (see `state::NoteState::mark`).
    pub mark: u64,
    pub start: u64,
    pub end: u64,
}

impl Replay {
    /// The report kept under `key`, if intact.
    pub fn load(store: &Store, key: &Key) -> Option<Self> {
        envelope::read(&file(store, key), KIND, key)
    }

    /// Keeps the report under `key`, and forgets the vault's oldest reports.
    pub fn store(&self, store: &Store, key: &Key) -> std::io::Result<()> {
        store.prepare()?;
        envelope::write(&file(store, key), KIND, key, self)?;
        store.prune(NAME, KEPT);
        Ok(())
    }

    /// Note `id`'s part, when it was rendered from the same `mark`.
    pub fn part(&self, id: usize, mark: u64) -> Option<&str> {
        let i = self
            .parts
            .binary_search_by_key(&(id as u32), |p| p.note)
            .ok()?;
        let p = self.parts[i];
        (p.mark == mark)
            .then(|| {
                self.output
                    .get(usize::try_from(p.start).ok()?..usize::try_from(p.end).ok()?)
            })
            .flatten()
    }
}

fn file(store: &Store, key: &Key) -> std::path::PathBuf {
    let hex: String = key.0[..16].iter().map(|b| format!("{b:02x}")).collect();
    store.variant_file(NAME, &hex)
}

/// The walked files' fingerprint, or `None` when one of them is too fresh to trust.
pub(super) fn fingerprint(walk: &Walk) -> Option<Digest> {
    let now = now_ns();
    let mut h = blake3::Hasher::new();
    for f in &walk.files {
        if f.stamp.is_racy(now) {
            return None;
        }
        h.update(&(f.rel.len() as u64).to_le_bytes());
        h.update(f.rel.as_bytes());
        h.update(&f.stamp.len.to_le_bytes());
        h.update(&f.stamp.mtime_ns.to_le_bytes());
    }
    for e in &walk.load_errors {
        h.update(e.path.as_bytes());
        h.update(e.message.as_bytes());
    }
    Some(*h.finalize().as_bytes())
}
