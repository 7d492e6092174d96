//! `vaultc graph`, `vaultc stats`, `vaultc path A B`: the entity graph and questions about it.

use std::io::Write;
use std::path::Path;

use super::{ExitStatus, RunError};
use crate::cli::{GraphArgs, PathArgs, StatsArgs};

pub(super) fn run_graph(
    _args: &GraphArgs,
    _config: Option<&Path>,
    _out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    Err(RunError::Usage("graph is being built".into()))
}

pub(super) fn run_stats(
    _args: &StatsArgs,
    _config: Option<&Path>,
    _out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    Err(RunError::Usage("stats is being built".into()))
}

pub(super) fn run_path(
    _args: &PathArgs,
    _config: Option<&Path>,
    _out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    Err(RunError::Usage("path is being built".into()))
}
