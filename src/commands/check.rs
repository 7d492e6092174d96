//! `vaultc check [PATHS…]`: lint the vault, report in the chosen format, exit 0/1/2.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ExitStatus, RunError, relative_to};
use crate::cache;
use crate::cli::{CheckArgs, Deny};
use crate::diagnostic::Diagnostic;
use crate::incremental::State;
use crate::parse::Detail;
use crate::pipeline::Analysis;
use crate::report::{self, Format, Options, Tally};
use crate::vault::{VaultError, relative};

/// Enough rounds for fixes that uncover other fixes; each round re-reads the vault.
const MAX_FIX_ROUNDS: usize = 10;

pub(super) fn run(
    args: &CheckArgs,
    config: Option<&Path>,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let today = super::today(args.today.as_deref())?;
    let cwd = std::env::current_dir().map_err(|source| RunError::Io {
        context: "cannot read the current folder".into(),
        source,
    })?;
    let single_folder = args.paths.len() == 1 && args.paths[0].is_dir();
    let settings = super::settings(config, || {
        if single_folder {
            args.paths[0].clone()
        } else {
            PathBuf::from(".")
        }
    })?;
    let root = std::fs::canonicalize(&settings.src)
        .map_err(|_| VaultError::Missing(settings.src.clone()))?;
    // Without a book.toml, a lone folder argument is the vault itself, not a filter.
    let mut filters = if settings.config_path.is_none() && single_folder {
        Vec::new()
    } else {
        args.paths
            .iter()
            .map(|p| selection(&root, p))
            .collect::<Result<Vec<_>, _>>()?
    };
    // A path that selects the whole vault (`vaultc check vault/`) is no filter at all.
    if filters.iter().any(|s| s.folder && s.rel.is_empty()) {
        filters.clear();
    }
    let opts = Options {
        path_prefix: path_prefix(&cwd, &root),
        color,
    };

    // The run cache (see crate::cache): an unchanged vault replays its last report. The
    // incremental state is of the whole vault, whichever notes a run reports: its key leaves
    // out the PATHS.
    let cache = (!args.fix && !args.no_cache).then(|| {
        let dir = cache::dir_for(settings.config_path.as_deref(), &settings.src);
        let config_bytes = settings
            .config_path
            .as_deref()
            .and_then(|p| std::fs::read(p).ok())
            .unwrap_or_default();
        let key = |filters: &[Selection]| {
            let shape = format!(
                "{:?}|{:?}|{color}|{}|{:?}|{}",
                args.format,
                args.deny,
                opts.path_prefix,
                filters,
                root.display()
            );
            cache::Key::new(
                &root,
                &[
                    &config_bytes,
                    shape.as_bytes(),
                    today.to_string().as_bytes(),
                ],
            )
        };
        Caches {
            run: key(&filters),
            state: key(&[]),
            dir,
        }
    });
    // A small edit is checked incrementally (see crate::incremental): the report is made of
    // one part per note, and the notes an edit cannot affect keep theirs. With PATHS, the
    // parts of the notes they name.
    let incremental = cache.is_some() && !args.fix && report::renders_in_parts(args.format);
    let mut clock = crate::pipeline::Timings::start();
    let walk = if cache.is_some() {
        crate::vault::walk(&settings)?
    } else {
        crate::vault::walk_names(&settings)?
    };
    clock.lap("walk");
    let fingerprint = cache.as_ref().and_then(|_| cache::fingerprint(&walk));
    if let (Some(c), Some(fp)) = (&cache, &fingerprint)
        && let Some(hit) = cache::lookup(&c.dir, &c.run, fp)
    {
        out.write_all(&hit.output).map_err(super::write_err)?;
        return Ok(if hit.failed {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        });
    }
    // Where the report goes and what keeps it, for whichever way the run goes.
    let keep = Keep {
        args,
        opts: &opts,
        cache: cache.as_ref(),
        fingerprint: fingerprint.as_ref(),
        root: settings.src.clone(),
        filters: &filters,
    };
    if incremental
        && let Some(c) = &cache
        && let Some(state) = State::load(&c.dir, &settings.src, c.state.as_bytes())
        && let Some(done) =
            crate::incremental::run(&settings, &walk, state, &c.dir, today, args.format, &opts)
    {
        clock.lap("incremental");
        clock.note(&format!(
            "incremental    {} rechecked, {} loaded",
            done.rechecked, done.loaded
        ));
        let state = done.state();
        let run = Finished {
            tally: state.tally(&|path| keep.picks(path)),
            state: Some(state),
            store_state: done.worth_storing,
            found: None,
            vault: None,
        };
        return keep.finish(run, out, err);
    }
    let note_files: Vec<(u64, u128)> = walk
        .files
        .iter()
        .filter(|f| f.is_note)
        .map(|f| (f.len, f.mtime_ns))
        .collect();
    // Unchanged notes come from the note cache (see crate::note_cache) unless --no-cache.
    let note_cache =
        (!args.no_cache).then(|| cache::dir_for(settings.config_path.as_deref(), &settings.src));
    let vault =
        crate::vault::parse_walked_cached(&settings, walk, Detail::Lean, note_cache.as_deref());
    clock.lap("read + parse");
    let mut analysis = Analysis::from_vault(settings, vault);
    let mut only = selected(&analysis, &filters);
    if args.fix {
        let (mut edits, mut files) = (0, std::collections::BTreeSet::new());
        for _ in 0..MAX_FIX_ROUNDS {
            let found = analysis.check(today, only.as_deref());
            if !found.iter().any(|d| d.fix.is_some()) {
                break;
            }
            let (e, f) =
                crate::fix::apply(&analysis.vault, &found).map_err(|source| RunError::Io {
                    context: "cannot write a fixed note".into(),
                    source,
                })?;
            if e == 0 {
                break;
            }
            edits += e;
            files.extend(f);
            analysis = Analysis::load_with(analysis.settings, Detail::Lean)?;
            only = selected(&analysis, &filters);
        }
        if edits > 0 {
            let _ = writeln!(
                err,
                "Fixed {edits} {} in {} {}.",
                plural(edits, "issue"),
                files.len(),
                plural(files.len(), "file")
            );
        }
    }
    // A run that leaves a state checks every note (the state is of the whole vault) and
    // reports those PATHS name.
    let found = analysis.check(today, if incremental { None } else { only.as_deref() });
    let state = if incremental {
        State::of_run(
            &analysis.vault,
            &note_files,
            &analysis.resolved,
            &found,
            args.format,
            &opts,
        )
    } else {
        None
    };
    // Without a state to report from (files that could not be read), the findings are
    // narrowed to the notes PATHS name, as a run without the cache makes them.
    let found = match (&state, &only) {
        (None, Some(only)) if incremental => found
            .into_iter()
            .filter(|d| d.note.is_none_or(|id| only[id]))
            .collect(),
        _ => found,
    };
    // The report reads only the notes and the findings: what resolution built goes now, so
    // the report's memory reuses it (on large vaults the report is where memory peaks).
    let Analysis {
        vault,
        index,
        resolved,
        graph,
        ..
    } = analysis;
    drop((index, resolved, graph));
    let run = Finished {
        tally: state
            .as_ref()
            .map_or_else(|| Tally::of(&found), |s| s.tally(&|path| keep.picks(path))),
        state: state.as_ref(),
        store_state: true,
        found: Some(&found),
        vault: Some(&vault),
    };
    let status = keep.finish(run, out, err);
    // The process ends next: freeing a large vault's model piece by piece costs a quarter
    // of a run, and the OS reclaims it at once.
    std::mem::forget(vault);
    std::mem::forget(found);
    std::mem::forget(state);
    status
}

/// What a run found, ready to report: the findings with their vault (a full run), or the
/// parts kept in an incremental state, or both.
struct Finished<'a> {
    tally: Tally,
    state: Option<&'a State>,
    /// Keep `state` for the next run (an incremental run after a small change does not).
    store_state: bool,
    found: Option<&'a [Diagnostic]>,
    vault: Option<&'a crate::model::Vault>,
}

/// The cache folder, and the keys of this run's report and of the vault's incremental state.
struct Caches {
    dir: PathBuf,
    run: cache::Key,
    state: cache::Key,
}

/// What a report is written for: the arguments that shape it, and the caches that keep it.
struct Keep<'a> {
    args: &'a CheckArgs,
    opts: &'a Options,
    cache: Option<&'a Caches>,
    fingerprint: Option<&'a blake3::Hash>,
    root: PathBuf,
    /// The PATHS, if any: the report is of the notes they name.
    filters: &'a [Selection],
}

impl Keep<'_> {
    /// Is the note at `path` reported?
    fn picks(&self, path: &str) -> bool {
        self.filters.is_empty() || picks(self.filters, path)
    }

    /// Writes the report and its summary, keeps it in the run cache and the incremental
    /// state, and says how the run ends.
    fn finish(
        &self,
        run: Finished<'_>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<ExitStatus, RunError> {
        let Keep {
            args,
            opts,
            cache,
            fingerprint,
            ref root,
            ..
        } = *self;
        let io = |source| RunError::Io {
            context: "cannot write output".into(),
            source,
        };
        let mut clock = crate::pipeline::Timings::start();
        // With the run cache the report is kept for it; without, it goes straight out.
        let keep = cache.is_some() && fingerprint.is_some();
        let mut rendered = Vec::new();
        let sink: &mut dyn Write = if keep { &mut rendered } else { &mut *out };
        match (run.state, run.found, run.vault) {
            (Some(state), _, _) => state
                .write(args.format, &|path| self.picks(path), sink)
                .map_err(io)?,
            (None, Some(found), Some(vault)) => {
                report::render(args.format, found, vault, opts, sink).map_err(io)?;
            }
            _ => unreachable!("a run has findings or a state"),
        }
        if matches!(args.format, Format::Pretty | Format::Concise) {
            writeln!(sink, "{}", report::summary_of(run.tally)).map_err(io)?;
        }
        if keep {
            out.write_all(&rendered).map_err(io)?;
        }
        clock.lap("report");
        let deny_warnings = args.deny.contains(&Deny::Warnings);
        let status = if run.tally.errors > 0 || (deny_warnings && run.tally.warnings > 0) {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        };
        if let Some(Caches {
            dir,
            run: key,
            state: state_key,
        }) = cache
        {
            // A cache that cannot be written costs the next run its speed, nothing else.
            let mut stored = Ok(());
            if let Some(fp) = fingerprint {
                let entry = cache::Entry {
                    failed: status == ExitStatus::Failure,
                    output: rendered,
                };
                stored = cache::store(dir, key, fp, &entry);
            }
            if let Some(state) = run.state.filter(|_| run.store_state) {
                stored = stored.and(state.store(dir, root, state_key.as_bytes()));
            }
            clock.lap("cache store");
            if let Err(e) = stored {
                let _ = writeln!(
                    err,
                    "vaultc: cannot write the cache in {}: {e}",
                    dir.display()
                );
            }
        }
        Ok(status)
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// A path argument as a vault-relative selection (`""` is the whole vault).
#[derive(Debug)]
struct Selection {
    rel: String,
    folder: bool,
}

fn selection(root: &Path, arg: &Path) -> Result<Selection, RunError> {
    let canon = std::fs::canonicalize(arg)
        .map_err(|_| RunError::Usage(format!("{} does not exist", arg.display())))?;
    if !canon.starts_with(root) {
        return Err(RunError::Usage(format!(
            "{} is outside the vault {}",
            arg.display(),
            root.display()
        )));
    }
    Ok(Selection {
        rel: relative(root, &canon),
        folder: canon.is_dir(),
    })
}

/// Which notes the path arguments select; `None` selects all.
fn selected(analysis: &Analysis, filters: &[Selection]) -> Option<Vec<bool>> {
    if filters.is_empty() {
        return None;
    }
    Some(
        analysis
            .vault
            .notes
            .iter()
            .map(|n| picks(filters, &n.path))
            .collect(),
    )
}

/// Does one of the PATHS name the note at `path` (itself, or a folder it is in)?
fn picks(filters: &[Selection], path: &str) -> bool {
    filters.iter().any(|s| {
        if s.folder {
            s.rel.is_empty()
                || path
                    .strip_prefix(&s.rel)
                    .is_some_and(|r| r.starts_with('/'))
        } else {
            path == s.rel
        }
    })
}

/// The vault folder as the user would type it from here, `/`-terminated (empty for `.`).
pub(super) fn path_prefix(cwd: &Path, root: &Path) -> String {
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_owned());
    let shown = relative_to(&cwd, root);
    let s = shown
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let s = if shown.is_absolute() {
        root.to_string_lossy().into_owned()
    } else {
        s
    };
    if s.is_empty() {
        s
    } else {
        format!("{}/", s.trim_end_matches('/'))
    }
}
