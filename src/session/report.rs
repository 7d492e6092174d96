//! A check, rendered: the kept report when nothing changed, else the check's findings
//! rendered in the format asked for — each note's part reused from the kept report when its
//! findings and bytes did not change — and kept for the next run (see `replay`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;

use rayon::prelude::*;

use super::Session;
use super::check::{CheckError, CheckRequest, Outcome, Run, Selection};
use super::incremental::Partial;
use super::replay::{self, Part, Replay};
use super::state::{Findings, State};
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
        let git = self.git_fingerprint(req.check.staged);
        let fingerprint = self
            .walk()
            .map(replay::fingerprint)?
            .map(|f| super::history::with_git(f, git));
        let mut clock = Timings::start();
        let store = self.store().cloned();
        let kept = key
            .zip(store.as_ref())
            .and_then(|(k, s)| Replay::load(s, &k));
        if let Some((output, failed)) = kept.as_ref().and_then(|k| k.replay(fingerprint.as_ref())) {
            out.write_all(output).map_err(write_error)?;
            return Ok(Reported {
                failed,
                outcome: None,
                store_error: None,
            });
        }
        clock.lap("run cache");
        let mut outcome = self.check_selected(&req.check, filters)?;
        let mut clock = Timings::start();
        // Rendered once: the parts are most of a large report's time.
        let pieces = match pieces(&mut outcome, req, kept.as_ref()) {
            Some(pieces) => pieces,
            None => {
                // A note changed while the run read it: check the whole vault instead.
                let filters = std::mem::take(&mut outcome.filters);
                outcome = self.full_run(&req.check, filters)?;
                pieces(&mut outcome, req, kept.as_ref()).ok_or(CheckError::Usage(
                    "the vault changed while it was checked".into(),
                ))?
            }
        };
        let tally = outcome.tally();
        let failed = tally.errors > 0 || (req.deny_warnings && tally.warnings > 0);
        // A report made while a file was too fresh to trust cannot be replayed; the one
        // kept before still serves its unchanged notes' parts. Without one to keep, the
        // report goes straight out.
        let keep = key
            .zip(store)
            .filter(|_| fingerprint.is_some() || kept.is_none());
        let mut kept_output = Vec::new();
        let sink: &mut dyn Write = if keep.is_some() {
            &mut kept_output
        } else {
            &mut *out
        };
        let parts = emit(&pieces, req.format, tally, sink).map_err(write_error)?;
        if keep.is_some() {
            out.write_all(&kept_output).map_err(write_error)?;
        }
        clock.lap("report");
        drop(pieces);
        let replay = keep.map(|(key, store)| (key, store, kept_output, parts));
        let store_error = self.keep(replay, fingerprint, failed, &mut outcome, req.check.today);
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
            "{:?}|{}|{}|{}|{filters:?}|{}|{}",
            req.format,
            req.deny_warnings,
            req.options.color,
            req.options.path_prefix,
            root.display(),
            req.check.staged,
        );
        Key::new(&[
            &self.config_bytes(),
            shape.as_bytes(),
            req.check.today.to_string().as_bytes(),
        ])
    }

    /// Keeps the report (when given) and, when worth it, the incremental state; the error
    /// to mention if they could not be written.
    fn keep(
        &self,
        replay: Option<(Key, crate::cache::Store, Vec<u8>, Vec<Part>)>,
        fingerprint: Option<crate::cache::Digest>,
        failed: bool,
        outcome: &mut Outcome,
        today: jiff::civil::Date,
    ) -> Option<String> {
        let store = self.store()?;
        let mut stored = replay.map_or(Ok(()), |(key, store, output, parts)| {
            Replay::store(&store, &key, fingerprint, failed, &output, parts)
        });
        let state = match &mut outcome.run {
            Run::Full { state, .. } => state.as_deref_mut(),
            Run::Incremental(done) => {
                worth_rewriting(done.changed, done.state.notes.len()).then_some(&mut done.state)
            }
        };
        if let Some(state) = state {
            stored = stored.and(state.store(store, &self.state_key(today)));
        }
        stored
            .err()
            .map(|e| format!("cannot write the cache in {}: {e}", store.dir().display()))
    }
}

fn write_error(e: std::io::Error) -> CheckError {
    CheckError::Write(e)
}

/// One part to write: a note's (with its mark, when it can be kept) or findings outside
/// notes.
struct Piece<'a> {
    note: Option<(NoteId, u64)>,
    bytes: Cow<'a, [u8]>,
}

/// The parts of `outcome`'s report, in order: reused from `kept` or rendered; `None` when a
/// note to render could not be loaded as the state describes it.
fn pieces<'k>(
    outcome: &mut Outcome,
    req: &ReportRequest,
    kept: Option<&'k Replay>,
) -> Option<Vec<Piece<'k>>> {
    match &mut outcome.run {
        Run::Full {
            vault,
            found,
            state,
        } => {
            let found: Vec<&[Diagnostic]> = report::groups(found);
            full_pieces(
                &found,
                &*vault,
                state.as_deref(),
                &outcome.filters,
                req,
                kept,
            )
        }
        Run::Incremental(done) => {
            let picks = |p: &str| super::check::picks(&outcome.filters, p);
            incremental_pieces(&mut done.partial, &done.state, &picks, req, kept)
        }
    }
}

/// Writes the report made of `pieces` (and the summary line) to `out`; where each note's
/// part went.
fn emit(
    pieces: &[Piece<'_>],
    format: Format,
    tally: report::Tally,
    out: &mut dyn Write,
) -> std::io::Result<Vec<Part>> {
    let mut out = Counted { out, written: 0 };
    let mut parts = Vec::with_capacity(pieces.len());
    let mut joined = Parts::new(format);
    for piece in pieces {
        joined.write(&piece.bytes, &mut out)?;
        if let Some((note, mark)) = piece.note.filter(|_| !piece.bytes.is_empty()) {
            let end = out.written;
            parts.push(Part {
                note: note as u32,
                mark,
                start: end - piece.bytes.len() as u64,
                end,
            });
        }
    }
    joined.finish(&mut out)?;
    if matches!(format, Format::Pretty | Format::Concise) {
        writeln!(out, "{}", report::summary_of(tally))?;
    }
    Ok(parts)
}

/// A writer that counts what goes through it.
struct Counted<'w> {
    out: &'w mut dyn Write,
    written: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
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
                    bytes: Cow::Borrowed(bytes),
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
        .filter(|&id| !state.notes[id].tally.is_empty() && picks(&state.notes[id].path))
        .collect();
    let reused = |id: NoteId| kept.and_then(|k| k.part(id, state.notes[id].mark));
    let fresh: Vec<NoteId> = if req.format == Format::Sarif {
        notes.clone()
    } else {
        notes
            .iter()
            .copied()
            .filter(|&id| reused(id).is_none())
            .collect()
    };
    if req.format == Format::Pretty {
        // Excerpts need the notes' text.
        partial.load(&fresh, &state.notes)?;
    }
    let findings = fresh
        .par_iter()
        .map(|&id| Some((id, state.findings(id)?)))
        .collect::<Option<HashMap<NoteId, Findings>>>()?;
    let sources = Recalled {
        partial,
        findings: &findings,
    };
    let diagnostics = |id: NoteId| findings.get(&id)?.diagnostics(id, &state.notes[id].path);
    if req.format == Format::Sarif {
        let all: Vec<Diagnostic> = notes
            .iter()
            .map(|&id| diagnostics(id))
            .collect::<Option<Vec<_>>>()?
            .concat();
        return whole(&all, &sources, req);
    }
    notes
        .par_iter()
        .map(|&id| {
            let note = Some((id, state.notes[id].mark));
            if let Some(bytes) = reused(id) {
                return Some(Piece {
                    note,
                    bytes: Cow::Borrowed(bytes),
                });
            }
            let found = diagnostics(id)?;
            let bytes = report::render_part(req.format, &found, &sources, &req.options).ok()?;
            Some(Piece {
                note,
                bytes: Cow::Owned(bytes),
            })
        })
        .collect()
}

/// What an incremental run has of the notes it renders: the ones it loaded, and the
/// positions the state kept for the others.
struct Recalled<'a> {
    partial: &'a Partial,
    findings: &'a HashMap<NoteId, Findings>,
}

impl Sources for Recalled<'_> {
    fn position(&self, id: NoteId, offset: u32) -> Option<(u32, u32)> {
        if *self.partial.full.get(id)? {
            self.partial.vault.position(id, offset)
        } else {
            self.findings.get(&id)?.position(offset)
        }
    }

    fn note(&self, id: NoteId) -> Option<&Note> {
        self.partial
            .full
            .get(id)?
            .then(|| &self.partial.vault.notes[id])
    }
}
