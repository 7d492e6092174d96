//! `vaultc check [PATHS…]`: lint the vault, report in the chosen format, exit 0/1/2.

use std::io::Write;

use super::{ExitStatus, RunError, path_prefix};
use crate::cli::{CheckArgs, Deny};
use crate::report::Options;
use crate::session::{CheckError, CheckRequest, ReportRequest, Session};

pub(super) fn run(
    args: &CheckArgs,
    session: &mut Session,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let today = super::today(args.today.as_deref())?;
    if args.no_cache || args.fix {
        session.without_cache();
    }
    let root = session.root()?;
    let req = ReportRequest {
        check: CheckRequest {
            today,
            paths: args.paths.clone(),
            fix: args.fix,
            staged: args.staged,
        },
        format: args.format,
        options: Options {
            path_prefix: path_prefix(&root),
            color,
        },
        deny_warnings: args.deny.contains(&Deny::Warnings),
    };
    let reported = session.report(&req, out).map_err(check_error)?;
    if let Some((edits, files)) = reported.outcome.as_ref().and_then(|o| o.fixed.as_ref()) {
        let _ = writeln!(
            err,
            "Fixed {edits} {} in {} {}.",
            plural(*edits, "issue"),
            files.len(),
            plural(files.len(), "file")
        );
    }
    if let Some(message) = &reported.store_error {
        let _ = writeln!(err, "vaultc: {message}");
    }
    let status = if reported.failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    // The process ends next: freeing a large vault's model piece by piece costs a quarter
    // of a run, and the OS reclaims it at once.
    std::mem::forget(reported);
    Ok(status)
}

fn check_error(e: CheckError) -> RunError {
    match e {
        CheckError::Vault(e) => RunError::Vault(e),
        CheckError::Usage(message) => RunError::Usage(message),
        CheckError::Fix(source) => RunError::Io {
            context: "cannot write a fixed note".into(),
            source,
        },
        CheckError::Write(source) => super::write_err(source),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}
