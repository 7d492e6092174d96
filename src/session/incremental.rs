//! Incremental check: after a small edit, the rules run again only on the notes the edit can
//! affect; every other note keeps the findings the [`State`] holds.
//!
//! A pre-commit `check` mostly follows an edit of one or two notes. Re-deriving the whole
//! vault for that costs a decode of every cached note and a resolution of every link. The
//! state rests on what a note's findings depend on (see [`crate::rules::Context`]):
//!
//! - its own text;
//! - the vault's names: note paths, attachment paths and aliases;
//! - the headings and block ids (its *anchors*) of the notes its links reach;
//! - how many other notes link to it.
//!
//! So when the same files exist as before and no edited note changed its aliases, the notes
//! to check again are the edited ones, those whose links reach an edited note whose anchors
//! changed, and those an edited note stopped or started linking to (their inbound counts
//! moved). Those notes are loaded in full (the note cache serves the unchanged ones), as are
//! the notes their links reach; every other note is a stub holding only what resolution reads
//! (path, name, aliases). Anything else — a new, deleted or renamed file, an alias edit, a
//! file that cannot be read, many edits at once — goes the full way, and tests assert that
//! both ways give the same bytes. A note whose git baseline moved since its check (a commit
//! or a `git add` changed the blob it is judged against) is checked again as well.

use rayon::prelude::*;

use super::history::Git;
use super::load::full_note;
use super::notes::NoteCache;
use super::state::{self, NoteState, State};
use crate::cache::{Change, Stamp, Store, now_ns};
use crate::config::Settings;
use crate::history::History;
use crate::index::{Index, Resolved};
use crate::model::{Alias, Note, NoteId, Vault};
use crate::parse::{Detail, parse_note_with};
use crate::pipeline::resolve_links;
use crate::rules::{self, Context, Inbound};
use crate::vault::{Found, Walk};

/// The vault as an incremental run holds it: every note a stub, some loaded in full.
pub(super) struct Partial {
    pub vault: Vault,
    /// `full[note]`: loaded in full (text, links, headings…), not a stub.
    pub full: Vec<bool>,
    walk: Walk,
    /// `notes[note]`: the note's file in the walk.
    notes: Vec<usize>,
    cache: NoteCache,
    /// The names' index the rechecked notes were resolved with (kept with the run's other
    /// data: a command ends without freeing it piece by piece).
    index: Option<Index>,
}

impl Partial {
    /// Loads the notes `ids` in full (those not loaded yet); `None` when one of them cannot
    /// be read or is no longer the file `stored` describes (an edit racing the run).
    pub fn load(&mut self, ids: &[NoteId], stored: &[NoteState]) -> Option<()> {
        let want: Vec<NoteId> = ids.iter().copied().filter(|&i| !self.full[i]).collect();
        let loaded: Vec<Note> = want
            .par_iter()
            .map(|&i| full_note(&self.cache, self.file(i), Detail::Lean))
            .collect::<Option<_>>()?;
        for (i, note) in want.into_iter().zip(loaded) {
            if Some(note.digest) != stored[i].stamp.digest {
                return None;
            }
            self.vault.notes[i] = note;
            self.full[i] = true;
        }
        Some(())
    }

    /// Note `id`'s file.
    fn file(&self, id: NoteId) -> &Found {
        &self.walk.files[self.notes[id]]
    }
}

/// An incremental run's result.
pub(super) struct Done {
    /// The state with the rechecked notes' findings.
    pub state: State,
    pub partial: Partial,
    /// Notes whose rules ran again (none when no note changed).
    pub rechecked: Vec<NoteId>,
    /// Files changed (edited or touched) since the state was stored.
    pub changed: usize,
}

/// The check, done incrementally on `state`; the walk back when this run must go the full
/// way (see the module documentation for when).
pub(super) fn run(
    settings: &Settings,
    walk: Walk,
    state: State,
    store: &Store,
    today: jiff::civil::Date,
    git: Option<Git>,
) -> Result<Done, Walk> {
    let notes: Vec<usize> = (0..walk.files.len())
        .filter(|&i| walk.files[i].is_note)
        .collect();
    if !walk.load_errors.is_empty() || !same_files(&walk, &notes, &state) {
        return Err(walk);
    }
    let mut state = state;
    let stored = &mut state.notes;
    let Some(mut changes) = changes(&walk, &notes, stored) else {
        return Err(walk);
    };
    let edited: Vec<NoteId> = (0..changes.len())
        .filter(|&i| matches!(changes[i], Change::Edited(_)))
        .collect();
    let regit: Vec<NoteId> = (0..stored.len())
        .filter(|&i| {
            git.as_ref()
                .map_or(0, |g| g.baselines.mark(&stored[i].path))
                != stored[i].git
        })
        .collect();
    let changed = changes.iter().filter(|c| **c != Change::Same).count() + regit.len();
    // Past a few edits, the full run (which parses in parallel what changed) is as quick.
    let limit = (stored.len() / 100).max(16);
    if edited.len() > limit {
        return Err(walk);
    }
    let mut partial = Partial {
        vault: Vault {
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
        },
        full: vec![false; stored.len()],
        walk,
        notes,
        cache: NoteCache::open(store, Detail::Lean, true),
        index: None,
    };
    let mut rechecked = Vec::new();
    if !edited.is_empty() || !regit.is_empty() {
        let cx = Recheck {
            settings,
            today,
            edited: &edited,
            moved_anchors: &[],
            regit: &regit,
            git: git.as_ref(),
            limit: limit * 4,
        };
        let done = parse_edited(&edited, &mut changes, &mut partial, stored).and_then(|moved| {
            let cx = Recheck {
                moved_anchors: &moved,
                ..cx
            };
            cx.run(&mut partial, stored)
        });
        match done {
            Some(ids) => rechecked = ids,
            None => return Err(partial.walk),
        }
    }
    Ok(Done {
        state,
        partial,
        rechecked,
        changed,
    })
}

/// Does the walk show the notes and attachments the state was made from?
fn same_files(walk: &Walk, notes: &[usize], state: &State) -> bool {
    notes.len() == state.notes.len()
        && notes
            .iter()
            .zip(&state.notes)
            .all(|(&i, s)| walk.files[i].rel == s.path)
        && state::attachments_hash(
            walk.files
                .iter()
                .filter(|f| !f.is_note)
                .map(|f| f.rel.as_str()),
        ) == state.attachments
}

/// What became of each note's file; touched notes get their new stamps. `None` when a file
/// cannot be read.
fn changes(walk: &Walk, notes: &[usize], stored: &mut [NoteState]) -> Option<Vec<Change>> {
    let changes: Vec<Change> = notes
        .par_iter()
        .zip(&*stored)
        .map(|(&i, s)| {
            let f = &walk.files[i];
            match s.stamp.change(&f.stamp, || std::fs::read(&f.path).ok()) {
                Change::Unreadable => None,
                change => Some(change),
            }
        })
        .collect::<Option<_>>()?;
    let now = now_ns();
    for ((&i, s), c) in notes.iter().zip(stored.iter_mut()).zip(&changes) {
        if *c == Change::Touched {
            s.stamp = walk.files[i].stamp.settled(s.stamp.digest, now);
        }
    }
    Some(changes)
}

/// Parses the edited notes into the partial vault; the notes among them whose anchors
/// moved, sorted. `None` when an alias changed (resolution of every note may move).
fn parse_edited(
    edited: &[NoteId],
    changes: &mut [Change],
    partial: &mut Partial,
    stored: &[NoteState],
) -> Option<Vec<u32>> {
    let mut moved = Vec::new();
    for &id in edited {
        let Change::Edited(bytes) = std::mem::replace(&mut changes[id], Change::Same) else {
            continue;
        };
        let note = parse_note_with(partial.file(id).rel.clone(), bytes, Detail::Lean);
        if state::alias_texts(&note) != stored[id].aliases {
            return None;
        }
        if state::anchors(&note) != stored[id].anchors {
            moved.push(id as u32);
        }
        partial.vault.notes[id] = note;
        partial.full[id] = true;
    }
    Some(moved)
}

/// The rules run again on the notes an edit can affect.
struct Recheck<'a> {
    settings: &'a Settings,
    today: jiff::civil::Date,
    edited: &'a [NoteId],
    /// Edited notes whose headings or block ids changed, sorted.
    moved_anchors: &'a [u32],
    /// Notes whose git baseline moved since their check.
    regit: &'a [NoteId],
    git: Option<&'a Git>,
    /// Past this many notes to recheck, a full run is as quick.
    limit: usize,
}

impl Recheck<'_> {
    /// Rechecks the notes the edits reach and updates their states; the notes rechecked.
    fn run(&self, partial: &mut Partial, stored: &mut [NoteState]) -> Option<Vec<NoteId>> {
        let index = Index::build(&partial.vault);
        let mut resolved: Vec<Vec<Resolved>> = vec![Vec::new(); stored.len()];
        let recheck = self.affected(&index, partial, &mut resolved, stored);
        let rechecked: Vec<NoteId> = (0..recheck.len()).filter(|&i| recheck[i]).collect();
        if rechecked.len() > self.limit {
            return None;
        }
        // The notes to check again in full, then the notes their links reach.
        partial.load(&rechecked, stored)?;
        for &id in &rechecked {
            if resolved[id].is_empty() {
                resolved[id] = resolve_links(&index, &partial.vault, id);
            }
        }
        let reached: Vec<NoteId> = rechecked
            .iter()
            .flat_map(|&id| resolved[id].iter().filter_map(Resolved::note))
            .collect();
        partial.load(&reached, stored)?;
        let mut inbound = vec![0u32; stored.len()];
        for t in stored.iter().flat_map(|s| &s.targets) {
            inbound[*t as usize] += 1;
        }
        let history = self.git.map(|g| {
            let judge = Some((g.baselines.as_ref(), Some(&recheck[..])));
            History::of(&g.repo, &partial.vault, judge, None)
        });
        let cx = Context {
            vault: &partial.vault,
            index: &index,
            resolved: &resolved,
            inbound: Inbound::Counts(&inbound),
            settings: self.settings,
            today: self.today,
            history: history.as_ref(),
        };
        let found = rules::run(&cx, Some(&recheck));
        self.keep(&found, &rechecked, partial, stored)?;
        partial.index = Some(index);
        Some(rechecked)
    }

    /// `recheck[note]`: the edited notes, the notes linking into an edited note whose
    /// anchors moved, and the notes an edited note stopped or started linking to (their
    /// inbound counts moved). Resolves the edited notes' links and updates their targets.
    fn affected(
        &self,
        index: &Index,
        partial: &Partial,
        resolved: &mut [Vec<Resolved>],
        stored: &mut [NoteState],
    ) -> Vec<bool> {
        let mut recheck = vec![false; stored.len()];
        for &id in self.regit {
            recheck[id] = true;
        }
        let mut new_targets = Vec::new();
        for &id in self.edited {
            resolved[id] = resolve_links(index, &partial.vault, id);
            let now = state::targets(id, &resolved[id]);
            recheck[id] = true;
            // Both lists are sorted.
            let before = &stored[id].targets;
            for &t in before.iter().chain(&now) {
                if before.binary_search(&t).is_ok() != now.binary_search(&t).is_ok() {
                    recheck[t as usize] = true;
                }
            }
            new_targets.push((id, now));
        }
        if !self.moved_anchors.is_empty() {
            for (id, s) in stored.iter().enumerate() {
                if s.targets
                    .iter()
                    .any(|t| self.moved_anchors.binary_search(t).is_ok())
                {
                    recheck[id] = true;
                }
            }
        }
        for (id, now) in new_targets {
            stored[id].targets = now;
        }
        recheck
    }

    /// Keeps the rechecked notes' findings (`found`, in note order) in their states, and the
    /// edited notes' new stamps and anchors.
    fn keep(
        &self,
        found: &[crate::diagnostic::Diagnostic],
        rechecked: &[NoteId],
        partial: &Partial,
        stored: &mut [NoteState],
    ) -> Option<()> {
        let now = now_ns();
        let mut at = 0;
        for &id in rechecked {
            let end = at + found[at..].partition_point(|d| d.note == Some(id));
            let note = &partial.vault.notes[id];
            let s = &mut stored[id];
            s.checked(note, &found[at..end]);
            s.git = self.git.map_or(0, |g| g.baselines.mark(&s.path));
            at = end;
            if self.edited.binary_search(&id).is_ok() {
                s.stamp = state::stamp_of(&partial.file(id).stamp, note, now);
                s.anchors = state::anchors(note);
            }
        }
        // A finding outside the notes checked cannot happen with no load errors.
        (at == found.len()).then_some(())
    }
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
        digest: s.stamp.digest.unwrap_or_default(),
        ..Note::default()
    }
}

/// The stamps a walk saw for the notes (for a full run's state).
pub(super) fn note_stamps(walk: &Walk) -> Vec<Stamp> {
    walk.files
        .iter()
        .filter(|f| f.is_note)
        .map(|f| f.stamp)
        .collect()
}
