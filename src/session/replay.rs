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
pub(super) struct Replay {
    head: Head,
    /// The record's bytes: the report is its tail.
    bytes: Vec<u8>,
    output: std::ops::Range<usize>,
}

/// What a kept report says of itself; the report's bytes follow it in the record's tail.
#[derive(Debug, Serialize, Deserialize)]
struct Head {
    /// The walk the report was made for, when every file's time could be trusted.
    fingerprint: Option<Digest>,
    failed: bool,
    /// The notes' parts in the report, in note order.
    parts: Vec<Part>,
    /// BLAKE3 of the report.
    sum: Digest,
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
        let bytes = std::fs::read(file(store, key)).ok()?;
        let (head, tail) = envelope::decode::<Head>(&bytes, KIND, key)?;
        if *blake3::hash(tail).as_bytes() != head.sum {
            return None;
        }
        let output = bytes.len() - tail.len()..bytes.len();
        Some(Self {
            head,
            bytes,
            output,
        })
    }

    /// Keeps `output`, made for the walk `fingerprint`, with its `parts`, under `key`; and
    /// forgets the vault's oldest reports.
    pub fn store(
        store: &Store,
        key: &Key,
        fingerprint: Option<Digest>,
        failed: bool,
        output: &[u8],
        parts: Vec<Part>,
    ) -> std::io::Result<()> {
        let head = Head {
            fingerprint,
            failed,
            parts,
            sum: *blake3::hash(output).as_bytes(),
        };
        store.prepare()?;
        envelope::write_with_tail(&file(store, key), KIND, key, &head, |w| w.write_all(output))?;
        store.prune(NAME, KEPT);
        Ok(())
    }

    /// The report, when it was made for the walk `fingerprint`.
    pub fn replay(&self, fingerprint: Option<&Digest>) -> Option<(&[u8], bool)> {
        (self.head.fingerprint.is_some() && self.head.fingerprint.as_ref() == fingerprint)
            .then(|| (&self.bytes[self.output.clone()], self.head.failed))
    }

    /// Note `id`'s part, when it was rendered from the same `mark`.
    pub fn part(&self, id: usize, mark: u64) -> Option<&[u8]> {
        let i = self
            .head
            .parts
            .binary_search_by_key(&(id as u32), |p| p.note)
            .ok()?;
        let p = self.head.parts[i];
        let start = self.output.start + usize::try_from(p.start).ok()?;
        let end = self.output.start + usize::try_from(p.end).ok()?;
        (p.mark == mark && end <= self.output.end)
            .then(|| self.bytes.get(start..end))
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
