//! The lint rules: one file each, a registry, and the runner that applies levels and
//! suppressions centrally (rules never look at either).

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::{RuleLevel, Settings};
use crate::diagnostic::{Diagnostic, Level};
use crate::graph::LinkGraph;
use crate::history::History;
use crate::index::{Index, Resolved};
use crate::model::{Note, NoteId, SuppressionScope, Vault};
use crate::source::Span;

/// Declares a rule type with its name, default level and documentation. The doc comment is
/// the user documentation `vaultc rule NAME` prints.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $ty:ident { name: $name:literal, level: $level:ident, fixable: $fix:literal $(,)? }
    ) => {
        $(#[doc = $doc])*
        pub struct $ty;

        impl $ty {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                name: $name,
                default_level: $crate::rules::levels::$level,
                fixable: $fix,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// Default levels by the names rule declarations use.
#[allow(non_upper_case_globals, reason = "read as words in `declare_rule!`")]
pub(crate) mod levels {
    use crate::config::RuleLevel;
    use crate::diagnostic::Level;

    pub const Error: RuleLevel = RuleLevel::On(Level::Error);
    pub const Warn: RuleLevel = RuleLevel::On(Level::Warning);
    pub const Info: RuleLevel = RuleLevel::On(Level::Info);
    pub const Off: RuleLevel = RuleLevel::Off;
}

mod alias_link;
mod ambiguous_link;
mod broken_block_ref;
mod broken_heading;
mod broken_link;
mod case_mismatch;
mod deprecated_property;
mod duplicate_alias;
pub mod edits;
mod empty_link;
mod frontmatter_unquoted_link;
mod future_date;
mod invalid_date;
mod invalid_frontmatter;
mod invalid_tag;
mod invalid_utf8;
mod orphan_note;
mod stale_note;
mod table_column_count;
mod table_unescaped_pipe;
mod unreadable_file;
mod updated_behind_content;
mod updated_not_bumped;

pub use unreadable_file::UnreadableFile;
pub use updated_not_bumped::UpdatedNotBumped;

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub default_level: RuleLevel,
    /// Offers a safe fix applied by `--fix`.
    pub fixable: bool,
    pub doc: &'static str,
}

impl RuleMeta {
    /// The doc comment without the one leading space each `///` line carries.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first sentence under "What it does" (the first prose of the documentation).
    pub fn summary(&self) -> String {
        let doc = self.documentation();
        let prose = doc
            .split("\n\n")
            .map(|p| {
                p.lines()
                    .filter(|l| !l.trim_start().starts_with('#'))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .find(|p| !p.trim().is_empty())
            .unwrap_or_default();
        let words = prose.split_whitespace().collect::<Vec<_>>().join(" ");
        match words.find(". ") {
            Some(end) => words[..=end].to_owned(),
            None => words,
        }
    }
}

/// What a rule may read: the parsed vault, its resolution, inbound link counts, settings,
/// today, and what git says of the notes.
///
/// A rule checking note `id` reads `id`'s own model, resolutions and history, the vault's
/// names (note and attachment paths, aliases), the notes `id`'s links reach (their headings,
/// block ids, names and paths) and [`Inbound`] counts — nothing else of other notes. The
/// incremental check (crate::incremental) relies on exactly this to re-check only the notes
/// an edit (or a commit) can affect; a rule that needs more must extend what it tracks.
pub struct Context<'a> {
    pub vault: &'a Vault,
    pub index: &'a Index,
    /// `resolved[note][link]`, parallel to each note's `links`.
    pub resolved: &'a [Vec<Resolved>],
    /// Who links to whom, as far as the rules need it.
    pub inbound: Inbound<'a>,
    pub settings: &'a Settings,
    pub today: Date,
    /// What git says of the notes checked; `None` outside a repository, or when no rule
    /// that reads it is on.
    pub history: Option<&'a History>,
}

/// How many other notes link to a note: from the link graph in a full run, or from counts an
/// incremental run keeps (see [`crate::incremental`]), which has no graph of the whole vault.
#[derive(Clone, Copy)]
pub enum Inbound<'a> {
    Graph(&'a LinkGraph),
    /// `counts[note]`: the number of other notes that link to it.
    Counts(&'a [u32]),
}

impl Inbound<'_> {
    /// The number of notes other than `id` that link to `id` (or embed it).
    pub fn linking_notes(&self, id: NoteId) -> usize {
        match self {
            Inbound::Graph(g) => g.linking_notes(id),
            Inbound::Counts(c) => c[id] as usize,
        }
    }
}

impl Context<'_> {
    /// A diagnostic of `meta`'s rule at `span` in note `id`, at the rule's default level.
    pub fn diagnostic(
        &self,
        meta: &'static RuleMeta,
        id: NoteId,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule: meta.name,
            level: match meta.default_level {
                RuleLevel::On(level) => level,
                RuleLevel::Off => Level::Info,
            },
            path: self.vault.notes[id].path.clone(),
            note: Some(id),
            span: Some(span),
            message: message.into(),
            help: None,
            fix: None,
        }
    }

    pub fn note(&self, id: NoteId) -> &Note {
        &self.vault.notes[id]
    }
}

/// A lint rule: looks at one note (with the whole vault in reach) and reports findings.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>);
}

/// Every rule, sorted by name.
pub static RULES: &[&dyn Rule] = &[
    &alias_link::AliasLink,
    &ambiguous_link::AmbiguousLink,
    &broken_block_ref::BrokenBlockRef,
    &broken_heading::BrokenHeading,
    &broken_link::BrokenLink,
    &case_mismatch::CaseMismatch,
    &deprecated_property::DeprecatedProperty,
    &duplicate_alias::DuplicateAlias,
    &empty_link::EmptyLink,
    &frontmatter_unquoted_link::FrontmatterUnquotedLink,
    &future_date::FutureDate,
    &invalid_date::InvalidDate,
    &invalid_frontmatter::InvalidFrontmatter,
    &invalid_tag::InvalidTag,
    &invalid_utf8::InvalidUtf8,
    &orphan_note::OrphanNote,
    &stale_note::StaleNote,
    &table_column_count::TableColumnCount,
    &table_unescaped_pipe::TableUnescapedPipe,
    &unreadable_file::UnreadableFile,
    &updated_behind_content::UpdatedBehindContent,
    &updated_not_bumped::UpdatedNotBumped,
];

/// Is a rule that reads git's history (`updated-not-bumped`) on under these settings? When
/// none is, `check` does not read the repository at all.
pub fn read_history(settings: &Settings) -> bool {
    level_of(&UpdatedNotBumped::META, settings) != RuleLevel::Off
}

pub fn rule_names() -> Vec<&'static str> {
    RULES.iter().map(|r| r.meta().name).collect()
}

pub fn find_rule(name: &str) -> Option<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).find(|m| m.name == name)
}

/// The level a rule runs at under these settings.
pub fn level_of(meta: &RuleMeta, settings: &Settings) -> RuleLevel {
    settings
        .rule_levels
        .get(meta.name)
        .copied()
        .unwrap_or(meta.default_level)
}

/// Runs every enabled rule on the notes `only` selects (all when `None`), applies levels and
/// suppressions, and returns the findings sorted.
pub fn run(cx: &Context<'_>, only: Option<&[bool]>) -> Vec<Diagnostic> {
    let enabled: Vec<(&dyn Rule, Level)> = RULES
        .iter()
        .filter_map(|r| match level_of(r.meta(), cx.settings) {
            RuleLevel::On(level) => Some((*r, level)),
            RuleLevel::Off => None,
        })
        .collect();
    // Each note's findings, sorted on their own; notes are in path order, so one after the
    // other they are in report order, and the whole list is made once, at its final size
    // (a large vault has hundreds of thousands of findings).
    let per_note: Vec<Vec<Diagnostic>> = (0..cx.vault.notes.len())
        .into_par_iter()
        .filter(|&id| only.is_none_or(|o| o[id]))
        .map(|id| {
            let mut found = Vec::new();
            for (rule, level) in &enabled {
                let start = found.len();
                rule.check(cx, id, &mut found);
                for d in &mut found[start..] {
                    d.level = *level;
                }
            }
            let note = cx.note(id);
            found.retain(|d| !suppressed(note, d));
            found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            found.shrink_to_fit();
            found
        })
        .collect();
    let mut out = Vec::with_capacity(per_note.iter().map(Vec::len).sum());
    for found in per_note {
        out.extend(found);
    }
    if let Some((_, level)) = enabled
        .iter()
        .find(|(r, _)| r.meta().name == UnreadableFile::META.name)
    {
        out.extend(unreadable_file::check_vault(cx.vault, *level));
    }
    if !out.is_sorted_by(|a, b| a.sort_key() <= b.sort_key()) {
        out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    out
}

/// Is `d` silenced by a `vaultc-disable` directive of its note?
fn suppressed(note: &Note, d: &Diagnostic) -> bool {
    let line = d.span.map_or(0, |s| s.line);
    note.suppressions.iter().any(|s| {
        let names = s.rules.is_empty() || s.rules.iter().any(|r| r == d.rule || r == "all");
        names
            && match s.scope {
                SuppressionScope::Note => true,
                SuppressionScope::RestOfNote => line >= s.line,
                SuppressionScope::NextLine => line == s.line + 1,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_unique_and_documented() {
        let names = rule_names();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for rule in RULES {
            let meta = rule.meta();
            let doc = meta.documentation();
            assert!(!meta.summary().is_empty(), "{} has no summary", meta.name);
            for heading in ["## Why is this bad?", "## Example"] {
                assert!(doc.contains(heading), "{} lacks {heading}", meta.name);
            }
        }
    }
}
