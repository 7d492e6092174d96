//! The note cache: a note whose file did not change since an earlier run is not parsed again.
//!
//! Parsing is most of a run's work, and between two runs (a rebuild of the site after one
//! edit, a pre-commit `check`) nearly every note is the same file as before. The cache keeps
//! each parsed [`Note`] in a compact binary form (postcard), keyed by its path and the BLAKE3
//! hash of its file's bytes; a note whose file hashes the same is decoded instead of parsed,
//! which is several times cheaper. The size and modification time the file had are kept too,
//! as a shortcut: when both still match, the file is not even read (git and make trust the
//! same), except for a file changed within [`RACY_WINDOW_NS`](crate::cache::RACY_WINDOW_NS) of being stored, whose time is
//! recorded as unknown so that a second edit in the same clock tick cannot hide. A touched
//! note (new time, same bytes) is read and hashed, and still comes from the cache.
//!
//! One file per vault and level of [`Detail`] in the cache folder (see
//! [`crate::cache::dir_for`]), keyed by vaultc's version and binary (parsing reads no
//! configuration). The file starts with a table of its entries (itself checksummed), so a run
//! that needs a few notes (an incremental check) reads the table and those entries only.
//! Each entry carries the BLAKE3 of its bytes and is checked before use; a foreign, truncated or corrupt entry (or file) is parsed afresh, never
//! trusted. The file is rewritten when more than a twentieth of the notes had to be parsed or
//! it holds that many stale entries, so a single edit does not rewrite it every run.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::cache::{is_racy, now_ns};
use crate::model::Note;
use crate::parse::Detail;
use crate::source::LineIndex;
use crate::vault::Found;

const MAGIC: &[u8; 8] = b"VLTCNTS3";

/// Note path → what its file was when stored, and where its entry is in the cache's bytes.
type Entries = FxHashMap<String, Stored>;

struct Stored {
    len: u64,
    /// 0: not to be trusted (changed just before it was stored).
    mtime_ns: u128,
    digest: [u8; 32],
    /// Where the entry is, from the start of the entries (after the table).
    range: std::ops::Range<u64>,
}

/// The loaded cache of one detail level.
pub struct NoteCache {
    path: PathBuf,
    key: [u8; 32],
    entries: Entries,
    body: Body,
}

/// The entries' bytes: all in memory, or read one by one from the file when needed.
enum Body {
    None,
    Loaded(Vec<u8>),
    OnDemand { file: std::fs::File, start: u64 },
}

/// How a load went: notes decoded and notes parsed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    pub decoded: usize,
    pub parsed: usize,
}

/// One file per vault and detail level: several vaults may share a cache folder
/// (`VAULTC_CACHE_DIR`) without taking each other's notes or rewriting each other's file.
fn file_name(vault: &Path, detail: Detail) -> String {
    let level = match detail {
        Detail::Full => "full",
        Detail::Lean => "lean",
    };
    format!("notes-{level}-{}.bin", crate::cache::vault_id(vault))
}

fn key(name: &str) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    crate::cache::binary_identity(&mut h);
    h.update(name.as_bytes());
    *h.finalize().as_bytes()
}

impl NoteCache {
    /// Opens the cache in `dir` for the notes of `vault` parsed at `detail`, to decode most of
    /// them: empty when there is none or it is not this binary's.
    pub fn open(dir: &Path, vault: &Path, detail: Detail) -> Self {
        Self::open_with(dir, vault, detail, true)
    }

    /// Opens the cache to decode a few notes: only its table is read now.
    pub fn open_for_few(dir: &Path, vault: &Path, detail: Detail) -> Self {
        Self::open_with(dir, vault, detail, false)
    }

    fn open_with(dir: &Path, vault: &Path, detail: Detail, load: bool) -> Self {
        let name = file_name(vault, detail);
        let key = key(&name);
        let path = dir.join(name);
        let mut cache = Self {
            path,
            key,
            entries: FxHashMap::default(),
            body: Body::None,
        };
        if let Some((entries, body)) = read(&cache.path, &key, load) {
            cache.entries = entries;
            cache.body = body;
        }
        cache
    }

    /// The cached note for `file` when its size and time are the ones it was stored with
    /// (no read needed), and its entry is intact.
    pub fn get(&self, file: &Found) -> Option<Note> {
        let stored = self.entries.get(&file.rel)?;
        if stored.len != file.len || stored.mtime_ns != file.mtime_ns || file.mtime_ns == 0 {
            return None;
        }
        self.decode(file, stored)
    }

    /// The cached note for `file` when its bytes (read now) hash as the stored ones did.
    pub fn get_by_content(&self, file: &Found, bytes: &[u8]) -> Option<Note> {
        let stored = self.entries.get(&file.rel)?;
        if stored.len != bytes.len() as u64 || *blake3::hash(bytes).as_bytes() != stored.digest {
            return None;
        }
        self.decode(file, stored)
    }

    fn decode(&self, file: &Found, stored: &Stored) -> Option<Note> {
        let read;
        let entry = match &self.body {
            Body::None => return None,
            Body::Loaded(bytes) => bytes.get(
                usize::try_from(stored.range.start).ok()?
                    ..usize::try_from(stored.range.end).ok()?,
            )?,
            Body::OnDemand { file, start } => {
                use std::os::unix::fs::FileExt;
                let mut buf = vec![0; usize::try_from(stored.range.end - stored.range.start).ok()?];
                file.read_exact_at(&mut buf, start.checked_add(stored.range.start)?)
                    .ok()?;
                read = buf;
                &read[..]
            }
        };
        let (payload, sum) = entry.split_at_checked(entry.len().checked_sub(32)?)?;
        if blake3::hash(payload).as_bytes() != sum {
            return None;
        }
        let mut note: Note = postcard::from_bytes(payload).ok()?;
        if note.path != file.rel || note.digest != stored.digest {
            return None;
        }
        note.lines = LineIndex::new(&note.text);
        Some(note)
    }

    /// Should the cache be rewritten after a run that used it so?
    pub fn worth_storing(&self, used: Use) -> bool {
        let total = used.decoded + used.parsed;
        let stale = self.entries.len().saturating_sub(used.decoded);
        total > 0 && (used.parsed * 20 > total || stale * 20 > total || self.entries.is_empty())
    }

    /// Rewrites the cache with `notes`, each with the file it was read from (a note changed
    /// too recently to trust its time is stored with the time unknown). Failing to write never
    /// fails a run: the error is for the caller to ignore.
    pub fn store(&self, notes: &[(&Found, &Note)]) -> std::io::Result<()> {
        let now = now_ns();
        // Each entry as its table row (path, size, time, digest) and its body (the note and
        // the BLAKE3 of it).
        let entries: Vec<(Vec<u8>, Vec<u8>)> = notes
            .par_iter()
            // The walk's size must be the size of the bytes parsed (else the file changed
            // between the two, and the time says nothing about them).
            .filter(|(f, note)| f.len == note.file_len() || note.lossy)
            .filter_map(|(f, note)| {
                let payload = postcard::to_stdvec(note).ok()?;
                let racy = is_racy(f.mtime_ns, now);
                let mut head = Vec::with_capacity(f.rel.len() + 64);
                head.extend_from_slice(&(f.rel.len() as u64).to_le_bytes());
                head.extend_from_slice(f.rel.as_bytes());
                head.extend_from_slice(&f.len.to_le_bytes());
                head.extend_from_slice(&(if racy { 0 } else { f.mtime_ns }).to_le_bytes());
                head.extend_from_slice(&note.digest);
                let mut body = payload;
                let sum = blake3::hash(&body);
                body.extend_from_slice(sum.as_bytes());
                Some((head, body))
            })
            .collect();
        let dir = self.path.parent().unwrap_or(Path::new("."));
        crate::cache::prepare_dir(dir)?;
        let mut table = Vec::with_capacity(entries.len() * 128);
        let mut offset = 0u64;
        for (head, body) in &entries {
            table.extend_from_slice(head);
            table.extend_from_slice(&offset.to_le_bytes());
            table.extend_from_slice(&(body.len() as u64).to_le_bytes());
            offset += body.len() as u64;
        }
        let mut out = std::io::BufWriter::new(tempfile::NamedTempFile::new_in(dir)?);
        out.write_all(MAGIC)?;
        out.write_all(&self.key)?;
        out.write_all(&(entries.len() as u64).to_le_bytes())?;
        out.write_all(&(table.len() as u64).to_le_bytes())?;
        out.write_all(&table)?;
        out.write_all(blake3::hash(&table).as_bytes())?;
        for (_, body) in &entries {
            out.write_all(body)?;
        }
        let tmp = out.into_inner().map_err(|e| e.into_error())?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The entries of the cache file at `path`, with their bytes read now (`load`) or left to
/// read on demand; `None` when it is missing, not one of `key`'s, or damaged.
fn read(path: &Path, key: &[u8; 32], load: bool) -> Option<(Entries, Body)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let file_len = file.metadata().ok()?.len();
    let mut head = [0u8; 8 + 32 + 8 + 8];
    file.read_exact(&mut head).ok()?;
    let rest = head.strip_prefix(MAGIC)?;
    let (stored, rest) = rest.split_at(32);
    if stored != key {
        return None;
    }
    let int = |s: &[u8]| -> Option<u64> { Some(u64::from_le_bytes(s.try_into().ok()?)) };
    let count = int(&rest[..8])?;
    let table_len = int(&rest[8..])?;
    if table_len.checked_add(head.len() as u64 + 32)? > file_len {
        return None;
    }
    let mut table = vec![0u8; usize::try_from(table_len).ok()?];
    let mut sum = [0u8; 32];
    file.read_exact(&mut table).ok()?;
    file.read_exact(&mut sum).ok()?;
    if blake3::hash(&table).as_bytes() != &sum {
        return None;
    }
    let start = head.len() as u64 + table_len + 32;
    let body_len = file_len - start;
    let entries = index(&table, count, body_len)?;
    let body = if load {
        let mut bytes = Vec::with_capacity(usize::try_from(body_len).ok()?);
        file.read_to_end(&mut bytes).ok()?;
        if bytes.len() as u64 != body_len {
            return None;
        }
        Body::Loaded(bytes)
    } else {
        Body::OnDemand { file, start }
    };
    Some((entries, body))
}

/// The table's `count` rows, each entry within the `body_len` bytes after the table.
fn index(table: &[u8], count: u64, body_len: u64) -> Option<Entries> {
    let mut pos = 0;
    let mut entries = FxHashMap::default();
    let take = |pos: &mut usize, n: usize| -> Option<&[u8]> {
        let s = table.get(*pos..pos.checked_add(n)?)?;
        *pos += n;
        Some(s)
    };
    let int = |s: &[u8]| -> Option<u64> { Some(u64::from_le_bytes(s.try_into().ok()?)) };
    for _ in 0..count {
        let name_len = usize::try_from(int(take(&mut pos, 8)?)?).ok()?;
        let name = std::str::from_utf8(take(&mut pos, name_len)?)
            .ok()?
            .to_owned();
        let len = int(take(&mut pos, 8)?)?;
        let mtime_ns = u128::from_le_bytes(take(&mut pos, 16)?.try_into().ok()?);
        let digest: [u8; 32] = take(&mut pos, 32)?.try_into().ok()?;
        let offset = int(take(&mut pos, 8)?)?;
        let size = int(take(&mut pos, 8)?)?;
        let end = offset.checked_add(size)?;
        if end > body_len || size < 32 {
            return None;
        }
        entries.insert(
            name,
            Stored {
                len,
                mtime_ns,
                digest,
                range: offset..end,
            },
        );
    }
    (pos == table.len()).then_some(entries)
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
            len,
            mtime_ns,
        }
    }

    #[test]
    fn a_stored_note_comes_back_as_parsed_and_only_for_the_same_file() {
        let text = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/vault/Concepts/Sector rotation.md"
        ))
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        for detail in [Detail::Lean, Detail::Full] {
            let note = parse_note_with("Concepts/Sector rotation.md".into(), text.clone(), detail);
            let f = found(&note.path, text.len() as u64, 1_000_000_000);
            let cache = NoteCache::open(tmp.path(), tmp.path(), detail);
            assert!(cache.get(&f).is_none());
            cache.store(&[(&f, &note)]).unwrap();
            let cache = NoteCache::open(tmp.path(), tmp.path(), detail);
            let back = cache.get(&f).expect("cached");
            // Everything, spans and line index included.
            assert_eq!(format!("{back:?}"), format!("{note:?}"));
            assert!(
                cache
                    .get(&found(&note.path, f.len + 1, f.mtime_ns))
                    .is_none()
            );
            assert!(
                cache
                    .get(&found(&note.path, f.len, f.mtime_ns + 1))
                    .is_none()
            );
            assert!(cache.get(&found("other.md", f.len, f.mtime_ns)).is_none());
        }
    }

    #[test]
    fn corrupt_or_recent_entries_are_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let text = b"# A\n\n[[B]] #tag\n".to_vec();
        let note = parse_note_with("a.md".into(), text.clone(), Detail::Lean);
        let f = found("a.md", text.len() as u64, 1_000_000_000);
        NoteCache::open(tmp.path(), tmp.path(), Detail::Lean)
            .store(&[(&f, &note)])
            .unwrap();
        let path = tmp.path().join(file_name(tmp.path(), Detail::Lean));
        let good = std::fs::read(&path).unwrap();
        for i in (MAGIC.len() + 40..good.len()).step_by(7) {
            let mut bad = good.clone();
            bad[i] ^= 0x20;
            std::fs::write(&path, &bad).unwrap();
            let back = NoteCache::open(tmp.path(), tmp.path(), Detail::Lean).get(&f);
            assert!(
                back.is_none_or(|n| format!("{n:?}") == format!("{note:?}")),
                "flipped byte {i} gave another note"
            );
        }
        std::fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert!(
            NoteCache::open(tmp.path(), tmp.path(), Detail::Lean)
                .get(&f)
                .is_none()
        );
        // A file changed a moment ago is stored with its time unknown: not served on size and
        // time, only to a reader who hashes the bytes.
        let now = now_ns();
        let fresh = found("a.md", f.len, now);
        NoteCache::open(tmp.path(), tmp.path(), Detail::Lean)
            .store(&[(&fresh, &note)])
            .unwrap();
        let cache = NoteCache::open(tmp.path(), tmp.path(), Detail::Lean);
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
