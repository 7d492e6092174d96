//! Incremental check: after a small edit, the rules run again only on the notes the edit can
//! affect, and every other note's part of the report is the one the last run wrote.
//!
//! A pre-commit `check` mostly follows an edit of one or two notes. Re-deriving the whole
//! vault for that costs a decode of every cached note and a resolution of every link; this
//! module keeps, per note, what the next run needs to skip that work (a [`State`], one file
//! per vault in the cache folder, keyed like the run cache by everything that shapes the
//! report). It rests on what a note's findings depend on (see [`crate::rules::Context`]):
//!
//! - its own text;
//! - the vault's names: note paths, attachment paths and aliases;
//! - the headings and block ids (its *anchors*) of the notes its links reach;
//! - how many other notes link to it.
//!
//! So when the same files exist as before and no edited note changed its aliases, the notes to
//! check again are the edited ones, those whose links reach an edited note whose anchors
//! changed, and those an edited note stopped or started linking to (their inbound counts
//! moved). Those notes are loaded in full (the note cache serves the unchanged ones), as are
//! the notes their links reach; every other note is a stub holding only what resolution reads
//! (path, name, aliases). Anything else — a new, deleted or renamed file, an alias edit, a
//! file that cannot be read, many edits at once — goes the full way, and a test asserts that
//! both ways give the same bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cache::{is_racy, now_ns};
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::index::{Index, Resolved};
use crate::model::{Alias, Note, NoteId, Vault};
use crate::note_cache::NoteCache;
use crate::parse::{Detail, parse_note_with};
use crate::report::{self, Format, Options, Tally};
use crate::rules::{self, Context, Inbound};
use crate::vault::{Found, Walk};

const MAGIC: &[u8; 8] = b"VLTCINC1";

/// What one check left for the next: per note, its file, what other notes' findings read
/// from it, and its rendered part of the report.
#[derive(Debug, Serialize, Deserialize)]
pub struct State {
    notes: Vec<NoteState>,
    /// BLAKE3 of the attachment paths: a new or removed attachment changes resolution.
    attachments: [u8; 32],
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct NoteState {
    path: String,
    len: u64,
    /// 0: unknown (the file changed too recently to trust its time); the file is hashed.
    mtime_ns: u128,
    digest: [u8; 32],
    aliases: Vec<String>,
    /// BLAKE3 of the headings (level and text) and block ids: what links into the note read.
    anchors: [u8; 32],
    /// The other notes its links reach (as notes or aliases), sorted, without repeats.
    targets: Vec<u32>,
    tally: Tally,
    /// Its findings, rendered (see [`report::render_part`]). A `String`, not bytes: serde
    /// writes a string in one piece, a `Vec<u8>` byte by byte.
    part: String,
}

/// An incremental run's result.
pub struct Outcome {
    pub tally: Tally,
    /// Notes whose rules ran again (0 when no note changed).
    pub rechecked: usize,
    /// Notes loaded in full for it (the rechecked ones and those their links reach).
    pub loaded: usize,
    /// Is the new state worth writing? Not for a few changed files: the stored state stays a
    /// true picture of the vault as it was, and the next run redoes the little work again
    /// (as the note cache is not rewritten for one edit).
    pub worth_storing: bool,
    state: State,
}

impl Outcome {
    pub fn state(&self) -> &State {
        &self.state
    }
}

/// The state file of the vault at `root` in the cache folder `dir`: one per vault, so that
/// runs with other arguments replace it rather than pile up.
fn file_for(dir: &Path, root: &Path) -> PathBuf {
    dir.join(format!("state-{}.bin", crate::cache::vault_id(root)))
}

fn anchors(note: &Note) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    for heading in &note.headings {
        h.update(&[heading.level]);
        h.update(&(heading.text().len() as u64).to_le_bytes());
        h.update(heading.text().as_bytes());
    }
    h.update(b"\xffblocks");
    for b in &note.blocks {
        h.update(&(b.id.len() as u64).to_le_bytes());
        h.update(b.id.as_bytes());
    }
    *h.finalize().as_bytes()
}

fn attachments_hash<'a>(paths: impl Iterator<Item = &'a str>) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    for p in paths {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    *h.finalize().as_bytes()
}

/// The distinct notes other than `id` that its resolved links reach.
fn targets(id: NoteId, resolved: &[Resolved]) -> Vec<u32> {
    let mut t: Vec<u32> = resolved
        .iter()
        .filter_map(Resolved::note)
        .filter(|&t| t != id)
        .map(|t| t as u32)
        .collect();
    t.sort_unstable();
    t.dedup();
    t
}

fn alias_texts(note: &Note) -> Vec<String> {
    note.aliases.iter().map(|a| a.text.clone()).collect()
}

impl State {
    /// Writes the report the state holds (without the summary line), of the notes whose
    /// paths `picks` selects (all of them, or those `vaultc check PATHS` names).
    pub fn write(
        &self,
        format: Format,
        picks: &dyn Fn(&str) -> bool,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let parts = self.notes.iter().filter(|n| picks(&n.path));
        report::assemble(format, parts.map(|n| n.part.as_bytes()), out)
    }

    /// The findings' count of the notes whose paths `picks` selects.
    pub fn tally(&self, picks: &dyn Fn(&str) -> bool) -> Tally {
        self.notes
            .iter()
            .filter(|n| picks(&n.path))
            .fold(Tally::default(), |t, n| t.plus(n.tally))
    }

    /// The state after a full run, or `None` when the run is not one to build on (files that
    /// could not be read, findings outside any note).
    ///
    /// `files` are the walk's notes, in vault order (the notes' files, with the size and time
    /// the walk saw); `found` the run's findings in report order.
    pub fn of_run(
        vault: &Vault,
        files: &[(u64, u128)],
        resolved: &[Vec<Resolved>],
        found: &[Diagnostic],
        format: Format,
        opts: &Options,
    ) -> Option<Self> {
        if !vault.load_errors.is_empty()
            || files.len() != vault.notes.len()
            || found.iter().any(|d| d.note.is_none())
        {
            return None;
        }
        let mut starts = vec![found.len(); vault.notes.len() + 1];
        for (i, d) in found.iter().enumerate().rev() {
            starts[d.note?] = i;
        }
        // Notes without findings start where the next note's findings do.
        for id in (0..vault.notes.len()).rev() {
            starts[id] = starts[id].min(starts[id + 1]);
        }
        let now = now_ns();
        let notes = (0..vault.notes.len())
            .into_par_iter()
            .map(|id| {
                let note = &vault.notes[id];
                let mine = &found[starts[id]..starts[id + 1]];
                debug_assert!(mine.iter().all(|d| d.note == Some(id)));
                Some(NoteState {
                    path: note.path.clone(),
                    len: files[id].0,
                    mtime_ns: trusted_time(files[id], note, now),
                    digest: note.digest,
                    aliases: alias_texts(note),
                    anchors: anchors(note),
                    targets: targets(id, &resolved[id]),
                    tally: Tally::of(mine),
                    part: rendered(format, mine, vault, opts)?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self {
            notes,
            attachments: attachments_hash(vault.attachments.iter().map(String::as_str)),
        })
    }

    /// The state stored for this vault and `key`, if intact.
    pub fn load(dir: &Path, root: &Path, key: &[u8; 32]) -> Option<Self> {
        let bytes = std::fs::read(file_for(dir, root)).ok()?;
        let rest = bytes.strip_prefix(MAGIC)?;
        let (stored_key, rest) = rest.split_at_checked(32)?;
        if stored_key != key {
            return None;
        }
        let (payload, sum) = rest.split_at_checked(rest.len().checked_sub(32)?)?;
        if blake3::hash(payload).as_bytes() != sum {
            return None;
        }
        postcard::from_bytes(payload).ok()
    }

    /// Writes the state (atomically); failing costs the next run its speed, nothing else.
    pub fn store(&self, dir: &Path, root: &Path, key: &[u8; 32]) -> std::io::Result<()> {
        let payload = postcard::to_stdvec(self).map_err(std::io::Error::other)?;
        crate::cache::prepare_dir(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        let mut out = std::io::BufWriter::new(&mut tmp);
        out.write_all(MAGIC)?;
        out.write_all(key)?;
        out.write_all(&payload)?;
        out.write_all(blake3::hash(&payload).as_bytes())?;
        out.flush()?;
        drop(out);
        tmp.persist(file_for(dir, root)).map_err(|e| e.error)?;
        Ok(())
    }

    /// Removes this vault's state (a run that cannot leave one must not leave an old one).
    pub fn remove(dir: &Path, root: &Path) {
        let _ = std::fs::remove_file(file_for(dir, root));
    }
}

/// The file time to store for a note read from a file the walk saw as `(len, mtime)`: unknown
/// when the time is too recent to trust, or when the bytes parsed are not the size the walk
/// saw (the file changed in between).
fn trusted_time((len, mtime): (u64, u128), note: &Note, now: u128) -> u128 {
    if is_racy(mtime, now) || (len != note.file_len() && !note.lossy) {
        0
    } else {
        mtime
    }
}

/// What changed in one note's file since the state was stored.
enum Change {
    Same,
    /// New time, same bytes.
    Touched,
    Edited(Vec<u8>),
}

/// How many changed files (edited or touched) since the stored state an incremental run
/// takes before it rewrites the state: rewriting it costs more than re-checking a few notes.
const STORE_AFTER: usize = 8;

/// The check, done incrementally on `state`; `None` when this run must go the full way (see
/// the module documentation for when).
pub fn run(
    settings: &Settings,
    walk: &Walk,
    state: State,
    cache_dir: &Path,
    today: jiff::civil::Date,
    format: Format,
    opts: &Options,
) -> Option<Outcome> {
    let State {
        notes: mut stored,
        attachments,
    } = state;
    if !walk.load_errors.is_empty() {
        return None;
    }
    let files: Vec<&Found> = walk.files.iter().filter(|f| f.is_note).collect();
    let same_files = files.len() == stored.len()
        && files.iter().zip(&stored).all(|(f, s)| f.rel == s.path)
        && attachments_hash(
            walk.files
                .iter()
                .filter(|f| !f.is_note)
                .map(|f| f.rel.as_str()),
        ) == attachments;
    if !same_files {
        return None;
    }
    let changes: Vec<Change> = files
        .par_iter()
        .zip(&stored)
        .map(|(f, s)| {
            if s.mtime_ns != 0 && f.mtime_ns == s.mtime_ns && f.len == s.len {
                return Some(Change::Same);
            }
            let bytes = std::fs::read(&f.path).ok()?;
            Some(
                if bytes.len() as u64 == s.len && *blake3::hash(&bytes).as_bytes() == s.digest {
                    Change::Touched
                } else {
                    Change::Edited(bytes)
                },
            )
        })
        .collect::<Option<_>>()?;
    // Past a few edits, the full run (which parses in parallel what changed) is as quick.
    let limit = (stored.len() / 100).max(16);
    let edited: Vec<NoteId> = (0..changes.len())
        .filter(|&i| matches!(changes[i], Change::Edited(_)))
        .collect();
    if edited.len() > limit {
        return None;
    }
    let changed = changes
        .iter()
        .filter(|c| !matches!(c, Change::Same))
        .count();
    let worth_storing = changed > STORE_AFTER;
    let now = now_ns();
    for ((f, s), c) in files.iter().zip(stored.iter_mut()).zip(&changes) {
        if matches!(c, Change::Touched) {
            s.mtime_ns = if is_racy(f.mtime_ns, now) {
                0
            } else {
                f.mtime_ns
            };
        }
    }
    if edited.is_empty() {
        return Some(Outcome {
            tally: stored.iter().fold(Tally::default(), |t, n| t.plus(n.tally)),
            rechecked: 0,
            loaded: 0,
            worth_storing,
            state: State {
                notes: stored,
                attachments,
            },
        });
    }

    // The vault as stubs, the edited notes in full.
    let mut vault = Vault {
        root: settings.src.clone(),
        notes: stored.iter().map(stub).collect(),
        attachments: walk
            .files
            .iter()
            .filter(|f| !f.is_note)
            .map(|f| f.rel.clone())
            .collect(),
        load_errors: Vec::new(),
        bases: Vec::new(),
    };
    let mut changes = changes;
    let mut full = vec![false; stored.len()];
    let mut moved_anchors = Vec::new();
    for &id in &edited {
        let Change::Edited(bytes) = std::mem::replace(&mut changes[id], Change::Same) else {
            unreachable!()
        };
        let note = parse_note_with(files[id].rel.clone(), bytes, Detail::Lean);
        if alias_texts(&note) != stored[id].aliases {
            return None;
        }
        if anchors(&note) != stored[id].anchors {
            moved_anchors.push(id as u32);
        }
        vault.notes[id] = note;
        full[id] = true;
    }
    let index = Index::build(&vault);
    let resolve = |vault: &Vault, id: NoteId| -> Vec<Resolved> {
        let note = &vault.notes[id];
        note.links
            .iter()
            .map(|l| index.resolve(vault, id, l.target(note)))
            .collect()
    };
    let mut resolved: Vec<Vec<Resolved>> = vec![Vec::new(); stored.len()];
    let mut recheck = vec![false; stored.len()];
    let mut new_targets: Vec<(NoteId, Vec<u32>)> = Vec::new();
    for &id in &edited {
        resolved[id] = resolve(&vault, id);
        let now = targets(id, &resolved[id]);
        recheck[id] = true;
        // Notes it stopped or started linking to: their inbound counts moved (orphan-note
        // reads them). Both lists are sorted.
        let before = &stored[id].targets;
        for &t in before.iter().chain(&now) {
            if before.binary_search(&t).is_ok() != now.binary_search(&t).is_ok() {
                recheck[t as usize] = true;
            }
        }
        new_targets.push((id, now));
    }
    if !moved_anchors.is_empty() {
        for (id, s) in stored.iter().enumerate() {
            if s.targets
                .iter()
                .any(|t| moved_anchors.binary_search(t).is_ok())
            {
                recheck[id] = true;
            }
        }
    }
    for (id, now) in new_targets {
        stored[id].targets = now;
    }
    let rechecked: Vec<NoteId> = (0..recheck.len()).filter(|&i| recheck[i]).collect();
    if rechecked.len() > limit * 4 {
        return None;
    }

    // The notes to check again in full, then the notes their links reach.
    let notes_cache = NoteCache::open_for_few(cache_dir, &settings.src, Detail::Lean);
    let load = |ids: &[NoteId], vault: &mut Vault, full: &mut [bool]| -> Option<()> {
        let want: Vec<NoteId> = ids.iter().copied().filter(|&i| !full[i]).collect();
        let loaded: Vec<Note> = want
            .par_iter()
            .map(|&i| full_note(&notes_cache, files[i]))
            .collect::<Option<_>>()?;
        for (i, note) in want.into_iter().zip(loaded) {
            if note.digest != stored[i].digest {
                // Changed since this run looked (an edit racing the run): start over in full.
                return None;
            }
            vault.notes[i] = note;
            full[i] = true;
        }
        Some(())
    };
    load(&rechecked, &mut vault, &mut full)?;
    for &id in &rechecked {
        if resolved[id].is_empty() {
            resolved[id] = resolve(&vault, id);
        }
    }
    let reached: Vec<NoteId> = rechecked
        .iter()
        .flat_map(|&id| resolved[id].iter().filter_map(Resolved::note))
        .collect();
    load(&reached, &mut vault, &mut full)?;

    let mut inbound = vec![0u32; stored.len()];
    for s in &stored {
        for &t in &s.targets {
            inbound[t as usize] += 1;
        }
    }
    let cx = Context {
        vault: &vault,
        index: &index,
        resolved: &resolved,
        inbound: Inbound::Counts(&inbound),
        settings,
        today,
    };
    let found = rules::run(&cx, Some(&recheck));
    let mut at = 0;
    for &id in &rechecked {
        let end = at + found[at..].partition_point(|d| d.note == Some(id));
        let mine = &found[at..end];
        at = end;
        let note = &vault.notes[id];
        let s = &mut stored[id];
        s.tally = Tally::of(mine);
        s.part = rendered(format, mine, &vault, opts)?;
        if edited.binary_search(&id).is_ok() {
            s.len = files[id].len;
            s.mtime_ns = trusted_time((files[id].len, files[id].mtime_ns), note, now);
            s.digest = note.digest;
            s.anchors = anchors(note);
        }
    }
    if at != found.len() {
        // A finding outside the notes checked (cannot happen with no load errors).
        return None;
    }
    Some(Outcome {
        tally: stored.iter().fold(Tally::default(), |t, n| t.plus(n.tally)),
        rechecked: rechecked.len(),
        worth_storing,
        loaded: full.iter().filter(|&&f| f).count(),
        state: State {
            notes: stored,
            attachments,
        },
    })
}

/// One note's part of the report (reports are UTF-8 text).
fn rendered(format: Format, found: &[Diagnostic], vault: &Vault, opts: &Options) -> Option<String> {
    String::from_utf8(report::render_part(format, found, vault, opts).ok()?).ok()
}

/// A note reduced to what resolution and other notes' rules read of it: path, name, aliases.
fn stub(s: &NoteState) -> Note {
    Note {
        name: crate::parse::note_name(&s.path).to_owned(),
        path: s.path.clone(),
        aliases: s
            .aliases
            .iter()
            .map(|a| Alias {
                text: a.clone(),
                span: Default::default(),
            })
            .collect(),
        digest: s.digest,
        ..Note::default()
    }
}

/// A whole note: from the note cache when its file is the one stored there, else parsed.
fn full_note(cache: &NoteCache, f: &Found) -> Option<Note> {
    if let Some(note) = cache.get(f) {
        return Some(note);
    }
    let bytes = std::fs::read(&f.path).ok()?;
    match cache.get_by_content(f, &bytes) {
        Some(note) => Some(note),
        None => Some(parse_note_with(f.rel.clone(), bytes, Detail::Lean)),
    }
}
