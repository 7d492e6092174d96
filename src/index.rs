//! Resolution: which file a link names, by Obsidian's rules (SPEC §1).
//!
//! In order: `./x` and `../x` relative to the linking note; a full vault path (`[[Note]]` is
//! `Note.md` at the root, wherever the link is); a path suffix (`folder/name`) or a bare name
//! anywhere. Names compare case-insensitively after Unicode NFC. Several matches are picked
//! the way Obsidian 1.13.7's `getFirstLinkpathDest` picks (observed, markdown-vault-mcp PR
//! #1380): the one in the linking note's own folder (an ancestor folder counts for nothing),
//! then the shortest path string, then the first by path; only a pick those last two steps
//! make is a tie (`ambiguous-link`). A name that matches no file but, case included, a
//! frontmatter alias resolves to that note as an alias reference (Obsidian would not follow
//! it). Nothing resolves outside the vault.

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
    /// No file has this name, but this note lists it (case included) among its aliases.
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
    /// Neither the exact path nor the linking note's folder decided among several matches:
    /// the shortest path, or the path order, did.
    tie: bool,
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

/// Several matches: how many, and the first few, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidates {
    count: u32,
    ids: Box<[NoteId]>,
}

/// How many of a link's matches a [`Resolved`] keeps: enough to show, and a vault with
/// thousands of `Note.md` files does not store thousands per link.
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
            tie: false,
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

    /// The name matched several notes and only the tie-breaks (shortest path, then path
    /// order) picked this one: neither an exact vault path nor the linking note's folder
    /// decided. This is when `ambiguous-link` fires.
    pub fn is_tie(&self) -> bool {
        self.tie
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
    /// Alias as written (NFC) → notes that claim it: what a link resolves through.
    by_alias: HashMap<String, Vec<NoteId>>,
    /// Folded alias → notes that claim it in any case: for duplicates, hints and lookups.
    by_alias_folded: HashMap<String, Vec<NoteId>>,
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
    /// In pick order (see [`pick_key`]).
    notes: Vec<NoteId>,
    /// The stem as written (NFC), when every one of these notes writes it the same way: a
    /// link's exact case is then one comparison, without normalising the note's name.
    spelling: Option<String>,
}

/// Case-, space- and punctuation-blind names, and single-word prefixes.
#[derive(Debug, Default)]
struct Suggestions {
    loose: HashMap<String, Vec<NoteId>>,
    first_word: HashMap<String, Vec<NoteId>>,
}

/// A "did you mean" for a link that resolves to nothing: a note, and the link text that
/// reaches it from the linking note without a tie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub note: NoteId,
    /// The note's name, or its vault path without `.md` where the name alone would reach
    /// another note or tie.
    pub linktext: String,
    /// The note's alias that the link spells in another case, when that is the match.
    pub alias: Option<String>,
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

/// The key that names an unresolved entity: the link target folded, without `.md`, so that
/// `[[Example]]`, `[[example.md]]` and `[text](Example.md)` are one missing note.
pub fn unresolved_key(target: &str) -> Cow<'_, str> {
    fold(strip_md(target))
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

/// `s` without a final `.md` (any case).
pub fn strip_md(s: &str) -> &str {
    let n = s.len();
    if n > 3 && s.is_char_boundary(n - 3) && s[n - 3..].eq_ignore_ascii_case(".md") {
        &s[..n - 3]
    } else {
        s
    }
}

fn small(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 names")
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
        index.add_notes(vault);
        index.add_shared_stems(vault);
        index.add_attachments(vault);
        index
    }

    /// Names, folders, paths and aliases of every note.
    fn add_notes(&mut self, vault: &Vault) {
        let mut folders: HashMap<&str, u32> = HashMap::default();
        // The folded forms, on every core; the tables are filled in order.
        let keys: Vec<(String, Cow<'_, str>, Cow<'_, str>)> = vault
            .notes
            .par_iter()
            .map(|note| {
                let path = fold(strip_md(&note.path)).into_owned();
                (path, fold(&note.name), nfc(&note.name))
            })
            .collect();
        for ((id, note), (path, stem, spelled)) in vault.notes.iter().enumerate().zip(keys) {
            match self.by_stem.get(stem.as_ref()) {
                Some(&s) => {
                    let entry = &mut self.stems[s as usize];
                    entry.notes.push(id);
                    if entry.spelling.as_deref() != Some(spelled.as_ref()) {
                        entry.spelling = None;
                    }
                }
                None => {
                    self.by_stem
                        .insert(stem.into_owned(), small(self.stems.len()));
                    self.stems.push(Stem {
                        notes: vec![id],
                        spelling: Some(spelled.into_owned()),
                    });
                }
            }
            let next = small(folders.len());
            self.folder_of
                .push(*folders.entry(note.folder()).or_insert(next));
            if path.contains('/') {
                self.by_path.insert(path.clone(), id);
            } else {
                self.by_root_path.insert(path.clone(), id);
            }
            self.folded_paths.push(path);
            for alias in &note.aliases {
                for (map, key) in [
                    (&mut self.by_alias, nfc(&alias.text)),
                    (&mut self.by_alias_folded, fold(&alias.text)),
                ] {
                    let ids = map.entry(key.into_owned()).or_default();
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
        }
    }

    /// Puts each stem's notes in pick order, and numbers the folders of stems several
    /// notes share (only those need the same-folder table, see [`Index::by_bare_name`]).
    fn add_shared_stems(&mut self, vault: &Vault) {
        for (stem_id, stem) in self.stems.iter_mut().enumerate() {
            let notes = &mut stem.notes;
            if notes.len() < 2 {
                continue;
            }
            notes.sort_by_cached_key(|&id| pick_key(&vault.notes[id]));
            for &id in notes.iter() {
                self.by_stem_folder
                    .entry((small(stem_id), self.folder_of[id]))
                    .or_default()
                    .push(id);
            }
        }
    }

    fn add_attachments(&mut self, vault: &Vault) {
        for (i, path) in vault.attachments.iter().enumerate() {
            let folded = fold(path).into_owned();
            let name = folded.rsplit('/').next().unwrap_or(&folded).to_owned();
            self.attachments_by_name.entry(name).or_default().push(i);
            if folded.contains('/') {
                self.attachments_by_path.insert(folded.clone(), i);
            } else {
                self.attachments_by_root_path.insert(folded.clone(), i);
            }
            self.folded_attachments.push(folded);
        }
    }

    /// Notes that list `alias` among their aliases, case included (NFC): those a link
    /// written `[[alias]]` reaches as an alias reference.
    pub fn alias_owners(&self, alias: &str) -> &[NoteId] {
        self.by_alias
            .get(nfc(alias).as_ref())
            .map_or(&[], Vec::as_slice)
    }

    /// Notes that list `alias` among their aliases in any case.
    pub fn alias_owners_any_case(&self, alias: &str) -> &[NoteId] {
        self.by_alias_folded
            .get(fold(alias).as_ref())
            .map_or(&[], Vec::as_slice)
    }

    /// Notes whose file stem is `name` (any case).
    pub fn notes_named(&self, name: &str) -> &[NoteId] {
        self.by_stem
            .get(fold(name).as_ref())
            .map_or(&[], |&i| self.stems[i as usize].notes.as_slice())
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
            self.by_suffix(vault, from, stem_part)
        } else {
            self.by_bare_name(vault, from, stem_part, folded_stem)
        };
        found.unwrap_or_else(|| self.attachment_by_name(vault, from, target))
    }

    /// An attachment by file name, or by the end of its path: the same picks as for notes.
    fn attachment_by_name(&self, vault: &Vault, from: NoteId, target: &str) -> Resolved {
        let has_folder = target.contains('/');
        let name = fold(target.rsplit('/').next().unwrap_or(target));
        let folded_target = fold(target);
        let folder = vault.notes[from].folder();
        let best = self
            .attachments_by_name
            .get(name.as_ref())
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                !has_folder || ends_with_segments(&self.folded_attachments[i], &folded_target)
            })
            .min_by_key(|&i| {
                let path = vault.attachments[i].as_str();
                let in_folder = path.rsplit_once('/').map_or("", |(dir, _)| dir) == folder;
                (!in_folder, path.encode_utf16().count(), path)
            });
        match best {
            Some(i) => {
                let written = nfc(target);
                let actual = nfc(&vault.attachments[i]);
                Resolved::single(Target::Attachment(i), ends_with_segments(&actual, &written))
            }
            None => Resolved::unresolved(),
        }
    }

    /// A bare name (`folded` is its folded form): every lookup is a map hit, so thousands of
    /// notes sharing one name cost no more per link than one (pick order is precomputed, and
    /// the same-folder preference is a map of its own).
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
        let written = nfc(name);
        let exact = |id: NoteId| match &stem.spelling {
            Some(s) => *s == written,
            None => nfc(&vault.notes[id].name) == written,
        };
        if let [only] = all[..] {
            return Some(resolved_among(only, exact(only), all, false));
        }
        let own = self
            .by_stem_folder
            .get(&(stem_id, self.folder_of[from]))
            .map_or(&[][..], Vec::as_slice);
        let (best, tie) = match own {
            [one] => (*one, false),
            [first, ..] => (*first, true),
            [] => (all[0], true),
        };
        Some(resolved_among(best, exact(best), all, tie))
    }

    /// A name with folders (`Sectors/Energy`): notes of that name whose path ends so.
    fn by_suffix(&self, vault: &Vault, from: NoteId, stem_part: &str) -> Option<Resolved> {
        let last = stem_part.rsplit('/').next().unwrap_or(stem_part);
        let suffix = fold(stem_part);
        // In pick order, as `notes_named` gives them.
        let notes: Vec<NoteId> = self
            .notes_named(last)
            .iter()
            .copied()
            .filter(|&id| ends_with_segments(&self.folded_paths[id], &suffix))
            .collect();
        if notes.is_empty() {
            return None;
        }
        let folder = self.folder_of[from];
        let mut own = notes
            .iter()
            .copied()
            .filter(|&id| self.folder_of[id] == folder);
        let (best, tie) = match (own.next(), own.next()) {
            (Some(one), None) => (one, false),
            (Some(first), Some(_)) => (first, true),
            (None, _) => (notes[0], notes.len() > 1),
        };
        // The path as written, case included: the whole path, or its end after a `/`.
        let exact = ends_with_segments(&nfc(strip_md(&vault.notes[best].path)), &nfc(stem_part));
        Some(resolved_among(best, exact, &notes, tie))
    }

    /// "Did you mean", for a link from note `from` whose `target` resolves to nothing: the
    /// note whose alias the target spells in another case; else the one note whose name
    /// differs only in case, spacing or punctuation (where several do, the one in the folder
    /// the link spells); else the one note whose name starts with this single word. Never
    /// the linking note itself, and only where a link text reaches that note from `from`
    /// without a tie; otherwise `None`.
    pub fn suggest(&self, vault: &Vault, from: NoteId, target: &str) -> Option<Suggestion> {
        let s = self.suggestions.get_or_init(|| Suggestions::build(vault));
        let others = |ids: &[NoteId]| -> Vec<NoteId> {
            ids.iter().copied().filter(|&id| id != from).collect()
        };
        if let [owner] = others(self.alias_owners_any_case(target))[..] {
            let key = fold(target);
            let alias = vault.notes[owner]
                .aliases
                .iter()
                .find(|a| fold(&a.text) == key)
                .map(|a| a.text.clone());
            return self
                .linktext_to(vault, from, owner)
                .map(|linktext| Suggestion {
                    note: owner,
                    linktext,
                    alias,
                });
        }
        let (folder, name) = match strip_md(target).rsplit_once('/') {
            Some((folder, name)) => (Some(folder), name),
            None => (None, strip_md(target)),
        };
        let loose = others(s.loose.get(&loose_key(name)).map_or(&[], Vec::as_slice));
        let pick = match (&loose[..], folder) {
            ([one], _) => Some(*one),
            ([], _) => None,
            (many, Some(folder)) => {
                // The folder the link spells, read as loosely as the name.
                let want = loose_key(folder);
                let mut in_folder = many
                    .iter()
                    .copied()
                    .filter(|&id| loose_key(vault.notes[id].folder()).ends_with(&want));
                match (in_folder.next(), in_folder.next()) {
                    (Some(one), None) => Some(one),
                    _ => None,
                }
            }
            (_, None) => None,
        };
        let pick = pick.or_else(|| {
            if name.contains(' ') || !loose.is_empty() {
                return None;
            }
            match others(
                s.first_word
                    .get(fold(name).as_ref())
                    .map_or(&[], Vec::as_slice),
            )[..]
            {
                [one] => Some(one),
                _ => None,
            }
        })?;
        self.linktext_to(vault, from, pick)
            .map(|linktext| Suggestion {
                note: pick,
                linktext,
                alias: None,
            })
    }

    /// The link text that reaches note `to` from note `from` without a tie: its name, or
    /// else its vault path without `.md`.
    pub fn linktext_to(&self, vault: &Vault, from: NoteId, to: NoteId) -> Option<String> {
        let note = &vault.notes[to];
        [note.name.as_str(), strip_md(&note.path)]
            .into_iter()
            .find(|text| {
                let r = self.resolve(vault, from, text);
                r.target() == Target::Note(to) && !r.is_tie()
            })
            .map(str::to_owned)
    }
}

impl Suggestions {
    fn build(vault: &Vault) -> Self {
        let mut s = Suggestions::default();
        for (id, note) in vault.notes.iter().enumerate() {
            s.loose.entry(loose_key(&note.name)).or_default().push(id);
            let folded = fold(&note.name);
            if let Some((first, _)) = folded.split_once(' ') {
                s.first_word.entry(first.to_owned()).or_default().push(id);
            }
        }
        s
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

/// A note reached among `pool` (every note the name matched, in pick order), keeping a few
/// of the others as candidates; `tie` when only the tie-breaks picked it.
fn resolved_among(best: NoteId, exact_case: bool, pool: &[NoteId], tie: bool) -> Resolved {
    let mut r = Resolved::single(Target::Note(best), exact_case);
    r.tie = tie;
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

/// Among notes of one name outside the linking note's folder, which wins: the shortest path
/// string (in UTF-16 code units, as Obsidian measures it), then the first by path.
fn pick_key(n: &Note) -> (usize, &str) {
    (n.path.encode_utf16().count(), n.path.as_str())
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
