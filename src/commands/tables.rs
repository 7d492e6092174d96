//! `vaultc tables [NOTE] --format json|csv`: tables as data, with typed cells.

use std::io::Write;
use std::path::Path;

use super::{ExitStatus, RunError};
use crate::cli::TablesArgs;

pub(super) fn run(
    _args: &TablesArgs,
    _config: Option<&Path>,
    _out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    Err(RunError::Usage("tables is being built".into()))
}
