//! The incremental state: what one check left for the next, per note — its file's stamp,
//! what other notes' findings read from it, the notes its links reach, and its findings as
//! data.
//!
//! Findings are kept as [`Diagnostic`]s' fields (with the line and column of every offset a
//! report prints besides a span's start), not as rendered text, so the state serves every
//! output format: the format is not part of its key, and a `--format json` run after a
//! `pretty` one starts from the same state. Its key is what decides the findings besides the
//! files: vaultc's binary, the config file's bytes, "today" and the vault's folder. One record
//! per vault (see [`crate::cache::Store`]); see `incremental` for how a run uses it.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cache::envelope;
use crate::cache::{Digest, Key, Kind, Stamp, Store, now_ns};
use crate::diagnostic::{Diagnostic, Fix, Level};
use crate::index::Resolved;
use crate::model::{Note, NoteId, Vault};
use crate::report::Tally;
use crate::source::Span;

const KIND: Kind = Kind {
    tag: *b"stat",
    version: 2,
};
const NAME: &str = "state";

/// What one check left for the next.
#[derive(Debug, Serialize, Deserialize)]
pub struct State {
    pub(super) notes: Vec<NoteState>,
    /// BLAKE3 of the attachment paths: a new or removed attachment changes resolution.
    pub(super) attachments: Digest,
    /// BLAKE3 of the record's tail: every note's [`Findings`], one after the other.
    sum: Digest,
    /// The tail, as read.
    #[serde(skip)]
    tail: Vec<u8>,
}

/// One note's share of the state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct NoteState {
    pub path: String,
    /// The file checked: size, time (0: not trusted) and digest.
    pub stamp: Stamp,
    pub aliases: Vec<String>,
    /// BLAKE3 of the headings (level and text) and block ids: what links into the note read.
    pub anchors: Digest,
    /// The other notes its links reach (as notes or aliases), sorted, without repeats.
    pub targets: Vec<u32>,
    /// Its git baseline when checked ([`crate::history::Baselines::mark`]; 0 without one):
    /// a commit or a `git add` that moves it re-checks the note.
    pub git: u64,
    /// The findings' count: all a run reads of most notes' findings.
    pub tally: Tally,
    /// Names what a rendering of the note's findings reads: the findings and the note's
    /// bytes. A report kept from an earlier run reuses a note's part when this matches.
    pub mark: u64,
    /// Where the note's [`Findings`] are in the record's tail (decoded only when a report
    /// renders them: most runs reuse a kept report's parts).
    blob: (u64, u64),
    /// The findings of a note checked by this run, encoded, in place of the blob.
    #[serde(skip)]
    fresh: Option<Vec<u8>>,
}

/// A note's findings as data, with the line and column of every offset a report prints
/// besides a span's start (span ends, fix edits), so that a report needs no note text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Findings {
    findings: Vec<Finding>,
    /// `(offset, line, column)`, sorted by offset.
    positions: Vec<[u32; 3]>,
}

/// A [`Diagnostic`] in a note, as data (the note and its path are the [`NoteState`]'s).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Finding {
    rule: String,
    level: Level,
    span: Option<Span>,
    message: String,
    help: Option<String>,
    fix: Option<Fix>,
}

impl Finding {
    fn of(d: &Diagnostic) -> Self {
        Self {
            rule: d.rule.to_owned(),
            level: d.level,
            span: d.span,
            message: d.message.clone(),
            help: d.help.clone(),
            fix: d.fix.as_deref().cloned(),
        }
    }

    /// The finding as a diagnostic of note `id` at `path`; `None` for a rule this vaultc
    /// does not have.
    pub fn diagnostic(&self, id: NoteId, path: &str) -> Option<Diagnostic> {
        Some(Diagnostic {
            rule: crate::rules::find_rule(&self.rule)?.name,
            level: self.level,
            path: path.to_owned(),
            note: Some(id),
            span: self.span,
            message: self.message.clone(),
            help: self.help.clone(),
            fix: self.fix.clone().map(Box::new),
        })
    }
}

impl Findings {
    /// The findings as diagnostics of note `id` at `path`; `None` for a rule this vaultc
    /// does not have.
    pub fn diagnostics(&self, id: NoteId, path: &str) -> Option<Vec<Diagnostic>> {
        self.findings
            .iter()
            .map(|f| f.diagnostic(id, path))
            .collect()
    }

    /// The (line, column) kept for `offset`.
    pub fn position(&self, offset: u32) -> Option<(u32, u32)> {
        let i = self
            .positions
            .binary_search_by_key(&offset, |p| p[0])
            .ok()?;
        Some((self.positions[i][1], self.positions[i][2]))
    }
}

impl NoteState {
    /// Takes `found`, the findings of `note` as checked now.
    pub fn checked(&mut self, note: &Note, found: &[Diagnostic]) {
        let findings = Findings {
            findings: found.iter().map(Finding::of).collect(),
            positions: positions(note, found),
        };
        self.tally = Tally::of(found);
        self.mark = mark(note, &findings.findings);
        self.fresh = postcard::to_stdvec(&findings).ok();
    }
}

/// The lines and columns of every offset a report prints for `found`, besides spans' starts.
fn positions(note: &Note, found: &[Diagnostic]) -> Vec<[u32; 3]> {
    let mut offsets: Vec<u32> = found
        .iter()
        .flat_map(|d| {
            let edits = d.fix.iter().flat_map(|f| &f.edits);
            d.span
                .map(|s| s.end)
                .into_iter()
                .chain(edits.flat_map(|e| [e.start, e.end]))
        })
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    offsets
        .into_iter()
        .map(|o| {
            let (line, col) = note.lines.line_col(&note.text, o as usize);
            [o, line, col]
        })
        .collect()
}

/// See [`NoteState::mark`].
fn mark(note: &Note, findings: &[Finding]) -> u64 {
    let mut h = blake3::Hasher::new();
    h.update(&note.digest);
    h.update(&postcard::to_stdvec(findings).unwrap_or_default());
    let bytes = h.finalize();
    u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap_or_default())
}

/// BLAKE3 of a note's headings and block ids.
pub(super) fn anchors(note: &Note) -> Digest {
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

/// BLAKE3 of the attachment paths.
pub(super) fn attachments_hash<'a>(paths: impl Iterator<Item = &'a str>) -> Digest {
    let mut h = blake3::Hasher::new();
    for p in paths {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    *h.finalize().as_bytes()
}

/// The distinct notes other than `id` that its resolved links reach.
pub(super) fn targets(id: NoteId, resolved: &[Resolved]) -> Vec<u32> {
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

pub(super) fn alias_texts(note: &Note) -> Vec<String> {
    note.aliases.iter().map(|a| a.text.clone()).collect()
}

/// The stamp to keep for `note`, read from the file the walk saw as `seen`: its time is
/// dropped when racy, or when the bytes parsed are not the size the walk saw (the file
/// changed in between).
pub(super) fn stamp_of(seen: &Stamp, note: &Note, now: u128) -> Stamp {
    let settled = seen.settled(Some(note.digest), now);
    if seen.len != note.file_len() && !note.lossy {
        Stamp {
            mtime_ns: 0,
            ..settled
        }
    } else {
        settled
    }
}

impl State {
    /// Records each note's git baseline, `mark(path)`, with its findings.
    pub fn mark_git(&mut self, mark: impl Fn(&str) -> u64) {
        for s in &mut self.notes {
            s.git = mark(&s.path);
        }
    }

    /// The state after a full run, or `None` when the run is not one to build on (files
    /// that could not be read, findings outside any note).
    ///
    /// `seen` are the walk's stamps of the notes' files, in vault order; `found` the run's
    /// findings in report order.
    pub fn of_run(
        vault: &Vault,
        seen: &[Stamp],
        resolved: &[Vec<Resolved>],
        found: &[Diagnostic],
    ) -> Option<Self> {
        if !vault.load_errors.is_empty()
            || seen.len() != vault.notes.len()
            || found
                .iter()
                .any(|d| d.note.is_none_or(|id| d.path != vault.notes[id].path))
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
                let mut s = NoteState {
                    path: note.path.clone(),
                    stamp: stamp_of(&seen[id], note, now),
                    aliases: alias_texts(note),
                    anchors: anchors(note),
                    targets: targets(id, &resolved[id]),
                    git: 0,
                    tally: Tally::default(),
                    mark: 0,
                    blob: (0, 0),
                    fresh: None,
                };
                s.checked(note, &found[starts[id]..starts[id + 1]]);
                s
            })
            .collect();
        Some(Self {
            notes,
            attachments: attachments_hash(vault.attachments.iter().map(String::as_str)),
            sum: [0; 32],
            tail: Vec::new(),
        })
    }

    /// The findings' count of the notes whose paths `picks` selects.
    pub fn tally(&self, picks: &dyn Fn(&str) -> bool) -> Tally {
        self.notes
            .iter()
            .filter(|n| picks(&n.path))
            .fold(Tally::default(), |t, n| t.plus(n.tally))
    }

    /// Note `id`'s findings; `None` when they cannot be decoded.
    pub fn findings(&self, id: NoteId) -> Option<Findings> {
        let note = self.notes.get(id)?;
        let bytes = match &note.fresh {
            Some(fresh) => fresh.as_slice(),
            None => self
                .tail
                .get(usize::try_from(note.blob.0).ok()?..usize::try_from(note.blob.1).ok()?)?,
        };
        postcard::from_bytes(bytes).ok()
    }

    /// Note `id`'s findings as diagnostics.
    pub fn diagnostics(&self, id: NoteId) -> Option<Vec<Diagnostic>> {
        self.findings(id)?.diagnostics(id, &self.notes[id].path)
    }

    /// The state stored in `store` under `key`, if intact.
    pub fn load(store: &Store, key: &Key) -> Option<Self> {
        let bytes = std::fs::read(store.file(NAME)).ok()?;
        let (mut state, tail) = envelope::decode::<Self>(&bytes, KIND, key)?;
        if *blake3::hash(tail).as_bytes() != state.sum {
            return None;
        }
        state.tail = tail.to_vec();
        Some(state)
    }

    /// Writes the state (atomically); failing costs the next run its speed, nothing else.
    pub fn store(&mut self, store: &Store, key: &Key) -> std::io::Result<()> {
        let mut tail = Vec::with_capacity(self.tail.len());
        for note in &mut self.notes {
            let start = tail.len() as u64;
            match note.fresh.take() {
                Some(fresh) => tail.extend_from_slice(&fresh),
                None => {
                    let (a, b) = note.blob;
                    let old = usize::try_from(a).ok().zip(usize::try_from(b).ok());
                    tail.extend_from_slice(
                        old.and_then(|(a, b)| self.tail.get(a..b)).unwrap_or(&[]),
                    );
                }
            }
            note.blob = (start, tail.len() as u64);
        }
        self.sum = *blake3::hash(&tail).as_bytes();
        self.tail = tail;
        store.prepare()?;
        envelope::write_with_tail(&store.file(NAME), KIND, key, self, |w| {
            w.write_all(&self.tail)
        })
    }
}
