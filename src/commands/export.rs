//! `vaultc export --json FILE|- / --sqlite FILE`: the whole model, for other tools.

use std::io::Write;
use std::path::Path;

use super::{ExitStatus, RunError};
use crate::cli::ExportArgs;

pub(super) fn run(
    _args: &ExportArgs,
    _config: Option<&Path>,
    _out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    Err(RunError::Usage("export is being built".into()))
}
