//! Resolution: which file a link names, by Obsidian's rules (SPEC §1).
//!
//! In order: `./x` and `../x` relative to the linking note; a full vault path; a path suffix
//! (`folder/name`); a bare name anywhere. Names compare case-insensitively after Unicode NFC.
//! Several matches: an exact-case match, then the linking note's folder, then the shortest
//! path, then path order, and the link is marked ambiguous. A name that matches only a
//! frontmatter alias resolves to that note as an alias reference (Obsidian would not follow it).
//! Nothing resolves outside the vault.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use crate::model::{Link, Note, NoteId, Vault};

/// What a link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Note(NoteId),
    /// Index into `Vault::attachments`.
    Attachment(usize),
    /// No file has this name, but this note lists it among its aliases.
    Alias(NoteId),
    Unresolved,
}

/// The resolution of one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub target: Target,
    /// The name as written matches the file's name exactly, case included.
    pub exact_case: bool,
    /// Every note the name matched, when it matched more than one.
    pub candidates: Vec<NoteId>,
}

impl Resolved {
    fn unresolved() -> Self {
        Self {
            target: Target::Unresolved,
            exact_case: true,
            candidates: Vec::new(),
        }
    }

    /// The note this link reaches (as a link or as an alias reference).
    pub fn note(&self) -> Option<NoteId> {
        match self.target {
            Target::Note(id) | Target::Alias(id) => Some(id),
            _ => None,
        }
    }
}

/// Lookup tables over the vault's names, paths and aliases.
#[derive(Debug, Default)]
pub struct Index {
    /// Folded file stem → notes.
    by_stem: HashMap<String, Vec<NoteId>>,
    /// Folded vault path without `.md` → note.
    by_path: HashMap<String, NoteId>,
    /// Folded file name → attachments.
    attachments_by_name: HashMap<String, Vec<usize>>,
    /// Folded alias → notes that claim it.
    by_alias: HashMap<String, Vec<NoteId>>,
    /// Folded path (without `.md`) of each note, for suffix checks.
    folded_paths: Vec<String>,
    folded_attachments: Vec<String>,
    attachments_by_path: HashMap<String, usize>,
    /// "Did you mean" keys, built on first use.
    suggestions: OnceLock<Suggestions>,
}

/// Case-, space- and punctuation-blind names, and single-word prefixes.
#[derive(Debug, Default)]
struct Suggestions {
    loose: HashMap<String, NoteId>,
    first_word: HashMap<String, Vec<NoteId>>,
}

/// Case-folded NFC; ASCII takes the fast path.
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        Cow::Owned(s.nfc().collect::<String>().to_lowercase())
    }
}

fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

fn strip_md(s: &str) -> &str {
    let n = s.len();
    if n > 3 && s.is_char_boundary(n - 3) && s[n - 3..].eq_ignore_ascii_case(".md") {
        &s[..n - 3]
    } else {
        s
    }
}

impl Index {
    pub fn build(vault: &Vault) -> Self {
        let mut index = Index::default();
        for (id, note) in vault.notes.iter().enumerate() {
            let path = fold(strip_md(&note.path)).into_owned();
            index
                .by_stem
                .entry(fold(&note.name).into_owned())
                .or_default()
                .push(id);
            index.by_path.insert(path.clone(), id);
            index.folded_paths.push(path);
            for alias in &note.aliases {
                let ids = index
                    .by_alias
                    .entry(fold(&alias.text).into_owned())
                    .or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        for (i, path) in vault.attachments.iter().enumerate() {
            let folded = fold(path).into_owned();
            let name = folded.rsplit('/').next().unwrap_or(&folded).to_owned();
            index.attachments_by_name.entry(name).or_default().push(i);
            index.attachments_by_path.insert(folded.clone(), i);
            index.folded_attachments.push(folded);
        }
        index
    }

    /// Notes that list `alias` (any case) among their aliases.
    pub fn alias_owners(&self, alias: &str) -> &[NoteId] {
        self.by_alias
            .get(fold(alias).as_ref())
            .map_or(&[], Vec::as_slice)
    }

    /// Notes whose file stem is `name` (any case).
    pub fn notes_named(&self, name: &str) -> &[NoteId] {
        self.by_stem
            .get(fold(name).as_ref())
            .map_or(&[], Vec::as_slice)
    }

    /// Resolves `link`, written in note `from`.
    pub fn resolve(&self, vault: &Vault, from: NoteId, link: &Link) -> Resolved {
        if link.target.is_empty() {
            return Resolved {
                target: Target::Note(from),
                exact_case: true,
                candidates: Vec::new(),
            };
        }
        let note = &vault.notes[from];
        let target = link.target.trim_start_matches('/');
        if target.starts_with("./") || target.starts_with("../") {
            return match join_relative(note.folder(), target) {
                Some(path) => self.by_full_path(vault, &path),
                None => Resolved::unresolved(),
            };
        }
        if target.split('/').any(|c| c == ".." || c == ".") {
            return Resolved::unresolved();
        }
        let exact = self.by_full_path(vault, target);
        if exact.target != Target::Unresolved {
            return exact;
        }
        let found = self.by_name(vault, note, target);
        if found.target != Target::Unresolved {
            return found;
        }
        match self.alias_owners(target) {
            [] => Resolved::unresolved(),
            owners => Resolved {
                target: Target::Alias(owners[0]),
                exact_case: true,
                candidates: Vec::new(),
            },
        }
    }

    /// A full vault path: a note (`.md` optional) or an attachment.
    fn by_full_path(&self, vault: &Vault, path: &str) -> Resolved {
        let folded = fold(strip_md(path));
        if let Some(&id) = self.by_path.get(folded.as_ref()) {
            let exact = nfc(strip_md(&vault.notes[id].path)) == nfc(strip_md(path));
            return Resolved {
                target: Target::Note(id),
                exact_case: exact,
                candidates: Vec::new(),
            };
        }
        let folded = fold(path);
        if let Some(&i) = self.attachments_by_path.get(folded.as_ref()) {
            return Resolved {
                target: Target::Attachment(i),
                exact_case: nfc(&vault.attachments[i]) == nfc(path),
                candidates: Vec::new(),
            };
        }
        Resolved::unresolved()
    }

    /// A bare name or a path suffix, matched against file names.
    fn by_name(&self, vault: &Vault, from: &Note, target: &str) -> Resolved {
        let stem_part = strip_md(target);
        let last = stem_part.rsplit('/').next().unwrap_or(stem_part);
        let suffix = fold(stem_part);
        let has_folder = target.contains('/');
        let matches_suffix = |p: &str| {
            !has_folder
                || p.ends_with(suffix.as_ref()) && p[..p.len() - suffix.len()].ends_with('/')
        };
        let notes: Vec<NoteId> = self
            .notes_named(last)
            .iter()
            .copied()
            .filter(|&id| matches_suffix(&self.folded_paths[id]))
            .collect();
        if !notes.is_empty() {
            let written = nfc(stem_part);
            // The path as written, case included: the whole path, or its end after a `/`.
            let exact_of = |id: NoteId| {
                let path = nfc(strip_md(&vault.notes[id].path));
                ends_with_segments(&path, &written)
            };
            let exact: Vec<NoteId> = notes.iter().copied().filter(|&id| exact_of(id)).collect();
            let pool = if exact.is_empty() { &notes } else { &exact };
            let best = if pool.len() == 1 {
                pool[0]
            } else {
                pick(vault, from, pool)
            };
            let candidates = if pool.len() > 1 {
                pool.clone()
            } else {
                Vec::new()
            };
            return Resolved {
                target: Target::Note(best),
                exact_case: !exact.is_empty(),
                candidates,
            };
        }
        let name = fold(target.rsplit('/').next().unwrap_or(target));
        let folded_target = fold(target);
        let atts: Vec<usize> = self
            .attachments_by_name
            .get(name.as_ref())
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&i| {
                        !has_folder
                            || ends_with_segments(&self.folded_attachments[i], &folded_target)
                    })
                    .collect()
            })
            .unwrap_or_default();
        match atts.first() {
            Some(&i) => {
                let written = nfc(target);
                let actual = nfc(&vault.attachments[i]);
                Resolved {
                    target: Target::Attachment(i),
                    exact_case: ends_with_segments(&actual, &written),
                    candidates: Vec::new(),
                }
            }
            None => Resolved::unresolved(),
        }
    }

    /// "Did you mean": a note whose name differs only in case, spacing or punctuation, or
    /// the one note whose name starts with this single word.
    pub fn suggest(&self, vault: &Vault, target: &str) -> Option<NoteId> {
        let s = self.suggestions.get_or_init(|| {
            let mut s = Suggestions::default();
            for (id, note) in vault.notes.iter().enumerate() {
                s.loose.entry(loose_key(&note.name)).or_insert(id);
                let folded = fold(&note.name);
                if let Some((first, _)) = folded.split_once(' ') {
                    s.first_word.entry(first.to_owned()).or_default().push(id);
                }
            }
            s
        });
        let name = strip_md(target.rsplit('/').next().unwrap_or(target));
        if let Some(&id) = s.loose.get(&loose_key(name)) {
            return Some(id);
        }
        if name.contains(' ') {
            return None;
        }
        match s.first_word.get(fold(name).as_ref()).map(Vec::as_slice) {
            Some([id]) => Some(*id),
            _ => None,
        }
    }
}

fn loose_key(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// `path` is `tail`, or ends with `/` + `tail` (whole path segments only).
fn ends_with_segments(path: &str, tail: &str) -> bool {
    path == tail
        || (path.len() > tail.len()
            && path.ends_with(tail)
            && path.as_bytes()[path.len() - tail.len() - 1] == b'/')
}

/// The deterministic pick among several matches.
fn pick(vault: &Vault, from: &Note, pool: &[NoteId]) -> NoteId {
    let folder = from.folder();
    pool.iter()
        .copied()
        .min_by_key(|&id| {
            let n = &vault.notes[id];
            (
                n.folder() != folder,
                n.path.matches('/').count(),
                n.path.len(),
                n.path.as_str(),
            )
        })
        .unwrap_or(pool[0])
}

/// `folder` + `./x` or `../x`, normalised; `None` when it climbs out of the vault.
fn join_relative(folder: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Does `note` have the heading chain `chain` (last = target, earlier = its ancestors)?
pub fn has_heading(note: &Note, chain: &[String]) -> bool {
    let keys: Vec<String> = chain.iter().map(|h| crate::parse::heading_key(h)).collect();
    let Some((last, ancestors)) = keys.split_last() else {
        return true;
    };
    note.headings.iter().enumerate().any(|(i, h)| {
        if &h.key != last {
            return false;
        }
        // Walk up: each earlier chain segment must be a strict ancestor, in order.
        let mut level = h.level;
        let mut want = ancestors.iter().rev().peekable();
        for above in note.headings[..i].iter().rev() {
            if above.level < level {
                level = above.level;
                if want.peek().is_some_and(|k| **k == above.key) {
                    want.next();
                }
            }
        }
        want.peek().is_none()
    })
}

#[cfg(test)]
mod tests;
