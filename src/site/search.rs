//! Full-text search: an inverted index made at build time and loaded in small pieces, as
//! scripts, so that a query fetches only what it needs and the site searches from `file://`.
//!
//! Everything lives under `search/`, each file a script that hands its data to
//! `window.vaultcSearch` (`assets/search.js`):
//!
//! - `index.js`: the manifest: how many documents, the first word of every chunk, which
//!   spelling lists exist, and the words in more than half of the notes (a query with other
//!   words skips those, so that it never loads their long postings).
//! - `c/N.js`: chunk N of the index: words in sorted order, each with its postings packed in
//!   a string (see [`pack_postings`]). A query loads the chunk of each of its words (and of
//!   the words its last word begins). Tags are words too (`#tag`, and `#parent` for
//!   `#parent/child`).
//! - `d/N.js`: the title, page, vault path and tags of documents `N * DOCS_PER_BLOCK…`.
//! - `w/KEY.js`: the words of the index that start with one character and have one length,
//!   with their document counts: where a misspelt word finds its spelling.
//! - `tags.js`: every tag with its count, for the tag filter.
//!
//! The snippet under a result is cut from the result's own page, which the site has anyway:
//! `search.js` reads the page's text (fetched over http; from `file://`, where browsers
//! refuse `fetch`, the page is loaded in a hidden frame that hands its text over). A copy of
//! every note's text for snippets would add half the notes' size again to the site.
//!
//! Words are runs of letters and digits, lower-cased and stripped of accents (the browser
//! folds a query the same way). Pagefind does the same job but took 22 s of CPU and 2.6 GB
//! for a 10k-note vault, and fetches its files, which browsers refuse from `file://`.

use std::borrow::Cow;
use std::fmt::Write as _;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::output::SiteFile;
use super::text::without_comments;
use super::words::{self, Entry};
use crate::cache::Digest;
use std::path::Path;

/// Documents per `d/N.js` file.
pub const DOCS_PER_BLOCK: usize = 32;
/// About this many bytes per index chunk (a word with more postings makes a bigger one).
const CHUNK_BYTES: usize = 16_000;
/// Longer runs of letters are not words anyone types.
const MAX_WORD_CHARS: usize = 40;
/// Spelling lists hold words of at least this many characters.
const MIN_SPELLED_CHARS: usize = 4;
/// Bumped when the files' format changes.
pub const VERSION: u32 = 2;

/// What one note contributes to the index.
#[derive(Debug)]
pub struct Doc<'a> {
    pub title: &'a str,
    /// The note's page, relative to the site root.
    pub url: &'a str,
    /// The note's vault path.
    pub path: &'a str,
    pub tags: Vec<&'a str>,
    pub aliases: Vec<&'a str>,
    pub headings: Vec<&'a str>,
    /// The note's Markdown after its frontmatter: its words are indexed as written (link
    /// targets too), `%% comments %%` left out.
    pub body: &'a str,
}

/// Where in a note a word stands.
const IN_TITLE: u8 = 1;
const IN_ALIAS: u8 = 2;
const IN_TAG: u8 = 4;
const IN_HEADING: u8 = 8;

/// A word's weight in one document: where it stands, and how often in the text. A title
/// word weighs more the shorter the title, so that `NVIDIA` ranks the note called NVIDIA
/// above the one called Long NVIDIA.
fn score(fields: u8, count: u32, title_words: usize) -> u8 {
    let mut s = 0.0;
    if fields & IN_TITLE != 0 {
        s += 40.0 + 80.0 / title_words.max(1) as f64;
    }
    for (bit, w) in [(IN_ALIAS, 40.0), (IN_TAG, 25.0), (IN_HEADING, 15.0)] {
        if fields & bit != 0 {
            s += w;
        }
    }
    s += 10.0 * (1.0 + f64::from(count)).ln();
    s.clamp(1.0, 250.0) as u8
}

/// Every file of the search, sorted by nothing in particular (the caller sorts). `cache`, the
/// file of the notes' words from earlier builds (see [`super::words`]), if any.
pub fn files(docs: &[Doc<'_>], cache: Option<&Path>) -> Vec<SiteFile> {
    let mut clock = crate::pipeline::Timings::start();
    let old = words::Record::load(cache);
    clock.lap("search: cached words");
    let entries: Vec<(Digest, Cow<'_, Entry>)> = docs
        .par_iter()
        .map(|d| {
            let digest = d.digest();
            match old.get(&digest) {
                Some(e) => (digest, Cow::Borrowed(e)),
                None => (digest, Cow::Owned(doc_entry(d))),
            }
        })
        .collect();
    let fresh = entries
        .iter()
        .filter(|(_, e)| matches!(e, Cow::Owned(_)))
        .count();
    clock.lap("search: words");
    let mut postings: FxHashMap<&str, Vec<(u32, u8)>> = FxHashMap::default();
    for (id, (_, entry)) in entries.iter().enumerate() {
        for (word, s) in entry.iter() {
            postings.entry(word).or_default().push((id as u32, s));
        }
    }
    clock.lap("search: merge");
    let mut vocab: Vec<(&str, Vec<(u32, u8)>)> = postings.into_iter().collect();
    vocab.par_sort_unstable_by(|a, b| a.0.cmp(b.0));

    let mut out = Vec::new();
    let firsts = chunks(&vocab, &mut out);
    let spelling = spelling_lists(&vocab, &mut out);
    out.extend(doc_blocks(docs));
    out.push(tag_list(&vocab));
    // Words in most notes narrow nothing down and have the longest postings: a query skips
    // them when it has other words (its snippets still mark them).
    let common: Vec<&str> = vocab
        .iter()
        .filter(|(w, list)| !w.starts_with('#') && list.len() * 2 > docs.len() && docs.len() >= 20)
        .map(|(w, _)| *w)
        .collect();
    let manifest = serde_json::json!({
        "version": VERSION,
        "docs": docs.len(),
        "block": DOCS_PER_BLOCK,
        "chunks": firsts,
        "spelling": spelling,
        "common": common,
    });
    out.push(script("search/index.js", "manifest", &manifest.to_string()));
    clock.lap("search: files");
    words::Record::store(cache, &entries, fresh);
    clock.lap("search: store words");
    out
}

impl Doc<'_> {
    /// The digest of everything the document's words come from.
    fn digest(&self) -> Digest {
        words::digest(&[
            &[self.title],
            &self.aliases,
            &self.headings,
            &self.tags,
            &[self.body],
        ])
    }
}

/// A document's words as the cache keeps them.
fn doc_entry(d: &Doc<'_>) -> Entry {
    let list = doc_words(d);
    Entry::new(list.iter().map(|(w, s)| (w.as_ref(), *s)))
}

/// `window.vaultcSearch.KIND(DATA)`, the way every search file hands over its data.
fn script(path: &str, kind: &str, data: &str) -> SiteFile {
    let mut s = String::with_capacity(data.len() + 40);
    let _ = writeln!(s, "vaultcSearch.{kind}({});", escape_markup(data));
    SiteFile::bytes(path, s.into_bytes())
}

/// `<`, `>` and `&` in JSON as `\u` escapes: they only occur inside strings, and escaped they
/// can never close a script element or be read as markup, wherever the data ends up.
pub fn escape_markup(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.contains(['<', '>', '&']) {
        return json.into();
    }
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .into()
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The index in chunks of about [`CHUNK_BYTES`]; returns the first word of each.
fn chunks(vocab: &[(&str, Vec<(u32, u8)>)], out: &mut Vec<SiteFile>) -> Vec<String> {
    let mut firsts = Vec::new();
    let mut body = String::new();
    let mut flush = |body: &mut String, n: usize| {
        if !body.is_empty() {
            let data = format!("[{},{{{}}}]", n, body);
            out.push(script(&format!("search/c/{n}.js"), "chunk", &data));
            body.clear();
        }
    };
    for (word, list) in vocab {
        if body.is_empty() {
            firsts.push((*word).to_owned());
        } else {
            body.push(',');
        }
        body.push_str(&json(word));
        body.push_str(":\"");
        pack_postings(list, &mut body);
        body.push('"');
        if body.len() >= CHUNK_BYTES {
            flush(&mut body, firsts.len() - 1);
        }
    }
    flush(&mut body, firsts.len().saturating_sub(1));
    firsts
}

/// The digits postings are written in: URL-safe base64's (none needs escaping in JSON).
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A word's postings (document, score), in document order, as base-64 digits: for each, the
/// gap from the previous document in groups of five bits, lowest first, each digit with 32
/// added when more follow; then the score divided by four (0–62), one digit. A common word's
/// posting takes two characters (`12,45,` took six).
pub fn pack_postings(list: &[(u32, u8)], out: &mut String) {
    let mut last = 0;
    for &(doc, score) in list {
        let mut gap = doc - last;
        last = doc;
        loop {
            let low = gap & 31;
            gap >>= 5;
            let digit = if gap > 0 { low | 32 } else { low };
            out.push(char::from(DIGITS[digit as usize]));
            if gap == 0 {
                break;
            }
        }
        out.push(char::from(DIGITS[usize::from(score / 4).min(63)]));
    }
}

/// The key of a word's spelling list: its first character and its length in characters.
pub fn spelling_key(word: &str) -> Option<String> {
    let first = word.chars().next()?;
    let len = word.chars().count();
    let first = if first.is_ascii_alphanumeric() {
        first.to_string()
    } else {
        format!("u{:x}", u32::from(first))
    };
    Some(format!("{first}{len}"))
}

/// One file per (first character, length) of the words with at least [`MIN_SPELLED_CHARS`]
/// characters: `["word", documents, …]`. Returns the keys.
fn spelling_lists(vocab: &[(&str, Vec<(u32, u8)>)], out: &mut Vec<SiteFile>) -> Vec<String> {
    let mut lists: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for (word, list) in vocab {
        if word.starts_with('#') || word.chars().count() < MIN_SPELLED_CHARS {
            continue;
        }
        let Some(key) = spelling_key(word) else {
            continue;
        };
        let body = lists.entry(key).or_default();
        if !body.is_empty() {
            body.push(',');
        }
        let _ = write!(body, "{},{}", json(word), list.len());
    }
    for (key, body) in &lists {
        let data = format!("[{},[{}]]", json(key), body);
        out.push(script(&format!("search/w/{key}.js"), "spelling", &data));
    }
    lists.into_keys().collect()
}

/// `d/N.js`: `[N, [[title, page, path, [tags]], …]]`.
fn doc_blocks(docs: &[Doc<'_>]) -> Vec<SiteFile> {
    docs.par_chunks(DOCS_PER_BLOCK)
        .enumerate()
        .map(|(n, block)| {
            let list: Vec<serde_json::Value> = block
                .iter()
                .map(|d| serde_json::json!([d.title, d.url, d.path, d.tags]))
                .collect();
            let data = serde_json::json!([n, list]).to_string();
            script(&format!("search/d/{n}.js"), "docs", &data)
        })
        .collect()
}

/// `tags.js`: `[[tag, notes], …]` by tag.
fn tag_list(vocab: &[(&str, Vec<(u32, u8)>)]) -> SiteFile {
    let tags: Vec<serde_json::Value> = vocab
        .iter()
        .filter_map(|(w, list)| Some(serde_json::json!([w.strip_prefix('#')?, list.len()])))
        .collect();
    script(
        "search/tags.js",
        "tags",
        &serde_json::Value::from(tags).to_string(),
    )
}

/// A document's words as they are gathered: each once, with the fields it is in and how
/// often the body has it. Words already folded (lower-case ASCII, most of them) are borrowed
/// from the note; the others are folded into one buffer and copied only when new.
struct Words<'a> {
    seen: FxHashMap<Cow<'a, str>, (u8, u32)>,
    buf: String,
}

impl<'a> Words<'a> {
    /// `piece` of a text, in `field`; `stable` when the text is the note's own (so that a
    /// folded word can be borrowed rather than copied).
    fn add(&mut self, piece: &str, stable: Option<&'a str>, folded: bool, field: u8) {
        let counted = u32::from(field == 0);
        let key: &str = if folded {
            piece
        } else {
            self.buf.clear();
            fold_into(piece, &mut self.buf);
            &self.buf
        };
        if let Some(e) = self.seen.get_mut(key) {
            e.0 |= field;
            e.1 += counted;
            return;
        }
        let owned = match stable {
            Some(p) if folded => Cow::Borrowed(p),
            _ => Cow::Owned(key.to_owned()),
        };
        self.seen.insert(owned, (field, counted));
    }

    /// Every word of `text`, a text of the note's own.
    fn text(&mut self, text: &'a str, field: u8) -> usize {
        let mut n = 0;
        each_word(text, |piece, folded| {
            n += 1;
            self.add(piece, Some(piece), folded, field);
        });
        n
    }
}

/// A document's words, each once with its score.
fn doc_words<'a>(d: &Doc<'a>) -> Vec<(Cow<'a, str>, u8)> {
    // About one new word in every 16 bytes of a note: sized once, never grown.
    let capacity = d.body.len() / 16 + 16;
    let mut words = Words {
        seen: FxHashMap::with_capacity_and_hasher(capacity, Default::default()),
        buf: String::new(),
    };
    let title_words = words.text(d.title, IN_TITLE);
    for (texts, field) in [
        (&d.aliases, IN_ALIAS),
        (&d.headings, IN_HEADING),
        (&d.tags, IN_TAG),
    ] {
        for t in texts {
            words.text(t, field);
        }
    }
    for t in &d.tags {
        for key in tag_words(t) {
            words.add(&key, None, true, IN_TAG);
        }
    }
    visible_lines(d.body, |line| match line {
        Cow::Borrowed(l) => {
            words.text(l, 0);
        }
        Cow::Owned(l) => each_word(&l, |piece, folded| words.add(piece, None, folded, 0)),
    });
    words
        .seen
        .into_iter()
        .map(|(w, (fields, count))| (w, score(fields, count, title_words)))
        .collect()
}

/// `#a/b` is found as `#a/b` and as `#a`.
fn tag_words(tag: &str) -> Vec<String> {
    let folded = fold_word(tag.trim_start_matches('#'));
    let mut out = Vec::new();
    let mut end = 0;
    for part in folded.split('/') {
        end += part.len();
        out.push(format!("#{}", &folded[..end]));
        end += 1;
    }
    out
}

/// Calls `f` with every word of `text` (a run of letters and digits) as written, and whether
/// it is folded already (see [`fold_word`]). ASCII text, most of it, is scanned byte by byte.
pub fn each_word<'t>(text: &'t str, mut f: impl FnMut(&'t str, bool)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let mut chars = 0;
        let mut folded = true;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                folded &= !b.is_ascii_uppercase();
                i += 1;
            } else {
                match text[i..].chars().next() {
                    Some(c) if c.is_alphanumeric() => i += c.len_utf8(),
                    _ => break,
                }
                folded = false;
            }
            chars += 1;
        }
        if i == start {
            // Not part of a word: one byte, or one character.
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        if (2..=MAX_WORD_CHARS).contains(&chars) {
            f(&text[start..i], folded);
        }
    }
}

/// Lower case, accents removed (NFKD without combining marks), as `search.js` folds.
pub fn fold_word(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

fn fold_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    out.extend(
        s.nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase),
    );
}

/// The lines of a note's body a reader sees, `%% comments %%` cut out (fence lines of code
/// blocks are left out, the code kept).
fn visible_lines<'a>(body: &'a str, mut f: impl FnMut(Cow<'a, str>)) {
    let mut in_code = false;
    let mut in_comment = false;
    for line in body.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code || (!in_comment && !trimmed.as_bytes().contains(&b'%')) {
            f(Cow::Borrowed(trimmed));
        } else {
            f(Cow::Owned(without_comments(trimmed, &mut in_comment)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(title: &'a str, url: &'a str, body: &'a str, tags: Vec<&'a str>) -> Doc<'a> {
        Doc {
            title,
            url,
            path: url,
            tags,
            aliases: vec![],
            headings: vec![],
            body,
        }
    }

    fn file<'a>(files: &'a [SiteFile], path: &str) -> &'a str {
        let f = files.iter().find(|f| f.path == path).unwrap();
        match &f.content {
            crate::site::Content::Bytes(b) => std::str::from_utf8(b).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn words_are_folded_and_found_in_their_chunk_with_tags_as_words() {
        let docs = [
            doc(
                "Sector rotation",
                "a.html",
                "Flows <b>&</b> Café ROTATION",
                vec!["markets/etf"],
            ),
            doc("Other", "b.html", "nothing here but café", vec![]),
        ];
        let files = files(&docs, None);
        let manifest = file(&files, "search/index.js");
        assert!(
            manifest.starts_with("vaultcSearch.manifest({"),
            "{manifest}"
        );
        let all: String = files
            .iter()
            .filter(|f| f.path.starts_with("search/c/"))
            .map(|f| file(&files, &f.path).to_owned())
            .collect();
        // `café` is in both documents: doc 0, then doc 1 as a gap of 1 (B), each with a
        // score of 6 or 7 for one body word (digit B).
        assert!(all.contains("\"cafe\":\"ABBB\""), "{all}");
        assert!(all.contains("\"#markets\":\"A") && all.contains("\"#markets/etf\":\"A"));
        assert!(!all.contains('<') && !all.contains("\"b\""), "{all}");
        let rotation = all.split("\"rotation\":\"A").nth(1).unwrap();
        let s = DIGITS
            .iter()
            .position(|&d| rotation.as_bytes()[0] == d)
            .unwrap()
            * 4;
        assert!(s > 60, "a title word outweighs a body word: {s}");
        assert!(file(&files, "search/w/r8.js").contains("\"rotation\",1"));
        assert!(file(&files, "search/d/0.js").contains("[\"Sector rotation\",\"a.html\""));
        assert!(
            !files.iter().any(|f| f.path.starts_with("search/t/")),
            "snippets come from pages"
        );
    }

    #[test]
    fn postings_pack_gaps_in_five_bit_groups_and_scores_in_one_digit() {
        let mut out = String::new();
        pack_postings(&[(0, 8), (1, 250), (33, 1), (33 + 1024, 40)], &mut out);
        // 0 → A, score 2 → C; 1 → B, 62 → '-'; gap 32 → low 0 with more (g), then 1 (B),
        // score 0 → A; gap 1024 → 0+32 (g), 0+32 (g), 1 (B), score 10 → K.
        assert_eq!(out, "ACB-gBAggBK");
    }

    #[test]
    fn markup_in_titles_is_escaped_and_still_valid_json() {
        let docs = [doc("<script>alert(1)</script> & co", "a.html", "x", vec![])];
        let files = files(&docs, None);
        let block = file(&files, "search/d/0.js");
        assert!(!block.contains('<') && !block.contains('&'), "{block}");
        let json = block
            .strip_prefix("vaultcSearch.docs(")
            .and_then(|b| b.strip_suffix(");\n"))
            .unwrap();
        let back: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(back[1][0][0], "<script>alert(1)</script> & co");
    }

    #[test]
    fn words_in_most_notes_are_listed_as_common() {
        let urls: Vec<String> = (0..20).map(|i| format!("n{i}.html")).collect();
        let docs: Vec<Doc<'_>> = urls
            .iter()
            .enumerate()
            .map(|(i, u)| {
                doc(
                    "Note",
                    u,
                    if i == 0 { "the rare one" } else { "the" },
                    vec![],
                )
            })
            .collect();
        let manifest = file(&files(&docs, None), "search/index.js").to_owned();
        assert!(
            manifest.contains("\"common\":[\"note\",\"the\"]"),
            "{manifest}"
        );
    }
}
