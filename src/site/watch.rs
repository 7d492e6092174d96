//! Noticing that the vault changed, by polling: the name, size and modification time of every
//! file the vault walk would read (hidden and ignored files aside), plus a few more paths
//! (the config file, the theme folder). Polling needs no platform support and, at a
//! two-times-a-second pace, costs little next to a rebuild.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What the watched files looked like at one moment.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Snapshot(Vec<(PathBuf, u64, Option<SystemTime>)>);

impl Snapshot {
    /// Looks at every file under `vault` (except those under `skip`, the output folder) and
    /// at the `extra` files and folders.
    pub fn take(vault: &Path, skip: &Path, extra: &[PathBuf]) -> Self {
        let skip = skip.canonicalize().ok();
        let mut files = Vec::new();
        let roots = std::iter::once(vault).chain(extra.iter().map(PathBuf::as_path));
        for root in roots {
            let skip = skip.clone();
            let walker = ignore::WalkBuilder::new(root)
                .hidden(true)
                .git_ignore(true)
                .require_git(false)
                .follow_links(true)
                .filter_entry(move |e| {
                    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                    !(is_dir
                        && skip
                            .as_ref()
                            .is_some_and(|s| e.path().canonicalize().is_ok_and(|p| &p == s)))
                })
                .build();
            for entry in walker.flatten() {
                if let Ok(meta) = entry.metadata()
                    && meta.is_file()
                {
                    files.push((entry.path().to_owned(), meta.len(), meta.modified().ok()));
                }
            }
        }
        files.sort();
        Snapshot(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_and_new_files_change_the_snapshot_and_the_output_folder_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir(&site).unwrap();
        std::fs::write(dir.path().join("a.md"), "a").unwrap();
        let before = Snapshot::take(dir.path(), &site, &[]);
        std::fs::write(site.join("x.html"), "x").unwrap();
        assert_eq!(before, Snapshot::take(dir.path(), &site, &[]));
        std::fs::write(dir.path().join("a.md"), "changed").unwrap();
        assert_ne!(before, Snapshot::take(dir.path(), &site, &[]));
    }
}
