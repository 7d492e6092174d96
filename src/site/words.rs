//! Every published note's search words, kept between builds so that a rebuild tokenises only
//! the notes whose text changed (see [`super::search`]).
//!
//! The record (see [`crate::cache`]) lives in the vault's cache folder, never in the site
//! (the site is published, and this would add to its size): for each note, by the BLAKE3 of
//! everything its words come from (title, aliases, headings, tags, body), the words it gives
//! the index, each once, with its score. It is written back under the cache's one rule
//! ([`crate::cache::worth_rewriting`]): a single edit does not rewrite it, and the notes
//! changed since it was written are tokenised again by each build until it is.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cache::{Digest, Key, Kind, envelope, worth_rewriting};

const KIND: Kind = Kind {
    tag: *b"swrd",
    version: 1,
};

/// One note's words, end to end in `words`, with their lengths in bytes and their scores in
/// the same order. (One string per note decodes far faster than a string per word.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    words: String,
    lens: Vec<u32>,
    scores: Vec<u8>,
}

impl Entry {
    /// An entry of `list`.
    pub fn new<'w>(list: impl IntoIterator<Item = (&'w str, u8)>) -> Self {
        let mut e = Entry::default();
        for (word, score) in list {
            e.words.push_str(word);
            e.lens.push(word.len() as u32);
            e.scores.push(score);
        }
        e
    }

    /// Each word with its score (nothing when the entry does not hold together, as a
    /// record from a faulty build might not: it is checked, so that never panics).
    pub fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        let mut at = 0;
        self.lens
            .iter()
            .zip(self.scores.iter().copied())
            .map_while(move |(&len, score)| {
                let word = self.words.get(at..at + len as usize)?;
                at += len as usize;
                Some((word, score))
            })
    }
}

/// The record's body: entries by the digest of what they were made from.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Record {
    entries: BTreeMap<Digest, Entry>,
}

fn key() -> Key {
    Key::new(&[b"site words", &super::search::VERSION.to_le_bytes()])
}

impl Record {
    /// The record at `path`, or an empty one when there is none or it does not check.
    pub fn load(path: Option<&Path>) -> Self {
        path.and_then(|p| envelope::read(p, KIND, &key()))
            .unwrap_or_default()
    }

    pub fn get(&self, digest: &Digest) -> Option<&Entry> {
        self.entries.get(digest)
    }

    /// Writes the entries of this build's notes to `path` when `fresh` of them (made now,
    /// not found in the record) make it worth it. Failing to write loses nothing but time.
    pub fn store(path: Option<&Path>, notes: &[(Digest, Cow<'_, Entry>)], fresh: usize) {
        let Some(path) = path else {
            return;
        };
        // With no entry found (a first build, or a small vault much changed), write it.
        let none_found = fresh > 0 && fresh == notes.len();
        if !(none_found || worth_rewriting(fresh, notes.len())) {
            return;
        }
        let entries: BTreeMap<Digest, &Entry> =
            notes.iter().map(|(d, e)| (*d, e.as_ref())).collect();
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = envelope::write(path, KIND, &key(), &Stored { entries });
    }
}

/// [`Record`] as written: the same layout, borrowing this build's entries.
#[derive(Serialize)]
struct Stored<'a> {
    entries: BTreeMap<Digest, &'a Entry>,
}

/// The digest of everything a note's words come from, each part length-prefixed.
pub fn digest(parts: &[&[&str]]) -> Digest {
    let mut h = blake3::Hasher::new();
    for list in parts {
        h.update(&(list.len() as u64).to_le_bytes());
        for s in *list {
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
    }
    *h.finalize().as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_give_back_their_words_and_a_broken_one_gives_none_without_panicking() {
        let e = Entry::new([("café", 7), ("#a/b", 40), ("x1", 1)]);
        let back: Vec<(&str, u8)> = e.iter().collect();
        assert_eq!(back, [("café", 7), ("#a/b", 40), ("x1", 1)]);
        let broken = Entry {
            words: "ab".to_owned(),
            lens: vec![1, 5],
            scores: vec![1, 2],
        };
        assert_eq!(broken.iter().collect::<Vec<_>>(), [("a", 1)]);
    }

    #[test]
    fn a_record_is_written_after_a_first_build_or_many_changes_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("words.bin");
        let d = digest(&[&["Title"], &["body"]]);
        let notes = [(d, Cow::Owned(Entry::new([("title", 60)])))];
        Record::store(Some(&path), &notes, 1);
        assert_eq!(Record::load(Some(&path)).get(&d), Some(&*notes[0].1));
        std::fs::remove_file(&path).unwrap();
        let many: Vec<(Digest, Cow<'_, Entry>)> = (0..20)
            .map(|i| (digest(&[&[&i.to_string()]]), Cow::Owned(Entry::default())))
            .collect();
        Record::store(Some(&path), &many, 1);
        assert!(
            !path.exists(),
            "one change in twenty is not worth a rewrite"
        );
        assert_ne!(digest(&[&["ab"], &[]]), digest(&[&["a"], &["b"]]));
    }
}
