//! `vaultc completions SHELL`: a completion script for the shell, made by clap_complete from
//! the same argument definitions the binary parses, so it never falls behind a new flag.

use std::io::Write;

use clap::CommandFactory;

use super::{ExitStatus, RunError, write_err};
use crate::cli::{Cli, CompletionsArgs};

pub(super) fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "vaultc", &mut script);
    out.write_all(&script).map_err(write_err)?;
    Ok(ExitStatus::Success)
}
