//! `vaultc export --json`: the [`Model`] as one JSON document.

use std::io::{self, Write};
use std::path::Path;

use super::Model;

/// Writes the model to `out` (pretty-printed: diffable, and still fast to read).
pub fn write(model: &Model<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut buf = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buf, model)?;
    buf.write_all(b"\n")?;
    buf.flush()
}

/// Writes the model to `path` through a temporary sibling renamed over it, so a reader never
/// sees half a file and a failed run leaves the old file in place.
pub fn write_file(model: &Model<'_>, path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    write(model, tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
