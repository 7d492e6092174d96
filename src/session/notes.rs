//! The note cache: a note whose file did not change since an earlier run is not parsed again.
//!
//! Parsing is most of a run's work, and between two runs (a rebuild of the site after one
//! edit, a pre-commit `check`) nearly every note is the same file as before. The cache keeps
//! each parsed [`Note`] in postcard form, with the [`Stamp`] of the file it was parsed from;
//! a note whose file the stamp vouches for (size and time, or the same bytes once read and
//! hashed) is decoded instead of parsed, which is several times cheaper. A touched note (new
//! time, same bytes) is read and hashed, and still comes from the cache.
//!
//! One record per vault and level of [`Detail`] (see [`crate::cache::Store`]), keyed by
//! vaultc's version and binary (parsing reads no configuration). Its body is the table of
//! entries; the notes are blobs in its tail, so a run that needs a few notes (an incremental
//! check) reads the table and those blobs only. Each blob is checked against the BLAKE3 the
//! table holds for it; a foreign, truncated or corrupt entry (or file) is parsed afresh,
//! never trusted. The record is rewritten when it is missing or damaged, else by
//! [`crate::cache::worth_rewriting`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cache::envelope::{self, Tail};
use crate::cache::{Digest, Key, Kind, Stamp, Store, now_ns, worth_rewriting};
use crate::model::Note;
use crate::parse::Detail;
use crate::source::LineIndex;
use crate::vault::Found;

const KIND: Kind = Kind {
    tag: *b"note",
    version: 1,
};

/// One note in the table: the file it was parsed from, and its blob.
#[derive(Serialize, Deserialize)]
struct Entry {
    path: String,
    /// The file's size, time (0 when not trusted) and digest.
    stamp: Stamp,
    /// Where the note's bytes are in the tail.
    start: u64,
    end: u64,
    /// BLAKE3 of those bytes.
    sum: Digest,
}

/// The loaded cache of one detail level.
pub struct NoteCache {
    path: PathBuf,
    key: Key,
    /// Sorted by path (the order they are stored in, the walk's).
    entries: Vec<Entry>,
    body: Body,
    /// An entry failed its checks: the record is rewritten whatever changed.
    damaged: AtomicBool,
}

/// The blobs: all in memory, or read one by one from the file when needed.
enum Body {
    None,
    Loaded(Vec<u8>),
    OnDemand(Tail),
}

/// How a load went: notes decoded and notes parsed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    pub decoded: usize,
    pub parsed: usize,
}

fn name(detail: Detail) -> &'static str {
    match detail {
        Detail::Full => "notes-full",
        Detail::Lean => "notes-lean",
    }
}

impl NoteCache {
    /// Opens the cache of `store` for notes parsed at `detail`: with every blob read now
    /// (`few` false: most notes will be decoded) or only the table (`few`: an incremental
    /// check needs a handful). Empty when there is none or it is not this binary's.
    pub fn open(store: &Store, detail: Detail, few: bool) -> Self {
        let key = Key::new(&[name(detail).as_bytes()]);
        let path = store.file(name(detail));
        let mut cache = Self {
            path,
            key,
            entries: Vec::new(),
            body: Body::None,
            damaged: AtomicBool::new(false),
        };
        if let Some((table, tail)) = envelope::open::<Vec<Entry>>(&cache.path, KIND, &key) {
            let body = if few {
                Some(Body::OnDemand(tail))
            } else {
                tail.read_all().map(Body::Loaded)
            };
            if let Some(body) = body
                && table.is_sorted_by(|a, b| a.path < b.path)
            {
                cache.entries = table;
                cache.body = body;
            }
        }
        cache
    }

    /// The cached note for `file` when its stored stamp vouches for it (no read needed),
    /// and its entry is intact.
    pub fn get(&self, file: &Found) -> Option<Note> {
        let entry = self.entry(&file.rel)?;
        entry
            .stamp
            .vouches_for(&file.stamp)
            .then(|| self.decode(file, entry))?
    }

    /// The cached note for `file` when its bytes (read now) are the stored ones.
    pub fn get_by_content(&self, file: &Found, bytes: &[u8]) -> Option<Note> {
        let entry = self.entry(&file.rel)?;
        entry
            .stamp
            .same_bytes(bytes)
            .then(|| self.decode(file, entry))?
    }

    fn entry(&self, path: &str) -> Option<&Entry> {
        let i = self
            .entries
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .ok()?;
        Some(&self.entries[i])
    }

    fn decode(&self, file: &Found, entry: &Entry) -> Option<Note> {
        let note = self.decode_checked(file, entry);
        if note.is_none() {
            self.damaged.store(true, Ordering::Relaxed);
        }
        note
    }

    fn decode_checked(&self, file: &Found, entry: &Entry) -> Option<Note> {
        let read;
        let blob = match &self.body {
            Body::None => return None,
            Body::Loaded(bytes) => {
                bytes.get(usize::try_from(entry.start).ok()?..usize::try_from(entry.end).ok()?)?
            }
            Body::OnDemand(tail) => {
                read = tail.read(entry.start..entry.end)?;
                &read[..]
            }
        };
        if blake3::hash(blob).as_bytes() != &entry.sum {
            return None;
        }
        let mut note: Note = postcard::from_bytes(blob).ok()?;
        if note.path != file.rel || Some(note.digest) != entry.stamp.digest {
            return None;
        }
        note.lines = LineIndex::new(&note.text);
        Some(note)
    }

    /// Should the cache be rewritten after a load that used it so?
    pub fn worth_storing(&self, used: Use) -> bool {
        let total = used.decoded + used.parsed;
        let stale = self.entries.len().saturating_sub(used.decoded);
        total > 0
            && (self.entries.is_empty()
                || self.damaged.load(Ordering::Relaxed)
                || worth_rewriting(used.parsed.max(stale), total))
    }

    /// Rewrites the cache with `notes`, each with the file it was read from. Failing to
    /// write never fails a run: the error is for the caller to ignore.
    pub fn store(&self, store: &Store, notes: &[(&Found, &Note)]) -> std::io::Result<()> {
        let now = now_ns();
        let blobs: Vec<(Entry, Vec<u8>)> = notes
            .par_iter()
            // The walk's size must be the size of the bytes parsed (else the file changed
            // between the two, and the time says nothing about them).
            .filter(|(f, note)| f.stamp.len == note.file_len() || note.lossy)
            .filter_map(|(f, note)| {
                let blob = postcard::to_stdvec(note).ok()?;
                let entry = Entry {
                    path: f.rel.clone(),
                    stamp: f.stamp.settled(Some(note.digest), now),
                    start: 0,
                    end: blob.len() as u64,
                    sum: *blake3::hash(&blob).as_bytes(),
                };
                Some((entry, blob))
            })
            .collect();
        let mut offset = 0;
        let (mut table, blobs): (Vec<Entry>, Vec<Vec<u8>>) = blobs.into_iter().unzip();
        for e in &mut table {
            e.start = offset;
            offset += e.end;
            e.end = offset;
        }
        store.prepare()?;
        envelope::write_with_tail(&self.path, KIND, &self.key, &table, |out| {
            blobs.iter().try_for_each(|b| out.write_all(b))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_note_with;

    fn found(rel: &str, len: u64, mtime_ns: u128) -> Found {
        Found {
            rel: rel.to_owned(),
            path: PathBuf::from(rel),
            is_note: true,
            stamp: Stamp {
                len,
                mtime_ns,
                digest: None,
            },
        }
    }

    fn store(dir: &std::path::Path) -> Store {
        Store::at(dir.to_owned(), "test")
    }

    #[test]
    fn a_stored_note_comes_back_as_parsed_and_only_for_the_same_file() {
        let text = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/vault/Concepts/Sector rotation.md"
        ))
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let store = store(tmp.path());
        for detail in [Detail::Lean, Detail::Full] {
            let note = parse_note_with("Concepts/Sector rotation.md".into(), text.clone(), detail);
            let f = found(&note.path, text.len() as u64, 1_000_000_000);
            let cache = NoteCache::open(&store, detail, false);
            assert!(cache.get(&f).is_none());
            cache.store(&store, &[(&f, &note)]).unwrap();
            for few in [false, true] {
                let cache = NoteCache::open(&store, detail, few);
                let back = cache.get(&f).expect("cached");
                // Everything, spans and line index included.
                assert_eq!(format!("{back:?}"), format!("{note:?}"));
                let longer = found(&note.path, f.stamp.len + 1, f.stamp.mtime_ns);
                assert!(cache.get(&longer).is_none());
                let later = found(&note.path, f.stamp.len, f.stamp.mtime_ns + 1);
                assert!(cache.get(&later).is_none());
                let other = found("other.md", f.stamp.len, f.stamp.mtime_ns);
                assert!(cache.get(&other).is_none());
            }
        }
    }

    #[test]
    fn corrupt_or_recent_entries_are_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let store = store(tmp.path());
        let text = b"# A\n\n[[B]] #tag\n".to_vec();
        let note = parse_note_with("a.md".into(), text.clone(), Detail::Lean);
        let f = found("a.md", text.len() as u64, 1_000_000_000);
        let open = || NoteCache::open(&store, Detail::Lean, false);
        open().store(&store, &[(&f, &note)]).unwrap();
        let path = store.file(name(Detail::Lean));
        let good = std::fs::read(&path).unwrap();
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x20;
            std::fs::write(&path, &bad).unwrap();
            let back = open().get(&f);
            assert!(
                back.is_none_or(|n| format!("{n:?}") == format!("{note:?}")),
                "flipped byte {i} gave another note"
            );
        }
        std::fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert!(open().get(&f).is_none());
        // A file changed a moment ago is stored with its time unknown: not served on size and
        // time, only to a reader who hashes the bytes.
        let fresh = found("a.md", f.stamp.len, now_ns());
        open().store(&store, &[(&fresh, &note)]).unwrap();
        let cache = open();
        assert!(cache.get(&fresh).is_none());
        let back = cache.get_by_content(&fresh, &text).expect("same bytes");
        assert_eq!(format!("{back:?}"), format!("{note:?}"));
        let mut other = text.clone();
        other[2] = b'B';
        assert!(
            cache.get_by_content(&fresh, &other).is_none(),
            "other bytes"
        );
    }
}
