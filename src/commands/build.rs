//! `vaultc build` and `vaultc serve`: the static site.

use std::io::Write;
use std::path::Path;

use super::{ExitStatus, RunError};
use crate::cli::{BuildArgs, ServeArgs};

pub(super) fn run_build(
    _args: &BuildArgs,
    _config: Option<&Path>,
    _out: &mut dyn Write,
    _err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    Err(RunError::Usage("build is being built".into()))
}

pub(super) fn run_serve(
    _args: &ServeArgs,
    _config: Option<&Path>,
    _out: &mut dyn Write,
    _err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    Err(RunError::Usage("serve is being built".into()))
}
