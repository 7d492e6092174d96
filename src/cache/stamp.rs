//! One file stamp: what a file was when vaultc last looked, and whether it changed since.
//!
//! A stamp holds a file's size, its modification time in nanoseconds and, once its bytes
//! were read, their BLAKE3 digest. Size and time alone vouch for a file (as git and make
//! trust them) only when the time is known and was not *racy*: a file modified within
//! [`RACY_WINDOW_NS`] of being stamped could be edited again in the same clock tick and
//! keep both (git's "racy clean" problem), so such a stamp is stored with its time unknown
//! (0), and the file is read and hashed next time.

use serde::{Deserialize, Serialize};

/// BLAKE3 of a file's bytes.
pub type Digest = [u8; 32];

/// Files changed this recently are not trusted to show a later change in their time.
const RACY_WINDOW_NS: u128 = 2_000_000_000;

/// Now, in nanoseconds since the epoch.
pub fn now_ns() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// A file as vaultc saw it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    /// Modification time in nanoseconds since the epoch; 0 when unknown or not trusted.
    pub mtime_ns: u128,
    /// BLAKE3 of the bytes, when they were read.
    pub digest: Option<Digest>,
}

/// What became of a stamped file.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    /// Size and time vouch for it: not read.
    Same,
    /// Another time, the same bytes (read and hashed).
    Touched,
    /// Other bytes, as read now.
    Edited(Vec<u8>),
    /// It could not be read.
    Unreadable,
}

impl Stamp {
    /// A file's size and time from its metadata (no digest).
    pub fn of(meta: &std::fs::Metadata) -> Self {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Self {
            len: meta.len(),
            mtime_ns,
            digest: None,
        }
    }

    /// Is the time unknown, or so recent (at `now`) that it cannot be trusted to change with
    /// the file's next edit?
    pub fn is_racy(&self, now: u128) -> bool {
        self.mtime_ns == 0 || self.mtime_ns + RACY_WINDOW_NS > now
    }

    /// The stamp to store for this file with `digest`, the BLAKE3 of the bytes read: its time
    /// is dropped when racy at `now`.
    pub fn settled(self, digest: Option<Digest>, now: u128) -> Self {
        Self {
            len: self.len,
            mtime_ns: if self.is_racy(now) { 0 } else { self.mtime_ns },
            digest,
        }
    }

    /// Do size and time alone say that the file `seen` now is the one stored as `self`?
    pub fn vouches_for(&self, seen: &Stamp) -> bool {
        self.mtime_ns != 0 && self.mtime_ns == seen.mtime_ns && self.len == seen.len
    }

    /// Are `bytes` the bytes this stamp was made from?
    pub fn same_bytes(&self, bytes: &[u8]) -> bool {
        self.len == bytes.len() as u64
            && self
                .digest
                .is_some_and(|d| d == *blake3::hash(bytes).as_bytes())
    }

    /// What became of the file stored as `self`, now `seen` by a walk: `read` reads it when
    /// size and time do not vouch for it.
    pub fn change(&self, seen: &Stamp, read: impl FnOnce() -> Option<Vec<u8>>) -> Change {
        if self.vouches_for(seen) {
            return Change::Same;
        }
        match read() {
            None => Change::Unreadable,
            Some(bytes) if self.same_bytes(&bytes) => Change::Touched,
            Some(bytes) => Change::Edited(bytes),
        }
    }
}

/// BLAKE3 of `bytes`.
pub fn digest(bytes: &[u8]) -> Digest {
    *blake3::hash(bytes).as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(len: u64, mtime_ns: u128, bytes: &[u8]) -> Stamp {
        Stamp {
            len,
            mtime_ns,
            digest: None,
        }
        .settled(Some(digest(bytes)), 10_000_000_000)
    }

    #[test]
    fn size_and_time_vouch_only_for_a_settled_time() {
        let old = stamp(3, 1_000_000_000, b"abc");
        let seen = Stamp {
            len: 3,
            mtime_ns: 1_000_000_000,
            digest: None,
        };
        assert_eq!(old.change(&seen, || panic!("not read")), Change::Same);
        // Stamped a moment after its change: the time is not trusted, the bytes decide.
        let racy = stamp(3, 9_000_000_000, b"abc");
        assert_eq!(racy.mtime_ns, 0);
        let seen = Stamp {
            len: 3,
            mtime_ns: 9_000_000_000,
            digest: None,
        };
        assert_eq!(
            racy.change(&seen, || Some(b"abc".to_vec())),
            Change::Touched
        );
        assert_eq!(
            racy.change(&seen, || Some(b"abd".to_vec())),
            Change::Edited(b"abd".to_vec())
        );
        assert_eq!(racy.change(&seen, || None), Change::Unreadable);
    }
}
