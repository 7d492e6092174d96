//! Resolution: which file a link names, by Obsidian's rules (SPEC §1).
//!
//! In order: `./x` and `../x` relative to the linking note; a full vault path; a path suffix
//! (`folder/name`); a bare name anywhere. Names compare case-insensitively after Unicode NFC.
//! Several matches: an exact-case match, then the linking note's folder, then the shortest
//! path, then path order, and the link is marked ambiguous. A name that matches only a
//! frontmatter alias resolves to that note as an alias reference (Obsidian would not follow it).
//! Nothing resolves outside the vault.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use crate::model::{Note, NoteId, Vault};

/// What a link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Note(NoteId),
    /// Index into `Vault::attachments`.
    Attachment(usize),
    /// No file has this name, but this note lists it among its aliases.
    Alias(NoteId),
    Unresolved,
}

/// The resolution of one link (16 bytes: one is kept per link for the whole run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// [`Target`]'s variant (see [`Resolved::target`]) and its index, in 32 bits.
    kind: TargetKind,
    id: u32,
    /// The name as written matches the file's name exactly, case included.
    pub exact_case: bool,
    /// The name matched exactly one note by name (`candidate_count` 1).
    one_match: bool,
    /// The notes the name matched, when it matched more than one.
    ambiguous: Option<Box<Candidates>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TargetKind {
    Note,
    Attachment,
    Alias,
    Unresolved,
}

/// An ambiguous link's matches: how many, and the first few, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidates {
    count: u32,
    ids: Box<[NoteId]>,
}

/// How many of an ambiguous link's matches a [`Resolved`] keeps: enough to show, and a vault
/// with thousands of `Note.md` files does not store thousands per link.
pub const MAX_CANDIDATES: usize = 8;

impl Resolved {
    fn unresolved() -> Self {
        Self::single(Target::Unresolved, true)
    }

    fn single(target: Target, exact_case: bool) -> Self {
        let small = |i: usize| u32::try_from(i).expect("fewer than 2^32 files");
        let (kind, id) = match target {
            Target::Note(id) => (TargetKind::Note, small(id)),
            Target::Attachment(i) => (TargetKind::Attachment, small(i)),
            Target::Alias(id) => (TargetKind::Alias, small(id)),
            Target::Unresolved => (TargetKind::Unresolved, 0),
        };
        Self {
            kind,
            id,
            exact_case,
            one_match: false,
            ambiguous: None,
        }
    }

    /// What the link points at.
    pub fn target(&self) -> Target {
        let id = self.id as usize;
        match self.kind {
            TargetKind::Note => Target::Note(id),
            TargetKind::Attachment => Target::Attachment(id),
            TargetKind::Alias => Target::Alias(id),
            TargetKind::Unresolved => Target::Unresolved,
        }
    }

    /// The note this link reaches (as a link or as an alias reference).
    pub fn note(&self) -> Option<NoteId> {
        match self.target() {
            Target::Note(id) | Target::Alias(id) => Some(id),
            _ => None,
        }
    }

    /// The notes the name matched, best first, when it matched more than one (at most
    /// [`MAX_CANDIDATES`]; [`Resolved::candidate_count`] says how many there were).
    pub fn candidates(&self) -> &[NoteId] {
        self.ambiguous.as_ref().map_or(&[], |c| &c.ids)
    }

    /// How many notes the name matched by name (0 when it was found another way).
    pub fn candidate_count(&self) -> u32 {
        self.ambiguous
            .as_ref()
            .map_or(u32::from(self.one_match), |c| c.count)
    }
}

/// Lookup tables over the vault's names, paths and aliases.
///
/// Resolution runs once per link, so a lookup allocates nothing: stems and folders are
/// numbered when the index is built, and the same-folder table is keyed by those numbers.
#[derive(Debug, Default)]
pub struct Index {
    /// Folded file stem → its entry in `stems`.
    by_stem: HashMap<String, u32>,
    /// The notes of each folded stem.
    stems: Vec<Stem>,
    /// File stem as written (NFC) → notes, in pick order: the exact-case matches. Only for
    /// stems written more than one way (see [`Stem::spelling`]).
    by_exact_stem: HashMap<String, Vec<NoteId>>,
    /// (Stem number, folder number) → notes, in pick order: the same-folder preference
    /// without a scan. Only for stems several notes share.
    by_stem_folder: HashMap<(u32, u32), Vec<NoteId>>,
    /// Each note's folder number.
    folder_of: Vec<u32>,
    /// Folded vault path without `.md` → note, for paths inside a folder.
    by_path: HashMap<String, NoteId>,
    /// The same for notes at the vault's root: a bare name is looked up in this small table.
    by_root_path: HashMap<String, NoteId>,
    /// Folded file name → attachments.
    attachments_by_name: HashMap<String, Vec<usize>>,
    /// Folded alias → notes that claim it.
    by_alias: HashMap<String, Vec<NoteId>>,
    /// Folded path (without `.md`) of each note, for suffix checks.
    folded_paths: Vec<String>,
    folded_attachments: Vec<String>,
    /// Folded path → attachment, for paths inside a folder.
    attachments_by_path: HashMap<String, usize>,
    /// The same for attachments at the vault's root.
    attachments_by_root_path: HashMap<String, usize>,
    /// "Did you mean" keys, built on first use.
    suggestions: OnceLock<Suggestions>,
}

/// The notes sharing one folded stem.
#[derive(Debug, Default)]
struct Stem {
    /// In pick order (see [`pick_order`]).
    notes: Vec<NoteId>,
    /// The stem as written (NFC), when every one of these notes writes it the same way:
    /// then the exact-case matches are all of `notes` or none of them.
    spelling: Option<String>,
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

/// How long a name [`fold_in`] folds without allocating.
const FOLD_BUF: usize = 128;

/// [`fold`], with a short ASCII name lower-cased into `buf` rather than a new `String`: a
/// link's target is folded once per link, and most are written with capitals.
fn fold_in<'a>(s: &'a str, buf: &'a mut [u8; FOLD_BUF]) -> Cow<'a, str> {
    if s.len() > FOLD_BUF || !s.is_ascii() || !s.bytes().any(|b| b.is_ascii_uppercase()) {
        return fold(s);
    }
    let out = &mut buf[..s.len()];
    out.copy_from_slice(s.as_bytes());
    out.make_ascii_lowercase();
    match std::str::from_utf8(out) {
        Ok(folded) => Cow::Borrowed(folded),
        Err(_) => fold(s),
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
        let n = vault.notes.len();
        let mut index = Index {
            by_stem: HashMap::with_capacity_and_hasher(n, Default::default()),
            by_path: HashMap::with_capacity_and_hasher(n, Default::default()),
            folder_of: Vec::with_capacity(n),
            folded_paths: Vec::with_capacity(n),
            ..Index::default()
        };
        let mut folders: HashMap<&str, u32> = HashMap::default();
        // Stems written more than one way; the others keep their one spelling in `Stem`.
        let mut mixed: Vec<bool> = Vec::new();
        // The folded and normalised forms, on every core; the tables are filled in order.
        let keys: Vec<(String, Cow<'_, str>, Cow<'_, str>)> = vault
            .notes
            .par_iter()
            .map(|note| {
                let path = fold(strip_md(&note.path)).into_owned();
                (path, fold(&note.name), nfc(&note.name))
            })
            .collect();
        for ((id, note), (path, stem, spelled)) in vault.notes.iter().enumerate().zip(keys) {
            let next = u32::try_from(index.stems.len()).expect("fewer than 2^32 names");
            match index.by_stem.get(stem.as_ref()) {
                Some(&s) => {
                    let entry = &mut index.stems[s as usize];
                    entry.notes.push(id);
                    if entry.spelling.as_deref() != Some(spelled.as_ref()) {
                        mixed[s as usize] = true;
                    }
                }
                None => {
                    index.by_stem.insert(stem.into_owned(), next);
                    index.stems.push(Stem {
                        notes: vec![id],
                        spelling: Some(spelled.into_owned()),
                    });
                    mixed.push(false);
                }
            }
            let next = u32::try_from(folders.len()).expect("fewer than 2^32 folders");
            index
                .folder_of
                .push(*folders.entry(note.folder()).or_insert(next));
            if path.contains('/') {
                index.by_path.insert(path.clone(), id);
            } else {
                index.by_root_path.insert(path.clone(), id);
            }
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
        for (stem_id, (stem, mixed)) in index.stems.iter_mut().zip(mixed).enumerate() {
            // Only a name several notes share needs the same-folder table (see
            // `by_bare_name`), and only one written several ways the exact-case table.
            if stem.notes.len() > 1 {
                let stem_id = u32::try_from(stem_id).expect("fewer than 2^32 names");
                for &id in &stem.notes {
                    index
                        .by_stem_folder
                        .entry((stem_id, index.folder_of[id]))
                        .or_default()
                        .push(id);
                }
            }
            if mixed {
                stem.spelling = None;
                for &id in &stem.notes {
                    index
                        .by_exact_stem
                        .entry(nfc(&vault.notes[id].name).into_owned())
                        .or_default()
                        .push(id);
                }
            }
            stem.notes.sort_by_key(|&id| pick_order(&vault.notes[id]));
        }
        for ids in index
            .by_stem_folder
            .values_mut()
            .chain(index.by_exact_stem.values_mut())
        {
            ids.sort_by_key(|&id| pick_order(&vault.notes[id]));
        }
        for (i, path) in vault.attachments.iter().enumerate() {
            let folded = fold(path).into_owned();
            let name = folded.rsplit('/').next().unwrap_or(&folded).to_owned();
            index.attachments_by_name.entry(name).or_default().push(i);
            if folded.contains('/') {
                index.attachments_by_path.insert(folded.clone(), i);
            } else {
                index.attachments_by_root_path.insert(folded.clone(), i);
            }
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
        self.stem(&fold(name)).map_or(&[], |s| s.notes.as_slice())
    }

    fn stem(&self, folded: &str) -> Option<&Stem> {
        self.by_stem.get(folded).map(|&i| &self.stems[i as usize])
    }

    /// Resolves a link's target (see [`Link::target`](crate::model::Link::target)), written
    /// in note `from`.
    pub fn resolve(&self, vault: &Vault, from: NoteId, target: &str) -> Resolved {
        if target.is_empty() {
            return Resolved::single(Target::Note(from), true);
        }
        let target = target.trim_start_matches('/');
        if target.starts_with("./") || target.starts_with("../") {
            return match join_relative(vault.notes[from].folder(), target) {
                Some(path) => self.by_full_path(vault, &path),
                None => Resolved::unresolved(),
            };
        }
        if target.split('/').any(|c| c == ".." || c == ".") {
            return Resolved::unresolved();
        }
        // The folded name without `.md`: the full path's key, and a bare name's too.
        let mut buf = [0; FOLD_BUF];
        let folded_stem = fold_in(strip_md(target), &mut buf);
        let exact = self.by_full_path_folded(vault, target, &folded_stem);
        if exact.target() != Target::Unresolved {
            return exact;
        }
        let found = self.by_name(vault, from, target, &folded_stem);
        if found.target() != Target::Unresolved {
            return found;
        }
        match self.alias_owners(target) {
            [] => Resolved::unresolved(),
            owners => Resolved::single(Target::Alias(owners[0]), true),
        }
    }

    /// A full vault path: a note (`.md` optional) or an attachment.
    fn by_full_path(&self, vault: &Vault, path: &str) -> Resolved {
        self.by_full_path_folded(vault, path, &fold(strip_md(path)))
    }

    /// [`Index::by_full_path`], given `fold(strip_md(path))`.
    fn by_full_path_folded(&self, vault: &Vault, path: &str, folded: &str) -> Resolved {
        // Folding neither adds nor removes a `/`: a key without one is at the root.
        let notes = if folded.contains('/') {
            &self.by_path
        } else {
            &self.by_root_path
        };
        if let Some(&id) = notes.get(folded) {
            let exact = nfc(strip_md(&vault.notes[id].path)) == nfc(strip_md(path));
            return Resolved::single(Target::Note(id), exact);
        }
        let refolded;
        let folded = if strip_md(path).len() == path.len() {
            folded
        } else {
            refolded = fold(path);
            refolded.as_ref()
        };
        let attachments = if folded.contains('/') {
            &self.attachments_by_path
        } else {
            &self.attachments_by_root_path
        };
        if let Some(&i) = attachments.get(folded) {
            return Resolved::single(
                Target::Attachment(i),
                nfc(&vault.attachments[i]) == nfc(path),
            );
        }
        Resolved::unresolved()
    }

    /// A bare name or a path suffix, matched against file names; `folded_stem` is
    /// `fold(strip_md(target))`.
    fn by_name(&self, vault: &Vault, from: NoteId, target: &str, folded_stem: &str) -> Resolved {
        let stem_part = strip_md(target);
        let has_folder = target.contains('/');
        let found = if has_folder {
            self.by_suffix(vault, &vault.notes[from], stem_part)
        } else {
            self.by_bare_name(vault, from, stem_part, folded_stem)
        };
        if let Some(found) = found {
            return found;
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
                Resolved::single(Target::Attachment(i), ends_with_segments(&actual, &written))
            }
            None => Resolved::unresolved(),
        }
    }

    /// A bare name (`folded` is its folded form): every lookup is a map hit, so thousands of
    /// notes sharing one name cost no more per link than one (pick order is precomputed; the
    /// same-folder preference and the exact-case preference are maps of their own).
    fn by_bare_name(
        &self,
        vault: &Vault,
        from: NoteId,
        name: &str,
        folded: &str,
    ) -> Option<Resolved> {
        let &stem_id = self.by_stem.get(folded)?;
        let stem = &self.stems[stem_id as usize];
        let all = &stem.notes;
        if let [only] = all[..] {
            // One note of this name: it is the pick whatever its folder, and an exact match
            // exactly when it is written as the note writes it.
            let exact = match &stem.spelling {
                Some(s) => *s == nfc(name),
                None => false,
            };
            return Some(resolved_among(only, exact, all));
        }
        let written = nfc(name);
        let (exact, every_one_exact) = match &stem.spelling {
            Some(s) if *s == written => (&all[..], true),
            Some(_) => (&[][..], false),
            None => (
                self.by_exact_stem
                    .get(written.as_ref())
                    .map_or(&[][..], Vec::as_slice),
                false,
            ),
        };
        let pool = if exact.is_empty() { &all[..] } else { exact };
        let in_pool = |id: &NoteId| {
            exact.is_empty() || every_one_exact || nfc(&vault.notes[*id].name) == written
        };
        let same_folder = self
            .by_stem_folder
            .get(&(stem_id, self.folder_of[from]))
            .and_then(|ids| {
                // In pick order, like every list here.
                ids.iter().copied().find(in_pool)
            });
        let best = same_folder.unwrap_or(pool[0]);
        Some(resolved_among(best, !exact.is_empty(), pool))
    }

    /// A name with folders (`Sectors/Energy`): notes of that name whose path ends so.
    fn by_suffix(&self, vault: &Vault, from: &Note, stem_part: &str) -> Option<Resolved> {
        let last = stem_part.rsplit('/').next().unwrap_or(stem_part);
        let suffix = fold(stem_part);
        let notes: Vec<NoteId> = self
            .notes_named(last)
            .iter()
            .copied()
            .filter(|&id| ends_with_segments(&self.folded_paths[id], &suffix))
            .collect();
        if notes.is_empty() {
            return None;
        }
        let written = nfc(stem_part);
        // The path as written, case included: the whole path, or its end after a `/`.
        let exact: Vec<NoteId> = notes
            .iter()
            .copied()
            .filter(|&id| ends_with_segments(&nfc(strip_md(&vault.notes[id].path)), &written))
            .collect();
        let pool = if exact.is_empty() { &notes } else { &exact };
        let best = pick(vault, from, pool);
        Some(resolved_among(best, !exact.is_empty(), pool))
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

/// A note reached among `pool` (in pick order), keeping a few of the others as candidates.
fn resolved_among(best: NoteId, exact_case: bool, pool: &[NoteId]) -> Resolved {
    let mut r = Resolved::single(Target::Note(best), exact_case);
    if pool.len() > 1 {
        r.ambiguous = Some(Box::new(Candidates {
            count: u32::try_from(pool.len()).unwrap_or(u32::MAX),
            ids: std::iter::once(best)
                .chain(pool.iter().copied().filter(|&id| id != best))
                .take(MAX_CANDIDATES)
                .collect(),
        }));
    } else {
        r.one_match = pool.len() == 1;
    }
    r
}

/// Among notes of one name, which wins when the link's folder has none: the shallowest,
/// then the shortest path, then the first by path.
fn pick_order(n: &Note) -> (usize, usize, &str) {
    (n.path.matches('/').count(), n.path.len(), n.path.as_str())
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
pub fn has_heading<'c>(note: &Note, chain: impl IntoIterator<Item = &'c str>) -> bool {
    let keys: Vec<String> = chain.into_iter().map(crate::parse::heading_key).collect();
    let Some((last, ancestors)) = keys.split_last() else {
        return true;
    };
    note.headings.iter().enumerate().any(|(i, h)| {
        if !h.matches_key(last) {
            return false;
        }
        // Walk up: each earlier chain segment must be a strict ancestor, in order.
        let mut level = h.level;
        let mut want = ancestors.iter().rev().peekable();
        for above in note.headings[..i].iter().rev() {
            if above.level < level {
                level = above.level;
                if want.peek().is_some_and(|k| above.matches_key(k)) {
                    want.next();
                }
            }
        }
        want.peek().is_none()
    })
}

#[cfg(test)]
mod tests;
