//! Loading notes: the walked files read and parsed on every core, with the note cache
//! serving the notes whose files did not change.

use rayon::prelude::*;

use super::notes::{NoteCache, Use};
use crate::cache::Store;
use crate::config::Settings;
use crate::model::{LoadError, Note, Vault};
use crate::parse::{Detail, parse_note_with};
use crate::timings::Timings;
use crate::vault::{self, Found, Walk};

/// Reads and parses the walked notes in parallel; with a store, notes whose files did not
/// change since they were cached there are decoded instead, and the cache is refreshed when
/// worth it.
pub fn load_vault(settings: &Settings, walk: Walk, detail: Detail, store: Option<&Store>) -> Vault {
    let Walk {
        files,
        mut load_errors,
    } = walk;
    let (notes, attachments): (Vec<Found>, Vec<Found>) = files.into_iter().partition(|f| f.is_note);
    let cache = store.map(|s| NoteCache::open(s, detail, false));
    let parsed: Vec<Result<(Note, bool), LoadError>> = notes
        .par_iter()
        .map(|f| read_note(cache.as_ref(), f, detail))
        .collect();
    if let (Some(cache), Some(store)) = (&cache, store) {
        keep_parsed(cache, store, &notes, &parsed);
    }
    let mut vault = Vault {
        root: settings.src.clone(),
        ..Vault::default()
    };
    for p in parsed {
        match p {
            Ok((note, _)) => vault.notes.push(note),
            Err(e) => load_errors.push(e),
        }
    }
    vault.bases = read_bases(&attachments);
    vault.attachments = attachments.into_iter().map(|f| f.rel).collect();
    load_errors.sort_by(|a, b| a.path.cmp(&b.path));
    vault.load_errors = load_errors;
    vault
}

/// The Obsidian Bases (`.base` files) among the attachments, parsed for the site; one that
/// cannot be read is left out (it is still an attachment a link can reach).
fn read_bases(attachments: &[Found]) -> Vec<crate::model::BaseFile> {
    attachments
        .par_iter()
        .filter(|f| f.rel.to_ascii_lowercase().ends_with(".base"))
        .filter_map(|f| {
            let text = std::fs::read_to_string(&f.path).ok()?;
            Some(crate::parse::base::parse(f.rel.clone(), &text))
        })
        .collect()
}

/// One note: from the cache when its file is the one stored there (`true`), else read and
/// parsed.
fn read_note(
    cache: Option<&NoteCache>,
    f: &Found,
    detail: Detail,
) -> Result<(Note, bool), LoadError> {
    if let Some(note) = cache.and_then(|c| c.get(f)) {
        return Ok((note, true));
    }
    let bytes = vault::read(f)?;
    Ok(match cache.and_then(|c| c.get_by_content(f, &bytes)) {
        // Touched, or changed and changed back: the same bytes as stored.
        Some(note) => (note, true),
        None => (parse_note_with(f.rel.clone(), bytes, detail), false),
    })
}

/// A whole note for the incremental check: from the cache when its file is the one stored
/// there, else read and parsed; `None` when it cannot be read.
pub fn full_note(cache: &NoteCache, f: &Found, detail: Detail) -> Option<Note> {
    read_note(Some(cache), f, detail).ok().map(|(note, _)| note)
}

/// Rewrites the note cache with what a load parsed, when worth it (see
/// [`NoteCache::worth_storing`]).
fn keep_parsed(
    cache: &NoteCache,
    store: &Store,
    files: &[Found],
    parsed: &[Result<(Note, bool), LoadError>],
) {
    let used = Use {
        decoded: parsed.iter().filter(|p| matches!(p, Ok((_, true)))).count(),
        parsed: parsed
            .iter()
            .filter(|p| matches!(p, Ok((_, false))))
            .count(),
    };
    Timings::start().note(&format!(
        "note cache     {} decoded, {} parsed",
        used.decoded, used.parsed
    ));
    if cache.worth_storing(used) {
        let pairs: Vec<(&Found, &Note)> = files
            .iter()
            .zip(parsed)
            .filter_map(|(f, p)| Some((f, &p.as_ref().ok()?.0)))
            .collect();
        // A cache that cannot be written costs the next run time, nothing else.
        let _ = cache.store(store, &pairs);
    }
}
