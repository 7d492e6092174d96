//! `vaultc lsp`: the language server on stdio (see [`crate::lsp`]).

use super::{ExitStatus, RunError, Vault};
use crate::cli::LspArgs;

pub(super) fn run(args: &LspArgs, vault: &Vault) -> Result<ExitStatus, RunError> {
    // The vault as the command line names it, else the folder the client opens.
    let named = vault.config.is_some() || vault.flag.is_some() || args.vault.vault.is_some();
    let options = crate::lsp::Options {
        today: args
            .today
            .as_deref()
            .map(|d| super::today(Some(d)))
            .transpose()?,
        target: if named {
            Some(vault.target(&args.vault)?)
        } else {
            None
        },
        ..Default::default()
    };
    crate::lsp::run(options).map_err(|e| RunError::Io {
        context: "vaultc lsp".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(ExitStatus::Success)
}
