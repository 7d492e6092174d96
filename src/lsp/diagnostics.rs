//! The findings `vaultc check` reports, published as the editor's diagnostics: the same
//! rules, levels (book.toml's `[lint.rules]` included), spans and messages.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

use lsp_types::{self as lsp, DiagnosticSeverity, NumberOrString};

use super::server::Server;
use super::text::{self, Encoding};
use crate::diagnostic::{Diagnostic, Level};
use crate::model::Note;
use crate::pipeline::Analysis;

/// A finding as the editor shows it; `note` is the note whose text its span points into.
pub(super) fn to_lsp(d: &Diagnostic, note: Option<&Note>, enc: Encoding) -> lsp::Diagnostic {
    let range = match (d.span, note) {
        (Some(span), Some(note)) => text::note_span(note, enc, span),
        _ => lsp::Range::default(),
    };
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    lsp::Diagnostic {
        range,
        severity: Some(match d.level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
            Level::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.to_owned())),
        source: Some("vaultc".into()),
        message,
        ..Default::default()
    }
}

/// The findings of the notes `only` names (every note when `None`), by path, with the
/// notes' vault-wide findings (files that cannot be read).
pub(super) fn findings(
    a: &Analysis,
    today: jiff::civil::Date,
    only: Option<&BTreeSet<String>>,
) -> BTreeMap<String, Vec<Diagnostic>> {
    let pick: Option<Vec<bool>> = only.map(|paths| {
        a.vault
            .notes
            .iter()
            .map(|n| paths.contains(&n.path))
            .collect()
    });
    let mut by_path: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for path in only.into_iter().flatten() {
        by_path.entry(path.clone()).or_default();
    }
    for d in a.check(today, pick.as_deref()) {
        by_path.entry(d.path.clone()).or_default().push(d);
    }
    by_path
}

impl Server {
    /// Checks the notes `only` names (every note when `None`) and publishes the findings
    /// that changed since they were last published.
    pub(super) fn publish(&mut self, only: Option<&BTreeSet<String>>) {
        let enc = self.enc;
        let today = self.today();
        let Some(a) = self.analysis() else {
            return;
        };
        let found = findings(a, today, only);
        let mut out: Vec<(String, Vec<lsp::Diagnostic>)> = Vec::with_capacity(found.len());
        for (path, list) in &found {
            let note = a
                .vault
                .notes
                .binary_search_by(|n| n.path.as_str().cmp(path))
                .ok()
                .map(|id| &a.vault.notes[id]);
            let diags = list.iter().map(|d| to_lsp(d, note, enc)).collect();
            out.push((path.clone(), diags));
        }
        if only.is_none() {
            // Paths published before that have nothing now (a reload after book.toml changed).
            for path in self.published.keys() {
                if !found.contains_key(path) {
                    out.push((path.clone(), Vec::new()));
                }
            }
        }
        for (path, diags) in out {
            self.send_if_changed(&path, diags);
        }
    }

    /// Publishes `diags` for `path` unless the client already has exactly these.
    fn send_if_changed(&mut self, path: &str, diags: Vec<lsp::Diagnostic>) {
        let digest = digest(&diags);
        let before = self.published.get(path).copied();
        if diags.is_empty() && before.is_none() || before == Some(digest) {
            return;
        }
        if diags.is_empty() {
            self.published.remove(path);
        } else {
            self.published.insert(path.to_owned(), digest);
        }
        let Some(uri) = self.vault.as_ref().and_then(|v| v.root.uri(path)) else {
            return;
        };
        let version = self.version(path);
        self.notify_client::<lsp::notification::PublishDiagnostics>(
            lsp::PublishDiagnosticsParams {
                uri,
                diagnostics: diags,
                version,
            },
        );
    }
}

fn digest(diags: &[lsp::Diagnostic]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(diags)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}
