//! Noticing that a build's other inputs changed, by polling: the size and modification time
//! of the config file and of every file in the theme folder. (The vault's own files are the
//! session's: `Session::refresh` walks them the way every command does.) Polling needs no
//! platform support and, at a two-times-a-second pace, costs little next to a rebuild.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What the watched files looked like at one moment.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Snapshot(Vec<(PathBuf, u64, Option<SystemTime>)>);

impl Snapshot {
    /// Looks at the files `paths` name, and at every file in the folders among them.
    pub fn take(paths: &[PathBuf]) -> Self {
        let mut files = Vec::new();
        for path in paths {
            look(path, &mut files);
        }
        files.sort();
        Snapshot(files)
    }
}

fn look(path: &Path, files: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
    let Ok(meta) = std::fs::metadata(path) else {
        files.push((path.to_owned(), u64::MAX, None));
        return;
    };
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            look(&entry.path(), files);
        }
    } else {
        files.push((path.to_owned(), meta.len(), meta.modified().ok()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_new_and_removed_files_change_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("book.toml");
        let theme = dir.path().join("theme");
        std::fs::create_dir(&theme).unwrap();
        std::fs::write(&config, "a").unwrap();
        let watched = [config.clone(), theme.clone()];
        let before = Snapshot::take(&watched);
        assert_eq!(before, Snapshot::take(&watched));
        std::fs::write(theme.join("style.css"), "x").unwrap();
        let with_css = Snapshot::take(&watched);
        assert_ne!(before, with_css);
        std::fs::write(&config, "changed").unwrap();
        assert_ne!(with_css, Snapshot::take(&watched));
        std::fs::remove_file(&config).unwrap();
        assert_ne!(with_css, Snapshot::take(&watched));
    }
}
