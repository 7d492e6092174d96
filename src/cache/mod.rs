//! What vaultc keeps between runs, and how: one envelope, one file stamp, one atomic write,
//! one rule for when to write a record back, and one place per vault.
//!
//! Every record vaultc stores — the replayed reports, the parsed notes, the incremental
//! state, a site's inputs and its list of files — is an [`envelope`]: a magic, the record's
//! kind and layout version, a key (everything besides the files that must match for the
//! record to be used: vaultc's binary, the config, "today"…), a postcard body and a BLAKE3
//! checksum. A record that fails any check is ignored and rewritten, never trusted. Files are
//! compared through one [`Stamp`] (size, modification time, BLAKE3 of the bytes), with one
//! racy-time rule. Records are written with [`atomic`]: a reader sees the old file or the new
//! one, never half of one. [`Store`] says where a vault's records live.
//!
//! The records themselves live with the code that owns their data (the session's loader,
//! check and report memo; the site's inputs and output list): this module knows bytes,
//! files and times, nothing of notes.

pub mod atomic;
pub mod envelope;
mod stamp;
mod store;

pub use atomic::{AtomicFile, write_atomic};
pub use envelope::Kind;
pub use stamp::{Change, Digest, Stamp, digest, now_ns};
pub use store::{DIR_NAME, Store};

/// What must match, besides the files, for a record to be used: built from vaultc's
/// identity and the parts a record names (config bytes, arguments, today…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Key(pub [u8; 32]);

impl Key {
    /// A key of vaultc's version and binary (a rebuild at the same version may behave
    /// differently) and `parts`, each length-prefixed so ("ab", "c") and ("a", "bc") differ.
    pub fn new(parts: &[&[u8]]) -> Self {
        let mut h = blake3::Hasher::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        if let Some(meta) = std::env::current_exe().ok().and_then(|p| p.metadata().ok()) {
            let stamp = Stamp::of(&meta);
            h.update(&stamp.len.to_le_bytes());
            h.update(&stamp.mtime_ns.to_le_bytes());
        }
        for part in parts {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        Key(*h.finalize().as_bytes())
    }

    /// A key that does not change with vaultc's binary: for records every version must read
    /// (a site's list of the files vaultc wrote, which says what it may remove).
    pub const fn fixed(bytes: [u8; 32]) -> Self {
        Key(bytes)
    }
}

/// When a record that a run could have refreshed is worth writing again: rewriting costs
/// the whole record, keeping it costs each later run the changed entries (which it
/// re-reads, re-hashes or re-checks). So a record is written back once more than eight of
/// its entries, or a twentieth of them, changed since it was stored — a single edit does
/// not rewrite a 100k-note record on every run.
pub fn worth_rewriting(changed: usize, total: usize) -> bool {
    changed > WRITE_BACK_AFTER.max(total / 20)
}

/// See [`worth_rewriting`].
pub const WRITE_BACK_AFTER: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_by_parts_and_their_boundaries() {
        assert_eq!(Key::new(&[b"a", b"bc"]), Key::new(&[b"a", b"bc"]));
        assert_ne!(Key::new(&[b"ab", b"c"]), Key::new(&[b"a", b"bc"]));
        assert_ne!(Key::new(&[b"a"]), Key::new(&[b"b"]));
    }

    #[test]
    fn records_are_rewritten_after_more_than_eight_or_a_twentieth_of_changes() {
        assert!(!worth_rewriting(8, 12));
        assert!(worth_rewriting(9, 12));
        assert!(!worth_rewriting(500, 10_000));
        assert!(worth_rewriting(501, 10_000));
    }
}
