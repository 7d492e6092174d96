//! Where a vault's records live: beside its book.toml (`.vaultc-cache/`), or, for a folder
//! without one, in the user's cache directory (`$XDG_CACHE_HOME/vaultc/NAME-ID/` on Linux),
//! keyed by the vault's path — never inside a folder vaultc was merely pointed at.
//! `VAULTC_CACHE_DIR` overrides both (several vaults may share it: every record's file name
//! carries its vault's id).

use std::path::{Path, PathBuf};

/// Folder name of the cache beside book.toml.
pub const DIR_NAME: &str = ".vaultc-cache";

/// The first line of the `.gitignore` vaultc writes into every cache folder: it keeps the
/// folder out of commits, and tells `clean` the folder is vaultc's.
const MARK: &str = "# Created by vaultc: its cache, safe to delete.\n*\n";

/// One vault's place for records.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    vault_id: String,
}

impl Store {
    /// The store of the vault at `root`, configured by the book.toml at `config` if any.
    pub fn locate(config: Option<&Path>, root: &Path) -> Self {
        let vault_id = vault_id(root);
        if let Some(dir) = std::env::var_os("VAULTC_CACHE_DIR").filter(|d| !d.is_empty()) {
            return Self {
                dir: PathBuf::from(dir),
                vault_id,
            };
        }
        let dir = match config.and_then(Path::parent) {
            Some(parent) if parent.as_os_str().is_empty() => PathBuf::from(DIR_NAME),
            Some(parent) => parent.join(DIR_NAME),
            None => user_cache_dir().join(folder_name(root, &vault_id)),
        };
        Self { dir, vault_id }
    }

    /// A store in `dir` for the vault whose id is `vault_id`.
    pub fn at(dir: PathBuf, vault_id: &str) -> Self {
        Self {
            dir,
            vault_id: vault_id.to_owned(),
        }
    }

    /// The folder that holds the records.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of record `name` (one per vault).
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}-{}.bin", self.vault_id))
    }

    /// The file of record `name` for `variant` (several per vault, see [`Store::prune`]).
    pub fn variant_file(&self, name: &str, variant: &str) -> PathBuf {
        self.dir
            .join(format!("{name}-{}-{variant}.bin", self.vault_id))
    }

    /// Removes the oldest variants of record `name` beyond the newest `keep`.
    pub fn prune(&self, name: &str, keep: usize) {
        let prefix = format!("{name}-{}-", self.vault_id);
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
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
        for (_, path) in mine.into_iter().skip(keep) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Where `vaultc build` writes a vault without a book.toml (which names its own folder).
    pub fn site_dir(&self) -> PathBuf {
        self.dir.join(format!("site-{}", self.vault_id))
    }

    /// Creates the folder if needed, marked as vaultc's.
    pub fn prepare(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, MARK)?;
        }
        Ok(())
    }

    /// Removes the folder and everything in it; `Ok(false)` when there was none. Refuses a
    /// folder that does not carry vaultc's mark, so a mistyped path loses nothing.
    pub fn clean(&self) -> std::io::Result<bool> {
        if !self.dir.exists() {
            return Ok(false);
        }
        let mark = std::fs::read_to_string(self.dir.join(".gitignore")).unwrap_or_default();
        if !mark.starts_with("# Created by vaultc") {
            return Err(std::io::Error::other(format!(
                "{} does not look like a vaultc cache; not removing it",
                self.dir.display()
            )));
        }
        std::fs::remove_dir_all(&self.dir)?;
        Ok(true)
    }
}

/// A short name for the vault at `root` (its canonical path, hashed).
pub fn vault_id(root: &Path) -> String {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    blake3::hash(root.to_string_lossy().as_bytes()).to_hex()[..16].to_owned()
}

/// The user's cache directory for vaultc (the platform's: `$XDG_CACHE_HOME` or `~/.cache`
/// on Linux), or the system's temporary folder when there is none.
fn user_cache_dir() -> PathBuf {
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("vaultc")
}

/// `NAME-ID`: the vault folder's name, for a person looking in the cache directory, and its
/// id, which tells apart folders of the same name.
fn folder_name(root: &Path, id: &str) -> String {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    let name: String = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if name.is_empty() {
        id.to_owned()
    } else {
        format!("{name}-{id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_removes_only_a_marked_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store {
            dir: tmp.path().join(DIR_NAME),
            vault_id: "v".into(),
        };
        assert!(!store.clean().unwrap());
        store.prepare().unwrap();
        std::fs::write(store.file("notes"), "x").unwrap();
        assert!(store.clean().unwrap());
        assert!(!store.dir().exists());
        let foreign = Store {
            dir: tmp.path().to_owned(),
            vault_id: "v".into(),
        };
        assert!(foreign.clean().is_err(), "not ours");
    }

    #[test]
    fn pruning_keeps_the_newest_variants_of_one_vault() {
        let tmp = tempfile::tempdir().unwrap();
        let store = |id: &str| Store {
            dir: tmp.path().to_owned(),
            vault_id: id.into(),
        };
        std::fs::write(store("b").variant_file("check", "x"), "other vault").unwrap();
        for day in 0..7_u64 {
            let path = store("a").variant_file("check", &day.to_string());
            std::fs::write(&path, "entry").unwrap();
            let when = std::time::SystemTime::UNIX_EPOCH
                + std::time::Duration::from_secs(1_700_000_000 + day);
            let f = std::fs::File::options().write(true).open(&path).unwrap();
            f.set_modified(when).unwrap();
        }
        store("a").prune("check", 4);
        let kept: Vec<bool> = (0..7)
            .map(|d| store("a").variant_file("check", &d.to_string()).exists())
            .collect();
        assert_eq!(kept, [false, false, false, true, true, true, true]);
        assert!(store("b").variant_file("check", "x").exists());
    }
}
