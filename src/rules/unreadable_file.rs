//! unreadable-file: a file or folder of the vault that could not be read.

use super::{Context, Rule, RuleMeta};
use crate::config::RuleLevel;
use crate::diagnostic::{Diagnostic, Level};
use crate::model::{NoteId, Vault};

declare_rule! {
    /// ## What it does
    /// Reports a file or folder inside the vault that vaultc could not read: missing
    /// permissions, a symbolic link loop, a file removed during the run. The other notes are
    /// still checked.
    ///
    /// ## Why is this bad?
    /// Links to the unreadable note may be reported as broken, and its own links go
    /// unchecked.
    ///
    /// ## Example
    /// `chmod 000 vault/Actors/NVIDIA.md`, or `vault/loop -> vault`.
    ///
    /// Use instead: fix the permissions, or exclude the path with `[lint] exclude`.
    pub struct UnreadableFile { name: "unreadable-file", level: Error, fixable: false }
}

impl Rule for UnreadableFile {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// Load errors belong to no parsed note; the runner reports them through `check_vault`.
    fn check(&self, _cx: &Context<'_>, _id: NoteId, _out: &mut Vec<Diagnostic>) {}
}

/// One diagnostic per load error.
pub(super) fn check_vault(vault: &Vault, level: Level) -> Vec<Diagnostic> {
    debug_assert!(matches!(
        UnreadableFile::META.default_level,
        RuleLevel::On(_)
    ));
    vault
        .load_errors
        .iter()
        .map(|e| Diagnostic {
            rule: UnreadableFile::META.name,
            level,
            path: e.path.clone(),
            note: None,
            span: None,
            message: e.message.clone(),
            help: None,
            fix: None,
        })
        .collect()
}
