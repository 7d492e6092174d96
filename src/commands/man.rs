//! `vaultc man`: the man page, rendered by clap_mangen from the argument definitions.
//!
//! A subcommand rather than a file made at build time: the page always matches the binary
//! that prints it, `cargo install` (which installs no man pages) users get it too, and the
//! build needs no build script. `vaultc man > vaultc.1` for the main page; `--out DIR` writes
//! one page per command as well (`vaultc-check.1`, …), which `vaultc.1` refers to.

use std::io::Write;

use clap::CommandFactory;

use super::{ExitStatus, RunError, write_err};
use crate::cli::{Cli, ManArgs};

pub(super) fn run(
    args: &ManArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let cmd = Cli::command();
    match &args.out {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .map_err(write_err)?;
            out.write_all(&page).map_err(write_err)?;
        }
        Some(dir) => {
            let pages = count(&cmd);
            std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(cmd, dir))
                .map_err(|source| RunError::Io {
                    context: format!("cannot write man pages into {}", dir.display()),
                    source,
                })?;
            writeln!(
                err,
                "vaultc: wrote {pages} man pages into {}",
                dir.display()
            )
            .map_err(write_err)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// How many pages `clap_mangen::generate_to` writes: the command and every visible
/// subcommand, nested ones too (`help` is left out).
fn count(cmd: &clap::Command) -> usize {
    1 + cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .map(count)
        .sum::<usize>()
}
