//! The one diagnostic type: made by rules, read by every report format.

use serde::{Deserialize, Serialize};

use crate::model::NoteId;
use crate::source::Span;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One replacement of `start..end` (bytes in the note text) by `content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub start: u32,
    pub end: u32,
    pub content: String,
}

/// A safe, mechanical fix: applying it changes no other byte of the note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
}

/// A finding: which rule, where, what is wrong, and what to do.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub level: Level,
    /// Vault-relative path of the file.
    pub path: String,
    /// The note, when the finding is inside one (its text is what `span` points into).
    pub note: Option<NoteId>,
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
    /// Boxed: few findings have one, and a large vault has hundreds of thousands of findings.
    pub fix: Option<Box<Fix>>,
}

impl Diagnostic {
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(Box::new(fix));
        self
    }

    /// The order every output uses: by path, then position, then rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        let (line, col) = self.span.map_or((0, 0), |s| (s.line, s.col));
        (&self.path, line, col, self.rule)
    }
}
