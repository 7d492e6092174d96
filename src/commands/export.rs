//! `vaultc export --json [FILE] / --sqlite FILE`: the whole model, for other tools.
//!
//! JSON goes to standard output unless a FILE is given; files are replaced atomically and
//! made with the permissions a plain write gives (the umask applies). On a terminal a
//! spinner on stderr says which phase runs; at the end one line on stderr says what was
//! written, how many notes, where, and how long it took.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{ExitStatus, RunError, write_err};
use crate::cli::ExportArgs;
use crate::export::{Model, json, sqlite};
use crate::session::{Session, Want};

pub(super) fn run(
    args: &ExportArgs,
    session: &mut Session,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let started = Instant::now();
    let today = super::today(args.today.as_deref())?;
    // Like `check` and `build`, unchanged notes come from the note cache (unless --no-cache).
    if args.no_cache {
        session.without_cache();
    }
    let spinner = Spinner::new();
    spinner.phase("reading the vault");
    let mut a = session.analysis(crate::parse::Detail::Full)?;
    let want = Want {
        judge: true,
        last_commits: true,
        ..Want::default()
    };
    a.history = session.history(&a.vault, want, None);
    spinner.phase(&format!("checking {} notes", a.vault.notes.len()));
    let diagnostics = a.check(today, None);
    let mut clock = crate::pipeline::Timings::start();
    let model = Model::new(&a, &diagnostics);
    clock.lap("export model");
    let failed = |what: &str, path: &Path| {
        let context = format!("cannot write {what} {}", path.display());
        move |source| RunError::Io { context, source }
    };
    let mut written = Vec::new();
    if let Some(path) = &args.json {
        spinner.phase("writing JSON");
        if path.as_os_str() == "-" {
            json::write(&model, out)
                .and_then(|()| out.flush())
                .map_err(write_err)?;
            written.push("as JSON to standard output".to_owned());
        } else {
            json::write_file(&model, path).map_err(failed("JSON export", path))?;
            written.push(format!("as JSON to {}", path.display()));
        }
        clock.lap("export json");
    }
    if let Some(path) = &args.sqlite {
        spinner.phase("writing SQLite");
        sqlite::write_file(&a, &model, path).map_err(|e| RunError::Io {
            context: format!("cannot write SQLite export {}", path.display()),
            source: std::io::Error::other(e),
        })?;
        written.push(format!("as SQLite to {}", path.display()));
        clock.lap("export sqlite");
    }
    spinner.finish();
    let notes = a.vault.notes.len();
    let _ = writeln!(
        err,
        "vaultc: exported {notes} {} {} in {}",
        if notes == 1 { "note" } else { "notes" },
        written.join(" and "),
        seconds(started.elapsed())
    );
    // The process ends with this command: freeing the vault's millions of small allocations
    // one by one took longer than writing the SQLite indexes, for nothing.
    std::mem::forget(model);
    std::mem::forget(diagnostics);
    std::mem::forget(a);
    Ok(ExitStatus::Success)
}

/// `0.42 s`, `12.3 s`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

/// A spinner on stderr naming the phase that runs, drawn only when stderr is a terminal and
/// cleared at the end.
struct Spinner(Option<ProgressBar>);

impl Spinner {
    fn new() -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} vaultc: export: {msg} ({elapsed})")
        {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        Self(Some(bar))
    }

    fn phase(&self, what: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(what.to_owned());
            bar.tick();
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
