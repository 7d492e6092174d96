//! updated-not-bumped: a note edited since the last commit whose `updated` stamp was not
//! moved.

use std::ops::Range;

use super::edits::restamp;
use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Fix};
use crate::model::{Note, NoteId};

declare_rule! {
    /// ## What it does
    /// In a git work tree, flags a note whose content differs from the last commit (HEAD)
    /// while its `updated` stamp still gives the date HEAD has. Content is the note without
    /// its bookkeeping — the lines that hold an `updated` stamp (`*Updated 2026-01-14*`,
    /// `*Created 2025-11-02 · Updated 2026-01-14*`, frontmatter `updated:`) and frontmatter
    /// date keys (`created`, `modified`, obsidian-linter's `date created` and `date
    /// modified`) — compared without whitespace, so reflowing a paragraph or moving the stamp
    /// line is no edit, and a stamp moved without an edit is a review, which counts. A stamp
    /// that already says today (or this month) is quiet.
    ///
    /// The note is compared as it is on disk; with `check --staged`, as it is staged (the
    /// index against HEAD, what a pre-commit hook is about to commit). Outside a repository,
    /// and for notes HEAD does not hold under that path (new, untracked, or renamed and not
    /// yet committed), the rule says nothing.
    ///
    /// ## Why is this bad?
    /// A stamp that lies is worse than none: a note edited last week that still says January
    /// reads as stale to everyone who trusts it, and `stale-note` sends reviewers to it
    /// while the notes nobody touched for a year wait.
    ///
    /// ## Example
    /// ```markdown
    /// Guidance raised to 12% after the call.     <!-- a line added since the last commit -->
    ///
    /// *Updated 2026-01-14*                       <!-- the date HEAD has -->
    /// ```
    ///
    /// Use instead: `*Updated 2026-11-24*` (today). `--fix` writes today's date (or
    /// `--today`) in the stamp's own form: `*Updated Jan. 14th, 2026*` becomes
    /// `*Updated Nov. 24th, 2026*`, `updated: "2026-01-14"` keeps its quotes. Under
    /// `--staged` the fix edits the file, not the index: stage it to commit it.
    pub struct UpdatedNotBumped { name: "updated-not-bumped", level: Warn, fixable: true }
}

/// Frontmatter keys that keep a note's dates, written by vaultc's readers or by editor
/// plugins (obsidian-linter's YAML timestamp rule): bookkeeping, not content.
const DATE_KEYS: &[&str] = &[
    "updated",
    "modified",
    "last_updated",
    "last-updated",
    "last updated",
    "last modified",
    "created",
    "date created",
    "date modified",
    "date updated",
];

impl Rule for UpdatedNotBumped {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, id: NoteId, out: &mut Vec<Diagnostic>) {
        let note = cx.note(id);
        let Some(edited) = cx.history.and_then(|h| h.edited(&note.path)) else {
            return;
        };
        let judged = edited.staged.as_ref().unwrap_or(note);
        let Some(date) = judged.updated_date().and_then(|u| u.date) else {
            return;
        };
        let before = edited.head.updated_date().and_then(|u| u.date);
        // Already today (or this month, or later: future-date's business), moved since
        // HEAD, or no edit besides bookkeeping.
        if date >= cx.today || before != Some(date) || content(&edited.head) == content(judged) {
            return;
        }
        let staged = edited.staged.is_some();
        let message = if staged {
            format!("the staged note is edited, but its `updated` stamp still says {date}")
        } else {
            format!("note edited since the last commit, but its `updated` stamp still says {date}")
        };
        // The stamp in the file: where the finding points and what the fix edits.
        let here = note.updated_date().filter(|u| u.date.is_some());
        let span = here.map_or_else(|| note.span(0, first_line_end(&note.text)), |u| u.span);
        let found = cx.diagnostic(&Self::META, id, span, message);
        let bumped = here.is_some_and(|u| u.date.is_some_and(|d| d >= cx.today));
        let found = if bumped {
            found.with_help(format!(
                "the file's stamp says {}: stage it (`git add`)",
                cx.today
            ))
        } else if let Some(fix) = fix(note, cx.today) {
            found
                .with_help(format!("set the stamp to {}", cx.today))
                .with_fix(fix)
        } else {
            found.with_help(format!("set the `updated` stamp to {}", cx.today))
        };
        out.push(found);
    }
}

/// Every stamp of `note` that gives the date that counts, set to `today` in its own form.
fn fix(note: &Note, today: jiff::civil::Date) -> Option<Fix> {
    let date = note.updated_date()?.date?;
    let edits: Vec<_> = note
        .updated
        .iter()
        .filter(|u| u.date == Some(date))
        .filter_map(|u| restamp(note, u, today))
        .collect();
    (!edits.is_empty()).then(|| Fix {
        message: format!("set the `updated` stamp to {today}"),
        edits,
    })
}

fn first_line_end(text: &str) -> usize {
    text.find(['\n', '\r']).unwrap_or(text.len())
}

/// The note as the rule compares it: its text without the lines that hold an `updated`
/// stamp, without the frontmatter lines of date keys, and without whitespace.
pub(crate) fn content(note: &Note) -> String {
    let text = note.text.as_str();
    let mut skip: Vec<Range<usize>> = note
        .updated
        .iter()
        .map(|u| line_around(text, u.span.start as usize))
        .collect();
    if let Some(fm) = &note.frontmatter {
        let range = fm.span.range();
        let mut at = range.start;
        for line in text.get(range).unwrap_or("").split_inclusive('\n') {
            let key = line.split_once(':').map(|(k, _)| k);
            let key = key.map(|k| k.trim_end().trim_matches(['"', '\'']));
            if key.is_some_and(|k| !line.starts_with([' ', '\t']) && is_date_key(k)) {
                skip.push(at..at + line.len());
            }
            at += line.len();
        }
    }
    skip.sort_unstable_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for r in skip {
        if r.start > pos {
            out.extend(text[pos..r.start].chars().filter(|c| !c.is_whitespace()));
        }
        pos = pos.max(r.end);
    }
    out.extend(
        text[pos.min(text.len())..]
            .chars()
            .filter(|c| !c.is_whitespace()),
    );
    out
}

fn is_date_key(key: &str) -> bool {
    DATE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// The whole line of `text` holding offset `at`, its line break included.
fn line_around(text: &str, at: usize) -> Range<usize> {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    start..end
}

#[cfg(test)]
mod tests {
    use super::content;
    use crate::parse::parse_note;

    fn of(text: &str) -> String {
        content(&parse_note("n.md".into(), text.as_bytes().to_vec()))
    }

    #[test]
    fn content_leaves_out_stamps_date_keys_and_whitespace() {
        let base = of(
            "---\nupdated: 2026-01-14\ntags: [a]\n---\n# T\n\nBody text.\n\n*Updated 2026-01-14*\n",
        );
        // Another stamp date, a reflowed paragraph, a moved stamp line, linter keys.
        for same in [
            "---\nupdated: 2026-11-24\ntags: [a]\n---\n# T\n\nBody text.\n\n*Updated 2026-11-24*\n",
            "---\nupdated: 2026-01-14\ntags: [a]\n---\n# T\n\nBody\ntext.\n\n\n*Updated 2026-01-14*\n",
            "---\nupdated: 2026-01-14\ntags: [a]\n---\n*Updated 2026-01-14*\n\n# T\n\nBody text.\n",
            "---\nupdated: 2026-01-14\ndate modified: 2026-11-24T10:00\ntags: [a]\n---\n# T\n\nBody text.\n\n*Updated 2026-01-14*\n",
        ] {
            assert_eq!(of(same), base, "{same:?}");
        }
        for other in [
            "---\nupdated: 2026-01-14\ntags: [a, b]\n---\n# T\n\nBody text.\n\n*Updated 2026-01-14*\n",
            "---\nupdated: 2026-01-14\ntags: [a]\n---\n# T\n\nBody text!\n\n*Updated 2026-01-14*\n",
        ] {
            assert_ne!(of(other), base, "{other:?}");
        }
    }
}
