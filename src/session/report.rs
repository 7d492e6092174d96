//! A check, rendered: the kept report when nothing changed, else the check's findings
//! rendered in the format asked for — each note's part reused from the kept report when its
//! findings and bytes did not change — and kept for the next run (see `replay`).

use std::borrow::Cow;
use std::io::Write;

use rayon::prelude::*;

use super::Session;
use super::check::{CheckError, CheckRequest, Outcome, Run, Selection};
use super::incremental::Partial;
use super::replay::{self, Part, Replay};
use super::state::State;
use crate::cache::{Key, worth_rewriting};
use crate::diagnostic::Diagnostic;
use crate::model::{Note, NoteId};
use crate::report::{self, Format, Options, Parts, Sources};
use crate::timings::Timings;

/// What to report, and how.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    pub check: CheckRequest,
    pub format: Format,
    pub options: Options,
    /// Warnings fail the run too.
    pub deny_warnings: bool,
}

/// How a report went.
pub struct Reported {
    /// Error-level findings (or warnings, when denied) were reported.
    pub failed: bool,
    /// The check behind the report; `None` when a kept report was replayed.
    pub outcome: Option<Outcome>,
    /// Why the records could not be written, if they could not (the run is not failed).
    pub store_error: Option<String>,
}

impl Session {
    /// Checks the vault and writes the report to `out` (see the module documentation).
    pub fn report(
        &mut self,
        req: &ReportRequest,
        out: &mut dyn Write,
    ) -> Result<Reported, CheckError> {
        let root = self.root()?;
        let filters = self.selections(&root, &req.check.paths)?;
        let key = (self.store().is_some() && !req.check.fix)
            .then(|| self.report_key(req, &filters, &root));
        let fingerprint = self.walk().map(replay::fingerprint)?;
        let store = self.store().cloned();
        let kept = key
            .zip(store.as_ref())
            .and_then(|(k, s)| Replay::load(s, &k));
        if let Some(kept) = &kept
            && kept.fingerprint.is_some()
            && kept.fingerprint == fingerprint
        {
            out.write_all(kept.output.as_bytes()).map_err(write_error)?;
            return Ok(Reported {
                failed: kept.failed,
                outcome: None,
                store_error: None,
            });
        }
        let mut outcome = self.check_selected(&req.check, filters)?;
        let mut clock = Timings::start();
        let rendered = match render(&mut outcome, req, kept.as_ref()) {
            Some(rendered) => rendered,
            None => {
                // A note changed while the run read it: check the whole vault instead.
                let filters = std::mem::take(&mut outcome.filters);
                outcome = self.full_run(req.check.today, filters)?;
                render(&mut outcome, req, kept.as_ref()).ok_or(CheckError::Usage(
                    "the vault changed while it was checked".into(),
                ))?
            }
        };
        let tally = outcome.tally();
        let failed = tally.errors > 0 || (req.deny_warnings && tally.warnings > 0);
        out.write_all(&rendered.output).map_err(write_error)?;
        clock.lap("report");
        let store_error = match (key, store) {
            (Some(key), Some(store)) => {
                let replay = Replay {
                    fingerprint,
                    failed,
                    output: String::from_utf8(rendered.output).unwrap_or_default(),
                    parts: rendered.parts,
                };
                self.keep(&store, &key, &replay, &outcome, req.check.today)
            }
            _ => None,
        };
        clock.lap("cache store");
        Ok(Reported {
            failed,
            outcome: Some(outcome),
            store_error,
        })
    }

    /// The key of a kept report: everything that shapes it besides the files.
    fn report_key(
        &self,
        req: &ReportRequest,
        filters: &[Selection],
        root: &std::path::Path,
    ) -> Key {
        let shape = format!(
            "{:?}|{}|{}|{}|{filters:?}|{}",
            req.format,
            req.deny_warnings,
            req.options.color,
            req.options.path_prefix,
            root.display()
        );
        Key::new(&[
            &self.config_bytes(),
            shape.as_bytes(),
            req.check.today.to_string().as_bytes(),
        ])
    }

    /// Keeps the report and, when worth it, the incremental state; the error to mention if
    /// they could not be written.
    fn keep(
        &self,
        store: &crate::cache::Store,
        key: &Key,
        replay: &Replay,
        outcome: &Outcome,
        today: jiff::civil::Date,
    ) -> Option<String> {
        let mut stored = replay.store(store, key);
        let state_key = self.state_key(today);
        let state = match &outcome.run {
            Run::Full { state, .. } => state.as_ref(),
            Run::Incremental(done) => {
                worth_rewriting(done.changed, done.state.notes.len()).then_some(&done.state)
            }
        };
        if let Some(state) = state {
            stored = stored.and(state.store(store, &state_key));
        }
        stored
            .err()
            .map(|e| format!("cannot write the cache in {}: {e}", store.dir().display()))
    }
}

fn write_error(e: std::io::Error) -> CheckError {
    CheckError::Write(e)
}

/// A report's bytes, and where each note's part is in them.
struct Rendered {
    output: Vec<u8>,
    parts: Vec<Part>,
}

/// One part to write: a note's (with its mark, when it can be kept) or findings outside
/// notes.
struct Piece<'a> {
    note: Option<(NoteId, u64)>,
    bytes: Cow<'a, [u8]>,
}

/// Renders `outcome`, reusing `kept` parts; `None` when a note to render could not be
/// loaded as the state describes it.
fn render(outcome: &mut Outcome, req: &ReportRequest, kept: Option<&Replay>) -> Option<Rendered> {
    let tally = outcome.tally();
    let format = req.format;
    let pieces: Vec<Piece<'_>> = match &mut outcome.run {
        Run::Full {
            vault,
            found,
            state,
        } => {
            let found: Vec<&[Diagnostic]> = report::groups(found);
            full_pieces(&found, &*vault, state.as_ref(), &outcome.filters, req, kept)?
        }
        Run::Incremental(done) => {
            let picks = |p: &str| super::check::picks(&outcome.filters, p);
            incremental_pieces(&mut done.partial, &done.state, &picks, req, kept)?
        }
    };
    let mut output = Vec::new();
    let mut parts = Vec::new();
    let mut joined = Parts::new(format);
    for piece in &pieces {
        joined.write(&piece.bytes, &mut output).ok()?;
        if let Some((note, mark)) = piece.note.filter(|_| !piece.bytes.is_empty()) {
            let end = output.len() as u64;
            parts.push(Part {
                note: note as u32,
                mark,
                start: end - piece.bytes.len() as u64,
                end,
            });
        }
    }
    joined.finish(&mut output).ok()?;
    if matches!(format, Format::Pretty | Format::Concise) {
        writeln!(output, "{}", report::summary_of(tally)).ok()?;
    }
    Some(Rendered { output, parts })
}

/// A full run's parts: each group of findings rendered on all cores, or reused.
fn full_pieces<'k>(
    groups: &[&[Diagnostic]],
    vault: &crate::model::Vault,
    state: Option<&State>,
    filters: &[Selection],
    req: &ReportRequest,
    kept: Option<&'k Replay>,
) -> Option<Vec<Piece<'k>>> {
    let picked = |g: &&[Diagnostic]| state.is_none() || super::check::picks(filters, &g[0].path);
    let groups: Vec<&[Diagnostic]> = groups.iter().copied().filter(picked).collect();
    if req.format == Format::Sarif {
        let all: Vec<Diagnostic> = groups.iter().flat_map(|g| g.iter().cloned()).collect();
        return whole(&all, vault, req);
    }
    groups
        .par_iter()
        .map(|group| {
            let note = group[0]
                .note
                .zip(state)
                .map(|(id, s)| (id, s.notes[id].mark));
            if let Some(bytes) = note.and_then(|(id, mark)| kept?.part(id, mark)) {
                return Some(Piece {
                    note,
                    bytes: Cow::Borrowed(bytes.as_bytes()),
                });
            }
            let bytes = report::render_part(req.format, group, vault, &req.options).ok()?;
            Some(Piece {
                note,
                bytes: Cow::Owned(bytes),
            })
        })
        .collect()
}

/// A report that is one document (SARIF), rendered whole.
fn whole<'k>(
    found: &[Diagnostic],
    sources: &dyn Sources,
    req: &ReportRequest,
) -> Option<Vec<Piece<'k>>> {
    let mut bytes = Vec::new();
    report::render(req.format, found, sources, &req.options, &mut bytes).ok()?;
    Some(vec![Piece {
        note: None,
        bytes: Cow::Owned(bytes),
    }])
}

/// An incremental run's parts: kept ones for notes whose mark did not change, the others
/// rendered from the state's findings.
fn incremental_pieces<'k>(
    partial: &mut Partial,
    state: &State,
    picks: &dyn Fn(&str) -> bool,
    req: &ReportRequest,
    kept: Option<&'k Replay>,
) -> Option<Vec<Piece<'k>>> {
    let notes: Vec<NoteId> = (0..state.notes.len())
        .filter(|&id| !state.notes[id].findings.is_empty() && picks(&state.notes[id].path))
        .collect();
    if req.format == Format::Sarif {
        let all: Vec<Diagnostic> = notes
            .iter()
            .map(|&id| state.notes[id].diagnostics(id))
            .collect::<Option<Vec<_>>>()?
            .concat();
        return whole(&all, &Recalled { partial, state }, req);
    }
    let reused = |id: NoteId| kept.and_then(|k| k.part(id, state.notes[id].mark));
    let fresh: Vec<NoteId> = notes
        .iter()
        .copied()
        .filter(|&id| reused(id).is_none())
        .collect();
    if req.format == Format::Pretty {
        // Excerpts need the notes' text.
        partial.load(&fresh, &state.notes)?;
    }
    let sources = Recalled { partial, state };
    notes
        .par_iter()
        .map(|&id| {
            let note = Some((id, state.notes[id].mark));
            if let Some(bytes) = reused(id) {
                return Some(Piece {
                    note,
                    bytes: Cow::Borrowed(bytes.as_bytes()),
                });
            }
            let found = state.notes[id].diagnostics(id)?;
            let bytes = report::render_part(req.format, &found, &sources, &req.options).ok()?;
            Some(Piece {
                note,
                bytes: Cow::Owned(bytes),
            })
        })
        .collect()
}

/// What an incremental run has of the notes: the ones it loaded, and the positions the
/// state kept for the others.
struct Recalled<'a> {
    partial: &'a Partial,
    state: &'a State,
}

impl Sources for Recalled<'_> {
    fn position(&self, id: NoteId, offset: u32) -> Option<(u32, u32)> {
        if *self.partial.full.get(id)? {
            self.partial.vault.position(id, offset)
        } else {
            self.state.notes.get(id)?.position(offset)
        }
    }

    fn note(&self, id: NoteId) -> Option<&Note> {
        self.partial
            .full
            .get(id)?
            .then(|| &self.partial.vault.notes[id])
    }
}
