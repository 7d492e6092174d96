//! `vaultc export --json FILE|- / --sqlite FILE`: the whole model, for other tools.

use std::io::Write;
use std::path::Path;

use super::{ExitStatus, RunError, write_err};
use crate::cli::ExportArgs;
use crate::export::{Model, json, sqlite};
use crate::session::{Session, Want};

pub(super) fn run(
    args: &ExportArgs,
    session: &mut Session,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let today = super::today(args.today.as_deref())?;
    // Like `check` and `build`, unchanged notes come from the note cache (unless --no-cache).
    if args.no_cache {
        session.without_cache();
    }
    let mut a = session.analysis(crate::parse::Detail::Full)?;
    let want = Want {
        judge: true,
        last_commits: true,
        ..Want::default()
    };
    a.history = session.history(&a.vault, want, None);
    let diagnostics = a.check(today, None);
    let mut clock = crate::pipeline::Timings::start();
    let model = Model::new(&a, &diagnostics);
    clock.lap("export model");
    let failed = |what: &str, path: &Path| {
        let context = format!("cannot write {what} {}", path.display());
        move |source| RunError::Io { context, source }
    };
    if let Some(path) = &args.json {
        if path.as_os_str() == "-" {
            json::write(&model, out).map_err(write_err)?;
        } else {
            json::write_file(&model, path).map_err(failed("JSON export", path))?;
        }
        clock.lap("export json");
    }
    if let Some(path) = &args.sqlite {
        sqlite::write_file(&a, &model, path).map_err(|e| RunError::Io {
            context: format!("cannot write SQLite export {}", path.display()),
            source: std::io::Error::other(e),
        })?;
        clock.lap("export sqlite");
    }
    // The process ends with this command: freeing the vault's millions of small allocations
    // one by one took longer than writing the SQLite indexes, for nothing.
    std::mem::forget(model);
    std::mem::forget(diagnostics);
    std::mem::forget(a);
    Ok(ExitStatus::Success)
}
