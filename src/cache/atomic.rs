//! One way to replace a file: write a hidden temporary file beside it, then rename it over
//! the path. A reader sees the old file or the new one, never half of one, and a failed
//! write leaves the old file in place. The rename replaces a symbolic link at the path
//! rather than writing through it.
//!
//! Used for every record vaultc keeps, every export, every site file rewritten in place and
//! every note `--fix` changes.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written beside the one it will replace.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl AtomicFile {
    /// A temporary file in `path`'s folder, with the permissions of the file it replaces (a
    /// note keeps its mode), or those a plain write gives a new file.
    pub fn beside(path: &Path) -> std::io::Result<Self> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".vaultc-");
        // Temporary files are private by default; the file it becomes should not be: made
        // 0666 like any new file, less the umask (0644 under the usual 022).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(dir)?;
        if let Ok(meta) = std::fs::metadata(path) {
            tmp.as_file().set_permissions(meta.permissions())?;
        }
        Ok(Self {
            tmp,
            path: path.to_owned(),
        })
    }

    /// The temporary file, to write into.
    pub fn file(&mut self) -> &mut std::fs::File {
        self.tmp.as_file_mut()
    }

    /// Where the temporary file is (for writers that open it by path, such as SQLite).
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// Renames the written file over the path.
    pub fn commit(self) -> std::io::Result<()> {
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Flushes the bytes to the disk first, then renames: for files whose only copy this is
    /// (a note changed by `--fix`), not for outputs vaultc can make again.
    pub fn commit_durably(self) -> std::io::Result<()> {
        self.tmp.as_file().sync_all()?;
        self.commit()
    }
}

/// Replaces `path` with what `write` writes (buffered), atomically.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut file = AtomicFile::beside(path)?;
    let mut out = BufWriter::new(file.file());
    write(&mut out)?;
    out.flush()?;
    drop(out);
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_atomic(&path, |w| w.write_all(b"old")).unwrap();
        let failed = write_atomic(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomic(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }
}
