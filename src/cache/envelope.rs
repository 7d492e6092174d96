//! The one layout of every record vaultc stores.
//!
//! ```text
//! "VLTC"  kind (4 bytes)  version (u32)  key (32 bytes)  body length (u64)
//! body (postcard)
//! BLAKE3 of everything above (32 bytes)
//! tail (optional: blobs the body describes, each checked by a digest the body holds)
//! ```
//!
//! A record is used only when its magic, kind, version and key are the expected ones and the
//! checksum matches; anything else — truncated, corrupt, foreign, an older layout, another
//! binary's — reads as no record. The tail lets a large record (the parsed notes) be opened
//! by reading its body alone and then only the blobs a run needs.

use std::io::{Read, Write};
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Key;
use super::atomic::AtomicFile;

const MAGIC: &[u8; 4] = b"VLTC";
const HEADER: usize = 4 + 4 + 4 + 32 + 8;
const SUM: usize = 32;

/// Which record a file holds, and the version of its layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub tag: [u8; 4],
    pub version: u32,
}

fn header(kind: Kind, key: &Key, body_len: u64) -> [u8; HEADER] {
    let mut h = [0u8; HEADER];
    h[..4].copy_from_slice(MAGIC);
    h[4..8].copy_from_slice(&kind.tag);
    h[8..12].copy_from_slice(&kind.version.to_le_bytes());
    h[12..44].copy_from_slice(&key.0);
    h[44..].copy_from_slice(&body_len.to_le_bytes());
    h
}

/// The body's length when `head` is the header of a `kind` record under `key`.
fn body_len(head: &[u8], kind: Kind, key: &Key) -> Option<u64> {
    let expected = header(kind, key, 0);
    if head.len() != HEADER || head[..44] != expected[..44] {
        return None;
    }
    Some(u64::from_le_bytes(head[44..].try_into().ok()?))
}

/// The record as bytes: header, body and checksum (no tail).
pub fn encode<T: Serialize>(kind: Kind, key: &Key, body: &T) -> std::io::Result<Vec<u8>> {
    let body = postcard::to_stdvec(body).map_err(std::io::Error::other)?;
    let mut bytes = Vec::with_capacity(HEADER + body.len() + SUM);
    bytes.extend_from_slice(&header(kind, key, body.len() as u64));
    bytes.extend_from_slice(&body);
    let sum = blake3::hash(&bytes);
    bytes.extend_from_slice(sum.as_bytes());
    Ok(bytes)
}

/// The body of a whole record, and its tail; `None` unless everything checks out.
pub fn decode<'b, T: DeserializeOwned>(
    bytes: &'b [u8],
    kind: Kind,
    key: &Key,
) -> Option<(T, &'b [u8])> {
    let len = usize::try_from(body_len(bytes.get(..HEADER)?, kind, key)?).ok()?;
    let end = HEADER.checked_add(len)?;
    let sum = bytes.get(end..end.checked_add(SUM)?)?;
    if blake3::hash(&bytes[..end]).as_bytes() != sum {
        return None;
    }
    let body = postcard::from_bytes(&bytes[HEADER..end]).ok()?;
    Some((body, &bytes[end + SUM..]))
}

/// Writes a record without a tail to `path`, atomically.
pub fn write<T: Serialize>(path: &Path, kind: Kind, key: &Key, body: &T) -> std::io::Result<()> {
    write_with_tail(path, kind, key, body, |_| Ok(()))
}

/// Writes a record to `path`, atomically, with the tail `tail` writes after it.
pub fn write_with_tail<T: Serialize>(
    path: &Path,
    kind: Kind,
    key: &Key,
    body: &T,
    tail: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let head = encode(kind, key, body)?;
    let mut file = AtomicFile::beside(path)?;
    let mut out = std::io::BufWriter::new(file.file());
    out.write_all(&head)?;
    tail(&mut out)?;
    out.flush()?;
    drop(out);
    file.commit()
}

/// Reads the record at `path`: its body, when the file holds exactly a checked record.
pub fn read<T: DeserializeOwned>(path: &Path, kind: Kind, key: &Key) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    match decode(&bytes, kind, key)? {
        (body, []) => Some(body),
        _ => None,
    }
}

/// A record's tail, left in its file: blobs are read when asked for.
pub struct Tail {
    file: std::fs::File,
    start: u64,
    len: u64,
}

impl Tail {
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes at `range` of the tail.
    pub fn read(&self, range: std::ops::Range<u64>) -> Option<Vec<u8>> {
        use std::os::unix::fs::FileExt;
        if range.end > self.len || range.start > range.end {
            return None;
        }
        let mut buf = vec![0; usize::try_from(range.end - range.start).ok()?];
        self.file
            .read_exact_at(&mut buf, self.start.checked_add(range.start)?)
            .ok()?;
        Some(buf)
    }

    /// The whole tail, read now.
    pub fn read_all(mut self) -> Option<Vec<u8>> {
        use std::io::Seek;
        self.file.seek(std::io::SeekFrom::Start(self.start)).ok()?;
        let mut bytes = Vec::with_capacity(usize::try_from(self.len).ok()?);
        self.file.read_to_end(&mut bytes).ok()?;
        (bytes.len() as u64 == self.len).then_some(bytes)
    }
}

/// Opens the record at `path`: its body read and checked now, its tail left to read.
pub fn open<T: DeserializeOwned>(path: &Path, kind: Kind, key: &Key) -> Option<(T, Tail)> {
    let mut file = std::fs::File::open(path).ok()?;
    let file_len = file.metadata().ok()?.len();
    let mut head = [0u8; HEADER];
    file.read_exact(&mut head).ok()?;
    let len = body_len(&head, kind, key)?;
    let start = (HEADER as u64).checked_add(len)?.checked_add(SUM as u64)?;
    if start > file_len {
        return None;
    }
    let mut rest = vec![0u8; usize::try_from(len).ok()? + SUM];
    file.read_exact(&mut rest).ok()?;
    let (body, sum) = rest.split_at(rest.len() - SUM);
    let mut h = blake3::Hasher::new();
    h.update(&head);
    h.update(body);
    if h.finalize().as_bytes() != sum {
        return None;
    }
    let body = postcard::from_bytes(body).ok()?;
    let tail = Tail {
        file,
        start,
        len: file_len - start,
    };
    Some((body, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: Kind = Kind {
        tag: *b"test",
        version: 1,
    };

    #[test]
    fn round_trip_and_every_damage_is_rejected() {
        let key = Key::new(&[b"config"]);
        let body = (String::from("report"), 7_u32);
        let bytes = encode(KIND, &key, &body).unwrap();
        assert_eq!(decode(&bytes, KIND, &key), Some((body.clone(), &[][..])));
        let other_key = Key::new(&[b"other"]);
        assert_eq!(decode::<(String, u32)>(&bytes, KIND, &other_key), None);
        let newer = Kind { version: 2, ..KIND };
        assert_eq!(decode::<(String, u32)>(&bytes, newer, &key), None);
        for cut in 0..bytes.len() {
            assert_eq!(decode::<(String, u32)>(&bytes[..cut], KIND, &key), None);
        }
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x40;
            assert_eq!(decode::<(String, u32)>(&bad, KIND, &key), None, "byte {i}");
        }
    }

    #[test]
    fn a_tail_is_read_on_demand() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.bin");
        let key = Key::new(&[]);
        write_with_tail(&path, KIND, &key, &vec![3_u64, 5], |w| {
            w.write_all(b"abcdefgh")
        })
        .unwrap();
        let (body, tail) = open::<Vec<u64>>(&path, KIND, &key).unwrap();
        assert_eq!(body, [3, 5]);
        assert_eq!(tail.read(3..5).as_deref(), Some(&b"de"[..]));
        assert_eq!(tail.read(7..9), None);
        assert_eq!(tail.read_all().as_deref(), Some(&b"abcdefgh"[..]));
        assert_eq!(
            read::<Vec<u64>>(&path, KIND, &key),
            None,
            "a tail it does not expect"
        );
    }
}
