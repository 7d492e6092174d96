//! `vaultc refs ENTITY` and `vaultc backlinks NOTE`.

use std::io::Write;
use std::path::Path;

use super::{ExitStatus, RunError};
use crate::cli::RefsArgs;

pub(super) fn run_refs(
    _args: &RefsArgs,
    _config: Option<&Path>,
    _out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    Err(RunError::Usage("refs is being built".into()))
}

pub(super) fn run_backlinks(
    _args: &RefsArgs,
    _config: Option<&Path>,
    _out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    Err(RunError::Usage("backlinks is being built".into()))
}
