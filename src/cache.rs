//! The run cache: a repeated `vaultc check` on an unchanged vault replays its last report.
//!
//! A pre-commit hook runs `check` on every commit, mostly over a vault that did not change
//! since the last run. Each cache entry is keyed by everything that decides the report —
//! vaultc's version, the config file's bytes, the arguments that shape the output, "today" —
//! and holds a fingerprint of the walked files (path, size, modification time in
//! nanoseconds). When both match, the walk alone (no file read, no parse) decides the run.
//!
//! Entries live in `.vaultc-cache/` beside book.toml (or in the vault folder, where the walk
//! skips it as hidden), never among the notes. A file is trusted only if its magic, version,
//! length and BLAKE3 checksum all agree; anything else — truncated, corrupt, foreign — is
//! ignored and rewritten. A file modified within [`RACY_WINDOW_NS`] of a run is not cached,
//! because a second edit in the same clock tick could keep its size and mtime (git's "racy
//! clean" problem).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::vault::Walk;

/// Folder name of the cache.
pub const DIR_NAME: &str = ".vaultc-cache";
const MAGIC: &[u8; 8] = b"VLTCRUN1";
/// Files changed this recently are not trusted to show a later change in their mtime.
pub(crate) const RACY_WINDOW_NS: u128 = 2_000_000_000;

/// Now, in nanoseconds since the epoch.
pub(crate) fn now_ns() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// A file's modification time in nanoseconds since the epoch (0 when unknown).
pub(crate) fn mtime_ns(meta: &std::fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// Is a file time unknown, or so recent (see [`RACY_WINDOW_NS`]) that it cannot be trusted
/// to change with the file's next edit?
pub(crate) fn is_racy(mtime_ns: u128, now: u128) -> bool {
    mtime_ns == 0 || mtime_ns + RACY_WINDOW_NS > now
}

/// Where the cache lives for a vault: `VAULTC_CACHE_DIR` if set, else beside its book.toml,
/// else inside the vault folder.
pub fn dir_for(config_path: Option<&Path>, vault: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("VAULTC_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    match config_path.and_then(Path::parent) {
        Some(parent) if parent.as_os_str().is_empty() => PathBuf::from(DIR_NAME),
        Some(parent) => parent.join(DIR_NAME),
        None => vault.join(DIR_NAME),
    }
}

/// What decides a run's output, hashed: one entry per distinct key.
pub struct Key {
    hash: blake3::Hash,
    /// Which vault (its folder, hashed): the entries of one vault are pruned together.
    vault: String,
}

/// How many run-cache entries one vault keeps: a key changes with `--today` (every day, for
/// a real user), the format and the arguments, and old entries must not pile up.
const ENTRIES_PER_VAULT: usize = 4;

impl Key {
    /// `parts` are the run's inputs other than the files: config bytes, arguments, today.
    pub fn new(vault: &Path, parts: &[&[u8]]) -> Self {
        let mut h = blake3::Hasher::new();
        binary_identity(&mut h);
        for part in parts {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        Key {
            hash: h.finalize(),
            vault: vault_id(vault),
        }
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        self.hash.as_bytes()
    }

    fn file_name(&self) -> String {
        format!("check-{}-{}.bin", self.vault, &self.hash.to_hex()[..32])
    }
}

/// Removes the oldest run-cache entries of `key`'s vault beyond [`ENTRIES_PER_VAULT`].
fn prune(dir: &Path, key: &Key) {
    let prefix = format!("check-{}-", key.vault);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut mine: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".bin")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    mine.sort_by(|a, b| b.cmp(a));
    for (_, path) in mine.into_iter().skip(ENTRIES_PER_VAULT) {
        let _ = std::fs::remove_file(path);
    }
}

/// A short name for the vault at `root` (its canonical path, hashed): the caches of several
/// vaults can share one folder (`VAULTC_CACHE_DIR`) without taking each other's files.
pub fn vault_id(root: &Path) -> String {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    blake3::hash(root.to_string_lossy().as_bytes()).to_hex()[..16].to_owned()
}

/// vaultc's version and its binary (size and time): a rebuild at the same version may
/// behave differently, so every cache is keyed by both.
pub fn binary_identity(h: &mut blake3::Hasher) {
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Some(meta) = std::env::current_exe().ok().and_then(|p| p.metadata().ok()) {
        h.update(&meta.len().to_le_bytes());
        h.update(&mtime_ns(&meta).to_le_bytes());
    }
}

/// The walked files' fingerprint, or `None` when one of them is too fresh to trust.
pub fn fingerprint(walk: &Walk) -> Option<blake3::Hash> {
    let now = now_ns();
    let mut h = blake3::Hasher::new();
    for f in &walk.files {
        if is_racy(f.mtime_ns, now) {
            return None;
        }
        h.update(&(f.rel.len() as u64).to_le_bytes());
        h.update(f.rel.as_bytes());
        h.update(&f.len.to_le_bytes());
        h.update(&f.mtime_ns.to_le_bytes());
    }
    for e in &walk.load_errors {
        h.update(e.path.as_bytes());
        h.update(e.message.as_bytes());
    }
    Some(h.finalize())
}

/// A cached run: its exit status byte and its output.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    pub failed: bool,
    pub output: Vec<u8>,
}

/// Layout: MAGIC, fingerprint (32), failed (1), output length (8, LE), output, BLAKE3 of
/// everything before it (32).
fn encode(fingerprint: &blake3::Hash, entry: &Entry) -> Vec<u8> {
    let mut buf = Vec::with_capacity(entry.output.len() + 96);
    buf.extend_from_slice(MAGIC);
    buf.extend_from_slice(fingerprint.as_bytes());
    buf.push(u8::from(entry.failed));
    buf.extend_from_slice(&(entry.output.len() as u64).to_le_bytes());
    buf.extend_from_slice(&entry.output);
    let sum = blake3::hash(&buf);
    buf.extend_from_slice(sum.as_bytes());
    buf
}

fn decode(bytes: &[u8], fingerprint: &blake3::Hash) -> Option<Entry> {
    let body_len = bytes.len().checked_sub(32)?;
    let (body, sum) = bytes.split_at(body_len);
    if blake3::hash(body).as_bytes() != sum {
        return None;
    }
    let rest = body.strip_prefix(MAGIC)?;
    let (stored, rest) = rest.split_at_checked(32)?;
    if stored != fingerprint.as_bytes() {
        return None;
    }
    let (&failed, rest) = rest.split_first()?;
    let (len, output) = rest.split_at_checked(8)?;
    let len = u64::from_le_bytes(len.try_into().ok()?);
    if output.len() as u64 != len || failed > 1 {
        return None;
    }
    Some(Entry {
        failed: failed == 1,
        output: output.to_vec(),
    })
}

/// The cached run for `key`, if its fingerprint matches and the file is intact.
pub fn lookup(dir: &Path, key: &Key, fingerprint: &blake3::Hash) -> Option<Entry> {
    let bytes = std::fs::read(dir.join(key.file_name())).ok()?;
    decode(&bytes, fingerprint)
}

/// Stores a run. Failing to write the cache never fails the run: the error is returned for
/// the caller to ignore or mention.
pub fn store(
    dir: &Path,
    key: &Key,
    fingerprint: &blake3::Hash,
    entry: &Entry,
) -> std::io::Result<()> {
    prepare_dir(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&encode(fingerprint, entry))?;
    tmp.persist(dir.join(key.file_name()))
        .map_err(|e| e.error)?;
    prune(dir, key);
    Ok(())
}

/// Creates the cache folder if needed. Like ruff's cache, the folder ignores itself, so it
/// is never committed by accident (and `clean` knows it as vaultc's).
pub fn prepare_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            &ignore,
            "# Created by vaultc: its cache, safe to delete.\n*\n",
        )?;
    }
    Ok(())
}

/// Removes the cache folder; `Ok(false)` when there was none. Refuses a folder that does not
/// look like vaultc's (no `.gitignore` written by vaultc), so a mistyped path loses nothing.
pub fn clean(dir: &Path) -> std::io::Result<bool> {
    if !dir.exists() {
        return Ok(false);
    }
    let marker = std::fs::read_to_string(dir.join(".gitignore")).unwrap_or_default();
    if !marker.starts_with("# Created by vaultc") {
        return Err(std::io::Error::other(format!(
            "{} does not look like a vaultc cache; not removing it",
            dir.display()
        )));
    }
    std::fs::remove_dir_all(dir)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            failed: true,
            output: b"broken-link\n".to_vec(),
        }
    }

    #[test]
    fn round_trip_and_every_corruption_is_rejected() {
        let fp = blake3::hash(b"files");
        let bytes = encode(&fp, &entry());
        assert_eq!(decode(&bytes, &fp), Some(entry()));
        assert_eq!(decode(&bytes, &blake3::hash(b"other files")), None);
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut], &fp), None, "truncated at {cut}");
        }
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x40;
            assert_eq!(decode(&bad, &fp), None, "flipped byte {i}");
        }
        assert_eq!(decode(b"{\"not\": \"a cache\"}", &fp), None);
    }

    #[test]
    fn store_lookup_and_clean() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(DIR_NAME);
        let key = Key::new(tmp.path(), &[b"config", b"--format json"]);
        let fp = blake3::hash(b"files");
        assert_eq!(lookup(&dir, &key, &fp), None);
        store(&dir, &key, &fp, &entry()).unwrap();
        assert_eq!(lookup(&dir, &key, &fp), Some(entry()));
        assert_eq!(
            lookup(
                &dir,
                &Key::new(tmp.path(), &[b"config", b"--format sarif"]),
                &fp
            ),
            None
        );
        assert!(clean(&dir).unwrap());
        assert!(!dir.exists());
        assert!(!clean(&dir).unwrap());
        std::fs::create_dir(tmp.path().join("notes")).unwrap();
        assert!(clean(&tmp.path().join("notes")).is_err(), "not ours");
    }

    #[test]
    fn each_vault_keeps_its_newest_entries_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(DIR_NAME);
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        let fp = blake3::hash(b"files");
        let other = Key::new(&b, &[b"today 1"]);
        store(&dir, &other, &fp, &entry()).unwrap();
        let keys: Vec<Key> = (0..7)
            .map(|day| Key::new(&a, &[format!("today {day}").as_bytes()]))
            .collect();
        for (day, key) in keys.iter().enumerate() {
            store(&dir, key, &fp, &entry()).unwrap();
            // Distinct times, oldest first, whatever the file system's clock resolution.
            let when = std::time::SystemTime::UNIX_EPOCH
                + std::time::Duration::from_secs(1_700_000_000 + day as u64);
            let f = std::fs::File::options()
                .write(true)
                .open(dir.join(key.file_name()))
                .unwrap();
            f.set_modified(when).unwrap();
        }
        let kept: Vec<bool> = keys
            .iter()
            .map(|k| lookup(&dir, k, &fp).is_some())
            .collect();
        assert_eq!(kept, [false, false, false, true, true, true, true]);
        assert!(lookup(&dir, &other, &fp).is_some(), "another vault's entry");
    }
}
