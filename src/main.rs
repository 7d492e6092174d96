//! The `vaultc` binary: parse arguments, run the command, map the outcome to an exit code
//! (0 clean, 1 findings at error level, 2 the run itself failed).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use vaultc::cli::Cli;
use vaultc::commands::{self, ExitStatus};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Not `stdout().lock()`: `vaultc lsp` writes to stdout from its own writer thread, which
    // would wait on this lock forever. The buffer takes the lock only when it writes out.
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut err = std::io::stderr();
    let result = commands::run(cli, &mut out, &mut err);
    let flushed = out.flush();
    match result {
        Ok(ExitStatus::Success) => ExitCode::SUCCESS,
        Ok(ExitStatus::Failure) => ExitCode::from(1),
        // A closed pipe (`vaultc check | head`) is not a failure of the run.
        Err(commands::RunError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::from(flushed.map_or(0, |()| 0))
        }
        Err(e) => {
            let report = miette::Report::new(e);
            let _ = writeln!(err, "vaultc: {report:?}");
            ExitCode::from(2)
        }
    }
}
