//! `vaultc export --json`: the [`Model`] as one JSON document.

use std::io::{self, Write};
use std::path::Path;

use rayon::prelude::*;

use super::{Model, NOTES_AT_ONCE, Notes};

/// Note `id` as JSON, in a buffer sized for it at once: a note's JSON is about as long as
/// its text, and growing the buffer step by step copied it several times over.
fn note_json(notes: &Notes<'_>, id: usize) -> io::Result<Vec<u8>> {
    let text = notes.0.vault.notes[id].text.len();
    let mut bytes = Vec::with_capacity(text + text / 4 + 4096);
    serde_json::to_writer(&mut bytes, &notes.get(id))?;
    Ok(bytes)
}

/// Writes the model to `out` as compact JSON: pretty-printing made a 10k-note export 2.4 times
/// larger (480 MB against 200 MB) and slower to write and to read; `jq .` indents it on demand.
///
/// Notes are made and serialised in parallel batches (they are most of the bytes) and
/// written in order; the document is the same as `serde_json::to_writer(model)` would give,
/// field for field.
pub fn write(model: &Model<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut buf = io::BufWriter::with_capacity(1 << 16, out);
    let w = &mut buf;
    write!(
        w,
        "{{\"schema_version\":{},\"generator\":",
        model.schema_version
    )?;
    serde_json::to_writer(&mut *w, &model.generator)?;
    w.write_all(b",\"title\":")?;
    serde_json::to_writer(&mut *w, &model.title)?;
    w.write_all(b",\"notes\":[")?;
    // A batch at a time: made and serialised on every core while the batch before it is
    // written, in order, by this thread.
    let notes = &model.notes;
    std::thread::scope(|s| -> io::Result<()> {
        let (send, batches) = std::sync::mpsc::sync_channel(0);
        s.spawn(move || {
            for start in (0..notes.len()).step_by(NOTES_AT_ONCE) {
                let bytes: Vec<io::Result<Vec<u8>>> = (start
                    ..(start + NOTES_AT_ONCE).min(notes.len()))
                    .into_par_iter()
                    .map(|id| note_json(notes, id))
                    .collect();
                if send.send(bytes).is_err() {
                    break;
                }
            }
        });
        let mut first = true;
        for batch in batches {
            for note in batch {
                if !first {
                    w.write_all(b",")?;
                }
                first = false;
                w.write_all(&note?)?;
            }
        }
        Ok(())
    })?;
    w.write_all(b"],\"attachments\":")?;
    serde_json::to_writer(&mut *w, &model.attachments)?;
    w.write_all(b",\"entities\":")?;
    serde_json::to_writer(&mut *w, &model.entities)?;
    w.write_all(b",\"edges\":")?;
    serde_json::to_writer(&mut *w, &model.edges)?;
    w.write_all(b",\"tags\":")?;
    serde_json::to_writer(&mut *w, &model.tags)?;
    w.write_all(b",\"diagnostics\":")?;
    serde_json::to_writer(&mut *w, &model.diagnostics)?;
    w.write_all(b"}\n")?;
    buf.flush()
}

/// Writes the model to `path` through a temporary sibling renamed over it (see
/// [`crate::cache::atomic`]), so a reader never sees half a file and a failed run leaves the
/// old file in place.
pub fn write_file(model: &Model<'_>, path: &Path) -> io::Result<()> {
    let mut file = crate::cache::AtomicFile::beside(path)?;
    // No fsync: the rename already keeps readers from a half-written file, and an export can
    // be made again; flushing 200 MB to disk took a third of the export's time.
    write(model, file.file())?;
    file.commit()
}

#[cfg(test)]
mod tests {
    /// The hand-assembled document must equal serde's own rendering of the model.
    #[test]
    fn parallel_writer_matches_serde() {
        let text = "---\naliases: [N]\ntags: [a/b]\n---\n# T\n\n[[X]] #c\n\n| a | b |\n|---|---|\n| 1% | [[T]] |\n";
        let vault = crate::model::Vault {
            notes: vec![crate::parse::parse_note(
                "T.md".into(),
                text.as_bytes().to_vec(),
            )],
            ..Default::default()
        };
        let settings = crate::config::Settings::defaults(".".into());
        let a = crate::pipeline::Analysis::from_vault(settings, vault);
        let found = Vec::new();
        let model = super::Model::new(&a, &found);
        let mut ours = Vec::new();
        super::write(&model, &mut ours).unwrap();
        let mut theirs = serde_json::to_vec(&model).unwrap();
        theirs.push(b'\n');
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
    }
}
